/**
 * Preloaded (`--require`) in every thread of an `--isolate` child, before anything else runs
 * there: it closes what Node 20's permission model leaves open to code that already runs inside it.
 *
 * - `new Worker(…, { execArgv })`: the permission model belongs to a thread's execArgv, and a
 *   worker given execArgv of its own (`execArgv: []`) runs without it — every file writable,
 *   every process startable. Workers may only inherit the thread's (the shim's worker does); the
 *   options are copied into a prototype-less object first, so neither a getter nor a polluted
 *   Object.prototype can slip execArgv past the check. The original class stays unreachable: the
 *   module export and `Worker.prototype.constructor` both give the guarded one.
 * - `process.kill`: signals are outside the model; only this process may be signalled (as
 *   signal-exit re-raises a signal), so the script cannot signal the host (its parent), its
 *   process group (pid 0) or anything else.
 * - `trace_events.createTracing`: the trace file is written by Node itself, outside the model.
 * - `os.setPriority`: would lower the priority of other processes, the host's included.
 *
 * And one thing the model closes that a run needs: Node 20 refuses `fs.fsyncSync` (and
 * fdatasync) outright under the model, and the memory backend fsyncs the --state file it saves
 * by write-and-rename. A refused fsync is skipped: the file is still written whole and renamed
 * into place (a crash of the process leaves the old or the new state), but not flushed to the disk.
 *
 * Each refusal is an Error with code ERR_ACCESS_DENIED, as the permission model's own.
 */
import type * as WorkerThreads from 'node:worker_threads';

const denied = (what: string): Error =>
  Object.assign(new Error(`Access to this API has been restricted: ${what} (imessenger run --isolate)`), { code: 'ERR_ACCESS_DENIED' });

// The modules' own export objects (an `import * as` would give a copy).
const workerThreads = require('node:worker_threads') as { Worker: typeof WorkerThreads.Worker; isMainThread: boolean };
// Workers cannot load trace_events at all (ERR_TRACE_EVENTS_UNAVAILABLE).
const traceEvents = workerThreads.isMainThread ? require('node:trace_events') as Record<string, unknown> : {};
const os = require('node:os') as Record<string, unknown>;
const nodeModule = require('node:module') as { syncBuiltinESMExports(): void };
const fs = require('node:fs') as { fsyncSync(fd: number): void; fdatasyncSync(fd: number): void };

const Original = workerThreads.Worker;
const Guarded: typeof WorkerThreads.Worker = new Proxy(Original, {
  construct(target, args: unknown[], newTarget: NewableFunction) {
    const [where, options] = args;
    let safe: Record<string, unknown> | undefined;
    if (options !== undefined && options !== null) {
      safe = Object.assign(Object.create(null) as Record<string, unknown>, options);
      if (safe['execArgv'] !== undefined) throw denied('new Worker() with an execArgv of its own');
    }
    return Reflect.construct(target, safe === undefined ? [where] : [where, safe], newTarget === Guarded ? target : newTarget) as object;
  },
});
Object.defineProperty(Original.prototype, 'constructor', { value: Guarded, writable: false, enumerable: false, configurable: false });
Object.defineProperty(workerThreads, 'Worker', { value: Guarded, writable: false, enumerable: true, configurable: false });

const fixed = (target: object, key: string, value: unknown): void => {
  Object.defineProperty(target, key, { value, writable: false, enumerable: false, configurable: false });
};
const raw = process as unknown as Record<'kill' | '_kill', (pid: number, signal?: string | number) => unknown>;
for (const key of ['kill', '_kill'] as const) {
  const signal = raw[key];
  fixed(process, key, function kill(pid: number, sig?: string | number): unknown {
    if (pid !== process.pid) throw denied('process.kill() of another process');
    return signal.call(process, pid, sig);
  });
}
const deny = (what: string) => function denyAccess(): never { throw denied(what); };
fixed(traceEvents, 'createTracing', deny('trace_events.createTracing()'));
fixed(os, 'setPriority', deny('os.setPriority()'));
for (const key of ['fsyncSync', 'fdatasyncSync'] as const) {
  const sync = fs[key];
  fs[key] = function flush(fd: number): void {
    try {
      sync(fd);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ERR_ACCESS_DENIED') throw error;
    }
  };
}
// `import('node:worker_threads')` and `import('node:fs')` give the same exports as require.
nodeModule.syncBuiltinESMExports();
