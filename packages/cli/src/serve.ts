/**
 * `imessenger serve`: the daemon of @imessenger/server in the foreground, or `--detach`ed (what the
 * COM server runs when no daemon answers), `--status` and `--stop` (docs/protocol.md).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXIT } from '@imessenger/command-line';
import type { ServeCommand } from './args';
import type { Io } from './main';

type Server = typeof import('@imessenger/server');

/** `--status` when no daemon runs: 3, as an LSB init script's status says "not running". */
export const NOT_RUNNING = 3;
/** How long `--detach` waits for the daemon to listen (a backend's start-up included). */
const DETACH_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function serve(command: ServeCommand, io: Io): Promise<number> {
  const server = require('@imessenger/server') as Server;
  const serveFile = server.serveFilePath(io.env ?? process.env);
  switch (command.mode) {
    case 'foreground': return foreground(server, command, serveFile, io);
    case 'detach': return detach(server, command, serveFile, io);
    case 'status': return status(server, serveFile, io);
    case 'stop': return stop(server, serveFile, io);
  }
}

async function foreground(server: Server, command: ServeCommand, serveFile: string, io: Io): Promise<number> {
  let daemon: import('@imessenger/server').Daemon;
  try {
    daemon = await server.startDaemon({
      backend: command.backend!, serveFile, testHooks: command.testHooks,
      log: (line) => io.stderr(`[imessenger serve] ${new Date().toISOString()} ${line}\n`),
    });
  } catch (e) {
    io.stderr(`imessenger: serve: ${message(e)}\n`);
    return EXIT.FAILED;
  }
  const stop = (): void => { void daemon.close(); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await daemon.stopped;
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
  return EXIT.OK;
}

async function detach(server: Server, command: ServeCommand, serveFile: string, io: Io): Promise<number> {
  const already = await server.runningDaemon(serveFile);
  if (already) {
    io.stdout(`${JSON.stringify({ pid: already.pid, port: already.port, started: false })}\n`);
    return EXIT.OK;
  }
  const logFile = path.join(path.dirname(serveFile), 'serve.log');
  fs.mkdirSync(path.dirname(serveFile), { recursive: true, mode: 0o700 });
  const log = fs.openSync(logFile, 'a', 0o600);
  const logStart = fs.fstatSync(log).size;
  const argv = command.argv.filter((a) => a !== '--detach');
  const child = spawn(process.execPath, [path.join(__dirname, 'bin.js'), 'serve', ...argv], {
    detached: true, stdio: ['ignore', log, log], cwd: io.cwd ?? process.cwd(), env: { ...process.env, ...io.env },
    windowsHide: true,
  });
  fs.closeSync(log);
  let exited: number | null | undefined;
  child.on('exit', (code) => { exited = code; });
  child.unref();
  const deadline = Date.now() + DETACH_TIMEOUT_MS;
  for (;;) {
    const info = await server.runningDaemon(serveFile);
    if (info) {
      io.stdout(`${JSON.stringify({ pid: info.pid, port: info.port, started: info.pid === child.pid })}\n`);
      return EXIT.OK;
    }
    // The child gave up (another daemon took the start lock: wait for that one; else it failed).
    if (exited !== undefined && server.lockHolder(server.lockPathOf(serveFile)) === undefined) break;
    if (Date.now() > deadline) { child.kill(); break; }
    await sleep(50);
  }
  const tail = readFrom(logFile, logStart).trim();
  io.stderr(`imessenger: serve: the daemon did not start${exited !== undefined ? ` (exit code ${exited})` : ` within ${DETACH_TIMEOUT_MS / 1000} s`}${tail ? `:\n${tail}` : ''}\n`);
  return EXIT.FAILED;
}

function readFrom(file: string, offset: number): string {
  try { return fs.readFileSync(file).subarray(offset).toString('utf8'); } catch { return ''; }
}

async function status(server: Server, serveFile: string, io: Io): Promise<number> {
  const info = await server.runningDaemon(serveFile);
  if (!info) {
    io.stdout(`imessenger serve is not running (${serveFile}).\n`);
    return NOT_RUNNING;
  }
  try {
    const client = await server.ServeClient.connect({ serveFile });
    try {
      const s = await client.status();
      io.stdout(`imessenger serve is running: pid ${String(s.pid)}, 127.0.0.1:${String(s.port)}, backend ${String(s.backend)}, since ${String(s.startedAt)}, ${String(s.connections)} connection(s) open (this one included), ${String(s.calls)} call(s) served.\n`);
    } finally {
      client.close();
    }
    return EXIT.OK;
  } catch (e) {
    io.stderr(`imessenger: serve --status: pid ${info.pid} holds ${serveFile} but does not answer: ${message(e)}\n`);
    return EXIT.FAILED;
  }
}

async function stop(server: Server, serveFile: string, io: Io): Promise<number> {
  const info = await server.runningDaemon(serveFile);
  if (!info) {
    io.stdout(`imessenger serve is not running (${serveFile}).\n`);
    return EXIT.OK;
  }
  try {
    const client = await server.ServeClient.connect({ serveFile });
    try { await client.stop(); } finally { client.close(); }
  } catch (e) {
    io.stderr(`imessenger: serve --stop: ${message(e)}\n`);
    return EXIT.FAILED;
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (server.isAlive(info.pid)) {
    if (Date.now() > deadline) {
      io.stderr(`imessenger: serve --stop: pid ${info.pid} was asked to stop and is still running after ${STOP_TIMEOUT_MS / 1000} s.\n`);
      return EXIT.FAILED;
    }
    await sleep(50);
  }
  io.stdout(`imessenger serve stopped (pid ${info.pid}).\n`);
  return EXIT.OK;
}
