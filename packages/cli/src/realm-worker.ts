/**
 * The worker thread of a run under limits (realm.ts): runs the script here, in-process as runScript
 * does without limits, and sends its output and exit code to the thread that watches the limits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RealmInit, RealmMessage } from './realm';
import { runScriptHere } from './run';

const port = parentPort!;
const init = workerData as RealmInit;
const send = (message: RealmMessage): void => { port.postMessage(message); };

runScriptHere({
  file: init.file,
  backend: init.backend,
  args: init.args,
  stdout: (text) => send({ kind: 'out', text }),
  stderr: (text) => send({ kind: 'err', text }),
}).then(
  (code) => send({ kind: 'end', code }),
  (error: unknown) => {
    send({ kind: 'err', text: `imessenger: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n` });
    send({ kind: 'end', code: 1 });
  },
);
