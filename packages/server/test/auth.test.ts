/**
 * Security of `imessenger serve` (docs/protocol.md, Authentication): loopback only, a user-only
 * secret, mutual challenge–response; a connection without the secret, with a wrong one, or
 * replaying another connection's answer gets nothing after HELLO and is logged without the secret.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { kitSeed } from '@imessenger/contract-tests';
import {
  clientMac, FrameReader, FrameWriter, INVOKE, MSG, NONCE_BYTES, PROTOCOL_VERSION, readSecret, SecretFileError, secretPathOf, ServeClient, startDaemon, WIRE_HR,
} from '../src';
import { raw, type Served, serve, until } from './helpers';

const MY_FRIENDLY_NAME = 1282;
let s: Served;
beforeEach(async () => { s = await serve({ authTimeoutMs: 300 }); });
afterEach(async () => { await s.dispose(); });

/** The HELLO a raw connection received: the server nonce. */
function helloOf(frames: { type: number; payload: Buffer }[]): Buffer {
  expect(frames[0]?.type).toBe(MSG.HELLO);
  const r = new FrameReader(frames[0]!.payload);
  expect(r.u32()).toBe(PROTOCOL_VERSION);
  return Buffer.from(r.bytes(NONCE_BYTES));
}

const authFrame = (mac: Uint8Array, clientNonce: Uint8Array): Buffer =>
  new FrameWriter(MSG.AUTH).u32(PROTOCOL_VERSION).bytes(clientNonce).bytes(mac).u32(process.pid).finish();

/** Nothing in the daemon's log that could give the secret (or a MAC made with it) away. */
function expectNoSecretInLogs(): void {
  const secret = readSecret(secretPathOf(s.serveFile));
  const text = s.logs.join('\n');
  for (const form of [secret.toString('hex'), secret.toString('base64'), secret.toString('latin1')]) expect(text).not.toContain(form);
  expect(text).not.toMatch(/[0-9a-f]{32}/i);
}

it('listens on 127.0.0.1 only: the serve file and the socket say so, and no other interface answers', async () => {
  expect(s.daemon.host).toBe('127.0.0.1');
  expect(JSON.parse(fs.readFileSync(s.serveFile, 'utf8'))).toMatchObject({ host: '127.0.0.1', port: s.daemon.port, pid: process.pid });
  if (process.platform === 'linux') {
    // The kernel's table of listening sockets: local address 0100007F (127.0.0.1) at our port, state 0A (LISTEN).
    const port = s.daemon.port.toString(16).toUpperCase().padStart(4, '0');
    const listening = fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f[3] === '0A' && f[1]?.endsWith(`:${port}`));
    expect(listening.map((f) => f[1])).toEqual([`0100007F:${port}`]);
    expect(fs.readFileSync('/proc/net/tcp6', 'utf8')).not.toMatch(new RegExp(`:${port} [0-9A-F]+:0000 0A`));
  }
  const others = Object.values(os.networkInterfaces()).flat().filter((i) => i && !i.internal && i.family === 'IPv4').map((i) => i!.address);
  for (const address of others) {
    const refused = await new Promise<string>((resolve) => {
      const socket = net.connect({ host: address, port: s.daemon.port });
      socket.on('connect', () => { socket.destroy(); resolve('connected'); });
      socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
  }
});

it('creates the secret user-only (0600, in a 0700 directory), 32 random bytes, and keeps it across restarts', async () => {
  const file = secretPathOf(s.serveFile);
  const secret = fs.readFileSync(file);
  expect(secret.length).toBe(32);
  if (process.platform !== 'win32') {
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(s.serveFile).mode & 0o777).toBe(0o600);
  }
  await s.daemon.close();
  const again = await startDaemon({ backend: { kind: 'memory', seed: kitSeed() }, serveFile: s.serveFile, log: () => undefined });
  expect(fs.readFileSync(file)).toEqual(secret);
  await again.close();
});

it('refuses to start on a secret file that others can read, or of the wrong size, without showing it', async () => {
  await s.daemon.close();
  const file = secretPathOf(s.serveFile);
  const secret = fs.readFileSync(file);
  if (process.platform !== 'win32') {
    fs.chmodSync(file, 0o644);
    const start = startDaemon({ backend: { kind: 'memory', seed: kitSeed() }, serveFile: s.serveFile, log: () => undefined });
    await expect(start).rejects.toThrow(SecretFileError);
    await expect(start).rejects.toThrow(/readable or writable by others \(mode 644\)/);
    fs.chmodSync(file, 0o600);
  }
  fs.appendFileSync(file, 'x');
  await expect(startDaemon({ backend: { kind: 'memory', seed: kitSeed() }, serveFile: s.serveFile, log: () => undefined })).rejects.toThrow(/holds 33 bytes, not 32/);
  expect(secret.length).toBe(32);
});

it('a client with the secret is let in, and the daemon proves itself back', async () => {
  const client = await s.connect();
  expect(client.connectionId).toBeGreaterThan(0);
  expect(await client.call(0, MY_FRIENDLY_NAME, INVOKE.PROPERTYGET)).toBe('');
  expect(s.daemon.connections).toBe(1);
});

it('no answer: nothing after HELLO, closed after the timeout, logged', async () => {
  const c = raw(s.daemon.port);
  await c.closed;
  expect(c.frames().map((f) => f.type)).toEqual([MSG.HELLO]);
  expect(s.logs.some((l) => /refused: timeout/.test(l))).toBe(true);
  expect(s.daemon.connections).toBe(0);
});

it('a call instead of AUTH: nothing after HELLO, closed', async () => {
  const c = raw(s.daemon.port);
  await until(() => c.frames().length === 1, 'HELLO');
  c.socket.write(new FrameWriter(MSG.CALL).u32(1).u32(0).i32(MY_FRIENDLY_NAME).u16(INVOKE.PROPERTYGET).values([]).finish());
  await c.closed;
  expect(c.frames().map((f) => f.type)).toEqual([MSG.HELLO]);
  expect(s.logs.some((l) => /refused: frame 0x10 before AUTH/.test(l))).toBe(true);
});

it('before AUTH, a frame longer than AUTH is refused at its length: nothing after HELLO, nothing buffered', async () => {
  const c = raw(s.daemon.port);
  await until(() => c.frames().length === 1, 'HELLO');
  const header = Buffer.alloc(5);
  header.writeUInt32LE(64 * 1024 * 1024);
  header[4] = MSG.AUTH;
  c.socket.write(header);
  await c.closed;
  expect(c.frames().map((f) => f.type)).toEqual([MSG.HELLO]);
  expect(s.logs.some((l) => /refused: a frame length of 67108864 bytes \(1 to 73\)/.test(l))).toBe(true);
});

it('a wrong secret: ServeClient gets E_ACCESSDENIED; on the wire nothing after HELLO; the log names the peer, not the secret', async () => {
  await expect(ServeClient.connect({ serveFile: s.serveFile, secret: crypto.randomBytes(32) })).rejects.toMatchObject({ hresult: WIRE_HR.E_ACCESSDENIED });
  const c = raw(s.daemon.port);
  await until(() => c.frames().length === 1, 'HELLO');
  const serverNonce = helloOf(c.frames());
  const clientNonce = crypto.randomBytes(32);
  c.socket.write(authFrame(clientMac(crypto.randomBytes(32), serverNonce, clientNonce), clientNonce));
  await c.closed;
  expect(c.frames().map((f) => f.type)).toEqual([MSG.HELLO]);
  expect(s.logs.filter((l) => /refused: bad answer/.test(l))).toHaveLength(2);
  expect(s.logs.find((l) => /refused: bad answer/.test(l))).toMatch(/^connection from 127\.0\.0\.1:\d+ refused: bad answer$/);
  expectNoSecretInLogs();
});

it('a replayed answer (another connection\'s AUTH, which was accepted there) is refused', async () => {
  const secret = readSecret(secretPathOf(s.serveFile));
  const first = raw(s.daemon.port);
  await until(() => first.frames().length === 1, 'HELLO');
  const clientNonce = crypto.randomBytes(32);
  const answer = authFrame(clientMac(secret, helloOf(first.frames()), clientNonce), clientNonce);
  first.socket.write(answer);
  await until(() => first.frames().length === 2, 'WELCOME');
  expect(first.frames()[1]!.type).toBe(MSG.WELCOME);

  const replay = raw(s.daemon.port);
  await until(() => replay.frames().length === 1, 'HELLO');
  replay.socket.write(answer);
  await replay.closed;
  expect(replay.frames().map((f) => f.type)).toEqual([MSG.HELLO]);
  expect(s.logs.some((l) => /refused: bad answer/.test(l))).toBe(true);
  first.socket.destroy();
  expectNoSecretInLogs();
});

it('a process on the port that cannot prove the secret is refused by the client (E_ACCESSDENIED)', async () => {
  const impostor = net.createServer((socket) => {
    socket.write(new FrameWriter(MSG.HELLO).u32(PROTOCOL_VERSION).bytes(crypto.randomBytes(32)).finish());
    socket.once('data', () => socket.write(new FrameWriter(MSG.WELCOME).bytes(crypto.randomBytes(32)).u32(1).finish()));
  });
  await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
  const port = (impostor.address() as net.AddressInfo).port;
  await expect(ServeClient.connect({ serveFile: s.serveFile, port })).rejects.toMatchObject({
    hresult: WIRE_HR.E_ACCESSDENIED, description: expect.stringMatching(/could not prove it holds the secret/),
  });
  await new Promise((resolve) => impostor.close(resolve));
});

it('no daemon: CO_E_SERVER_EXEC_FAILURE', async () => {
  await expect(ServeClient.connect({ serveFile: path.join(s.dir, 'none', 'serve.json') })).rejects.toMatchObject({ hresult: WIRE_HR.CO_E_SERVER_EXEC_FAILURE });
});
