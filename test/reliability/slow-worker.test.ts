/**
 * Issue 10, item 3: the shim host must not give up on a slow but healthy worker. The incident: under
 * CPU contention, a legitimate MyContacts over a big contact list starved the worker's heartbeat
 * timer for longer than hangTimeoutMs (the reply is one long synchronous stretch in core), the host
 * declared the worker dead, and every later call failed.
 *
 * Reproduced in a child process pinned to one CPU (taskset) beside busy threads, so the worker gets
 * a fraction of a core: MyContacts over 200,000 contacts takes longer than the hang timeout in wall
 * time, but its own work (its CPU time) is well within it. It must succeed. Under the same load, a
 * call that really hangs (a promise that never settles) must still be caught within about the
 * timeout, and a new ActiveXObject must work afterwards (the load stopped: a new worker loading
 * 200,000 contacts on a seventh of a core would only make the test long). Runs the built shim (`tsc -b`), as the
 * worker does.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const CONTACTS = 200_000;
const HANG_TIMEOUT_MS = 1000;
const LOAD_THREADS = 6;

const CHILD = `
const { Worker } = require('node:worker_threads');
const [root, contacts, hangTimeoutMs, load] = process.argv.slice(1);
const { createAutomationHost } = require(root + '/packages/shim/dist');
const seed = { signedIn: true, self: { signinName: 'ann@contoso.com', friendlyName: 'Ann Lee' },
  contacts: Array.from({ length: Number(contacts) }, (_, i) => ({ signinName: 'user' + i + '@contoso.com', friendlyName: 'User ' + i, status: 2 })) };
const host = createAutomationHost({ backend: { kind: 'memory', seed }, hangTimeoutMs: Number(hangTimeoutMs) });
const msn = host.create('Messenger.UIAutomation');
msn.MyFriendlyName;
const stop = new Int32Array(new SharedArrayBuffer(4));
const threads = Array.from({ length: Number(load) }, () => new Worker(
  "const s = new Int32Array(require('node:worker_threads').workerData); while (Atomics.load(s, 0) === 0) {}",
  { eval: true, workerData: stop.buffer }));
const result = {};
const attempt = (what, fn) => {
  const start = performance.now();
  try { result[what] = { value: fn() }; } catch (e) { result[what] = { error: e.message }; }
  result[what].ms = Math.round(performance.now() - start);
};
setTimeout(() => {
  attempt('myContacts', () => msn.MyContacts.Count);
  attempt('stall', () => host.simulateCrash('stall'));
  result.stopped = host.stopped;
  Atomics.store(stop, 0, 1);
  attempt('again', () => new host.ActiveXObject('Messenger.UIAutomation').MyFriendlyName);
  host.dispose();
  process.stdout.write(JSON.stringify(result));
  process.exit(0);
}, 200);
`;

const pinnable = process.platform === 'linux' && spawnSync('taskset', ['-c', '0', 'true']).status === 0;

(pinnable ? test : test.skip)('on a CPU shared with busy threads, a long MyContacts succeeds; a real hang is still caught; then a new object works', () => {
  const child = spawnSync('taskset', ['-c', '0', process.execPath, '-e', CHILD, ROOT, String(CONTACTS), String(HANG_TIMEOUT_MS), String(LOAD_THREADS)], {
    encoding: 'utf8', timeout: 60_000,
  });
  expect(child.stderr).toBe('');
  const result = JSON.parse(child.stdout) as Record<string, { value?: unknown; error?: string; ms: number }> & { stopped?: string };
  // The scenario holds: the call took longer than the hang timeout, in wall time…
  expect(result['myContacts']).toEqual({ value: CONTACTS, ms: expect.any(Number) });
  expect(result['myContacts']!.ms).toBeGreaterThan(HANG_TIMEOUT_MS);
  // …a call that never settles is caught (idle: the timeout runs at wall speed)…
  expect(result.stopped).toMatch(/^the Messenger host stopped: the worker made no progress for \d+ ms/);
  expect(result['stall']!.ms).toBeLessThan(HANG_TIMEOUT_MS + 2000);
  // …and the next activation starts a new worker.
  expect(result['again']).toEqual({ value: 'Ann Lee', ms: expect.any(Number) });
}, 60_000);
