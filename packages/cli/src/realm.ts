/**
 * A script run under limits (`--timeout`, `--max-memory`): the script's realm — its vm context and
 * the shim's host side — lives in a worker thread of its own (dist/realm-worker.js), and this
 * thread, which stays free, enforces the limits from outside it.
 *
 * - Time: one deadline for the whole run, counted from the call (the backend starting, the script,
 *   every event handler, every WScript.Sleep, the host's disposal). At the deadline the worker is
 *   terminated: V8 stops it wherever it is — `while (true) {}`, a handler, a Sleep waiting on
 *   Atomics, a promise job — which a timer in the script's own thread could not do (that thread
 *   is the one that is busy), and which vm's `timeout` option does only for the synchronous run
 *   (not for promise jobs after it, nor for the host's disposal, which after a Sleep cut short
 *   waits for the backend's sleep to end).
 * - Memory: the worker's heap is capped (`resourceLimits.maxOldGenerationSizeMb`): at the cap V8
 *   stops the worker and Node reports ERR_WORKER_OUT_OF_MEMORY — a clear end, not the fatal
 *   out-of-memory trace of a process. Memory outside the heap (ArrayBuffers, typed arrays) is not
 *   under that cap; so, every 50 ms, the process's resident memory is compared with what it was
 *   when the script started, and growth beyond the limit plus REALM_OVERHEAD_MB (the realm's and
 *   the backend's threads) ends the script the same way.
 *
 * Output comes back as messages, in order; what the script wrote before it was stopped is relayed
 * before the message that says why it stopped.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { MEMORY_EXIT_CODE, memoryMessage, TIMEOUT_EXIT_CODE, timeoutMessage } from './limits';
import type { RunScriptOptions } from './run';

/** What the realm worker gets (plain data: it crosses to the thread). */
export interface RealmInit {
  readonly file: string;
  readonly backend: RunScriptOptions['backend'];
  readonly args: readonly string[];
}

/** What the realm worker sends back. */
export type RealmMessage =
  | { readonly kind: 'out' | 'err'; readonly text: string }
  | { readonly kind: 'end'; readonly code: number };

/** Room for the threads of the realm and of the backend, beyond the script's own memory. */
export const REALM_OVERHEAD_MB = 128;
const MEMORY_CHECK_MS = 50;

/** The compiled worker (Node 20 cannot run a .ts worker): dist/realm-worker.js, also from src under Jest. */
export function realmWorkerPath(): string {
  return __filename.endsWith('.ts') ? path.resolve(__dirname, '..', 'dist', 'realm-worker.js') : path.join(__dirname, 'realm-worker.js');
}

/** Run the script in a worker thread under the options' limits; its exit code. */
export function runInRealm(options: RunScriptOptions): Promise<number> {
  const file = path.resolve(options.file);
  const stdout = options.stdout ?? ((text: string) => { process.stdout.write(text); });
  const stderr = options.stderr ?? ((text: string) => { process.stderr.write(text); });
  const { timeoutMs, maxMemoryMb } = options;
  const init: RealmInit = { file, backend: options.backend, args: options.args ?? [] };

  return new Promise<number>((resolve) => {
    const baseline = process.memoryUsage.rss();
    const worker = new Worker(realmWorkerPath(), {
      workerData: init,
      ...(maxMemoryMb !== undefined ? { resourceLimits: { maxOldGenerationSizeMb: maxMemoryMb } } : {}),
    });
    /** How the run ends, decided once: the script's own end, or the limit that stopped it. */
    let ending: { readonly code: number; readonly message?: string } | undefined;
    const end = (code: number, message?: string): void => {
      if (ending) return;
      ending = { code, ...(message !== undefined ? { message } : {}) };
      void worker.terminate();
    };

    const timer = timeoutMs === undefined ? undefined : setTimeout(() => end(TIMEOUT_EXIT_CODE, timeoutMessage(file)), timeoutMs);
    const watch = maxMemoryMb === undefined ? undefined : setInterval(() => {
      if (process.memoryUsage.rss() - baseline > (maxMemoryMb + REALM_OVERHEAD_MB) * 2 ** 20) end(MEMORY_EXIT_CODE, memoryMessage(file, maxMemoryMb));
    }, MEMORY_CHECK_MS);

    worker.on('message', (message: RealmMessage) => {
      if (message.kind === 'end') end(message.code);
      else (message.kind === 'out' ? stdout : stderr)(message.text);
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY' && maxMemoryMb !== undefined) end(MEMORY_EXIT_CODE, memoryMessage(file, maxMemoryMb));
      else end(1, `imessenger: the script host failed: ${error.stack ?? error.message}\n`);
    });
    // After 'exit', every message the worker sent has been delivered: the output comes first.
    worker.on('exit', (exitCode) => {
      if (timer) clearTimeout(timer);
      if (watch) clearInterval(watch);
      // No 'end' and no limit: the script left its realm by process.exit(n) (through a context
      // escape, as it could end the whole process when run in-process): its code.
      const { code, message } = ending ?? { code: exitCode };
      if (message !== undefined) stderr(message);
      resolve(code);
    });
  });
}
