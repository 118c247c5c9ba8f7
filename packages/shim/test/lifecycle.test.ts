/**
 * The worker's life: a crash (exit, uncaught exception) or a hang gives a clear MessengerError
 * (E_FAIL, "the Messenger host stopped: …") on the call, never a hang; a backend that cannot start
 * says why on activation; dispose stops it.
 */
import { HR } from '@imessenger/contract';
import { BOB } from '@imessenger/contract-tests';
import { createAutomationHost } from '../src';
import { auto, call, errorOf, memoryHost, seed } from './helpers';

const E_FAIL = HR.E_FAIL | 0;

test.each(['exit', 'throw'] as const)('a worker that dies (%s) gives a clear error on the next call, at once', (how) => {
  const host = memoryHost();
  const msn = auto(host.create('Messenger.UIAutomation'));
  expect(msn['MyFriendlyName']).toBe('Ann Lee');
  const contact = auto(call(msn, 'GetContact', BOB, ''));
  host.simulateCrash(how);
  const start = performance.now();
  const e = errorOf(() => msn['MyFriendlyName']);
  expect(performance.now() - start).toBeLessThan(1000);
  expect(e.number).toBe(E_FAIL);
  expect(e.member).toBe('IMessenger.MyFriendlyName');
  expect(e.description).toMatch(/^the Messenger host stopped: /);
  expect(e.description).toMatch(how === 'exit' ? /exited \(code 70\)/ : /uncaught exception in the worker: Error: crash requested by a test/);
  expect(errorOf(() => contact['Status']).description).toBe(e.description);
  expect(errorOf(() => host.create('Messenger.UIAutomation')).number).toBe(E_FAIL);
  expect(host.stopped).toBe(e.description);
  host.dispose();
});

test('a worker that hangs is declared stopped after hangTimeoutMs, not waited on forever', () => {
  const host = memoryHost(seed({ signedIn: true }), { hangTimeoutMs: 500 });
  const msn = auto(host.create('Messenger.UIAutomation'));
  const start = performance.now();
  host.simulateCrash('hang');
  expect(performance.now() - start).toBeLessThan(5000);
  const e = errorOf(() => msn['MyStatus']);
  expect(e.number).toBe(E_FAIL);
  expect(e.description).toMatch(/^the Messenger host stopped: the worker gave no sign of life for \d+ ms/);
  host.dispose();
});

test('a backend that cannot start says why when the script activates it', () => {
  const host = createAutomationHost({ backend: { kind: 'memory', seed: { self: { signinName: 'has spaces' } } } });
  const e = errorOf(() => host.create('Messenger.UIAutomation'));
  expect(e.number).toBe(E_FAIL);
  expect(e.description).toMatch(/^the Messenger host could not start: .*signinName/);
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
});

test('a host disposed before its first call never starts anything visible', () => {
  const host = memoryHost();
  host.dispose();
  expect(errorOf(() => host.create('Messenger.UIAutomation')).description).toMatch(/disposed/);
});

test('otherSide hooks reach the backend in the worker', () => {
  const host = memoryHost(seed({ signedIn: true }));
  const msn = auto(host.create('Messenger.UIAutomation'));
  host.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
  expect(errorOf(() => call(msn, 'CreateGroup', 'x', msn['MyServiceId'])).number).toBe(HR.MSGR_E_SERVER_TOO_BUSY | 0);
  host.dispose();
});

test('embedder ProgIDs resolve case-insensitively; WScript.CreateObject of them works', () => {
  const fso = { kind: 'fso' };
  const host = memoryHost(seed(), { progIds: { 'Scripting.FileSystemObject': () => fso } });
  expect(host.create('scripting.filesystemobject')).toBe(fso);
  expect(host.CreateObject('Scripting.FileSystemObject', 'F_')).toBe(fso);
  host.dispose();
});
