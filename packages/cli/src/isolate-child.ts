/**
 * The child process of `imessenger run --isolate` (isolate.ts): started under Node's permission
 * model with isolate-guard.ts preloaded, it takes its settings from the one IPC message, closes the
 * channel (the script must not talk to the host), runs the script in a realm worker (realm.ts,
 * with the limits if any) and exits with its code.
 *
 * The script always runs in the worker, so that this thread stays free to notice the host going
 * away: the host holds the write end of this process's stdin and never writes; when the host dies,
 * stdin ends, and this process ends with it (a script looping forever is not left behind).
 */
import type { IsolateInit } from './isolate';
import { runInRealm } from './realm';

const write = (stream: NodeJS.WriteStream) => (text: string): void => { stream.write(text); };

/** Exit with `code` once stdout and stderr are flushed (whatever the script left running). */
function exit(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

const hostGone = (): void => { process.exit(1); };
process.stdin.on('end', hostGone).on('error', hostGone).resume();

process.once('message', (message: IsolateInit) => {
  process.disconnect?.();
  const timeoutMs = message.deadline === undefined ? undefined : Math.max(1, message.deadline - Date.now());
  runInRealm({
    file: message.file,
    backend: message.backend,
    args: message.args,
    stdout: write(process.stdout),
    stderr: write(process.stderr),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(message.maxMemoryMb !== undefined ? { maxMemoryMb: message.maxMemoryMb } : {}),
  }).then(exit, (error: unknown) => {
    process.stderr.write(`imessenger: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    exit(1);
  });
});
