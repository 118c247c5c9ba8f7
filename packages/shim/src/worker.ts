/**
 * The worker thread's entry point (dist/worker.js: Node 20 cannot run a .ts worker).
 *
 * First, with nothing loaded but Node and the dependency-free protocol, it makes sure the caller
 * can never hang on it: a death note and a state change on every way out (exit, uncaught
 * exception), its thread id and a first sign of progress for the caller's hang clock
 * (protocol.ts), and output written straight to the process's file descriptors (the caller's event
 * loop, which would otherwise relay it, is blocked while it waits). Then it loads serve.ts, which
 * starts the backend and serves requests, and ticks it every TICK_MS.
 */
import * as fs from 'node:fs';
import { workerData } from 'node:worker_threads';
import { PROGRESS, publishThreadId, RESP_SEQ, STATE, STATE_DEAD, STATE_FAILED, TICK_MS, type WorkerInit, writeNote } from './protocol';

const init = workerData as WorkerInit;
const ctrl = new Int32Array(init.buffers.ctrl);

let died = false;
/** Record why the worker stops (first reason wins) and wake the caller. */
function die(reason: string, state = STATE_DEAD): void {
  if (died) return;
  died = true;
  writeNote(init.buffers.note, reason);
  Atomics.store(ctrl, STATE, state);
  Atomics.notify(ctrl, STATE);
  Atomics.notify(ctrl, RESP_SEQ);
}
const describe = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

process.on('exit', (code) => die(`the worker exited (code ${code})`));
process.on('uncaughtException', (e) => { die(`uncaught exception in the worker: ${describe(e)}`); process.exit(1); });
// A stray rejection in a backend is reported, not fatal: the state the caller sees is still sound.
process.on('unhandledRejection', (e) => { fs.writeSync(2, `[imessenger shim] unhandled rejection in the worker: ${describe(e)}\n`); });

function direct(fd: number): typeof process.stdout.write {
  return ((chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown): boolean => {
    if (typeof chunk === 'string') fs.writeSync(fd, chunk); else fs.writeSync(fd, chunk);
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (typeof done === 'function') (done as () => void)();
    return true;
  }) as typeof process.stdout.write;
}
process.stdout.write = direct(1);
process.stderr.write = direct(2);

publishThreadId(ctrl);
Atomics.add(ctrl, PROGRESS, 1);

try {
  const serve = require('./serve') as typeof import('./serve');
  Atomics.add(ctrl, PROGRESS, 1);
  // The tick reports a request that waits on a timer or I/O as progress (serve.ts); it also keeps
  // this thread's event loop alive while it waits for requests.
  setInterval(serve.tick, TICK_MS);
  void serve.start(init, (reason) => die(reason, STATE_FAILED), () => { died = true; });
} catch (e) {
  die(`the Messenger host could not load: ${describe(e)}`, STATE_FAILED);
  setImmediate(() => process.exit(1));
}
