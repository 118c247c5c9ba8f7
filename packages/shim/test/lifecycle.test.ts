/**
 * The worker's life: a crash (exit, uncaught exception) or a hang (an endless loop, a promise that
 * never settles) gives a clear MessengerError (E_FAIL, "the Messenger host stopped: …") on the call,
 * never a hang; the dead worker's objects keep saying so, and the next activation starts a new
 * worker with the same backend configuration. A slow worker that makes progress is waited for. A
 * backend that cannot start says why on activation; dispose stops it for good.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HR } from '@imessenger/contract';
import { BOB } from '@imessenger/contract-tests';
import { createAutomationHost } from '../src';
import { auto, call, errorOf, memoryHost, seed } from './helpers';

const E_FAIL = HR.E_FAIL | 0;
const RESTART_HINT = /Its objects are gone; a new ActiveXObject starts a new host\.$/;

test.each(['exit', 'throw'] as const)('a worker that dies (%s) gives a clear error at once; its objects keep failing; a new ActiveXObject works', (how) => {
  const host = memoryHost();
  const msn = auto(host.create('Messenger.UIAutomation'));
  expect(msn['MyFriendlyName']).toBe('Ann Lee');
  const contact = auto(call(msn, 'GetContact', BOB, ''));
  const contacts = auto(msn['MyContacts']);
  host.simulateCrash(how);
  const start = performance.now();
  const e = errorOf(() => msn['MyFriendlyName']);
  expect(performance.now() - start).toBeLessThan(1000);
  expect(e.number).toBe(E_FAIL);
  expect(e.member).toBe('IMessenger.MyFriendlyName');
  expect(e.description).toMatch(/^the Messenger host stopped: /);
  expect(e.description).toMatch(how === 'exit' ? /exited \(code 70\)/ : /uncaught exception in the worker: Error: crash requested by a test/);
  expect(e.description).toMatch(RESTART_HINT);
  expect(host.stopped).toBe(e.description);
  // The dead worker's objects: their handles are gone, they say why (snapshots too).
  expect(errorOf(() => contact['Status']).description).toBe(e.description);
  expect(errorOf(() => contacts['Count']).description).toBe(e.description);
  expect(errorOf(() => new host.Enumerator(contacts as object)).description).toBe(e.description);

  // The next activation starts a new worker with the same configuration.
  const again = auto(new host.ActiveXObject('Messenger.UIAutomation'));
  expect(host.stopped).toBeUndefined();
  expect(again['MyFriendlyName']).toBe('Ann Lee');
  expect(auto(call(again, 'GetContact', BOB, ''))['Status']).toBe(2);
  expect(host.GetObject('', 'Messenger.UIAutomation')).not.toBe(msn);
  // …and the old objects still fail, also passed to the new one.
  expect(errorOf(() => msn['MyFriendlyName']).description).toBe(e.description);
  expect(errorOf(() => call(again, 'InstantMessage', contact)).description).toBe(e.description);
  host.dispose();
});

test('a worker in an endless loop is declared hung after hangTimeoutMs, stopped, and replaced at the next activation', () => {
  const host = memoryHost(seed({ signedIn: true }), { hangTimeoutMs: 500 });
  const msn = auto(host.create('Messenger.UIAutomation'));
  const start = performance.now();
  host.simulateCrash('hang');
  expect(performance.now() - start).toBeLessThan(5000);
  const e = errorOf(() => msn['MyStatus']);
  expect(e.number).toBe(E_FAIL);
  expect(e.description).toMatch(/^the Messenger host stopped: the worker made no progress for \d+ ms/);
  expect(auto(host.create('Messenger.UIAutomation'))['MyStatus']).toBe(2);
  host.dispose();
});

test('a call awaiting a promise that never settles is declared hung (the event loop turning is no progress)', () => {
  const host = memoryHost(seed({ signedIn: true }), { hangTimeoutMs: 400 });
  const msn = auto(host.create('Messenger.UIAutomation'));
  const start = performance.now();
  host.simulateCrash('stall');
  expect(performance.now() - start).toBeLessThan(5000);
  expect(host.stopped).toMatch(/^the Messenger host stopped: the worker made no progress for \d+ ms/);
  expect(errorOf(() => msn['MyStatus']).description).toBe(host.stopped);
  expect(auto(host.create('Messenger.UIAutomation'))['MyStatus']).toBe(2);
  host.dispose();
});

test('a slow call is waited for, 3x the hang timeout: busy and reporting progress, waiting on a timer, sleeping', () => {
  const host = memoryHost(seed({ signedIn: true }), { hangTimeoutMs: 300 });
  const msn = auto(host.create('Messenger.UIAutomation'));
  for (const how of ['progress', 'wait'] as const) {
    const start = performance.now();
    host.simulateSlowCall(900, how);
    expect(performance.now() - start).toBeGreaterThanOrEqual(850);
  }
  host.sleep(900);
  // The same worker: its objects still work.
  expect(host.stopped).toBeUndefined();
  expect(msn['MyFriendlyName']).toBe('Ann Lee');
  host.dispose();
});

test('a stretch that reports nothing is judged by its CPU time: longer than the timeout, it is taken for a hang', () => {
  const host = memoryHost(seed({ signedIn: true }), { hangTimeoutMs: 300 });
  const msn = auto(host.create('Messenger.UIAutomation'));
  host.simulateSlowCall(100, 'busy');
  expect(msn['MyStatus']).toBe(2);
  expect(errorOf(() => host.simulateSlowCall(2000, 'busy')).description).toMatch(/made no progress for \d+ ms/);
  host.dispose();
});

test('what a new worker keeps: the memory backend without a state file starts from its seed again; with one, from the file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shim-restart-'));
  try {
    const name = 'Kept \ud83d\ude00 \udc00 lone';
    for (const stateFile of [undefined, path.join(dir, 'state.json')]) {
      const host = createAutomationHost({ backend: { kind: 'memory', seed: seed({ signedIn: true }), ...(stateFile ? { stateFile } : {}) } });
      const msn = auto(host.create('Messenger.UIAutomation'));
      call(msn, 'CreateGroup', name, msn['MyServiceId']);
      host.simulateCrash('exit');
      const again = auto(host.create('Messenger.UIAutomation'));
      const names = [...(again['MyGroups'] as Iterable<unknown>)].map((g) => auto(g)['Name']);
      if (stateFile) expect(names).toContain(name);
      else expect(names).not.toContain(name);
      host.dispose();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a new worker's events reach the new objects only; handlers connected to the dead worker's objects hear nothing", () => {
  const host = memoryHost();
  const msn = auto(host.create('Messenger.UIAutomation'));
  const heard: string[] = [];
  call(msn, 'on', 'OnContactStatusChange', () => heard.push('old'));
  host.simulateCrash('exit');
  const again = auto(host.create('Messenger.UIAutomation'));
  call(again, 'on', 'OnContactStatusChange', (c: unknown) => heard.push(`new ${String(auto(c)['SigninName'])}`));
  call(again, 'GetContact', BOB, '');
  host.otherSide.contactStatus(BOB, 0x12);
  expect(heard).toEqual([`new ${BOB}`]);
  host.dispose();
});

test('a backend that cannot start says why when the script activates it', () => {
  const host = createAutomationHost({ backend: { kind: 'memory', seed: { self: { signinName: 'has spaces' } } } });
  const e = errorOf(() => host.create('Messenger.UIAutomation'));
  expect(e.number).toBe(E_FAIL);
  expect(e.description).toMatch(/^the Messenger host could not start: .*signinName/);
  // Not retried: the same configuration would fail the same way.
  expect(errorOf(() => host.create('Messenger.UIAutomation')).description).toBe(e.description);
  // An unknown ProgID is still JScript's error, not the backend's.
  expect(errorOf(() => host.create('Nope.Nope')).number).toBe(-2146827859);
  host.dispose();
});

test('an unknown backend kind and a graph config without credentials fail clearly', () => {
  const bad = createAutomationHost({ backend: { kind: 'nothing' } as never });
  expect(errorOf(() => bad.create('Messenger.UIAutomation')).description).toMatch(/Unknown backend kind "nothing"/);
  bad.dispose();
  const graph = createAutomationHost({ backend: { kind: 'graph', tenantId: '00000000-0000-0000-0000-000000000001' } });
  expect(errorOf(() => graph.create('Messenger.UIAutomation')).description).toMatch(/clientId.*accessToken/);
  graph.dispose();
});

test('dispose stops the worker; later calls say so; dispose twice is fine', () => {
  const host = memoryHost();
  const msn = auto(host.create('Messenger.UIAutomation'));
  host.dispose();
  host.dispose();
  const e = errorOf(() => msn['MyFriendlyName']);
  expect(e.number).toBe(E_FAIL);
  expect(e.description).toBe('the Messenger host stopped: it was disposed.');
  // For good: no new worker.
  expect(errorOf(() => host.create('Messenger.UIAutomation')).description).toBe(e.description);
});

test('a host disposed before its first call never starts anything visible', () => {
  const host = memoryHost();
  host.dispose();
  expect(errorOf(() => host.create('Messenger.UIAutomation')).description).toMatch(/disposed/);
});

test('otherSide hooks reach the backend in the worker', () => {
  const host = memoryHost(seed({ signedIn: true }));
  const msn = auto(host.create('Messenger.UIAutomation'));
  const service = msn['MyServiceId'];
  host.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
  // The server's answer to CreateGroup arrives in OnGroupAdded (B287, B642); the call returns.
  const added: unknown[] = [];
  call(msn, 'on', 'OnGroupAdded', (hr: unknown) => added.push(hr));
  call(msn, 'CreateGroup', 'x', service);
  expect(added).toEqual([HR.MSGR_E_SERVER_TOO_BUSY | 0]);
  host.otherSide.failNextCall('E_FAIL');
  expect(errorOf(() => call(msn, 'CreateGroup', 'y', service)).number).toBe(HR.E_FAIL | 0);
  host.dispose();
});

test('embedder ProgIDs resolve case-insensitively; WScript.CreateObject of them works', () => {
  const fso = { kind: 'fso' };
  const host = memoryHost(seed(), { progIds: { 'Scripting.FileSystemObject': () => fso } });
  expect(host.create('scripting.filesystemobject')).toBe(fso);
  expect(host.CreateObject('Scripting.FileSystemObject', 'F_')).toBe(fso);
  host.dispose();
});
