/** What the server tests share: a daemon on the kit's seed in a private directory, and raw sockets. */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { kitSeed } from '@imessenger/contract-tests';
import { type Daemon, type DaemonOptions, FrameSplitter, ServeClient, startDaemon } from '../src';

export interface Served {
  readonly daemon: Daemon;
  readonly serveFile: string;
  readonly dir: string;
  readonly logs: string[];
  connect(): Promise<ServeClient>;
  dispose(): Promise<void>;
}

export async function serve(options: Partial<DaemonOptions> = {}): Promise<Served> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-serve-'));
  const serveFile = path.join(dir, 'run', 'serve.json');
  const logs: string[] = [];
  const daemon = await startDaemon({ backend: { kind: 'memory', seed: kitSeed() }, serveFile, testHooks: true, log: (l) => logs.push(l), ...options });
  const clients: ServeClient[] = [];
  return {
    daemon, serveFile, dir, logs,
    async connect() { const c = await ServeClient.connect({ serveFile }); clients.push(c); return c; },
    async dispose() {
      for (const c of clients) c.close();
      await daemon.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A raw connection: every byte the daemon sends, and when it closed. */
export function raw(port: number): { socket: net.Socket; received(): Buffer; frames(): { type: number; payload: Buffer }[]; closed: Promise<void> } {
  const socket = net.connect({ host: '127.0.0.1', port });
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  return {
    socket, closed,
    received: () => Buffer.concat(chunks),
    frames: () => new FrameSplitter().push(Buffer.concat(chunks)),
  };
}

export const until = async (predicate: () => boolean, what: string, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 5));
  }
};
