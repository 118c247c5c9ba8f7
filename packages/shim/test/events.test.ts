/**
 * Events on the automation face: `.on()` listeners and WScript.ConnectObject-style prefix handlers,
 * delivered after the call that raised them (never inside another call), while the script sleeps,
 * in the order they happened; a handler that throws is reported, not thrown.
 */
import { HR, MISTATUS, MUAFOLDER } from '@imessenger/contract';
import { BOB, CAROL, KIT_PASSWORD, KIT_SELF } from '@imessenger/contract-tests';
import type { ShimHost } from '../src';
import { auto, call, errorOf, memoryHost, seed } from './helpers';

let host: ShimHost;
let globals: Record<string, unknown>;
let reported: [unknown, string][];

beforeEach(() => {
  globals = {};
  reported = [];
  host = memoryHost(seed({ signedIn: false }), { globals, onHandlerError: (e, event) => { reported.push([e, event]); } });
});
afterEach(() => host.dispose());

const signin = (msn: unknown): unknown => call(msn, 'Signin', 0, KIT_SELF, KIT_PASSWORD);
const msn_id = (msn: unknown): unknown => auto(msn)['MyServiceId'];

test('.on(): events of a call are delivered when it returns, before the script continues', () => {
  const msn = host.create('Messenger.UIAutomation');
  const log: string[] = [];
  call(msn, 'on', 'OnSignin', (hr: number) => log.push(`OnSignin ${hr}`));
  call(msn, 'on', 'OnMyStatusChange', (hr: number, status: number) => log.push(`OnMyStatusChange ${hr} ${status}`));
  log.push('before');
  signin(msn);
  log.push('after');
  expect(log).toEqual(['before', 'OnSignin 0', `OnMyStatusChange 0 ${MISTATUS.MISTATUS_ONLINE}`, 'after']);
});

test('event arguments: objects are the same automation objects; hr is signed, as JScript saw LONGs', () => {
  const msn = host.create('Messenger.UIAutomation');
  signin(msn);
  const added: unknown[][] = [];
  call(msn, 'on', 'OnGroupAdded', (...args: unknown[]) => added.push(args));
  const group = call(msn, 'CreateGroup', 'Family', msn_id(msn));
  call(msn, 'CreateGroup', 'family', msn_id(msn));
  expect(added[0]).toEqual([0, group]);
  expect(added[0]![1]).toBe(group);
  expect(added[1]![0]).toBe(HR.MSGR_E_GROUP_ALREADY_EXISTS | 0);
  expect(added[1]![0]).toBeLessThan(0);
});

test('ConnectObject / CreateObject(progId, prefix) bind global prefix_Event handlers, looked up at delivery', () => {
  const log: string[] = [];
  const msn = host.CreateObject('Messenger.UIAutomation.1', 'Msn_');
  // Defined after the connection: looked up when the event is delivered.
  globals['Msn_OnSignin'] = (hr: number) => log.push(`Msn_OnSignin ${hr}`);
  const other = host.create('Messenger.UIAutomation');
  host.ConnectObject(other, 'Other_');
  globals['other_onsignin'] = () => log.push('other_onsignin (any case)');
  signin(msn);
  expect(log).toEqual(['Msn_OnSignin 0', 'other_onsignin (any case)']);
  host.DisconnectObject(msn);
  host.DisconnectObject(other);
  call(msn, 'Signout');
  call(msn, 'Signin', 0, KIT_SELF, KIT_PASSWORD);
  expect(log).toHaveLength(2);
});

test('ConnectObject on an object without events, or on a non-object, throws JScript\'s error', () => {
  const msn = host.create('Messenger.UIAutomation');
  signin(msn);
  expect(errorOf(() => host.ConnectObject(call(msn, 'GetContact', BOB, '') as object, 'C_')).number).toBe(-2146827843);
  expect(errorOf(() => host.ConnectObject({}, 'C_')).number).toBe(-2146827864);
});

test('events that happen while the script sleeps are delivered during the sleep, in order', () => {
  const msn = host.create('Messenger.UIAutomation');
  signin(msn);
  // Core reports status changes for contacts the client has seen (a script reads its list first).
  void auto(msn)['MyContacts'];
  const log: [string, number, number][] = [];
  const start = performance.now();
  call(msn, 'on', 'OnContactStatusChange', (c: unknown, status: number) => log.push([String(auto(c)['SigninName']), status, performance.now() - start]));
  host.otherSideAfter(30).contactStatus(BOB, MISTATUS.MISTATUS_AWAY);
  host.otherSideAfter(60).contactStatus(CAROL, MISTATUS.MISTATUS_ONLINE);
  host.otherSideAfter(90).contactStatus(BOB, MISTATUS.MISTATUS_BUSY);
  expect(log).toEqual([]);
  host.sleep(400);
  expect(log.map(([n, s]) => [n, s])).toEqual([[BOB, MISTATUS.MISTATUS_AWAY], [CAROL, MISTATUS.MISTATUS_ONLINE], [BOB, MISTATUS.MISTATUS_BUSY]]);
  // Each was delivered as it happened, not at the end of the sleep.
  expect(log[0]![2]).toBeLessThan(300);
  expect(performance.now() - start).toBeGreaterThanOrEqual(395);
});

test('events that happened between calls arrive with the next call, or deliverEvents()', () => {
  const msn = host.create('Messenger.UIAutomation');
  signin(msn);
  const log: string[] = [];
  call(msn, 'on', 'OnUnreadEmailChange', (folder: number, count: number, enable: { value: boolean }) => {
    log.push(`mail ${folder} ${count} ${enable.value}`);
  });
  host.otherSideAfter(1).unreadEmail(MUAFOLDER.MUAFOLDER_INBOX, 7);
  host.sleep(0);
  const until = performance.now() + 2000;
  while (log.length === 0 && performance.now() < until) host.deliverEvents();
  expect(log).toEqual(['mail 0 7 true']);
});

test('handlers never run inside another call: a handler that calls in gets its events after it returns', () => {
  const msn = host.create('Messenger.UIAutomation');
  signin(msn);
  const log: string[] = [];
  let depth = 0;
  call(msn, 'on', 'OnGroupAdded', (_hr: number, g: unknown) => {
    depth++;
    const name = String(auto(g)['Name']);
    log.push(`added ${name} depth ${depth}`);
    if (name === 'One') call(msn, 'CreateGroup', 'Two', msn_id(msn));
    log.push(`end ${name}`);
    depth--;
  });
  call(msn, 'CreateGroup', 'One', msn_id(msn));
  expect(log).toEqual(['added One depth 1', 'end One', 'added Two depth 1', 'end Two']);
});

test('a handler that throws is reported (onHandlerError), never thrown; delivery goes on', () => {
  const msn = host.create('Messenger.UIAutomation');
  const log: string[] = [];
  call(msn, 'on', 'OnSignin', () => { throw new Error('handler bug'); });
  globals['M_OnSignin'] = () => { throw new Error('global handler bug'); };
  host.ConnectObject(msn, 'M_');
  call(msn, 'on', 'OnMyStatusChange', () => log.push('status'));
  expect(() => signin(msn)).not.toThrow();
  expect(reported.map(([e, event]) => [(e as Error).message, event])).toEqual([['handler bug', 'OnSignin'], ['global handler bug', 'OnSignin']]);
  expect(log).toEqual(['status']);
});

test('.on returns an unsubscribe; .off removes; unknown events are refused', () => {
  const msn = host.create('Messenger.UIAutomation');
  const log: string[] = [];
  const fn = (): void => { log.push('signin'); };
  const off = call(msn, 'on', 'onsignin', fn) as () => void;
  signin(msn);
  off();
  call(msn, 'Signout');
  signin(msn);
  call(msn, 'on', 'OnSignout', fn);
  call(msn, 'off', 'OnSignout', fn);
  call(msn, 'Signout');
  expect(log).toEqual(['signin']);
  expect(() => call(msn, 'on', 'OnNothing', fn)).toThrow(/Unknown event/);
});

test('the failed sign-in reaches OnSignin with its HRESULT, and the call throws it', () => {
  const msn = host.create('Messenger.UIAutomation');
  const hrs: number[] = [];
  call(msn, 'on', 'OnSignin', (hr: number) => hrs.push(hr));
  const e = errorOf(() => call(msn, 'Signin', 0, KIT_SELF, 'wrong'));
  expect(e.number).toBe(HR.MSGR_E_INVALID_PASSWORD | 0);
  expect(hrs).toEqual([HR.MSGR_E_INVALID_PASSWORD | 0]);
});
