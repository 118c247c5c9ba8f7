/**
 * `imessenger serve` as the COM server uses it, through the built CLI (`npx tsc -b packages/cli`):
 * started on demand (`--detach`, idempotent), `--status`, `--stop`; and the lifecycle of
 * docs/protocol.md: the daemon killed mid-call gives that call RPC_S_SERVER_UNAVAILABLE at once,
 * objects of the lost connection RPC_E_DISCONNECTED, and the next call on the Messenger object starts
 * a new daemon and works.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BOB, KIT_PASSWORD, KIT_SELF } from '@imessenger/contract-tests';
import { isAlive, readServeFile, RemoteSession, ServeClient, WIRE_HR } from '@imessenger/server';

const BIN = path.resolve(__dirname, '..', 'bin', 'imessenger.js');
const SEED = path.resolve(__dirname, '..', 'seed.json');

let dir: string;
let serveFile: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-serve-cli-'));
  serveFile = path.join(dir, 'serve.json');
});
afterEach(async () => {
  const info = readServeFile(serveFile);
  if (info && isAlive(info.pid)) process.kill(info.pid, 'SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Result { code: number | null; stdout: string; stderr: string }
function cli(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, IMESSENGER_SERVE_FILE: serveFile }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

it('--detach starts one daemon and says so; again it finds it; --status describes it; --stop stops it; --status then says none', async () => {
  const first = await cli(['serve', '--detach', '--seed', SEED]);
  expect(first).toMatchObject({ code: 0, stderr: '' });
  const started = JSON.parse(first.stdout) as { pid: number; port: number; started: boolean };
  expect(started).toMatchObject({ started: true, port: readServeFile(serveFile)?.port });
  expect(isAlive(started.pid)).toBe(true);
  const again = await cli(['serve', '--detach']);
  expect(JSON.parse(again.stdout)).toEqual({ pid: started.pid, port: started.port, started: false });

  const status = await cli(['serve', '--status']);
  expect(status.code).toBe(0);
  expect(status.stdout).toMatch(new RegExp(`^imessenger serve is running: pid ${started.pid}, 127\\.0\\.0\\.1:${started.port}, backend memory, since .+, 1 connection\\(s\\) open`));

  const stop = await cli(['serve', '--stop']);
  expect(stop).toMatchObject({ code: 0, stdout: `imessenger serve stopped (pid ${started.pid}).\n` });
  expect(isAlive(started.pid)).toBe(false);
  expect(fs.existsSync(serveFile)).toBe(false);
  const none = await cli(['serve', '--status']);
  expect(none).toMatchObject({ code: 3, stdout: `imessenger serve is not running (${serveFile}).\n` });
  const log = fs.readFileSync(path.join(dir, 'serve.log'), 'utf8');
  expect(log).toMatch(/listening on 127\.0\.0\.1:\d+ \(backend memory/);
  expect(log).toMatch(/stop asked by connection \d+/);
}, 60_000);

it('three clients starting it at once get one daemon (the start lock)', async () => {
  const results = await Promise.all([1, 2, 3].map(() => cli(['serve', '--detach'])));
  for (const r of results) expect(r).toMatchObject({ code: 0, stderr: '' });
  const said = results.map((r) => JSON.parse(r.stdout) as { pid: number; started: boolean });
  expect(new Set(said.map((x) => x.pid)).size).toBe(1);
  expect(said.filter((x) => x.started)).toHaveLength(1);
}, 60_000);

it('--detach with a backend that cannot start: exit code 1 and the reason; usage errors: exit code 2', async () => {
  // A state file is read by the backend as it starts (a seed is checked before: a usage error).
  const bad = path.join(dir, 'bad-state.json');
  fs.writeFileSync(bad, '{"users": 5}');
  const r = await cli(['serve', '--detach', '--state', bad]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/the daemon did not start \(exit code 1\):\n.*The state file .*bad-state\.json is invalid/);
  expect(fs.existsSync(serveFile)).toBe(false);
  const badSeed = path.join(dir, 'bad-seed.json');
  fs.writeFileSync(badSeed, '{"contacts": 5}');
  expect(await cli(['serve', '--detach', '--seed', badSeed])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--seed: Invalid seed in .*bad-seed\.json/) });
  expect(await cli(['serve', '--status', '--stop'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/give one of --status, --stop/) });
  expect(await cli(['serve', '--stop', '--seed', SEED])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--stop takes no other option/) });
  expect(await cli(['serve', '--backend', 'nope'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/bad --backend value "nope"/) });
}, 60_000);

it('the daemon killed mid-call: that call fails at once with RPC_S_SERVER_UNAVAILABLE, its objects are disconnected, and the next call starts a new daemon', async () => {
  // What the COM server does: start the daemon on demand, then connect.
  const connect = async (): Promise<ServeClient> => {
    const r = await cli(['serve', '--detach', '--test-hooks']);
    if (r.code !== 0) throw new Error(r.stderr);
    return ServeClient.connect({ serveFile });
  };
  const session = await RemoteSession.open(connect);
  const msn = session.messenger;
  await msn.Signin(0, KIT_SELF, KIT_PASSWORD);
  const bob = await msn.GetContact(BOB, '');
  expect(await bob.get_SigninName()).toBe(BOB);
  const first = readServeFile(serveFile)!;

  const slow = session.connection.hook('sleep', [], 30_000);
  await new Promise((r) => setTimeout(r, 100));
  const killedAt = Date.now();
  process.kill(first.pid, 'SIGKILL');
  await expect(slow).rejects.toMatchObject({ hresult: WIRE_HR.RPC_S_SERVER_UNAVAILABLE });
  expect(Date.now() - killedAt).toBeLessThan(2000);
  await expect(bob.get_SigninName()).rejects.toMatchObject({ hresult: WIRE_HR.RPC_E_DISCONNECTED });

  // The next call on the Messenger object: a new daemon (the memory backend starts from its seed again).
  expect(await msn.get_MyStatus()).toBe(1); // MISTATUS_OFFLINE: signed out, a fresh session
  const second = readServeFile(serveFile)!;
  expect(second.pid).not.toBe(first.pid);
  await msn.Signin(0, KIT_SELF, KIT_PASSWORD);
  const again = await msn.GetContact(BOB, '');
  expect(await again.get_SigninName()).toBe(BOB);
  msn.dispose();
}, 60_000);
