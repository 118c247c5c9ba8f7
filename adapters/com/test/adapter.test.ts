/**
 * The COM adapter end to end, through core's createMessenger, over a STUB dispatch port (a small
 * hand-written Messenger client, not the emulator): the adapter's own writes raise the documented
 * events once (the COM echo is dropped, whether the client echoes during the call or later), changes
 * from the other side are forwarded once, and Signin waits for OnSignin with a timeout.
 *
 * With IMESSENGER_COM_PROGID set (the windows-com workflow, on a machine where that ProgID is
 * registered), a last block drives the real automation object through winax; IMESSENGER_COM_KIT=1
 * also runs the conformance kit there (the client must hold the kit's fixture).
 */
import { HR, isMessengerError, type MessengerEventName, MISTATUS, type OtherSide } from '@imessenger/contract';
import { runMessengerContract } from '@imessenger/contract-tests';
import { createMessenger, type Messenger } from '@imessenger/core';
import {
  type AutomationObject, comBackend, type ComBackend, type DispatchPort, type EventSink, MESSENGER_PROGIDS, type MessengerProgId,
} from '../src';
import { emulateMessenger } from '../src/emulator';

// The emulator is someone else's and is not what these tests are about: only its wiring is checked.
jest.mock('../src/emulator', () => ({ emulateMessenger: jest.fn() }));
const mockedEmulate = jest.mocked(emulateMessenger);

const ANN = 'ann@contoso.com';
const BOB = 'bob@contoso.com';
const CAROL = 'carol@contoso.com';
const ERIN = 'erin@contoso.com';
const SERVICE = '{9b017612-c9f1-11d2-8d9f-0000f875c541}';
const MSGR_E_INVALID_PASSWORD = HR.MSGR_E_INVALID_PASSWORD | 0; // as COM passes a LONG: signed

const winaxError = (message: string, errno: number): Error => Object.assign(new Error(message), { errno });
const settle = (ms = 25): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A stub Messenger client: state, a connection point, and events raised for its own changes. `echo`
 * says when it raises the events of a write: during the call ('sync', like the emulator) or a little
 * later ('async', like the real client after the server answers).
 */
class StubClient {
  status: number = MISTATUS.MISTATUS_OFFLINE;
  echo: 'sync' | 'async' = 'sync';
  signinMode: 'sync' | 'manual' = 'sync';
  readonly sinks = new Map<number, EventSink>();
  readonly listed = new Set([BOB, CAROL]);
  readonly windows: AutomationObject[] = [];
  readonly unadvise = jest.fn((cookie: number) => { this.sinks.delete(cookie); });
  readonly release = jest.fn((..._objects: AutomationObject[]) => undefined);
  readonly object: AutomationObject;
  readonly port: DispatchPort;
  private readonly contacts = new Map<string, AutomationObject>();
  private nextCookie = 1;
  private nextHwnd = 0x3000;

  constructor() {
    const c = this;
    this.object = {
      get MyStatus() { return c.status; },
      set MyStatus(value: number) { c.status = value; c.raise('OnMyStatusChange', 0, value); },
      get MySigninName() {
        if (c.status === MISTATUS.MISTATUS_OFFLINE) throw winaxError('DispPropertyGet: MySigninName: Error 0x8100031E', HR.MSGR_E_NOT_LOGGED_ON | 0);
        return ANN;
      },
      MyFriendlyName: 'Ann Lee',
      MyServiceId: SERVICE,
      MyServiceName: '.NET Messenger Service',
      Signin: jest.fn((_hwnd: number, _name: string, password: string) => {
        if (c.signinMode === 'sync') c.completeSignin(password === 'pw' ? 0 : MSGR_E_INVALID_PASSWORD);
      }),
      Signout: jest.fn(() => {
        c.status = MISTATUS.MISTATUS_OFFLINE;
        c.fire('OnMyStatusChange', 0, MISTATUS.MISTATUS_LOCAL_DISCONNECTING_FROM_SERVER);
        for (const w of c.windows.splice(0)) c.fire('OnIMWindowDestroyed', w);
        c.fire('OnSignout');
      }),
      get MyContacts() {
        const items = [...c.listed].map((n) => c.contact(n));
        return {
          Count: items.length,
          Item: (i: number) => items[i],
          Remove: (contact: AutomationObject) => { c.listed.delete(String(contact.SigninName)); c.raise('OnContactListRemove', 0, contact); },
        };
      },
      get MyGroups() { return { Count: 0, Item: () => undefined }; },
      GetContact: (name: string) => c.contact(name),
      AddContact: (_hwnd: number, name: string) => { c.listed.add(name); c.raise('OnContactListAdd', 0, c.contact(name)); },
      InstantMessage: (name: string) => c.openWindow(name),
      UnreadEmailCount: () => 3,
    };
    this.port = {
      kind: 'emulator',
      create: jest.fn(() => this.object),
      connectionPoints: () => [{
        advise: (sink: EventSink) => { const cookie = c.nextCookie++; c.sinks.set(cookie, sink); return cookie; },
        unadvise: c.unadvise,
      }],
      release: c.release,
    };
  }

  /** One contact object per sign-in name (COM identity). */
  contact(name: string): AutomationObject {
    let contact = this.contacts.get(name);
    if (!contact) {
      contact = { SigninName: name, FriendlyName: name.split('@')[0], Status: MISTATUS.MISTATUS_ONLINE, Blocked: false, CanPage: false, ServiceID: SERVICE };
      this.contacts.set(name, contact);
    }
    return contact;
  }

  openWindow(name: string): AutomationObject {
    const c = this;
    const window: AutomationObject = {
      HWND: this.nextHwnd++,
      History: '',
      AddContact: (other: string) => c.raise('OnIMWindowContactAdded', c.contact(other), window),
      Close: () => { c.windows.splice(c.windows.indexOf(window), 1); c.raise('OnIMWindowDestroyed', window); },
    };
    this.windows.push(window);
    // The client reports the new window and its first participant joining.
    this.raise('OnIMWindowCreated', window);
    this.raise('OnIMWindowContactAdded', this.contact(name), window);
    return window;
  }

  /** The sign-in completes (OnSignin), then the client settles in its status. */
  completeSignin(hr = 0): void {
    if (hr === 0) this.status = MISTATUS.MISTATUS_ONLINE;
    this.fire('OnSignin', hr);
    if (hr === 0) this.fire('OnMyStatusChange', 0, MISTATUS.MISTATUS_ONLINE);
  }

  /** Raise an event now, on every advised sink. */
  fire(event: string, ...args: unknown[]): void { for (const sink of [...this.sinks.values()]) sink[event]?.(...args); }

  /** Raise the event of a write: during the call or a little later, as `echo` says. */
  private raise(event: string, ...args: unknown[]): void {
    if (this.echo === 'sync') this.fire(event, ...args);
    else setTimeout(() => this.fire(event, ...args), 5);
  }
}

interface Started { stub: StubClient; backend: ComBackend; msn: Messenger; named(event: MessengerEventName): (readonly unknown[])[]; clear(): void }

const started: Started[] = [];
afterEach(() => { for (const s of started.splice(0)) { s.msn.dispose(); s.backend.dispose(); } });

async function start(options: { echo?: 'sync' | 'async'; signinMode?: 'sync' | 'manual'; signinTimeoutMs?: number; signedIn?: boolean } = {}): Promise<Started> {
  const stub = new StubClient();
  stub.echo = options.echo ?? 'sync';
  const backend = comBackend({ dispatch: stub.port, signinTimeoutMs: options.signinTimeoutMs ?? 2_000, echoWindowMs: 1_000 });
  const msn = createMessenger({ backend });
  const events: { name: MessengerEventName; args: readonly unknown[] }[] = [];
  msn.onAny((name, args) => events.push({ name, args }));
  const s: Started = {
    stub, backend, msn,
    named: (event) => events.filter((e) => e.name === event).map((e) => e.args),
    clear: () => { events.length = 0; },
  };
  started.push(s);
  if (options.signedIn ?? true) {
    await msn.Signin(0, ANN, 'pw');
    s.clear();
  }
  stub.signinMode = options.signinMode ?? 'sync';
  return s;
}

describe.each(['sync', 'async'] as const)('own writes raise the documented events once (the client echoes %s)', (echo) => {
  test('put MyStatus: one OnMyStatusChange', async () => {
    const { msn, named } = await start({ echo });
    await msn.put_MyStatus(MISTATUS.MISTATUS_AWAY);
    await settle();
    expect(named('OnMyStatusChange')).toEqual([[HR.S_OK, MISTATUS.MISTATUS_AWAY]]);
    expect(await msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_AWAY);
  });

  test('AddContact: one OnContactListAdd; MyContacts.Remove: one OnContactListRemove', async () => {
    const { msn, named } = await start({ echo });
    await msn.AddContact(0, ERIN);
    await settle();
    expect(named('OnContactListAdd')).toHaveLength(1);
    const contacts = await msn.get_MyContacts();
    const erin = await msn.GetContact(ERIN, '');
    await contacts.Remove(erin);
    await settle();
    expect(named('OnContactListRemove')).toHaveLength(1);
    expect(await (named('OnContactListRemove')[0]![1] as { get_SigninName(): Promise<string> }).get_SigninName()).toBe(ERIN);
  });

  test('a conversation window: one OnIMWindowCreated, one OnIMWindowContactAdded per AddContact, one OnIMWindowDestroyed', async () => {
    const { msn, named } = await start({ echo });
    const window = await msn.InstantMessage(BOB);
    await window.AddContact(CAROL);
    await settle();
    await window.Close();
    await settle();
    expect(named('OnIMWindowCreated')).toHaveLength(1);
    expect(named('OnIMWindowContactAdded')).toHaveLength(1);
    expect(await (named('OnIMWindowContactAdded')[0]![0] as { get_SigninName(): Promise<string> }).get_SigninName()).toBe(CAROL);
    expect(named('OnIMWindowDestroyed')).toHaveLength(1);
  });
});

describe('changes from the other side are forwarded once', () => {
  test('the status is changed in another client', async () => {
    const { stub, msn, named } = await start();
    stub.status = MISTATUS.MISTATUS_BUSY;
    stub.fire('OnMyStatusChange', 0, MISTATUS.MISTATUS_BUSY);
    expect(named('OnMyStatusChange')).toEqual([[HR.S_OK, MISTATUS.MISTATUS_BUSY]]);
    // An own write right after does not swallow the next remote change of another value.
    await msn.put_MyStatus(MISTATUS.MISTATUS_AWAY);
    stub.fire('OnMyStatusChange', 0, MISTATUS.MISTATUS_ONLINE);
    expect(named('OnMyStatusChange')).toEqual([[HR.S_OK, MISTATUS.MISTATUS_BUSY], [HR.S_OK, MISTATUS.MISTATUS_AWAY], [HR.S_OK, MISTATUS.MISTATUS_ONLINE]]);
  });

  test('a contact goes away', async () => {
    const { stub, msn, named } = await start();
    await msn.get_MyContacts();
    const bob = stub.contact(BOB);
    bob.Status = MISTATUS.MISTATUS_AWAY;
    stub.fire('OnContactStatusChange', bob, MISTATUS.MISTATUS_AWAY);
    await settle();
    expect(named('OnContactStatusChange')).toHaveLength(1);
    const [contact, status] = named('OnContactStatusChange')[0]!;
    expect(status).toBe(MISTATUS.MISTATUS_AWAY);
    expect(await (contact as { get_SigninName(): Promise<string> }).get_SigninName()).toBe(BOB);
  });

  test('the server signs the user out: one OnSignout, and the sink is unadvised', async () => {
    const { stub, msn, named } = await start();
    await msn.InstantMessage(BOB);
    stub.status = MISTATUS.MISTATUS_OFFLINE;
    stub.fire('OnSignout');
    expect(named('OnSignout')).toEqual([[]]);
    expect(named('OnIMWindowDestroyed')).toHaveLength(1);
    expect(stub.unadvise).toHaveBeenCalledTimes(1);
    expect(stub.sinks.size).toBe(0);
  });
});

describe('sign-out', () => {
  test('own Signout: the documented events once, then the sink is unadvised and the objects released', async () => {
    const { stub, msn, named } = await start();
    await msn.InstantMessage(BOB);
    const window = stub.windows[0];
    await msn.Signout();
    expect(named('OnSignout')).toEqual([[]]);
    expect(named('OnMyStatusChange')).toEqual([[HR.S_OK, MISTATUS.MISTATUS_LOCAL_DISCONNECTING_FROM_SERVER]]);
    expect(named('OnIMWindowDestroyed')).toHaveLength(1);
    expect(stub.unadvise).toHaveBeenCalledTimes(1);
    expect(stub.sinks.size).toBe(0);
    expect(stub.release.mock.calls.flat()).toContain(window);
  });
});

describe('Signin waits for OnSignin', () => {
  test('the call returns at once; Signin resolves on OnSignin(S_OK); the status the client settles in is core\'s to report', async () => {
    const { stub, msn, named } = await start({ signedIn: false, signinMode: 'manual' });
    let done = false;
    const signin = msn.Signin(0, ANN, 'pw').then(() => { done = true; });
    await settle();
    expect(stub.object.Signin).toHaveBeenCalledWith(0, ANN, 'pw');
    expect(done).toBe(false);
    stub.fire('OnMyStatusChange', 0, MISTATUS.MISTATUS_LOCAL_CONNECTING_TO_SERVER);
    stub.status = MISTATUS.MISTATUS_ONLINE;
    stub.fire('OnSignin', 0);
    await signin;
    // The real client settles after OnSignin: those are echoes too.
    stub.fire('OnMyStatusChange', 0, MISTATUS.MISTATUS_LOCAL_SYNCHRONIZING_WITH_SERVER);
    stub.fire('OnMyStatusChange', 0, MISTATUS.MISTATUS_ONLINE);
    expect(named('OnSignin')).toEqual([[HR.S_OK]]);
    expect(named('OnMyStatusChange')).toEqual([[HR.S_OK, MISTATUS.MISTATUS_ONLINE]]);
    // A change made elsewhere afterwards is forwarded.
    stub.fire('OnMyStatusChange', 0, MISTATUS.MISTATUS_BUSY);
    expect(named('OnMyStatusChange')).toEqual([[HR.S_OK, MISTATUS.MISTATUS_ONLINE], [HR.S_OK, MISTATUS.MISTATUS_BUSY]]);
  });

  test('a client that signs in during the call (like the emulator) works the same', async () => {
    const { msn, named } = await start({ signedIn: false });
    await msn.Signin(0, ANN, 'pw');
    await settle();
    expect(named('OnSignin')).toEqual([[HR.S_OK]]);
    expect(named('OnMyStatusChange')).toEqual([[HR.S_OK, MISTATUS.MISTATUS_ONLINE]]);
  });

  test('OnSignin with a failure: Signin rejects with that HRESULT, OnSignin(hr) is raised once', async () => {
    const { msn, named } = await start({ signedIn: false });
    const error = await msn.Signin(0, ANN, 'wrong').then(() => undefined, (e: unknown) => e);
    expect(isMessengerError(error, 'MSGR_E_INVALID_PASSWORD')).toBe(true);
    expect(named('OnSignin')).toHaveLength(1);
    expect((named('OnSignin')[0]![0] as number) >>> 0).toBe(HR.MSGR_E_INVALID_PASSWORD);
    expect(named('OnMyStatusChange')).toEqual([]);
  });

  test('no OnSignin within signinTimeoutMs: MSGR_E_LOGON_TIMEOUT', async () => {
    const { msn, named } = await start({ signedIn: false, signinMode: 'manual', signinTimeoutMs: 60 });
    const began = Date.now();
    const error = await msn.Signin(0, ANN, 'pw').then(() => undefined, (e: unknown) => e);
    expect(isMessengerError(error, 'MSGR_E_LOGON_TIMEOUT')).toBe(true);
    expect((error as Error).message).toContain('within 60 ms');
    expect(Date.now() - began).toBeGreaterThanOrEqual(50);
    expect(named('OnSignin').map(([hr]) => (hr as number) >>> 0)).toEqual([HR.MSGR_E_LOGON_TIMEOUT]);
  });

  test('Signin failing in the call itself rejects at once with the object\'s HRESULT', async () => {
    const { stub, msn } = await start({ signedIn: false });
    (stub.object.Signin as jest.Mock).mockImplementation(() => { throw winaxError('DispInvoke: Signin: Error 0x81000315', 0); });
    const error = await msn.Signin(0, ANN, 'pw').then(() => undefined, (e: unknown) => e);
    expect(isMessengerError(error, 'MSGR_E_LOGON_UI_ACTIVE')).toBe(true);
    expect((error as Error).message).toContain('DispInvoke: Signin: Error 0x81000315');
  });
});

describe('comBackend options', () => {
  const stubPort = (): DispatchPort => new StubClient().port;

  test('a missing or unknown progId, a bad timeout, emulate with dispatch: TypeErrors', () => {
    expect(() => comBackend({ progId: 'Messenger.UIAutomation.2' as MessengerProgId, dispatch: stubPort() }))
      .toThrow(new TypeError(`comBackend: unknown \`progId\` "Messenger.UIAutomation.2"; supported: ${MESSENGER_PROGIDS.join(', ')}.`));
    expect(() => comBackend({ dispatch: stubPort(), signinTimeoutMs: 0 })).toThrow(TypeError);
    expect(() => comBackend({ dispatch: stubPort(), emulate: true })).toThrow(/either `dispatch` or `emulate`/);
    expect(() => comBackend({ dispatch: {} as DispatchPort })).toThrow(/must be a DispatchPort/);
  });

  test('the object is created at comBackend(...) with the ProgID; BackendInfo is com', () => {
    const stub = new StubClient();
    const backend = comBackend({ progId: 'Communicator.UIAutomation', dispatch: stub.port });
    expect(stub.port.create).toHaveBeenCalledWith('Communicator.UIAutomation');
    const msn = createMessenger({ backend });
    expect(msn.backend).toBe('com');
    expect(backend.otherSide).toBeUndefined();
    backend.dispose();
    expect(stub.release).toHaveBeenCalledWith(stub.object);
  });

  test('emulate: the emulator gets the seed; its otherSide is exposed', () => {
    const stub = new StubClient();
    const otherSide = { signOut: jest.fn() } as unknown as OtherSide;
    mockedEmulate.mockImplementation(() => Object.assign(stub.port, { kind: 'emulator' as const, otherSide }));
    const seed = { self: { signinName: ANN } };
    const backend = comBackend({ emulate: { seed } });
    expect(mockedEmulate).toHaveBeenCalledWith({ seed });
    expect(backend.dispatch.kind).toBe('emulator');
    expect(backend.otherSide).toBe(otherSide);
    backend.dispose();
    comBackend({ emulate: true }).dispose();
    expect(mockedEmulate).toHaveBeenLastCalledWith({ seed: undefined });
  });
});

// ---- the real automation object (Windows runner with a registered ProgID) ---------------------

const REAL_PROGID = process.env.IMESSENGER_COM_PROGID;
const realProgId = (): MessengerProgId => {
  if (!(MESSENGER_PROGIDS as readonly string[]).includes(REAL_PROGID ?? '')) {
    throw new Error(`IMESSENGER_COM_PROGID must be one of ${MESSENGER_PROGIDS.join(', ')}, got ${String(REAL_PROGID)}.`);
  }
  return REAL_PROGID as MessengerProgId;
};

(REAL_PROGID ? describe : describe.skip)(`the real automation object (${REAL_PROGID ?? 'IMESSENGER_COM_PROGID not set'})`, () => {
  test('winax creates it, the sink is advised, members answer, everything is released', async () => {
    const backend = comBackend({ progId: realProgId() });
    try {
      expect(backend.dispatch.kind).toBe('winax');
      const stop = backend.ports.events.watch(() => undefined);
      expect(typeof (await backend.ports.session.isSignedIn())).toBe('boolean');
      expect((await backend.ports.session.services()).length).toBeGreaterThan(0);
      stop();
    } finally {
      backend.dispose();
    }
  }, 60_000);
});

if (REAL_PROGID && process.env.IMESSENGER_COM_KIT === '1') {
  runMessengerContract(`com (${REAL_PROGID})`, () => {
    const backend = comBackend({ progId: realProgId() });
    return { backend, dispose: () => backend.dispose() };
  }, { timeout: 60_000 });
}
