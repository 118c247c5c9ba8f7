/**
 * The winax dispatch port and what the adapter does with it, over a FAKE winax module passed
 * through `load` (winax cannot load off Windows): ProgID selection, the clear errors for a missing
 * platform / addon / ProgID, COM error translation from winax's real error shapes, the event sink's
 * lifetime (advise, pump, unadvise, release) and reversed event arguments.
 */
import {
  HR, isMessengerError, MCONTACTPROPERTY, MESSENGER_EVENT_NAMES, MessengerError, MISTATUS, MPHONE_TYPE, type RemoteChange,
} from '@imessenger/contract';
import { createMessenger } from '@imessenger/core';
import {
  type AutomationObject, comBackend, comError, DMESSENGER_EVENTS, type EventSink, hresultOf, MESSENGER_PROGIDS,
  normaliseEventArgs, winaxDispatch, type WinaxError,
} from '../src';

const SERVICE = '{9b017612-c9f1-11d2-8d9f-0000f875c541}';
const MSGR_E_BAD_GROUP_NAME = -2130705583; // 0x81000351, as winax's errno holds it (signed)
const CO_E_CLASSSTRING = -2147221005; // 0x800401F3
const REGDB_E_CLASSNOTREG = -2147221164; // 0x80040154
const DISP_E_EXCEPTION = -2147352567; // 0x80020009

/** An Error shaped as winax throws it for a failed COM call. */
function winaxError(message: string, fields: Omit<WinaxError, 'name' | 'message'> = {}): WinaxError {
  return Object.assign(new Error(message), fields);
}

/** What `fn` throws (fails the test when it does not throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('Expected a throw.');
}

function asMessengerError(error: unknown): MessengerError {
  if (!isMessengerError(error)) throw new Error(`Expected a MessengerError, got ${String(error)}`);
  return error;
}

const collection = (items: AutomationObject[]): AutomationObject => ({
  get Count() { return items.length; },
  Item: (i: number) => items[i],
  Remove: jest.fn((item: AutomationObject) => { items.splice(items.indexOf(item), 1); }),
});

/** A fake winax module: `new winax.Object(progId)` gives `make(progId)`; one connection point. */
function fakeWinax(make: (progId: string) => AutomationObject = () => ({})) {
  const created: { progId: string; options: unknown }[] = [];
  const sinks = new Map<number, EventSink>();
  let nextCookie = 41;
  const point = {
    advise: jest.fn((sink: EventSink) => { const cookie = nextCookie++; sinks.set(cookie, sink); return cookie; }),
    unadvise: jest.fn((cookie: number) => { sinks.delete(cookie); }),
    getMethods: () => [...MESSENGER_EVENT_NAMES],
  };
  // Called with `new`: a constructor that returns an object yields that object, like winax's wrapper.
  function WinaxObject(progId: string, options?: unknown): AutomationObject {
    created.push({ progId, options });
    return make(progId);
  }
  const module = {
    Object: WinaxObject,
    getConnectionPoints: jest.fn((_object: AutomationObject) => [point]),
    peekAndDispatchMessages: jest.fn(),
    release: jest.fn((..._objects: AutomationObject[]) => 0),
  };
  /** Raise an event on every advised sink, arguments exactly as given (e.g. reversed). */
  const fire = (event: string, ...args: unknown[]): void => { for (const sink of [...sinks.values()]) sink[event]?.(...args); };
  return { module, created, point, sinks, fire, load: jest.fn(() => module) };
}

/** A small Messenger automation object over the fake module's events. */
function fakeMessenger(fire: (event: string, ...args: unknown[]) => void) {
  let status: number = MISTATUS.MISTATUS_OFFLINE;
  const bob: AutomationObject = { SigninName: 'bob@contoso.com', FriendlyName: 'Bob Kelly', Status: MISTATUS.MISTATUS_ONLINE, ServiceID: SERVICE };
  const group: AutomationObject = { Name: 'Friends', Contacts: collection([bob]), Service: { ServiceID: SERVICE } };
  const window: AutomationObject = {
    HWND: 0x20a4,
    AddContact: jest.fn(),
    Close: jest.fn(() => fire('OnIMWindowDestroyed', window)),
  };
  const mainWindow: AutomationObject = { HWND: 0x1001, Left: 0, Top: 0, Width: 300, Height: 600, Show: jest.fn() };
  const messenger: AutomationObject = {
    Window: mainWindow,
    get MyStatus() { return status; },
    set MyStatus(value: number) { status = value; fire('OnMyStatusChange', 0, value); },
    MySigninName: 'ann@contoso.com',
    MyFriendlyName: 'Ann Lee',
    MyServiceId: SERVICE,
    MyServiceName: '.NET Messenger Service',
    Signin: jest.fn(() => { status = MISTATUS.MISTATUS_ONLINE; fire('OnSignin', 0); fire('OnMyStatusChange', 0, status); }),
    Signout: jest.fn(() => {
      status = MISTATUS.MISTATUS_OFFLINE;
      fire('OnMyStatusChange', 0, MISTATUS.MISTATUS_LOCAL_DISCONNECTING_FROM_SERVER);
      fire('OnSignout');
    }),
    get MyContacts() { return collection([bob]); },
    get MyGroups() { return collection([group]); },
    GetContact: (name: string) => { if (name === 'bob@contoso.com') return bob; throw winaxError('DispInvoke: GetContact: Error 0x8100030A', { errno: -2130705654 }); },
    InstantMessage: jest.fn(() => window),
    CreateGroup: jest.fn(() => { throw winaxError('DispInvoke: CreateGroup: Specified group name is not valid.', { errno: MSGR_E_BAD_GROUP_NAME }); }),
  };
  return { messenger, bob, group, window, mainWindow };
}

/** A COM backend over a fake winax (platform forced to win32) and a fake Messenger. */
function setup(options: { progId?: (typeof MESSENGER_PROGIDS)[number]; pumpIntervalMs?: number } = {}) {
  const fake = fakeWinax(() => parts.messenger);
  const parts = fakeMessenger(fake.fire);
  const backend = comBackend({
    ...(options.progId ? { progId: options.progId } : {}),
    dispatch: winaxDispatch({ load: fake.load, platform: 'win32' }),
    pumpIntervalMs: options.pumpIntervalMs ?? 5,
  });
  return { fake, ...parts, backend };
}

const backends: { dispose(): void }[] = [];
afterEach(() => { for (const b of backends.splice(0)) b.dispose(); jest.useRealTimers(); jest.restoreAllMocks(); });
const track = <T extends { backend: { dispose(): void } }>(made: T): T => { backends.push(made.backend); return made; };

describe('ProgID selection', () => {
  test('the default ProgID is Messenger.UIAutomation.1, passed to new winax.Object', () => {
    const { fake } = track(setup());
    expect(fake.created).toEqual([{ progId: 'Messenger.UIAutomation.1', options: { activate: true } }]);
  });

  test.each(MESSENGER_PROGIDS)('the configured ProgID %s is passed to new winax.Object', (progId) => {
    const { fake, backend } = track(setup({ progId }));
    expect(fake.created.map((c) => c.progId)).toEqual([progId]);
    expect(backend.progId).toBe(progId);
    expect(backend.dispatch.kind).toBe('winax');
  });

  test('an unknown ProgID is a TypeError listing the supported ones, before winax is touched', () => {
    const fake = fakeWinax();
    const error = thrown(() => comBackend({ progId: 'Lync.UIAutomation' as 'Messenger.UIAutomation', dispatch: winaxDispatch({ load: fake.load, platform: 'win32' }) }));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain('Lync.UIAutomation');
    for (const progId of MESSENGER_PROGIDS) expect((error as Error).message).toContain(progId);
    expect(fake.load).not.toHaveBeenCalled();
  });

  test('winax is loaded lazily, once, on the first create', () => {
    const fake = fakeWinax();
    const port = winaxDispatch({ load: fake.load, platform: 'win32' });
    expect(fake.load).not.toHaveBeenCalled();
    port.create('Messenger.UIAutomation');
    port.create('Messenger.UIAutomation');
    expect(fake.load).toHaveBeenCalledTimes(1);
    expect(fake.created).toHaveLength(2);
  });
});

describe('a clear MessengerError when COM cannot be reached', () => {
  test('not Windows: which ProgID, what is missing and how to fix it; winax is never loaded', () => {
    const fake = fakeWinax();
    const error = asMessengerError(thrown(() => winaxDispatch({ load: fake.load, platform: 'linux' }).create('Communicator.UIAutomation')));
    expect(error.hresult).toBe(HR.E_NOTIMPL);
    expect(error.message).toContain('"Communicator.UIAutomation"');
    expect(error.message).toContain('needs Windows, and this is linux');
    expect(error.message).toContain('npm i winax');
    expect(error.message).toContain('emulate: true');
    expect(fake.load).not.toHaveBeenCalled();
  });

  (process.platform === 'win32' ? test.skip : test)('off Windows, comBackend() with the real loader fails at once, not at import', () => {
    const error = asMessengerError(thrown(() => comBackend()));
    expect(error.hresult).toBe(HR.E_NOTIMPL);
    expect(error.message).toContain('Messenger.UIAutomation.1');
    expect(error.message).toContain(`this is ${process.platform}`);
  });

  (process.platform === 'win32' ? test.skip : test)('the real require(\'winax\') off Windows (platform forced): the empty addon or no winax, said clearly', () => {
    const error = asMessengerError(thrown(() => winaxDispatch({ platform: 'win32' }).create('Messenger.UIAutomation.1')));
    expect(error.hresult).toBe(HR.E_NOTIMPL);
    expect(error.message).toContain('"Messenger.UIAutomation.1"');
    expect(error.message).toMatch(/Module did not self-register|winax is not installed|could not be loaded/);
  });

  test('require throws "Module did not self-register" (the empty addon built off Windows): not built, rebuild it', () => {
    const original = Object.assign(new Error("Module did not self-register: '/app/node_modules/winax/build/Release/node_activex.node'."), { code: 'ERR_DLOPEN_FAILED' });
    const port = winaxDispatch({ platform: 'win32', load: () => { throw original; } });
    const error = asMessengerError(thrown(() => port.create('Messenger.UIAutomation.1')));
    expect(error.hresult).toBe(HR.E_NOTIMPL);
    expect(error.message).toContain('"Messenger.UIAutomation.1"');
    expect(error.message).toContain('native addon could not be loaded');
    expect(error.message).toContain('Module did not self-register');
    expect(error.message).toContain('npm rebuild winax');
    expect(error.message).toContain('emulate: true');
    expect(error.cause).toBe(original);
  });

  test('winax not installed (optional dependency left out): install it', () => {
    const original = Object.assign(new Error("Cannot find module 'winax'\nRequire stack:\n- /app/adapters/com/dist/winax-port.js"), { code: 'MODULE_NOT_FOUND' });
    const error = asMessengerError(thrown(() => winaxDispatch({ platform: 'win32', load: () => { throw original; } }).create('Messenger.UIAutomation')));
    expect(error.hresult).toBe(HR.E_NOTIMPL);
    expect(error.message).toContain('winax is not installed');
    expect(error.message).toContain('npm i winax');
    expect(error.cause).toBe(original);
  });

  test('a module without winax.Object (an empty build) is reported as not loadable', () => {
    const error = asMessengerError(thrown(() => winaxDispatch({ platform: 'win32', load: () => ({}) }).create('Messenger.UIAutomation')));
    expect(error.hresult).toBe(HR.E_NOTIMPL);
    expect(error.message).toContain('could not be loaded');
  });

  test.each([
    ['CO_E_CLASSSTRING', CO_E_CLASSSTRING, 'Invalid class string', 0x800401f3],
    ['REGDB_E_CLASSNOTREG', REGDB_E_CLASSNOTREG, 'Class not registered', 0x80040154],
  ])('ProgID not registered (%s): the same HRESULT, the ProgID, what to install, winax\'s message kept', (_name, errno, text, hr) => {
    const original = winaxError(`CreateInstance: Communicator.UIAutomation: ${text}`, { errno });
    const fake = fakeWinax(() => { throw original; });
    const error = asMessengerError(thrown(() => comBackend({ progId: 'Communicator.UIAutomation', dispatch: winaxDispatch({ load: fake.load, platform: 'win32' }) })));
    expect(error.hresult).toBe(hr);
    expect(error.message).toContain('"Communicator.UIAutomation" is not registered');
    expect(error.message).toContain(`CreateInstance: Communicator.UIAutomation: ${text}`);
    expect(error.message).toContain('Office Communicator');
    expect(error.message).toContain('emulate: true');
    expect(error.cause).toBe(original);
  });

  test('another CreateInstance failure keeps its HRESULT and names the ProgID', () => {
    const original = winaxError('CreateInstance: Messenger.UIAutomation.1: Server execution failed', { errno: -2146959355 });
    const fake = fakeWinax(() => { throw original; });
    const error = asMessengerError(thrown(() => winaxDispatch({ load: fake.load, platform: 'win32' }).create('Messenger.UIAutomation.1')));
    expect(error.hresult).toBe(0x80080005);
    expect(error.message).toContain('"Messenger.UIAutomation.1"');
    expect(error.message).toContain('Server execution failed');
    expect(error.message).toContain('bitness');
  });
});

describe('COM errors -> MessengerError with the same HRESULT', () => {
  test('errno holds the signed HRESULT: -2130705583 is MSGR_E_BAD_GROUP_NAME, the message is kept', () => {
    const original = winaxError('DispInvoke: CreateGroup: Specified group name is not valid.', { errno: MSGR_E_BAD_GROUP_NAME });
    const error = comError(original, 'IMessenger2.CreateGroup');
    expect(error.code).toBe('MSGR_E_BAD_GROUP_NAME');
    expect(error.hresult).toBe(0x81000351);
    expect(error.number).toBe(MSGR_E_BAD_GROUP_NAME);
    expect(error.description).toBe('DispInvoke: CreateGroup: Specified group name is not valid.');
    expect(error.cause).toBe(original);
  });

  test('EXCEPINFO filled: `code` (the scode) wins over errno (DISP_E_EXCEPTION); source and description kept', () => {
    const original = winaxError('The user is not signed in.', { errno: DISP_E_EXCEPTION, code: -2130705634, source: 'Messenger', description: 'The user is not signed in.' });
    const error = comError(original, 'IMessenger.MyContacts');
    expect(error.code).toBe('MSGR_E_NOT_LOGGED_ON');
    expect(error.description).toBe('IMessenger.MyContacts: The user is not signed in.');
    expect((error.cause as WinaxError).source).toBe('Messenger');
  });

  test('EXCEPINFO with only a wCode (no HRESULT): errno is used', () => {
    expect(hresultOf(winaxError('Application-defined error', { errno: DISP_E_EXCEPTION, code: 1001 }))).toBe(0x80020009);
  });

  test('no errno: "DispInvoke: X: Error 0x8100031E" is parsed', () => {
    const error = comError(winaxError('DispInvoke: AddContact: Error 0x8100031E'));
    expect(error.code).toBe('MSGR_E_NOT_LOGGED_ON');
    expect(error.description).toBe('DispInvoke: AddContact: Error 0x8100031E');
  });

  test('no errno: a documented SCODE name in the message is used', () => {
    expect(comError(winaxError('DispInvoke: GetContact: MSGR_E_USER_NOT_FOUND Exception occurred.')).code).toBe('MSGR_E_USER_NOT_FOUND');
  });

  test.each([
    ['DispNull', 'E_FAIL'],
    ['DispInvalid', 'E_FAIL'],
    ['Invalid arguments', 'E_INVALIDARG'],
  ] as const)('winax\'s own TypeError %s -> %s', (message, code) => {
    const original = new TypeError(message);
    const error = comError(original, 'IMessengerWindow.Close');
    expect(error.code).toBe(code);
    expect(error.description).toContain(message);
    expect(error.cause).toBe(original);
  });

  test('anything else is E_FAIL (a Node errno such as ENOENT -2 is no HRESULT); a MessengerError passes through', () => {
    expect(comError(Object.assign(new Error('ENOENT'), { errno: -2 })).hresult).toBe(HR.E_FAIL);
    expect(comError('boom').hresult).toBe(HR.E_FAIL);
    const own = new MessengerError(HR.MSGR_E_CONNECT);
    expect(comError(own)).toBe(own);
  });

  test('end to end: the object\'s error reaches the caller with its HRESULT, the member and the original message', async () => {
    const { backend } = track(setup());
    // The object refusing a name core accepted is the service's answer (B642): by default it arrives in
    // OnGroupAdded; 'reject' makes the call carry it too, which is what this test follows.
    const msn = createMessenger({ backend, outcomes: 'reject' });
    await msn.Signin(0, 'ann@contoso.com', 'pw');
    const error = await msn.CreateGroup('Coworkers', SERVICE).then(() => undefined, (e: unknown) => e);
    const failure = asMessengerError(error);
    expect(failure.code).toBe('MSGR_E_BAD_GROUP_NAME');
    expect(failure.member).toBe('IMessenger2.CreateGroup');
    expect(failure.description).toContain('DispInvoke: CreateGroup: Specified group name is not valid.');
    msn.dispose();
  });
});

describe('event subscription', () => {
  test('advise gets a sink with the 25 DMessengerEvents methods; the pump runs on an unref\'d interval', async () => {
    const setIntervalSpy = jest.spyOn(global, 'setInterval');
    const { fake, backend } = track(setup({ pumpIntervalMs: 5 }));
    const stop = backend.ports.events.watch(() => undefined);
    expect(fake.module.getConnectionPoints).toHaveBeenCalledTimes(1);
    expect(fake.point.advise).toHaveBeenCalledTimes(1);
    const sink = fake.point.advise.mock.calls[0]![0];
    expect(Object.keys(sink).sort()).toEqual([...MESSENGER_EVENT_NAMES].sort());
    expect(Object.keys(sink)).toHaveLength(25);
    for (const event of MESSENGER_EVENT_NAMES) expect(typeof sink[event]).toBe('function');
    expect(DMESSENGER_EVENTS).toHaveLength(25);
    const timer = setIntervalSpy.mock.results[0]!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    await new Promise((r) => setTimeout(r, 30));
    expect(fake.module.peekAndDispatchMessages).toHaveBeenCalled();
    stop();
    // The last watcher gone: unadvised, pump stopped.
    expect(fake.point.unadvise).toHaveBeenCalledWith(41);
    const pumped = fake.module.peekAndDispatchMessages.mock.calls.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(fake.module.peekAndDispatchMessages.mock.calls.length).toBe(pumped);
  });

  test('sign-out unadvises the sink, stops the pump and releases the objects the session held', async () => {
    const { fake, backend, group, window, mainWindow } = track(setup({ pumpIntervalMs: 5 }));
    const msn = createMessenger({ backend });
    await msn.Signin(0, 'ann@contoso.com', 'pw');
    await msn.get_MyGroups();
    await msn.InstantMessage('bob@contoso.com');
    expect(await (await msn.get_Window()).get_HWND()).toBe(0x1001);
    expect(fake.point.advise).toHaveBeenCalledTimes(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.module.peekAndDispatchMessages).toHaveBeenCalled();

    await msn.Signout();
    expect(fake.point.unadvise).toHaveBeenCalledWith(41);
    const released = fake.module.release.mock.calls.flat();
    expect(released).toContain(group);
    expect(released).toContain(window);
    expect(released).toContain(mainWindow);
    const pumped = fake.module.peekAndDispatchMessages.mock.calls.length;
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.module.peekAndDispatchMessages.mock.calls.length).toBe(pumped);

    // Signing in again advises a new sink.
    await msn.Signin(0, 'ann@contoso.com', 'pw');
    expect(fake.point.advise).toHaveBeenCalledTimes(2);
    msn.dispose();
  });

  test('dispose unadvises and releases the automation object; later calls fail with E_FAIL', async () => {
    const { fake, backend, messenger } = setup();
    backend.ports.events.watch(() => undefined);
    backend.dispose();
    backend.dispose();
    expect(fake.point.unadvise).toHaveBeenCalledTimes(1);
    expect(fake.module.release.mock.calls.flat()).toContain(messenger);
    await expect(backend.ports.session.isSignedIn()).rejects.toMatchObject({ name: 'MessengerError', hresult: HR.E_FAIL });
  });

  test('signed out elsewhere (OnSignout not caused by the adapter): forwarded, then the sink is unadvised', () => {
    const { fake, backend } = track(setup());
    const changes: RemoteChange[] = [];
    backend.ports.events.watch((c) => changes.push(c));
    fake.fire('OnSignout');
    expect(changes).toEqual([{ type: 'signedOut' }]);
    expect(fake.point.unadvise).toHaveBeenCalledWith(41);
  });
});

describe('reversed event arguments are put in documented order', () => {
  const watch = () => {
    const made = track(setup());
    const changes: RemoteChange[] = [];
    made.backend.ports.events.watch((c) => changes.push(c));
    return { ...made, changes };
  };

  test('OnContactStatusChange(status, contact) and OnMyStatusChange(status, hr)', () => {
    const { fake, bob, changes } = watch();
    fake.fire('OnContactStatusChange', MISTATUS.MISTATUS_AWAY, bob);
    fake.fire('OnContactStatusChange', bob, MISTATUS.MISTATUS_BUSY);
    fake.fire('OnMyStatusChange', MISTATUS.MISTATUS_AWAY, 0);
    fake.fire('OnMyStatusChange', 0, MISTATUS.MISTATUS_BUSY);
    expect(changes).toEqual([
      { type: 'contactStatus', signinName: 'bob@contoso.com', status: MISTATUS.MISTATUS_AWAY },
      { type: 'contactStatus', signinName: 'bob@contoso.com', status: MISTATUS.MISTATUS_BUSY },
      { type: 'myStatus', status: MISTATUS.MISTATUS_AWAY },
      { type: 'myStatus', status: MISTATUS.MISTATUS_BUSY },
    ]);
  });

  test('OnMyPhoneChange, OnContactPhoneChange, OnContactPropertyChange, OnUnreadEmailChange reversed', () => {
    const { fake, bob, changes } = watch();
    fake.fire('OnMyPhoneChange', '+1 425 555 0100', MPHONE_TYPE.MPHONE_TYPE_WORK);
    fake.fire('OnContactPhoneChange', '+1 425 555 0101', MPHONE_TYPE.MPHONE_TYPE_MOBILE, bob, 0);
    fake.fire('OnContactPropertyChange', 'bob@example.com', MCONTACTPROPERTY.MCONTACTPROP_EMAIL, bob, 0);
    fake.fire('OnUnreadEmailChange', true, 7, 0);
    expect(changes).toEqual([
      { type: 'myPhone', phoneType: MPHONE_TYPE.MPHONE_TYPE_WORK, number: '+1 425 555 0100' },
      { type: 'contactPhone', signinName: 'bob@contoso.com', phoneType: MPHONE_TYPE.MPHONE_TYPE_MOBILE, number: '+1 425 555 0101' },
      { type: 'contactEmail', signinName: 'bob@contoso.com', email: 'bob@example.com' },
      { type: 'unreadEmail', folder: 0, count: 7 },
    ]);
  });

  test('OnIMWindowContactRemoved(window, contact): two objects, told apart by what they are', async () => {
    const { fake, bob, backend, changes } = watch();
    const record = await backend.ports.conversations.open('im', 'bob@contoso.com');
    // Another wrapper of the same window, as winax hands out one per access: known by its HWND.
    const sameWindow: AutomationObject = { HWND: record.hwnd };
    fake.fire('OnIMWindowContactRemoved', sameWindow, bob);
    expect(changes).toEqual([{ type: 'windowContactRemoved', windowId: record.id, signinName: 'bob@contoso.com' }]);
  });

  test('documented order is left alone; failed hr events are not forwarded', () => {
    const { fake, bob, changes } = watch();
    fake.fire('OnContactListAdd', 0, bob);
    fake.fire('OnContactListAdd', MSGR_E_BAD_GROUP_NAME, bob);
    expect(changes).toEqual([{ type: 'contactListAdd', signinName: 'bob@contoso.com' }]);
  });

  test('normaliseEventArgs (unit): reverses only when the reversed order fits and the documented one does not', () => {
    const contact = { SigninName: 'x' };
    expect(normaliseEventArgs('OnContactStatusChange', [2, contact])).toEqual([contact, 2]);
    expect(normaliseEventArgs('OnContactStatusChange', [contact, 2])).toEqual([contact, 2]);
    expect(normaliseEventArgs('OnMyStatusChange', [0x22, 0])).toEqual([0, 0x22]);
    expect(normaliseEventArgs('OnMyStatusChange', [0, 0x22])).toEqual([0, 0x22]);
    expect(normaliseEventArgs('OnMyStatusChange', [0, 1])).toEqual([0, 1]);
    expect(normaliseEventArgs('OnMyStatusChange', [1, 0])).toEqual([0, 1]);
    // Two objects and no probe: cannot tell, documented order kept.
    const a = {}; const b = {};
    expect(normaliseEventArgs('OnIMWindowContactAdded', [a, b])).toEqual([a, b]);
    expect(normaliseEventArgs('OnIMWindowContactAdded', [a, b], (v) => (v === a ? 'window' : 'contact'))).toEqual([b, a]);
    // Events without arguments, unknown events and a wrong count are passed through.
    expect(normaliseEventArgs('OnSignout', [])).toEqual([]);
    expect(normaliseEventArgs('OnSomethingElse', [1, 'x'])).toEqual([1, 'x']);
    expect(normaliseEventArgs('OnContactStatusChange', [2])).toEqual([2]);
  });
});
