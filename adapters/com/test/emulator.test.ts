/**
 * The emulator of the native Messenger automation object: winax's shape (ProgIDs, accessors,
 * methods, collections, errors, connection points) and the documented behaviour (as core
 * implements it: docs/BEHAVIOUR.md, docs/decisions.md).
 */
import { HR, MESSENGER_EVENT_NAMES, MISTATUS, MPHONE_TYPE, MUAFOLDER, type HResultName, toSigned } from '@imessenger/contract';
import type { AutomationObject, EventSink, WinaxError } from '../src/dispatch';
import { CO_E_CLASSSTRING, DISP_E_MEMBERNOTFOUND, emulateMessenger, exposedMembers } from '../src/emulator';

const ANN = 'ann@contoso.com';
const PASSWORD = 'correct-horse';
const BOB = 'bob@contoso.com';     // listed, online, can be paged, has a mobile number
const CAROL = 'carol@contoso.com'; // listed, away
const DAVE = 'dave@fabrikam.com';  // listed, offline, blocked
const ERIN = 'erin@contoso.com';   // known to the service, not listed
const SERVICE_ID = '{9b017612-c9f1-11d2-8d9f-0000f875c541}';

const seed = (signedIn = true) => ({
  signedIn,
  self: { signinName: ANN, friendlyName: 'Ann Lee', password: PASSWORD, status: 2, phones: { work: '+1 425 555 0100' } },
  services: [{ id: SERVICE_ID, name: '.NET Messenger Service', primary: true }],
  contacts: [
    { signinName: BOB, friendlyName: 'Bob Kelly', status: 2, canPage: true, phones: { mobile: '+1 425 555 0101' }, email: 'bob.kelly@contoso.com' },
    { signinName: CAROL, friendlyName: 'Carol Diaz', status: 0x22 },
    { signinName: DAVE, friendlyName: 'Dave Park', status: 1, blocked: true },
  ],
  directory: [{ signinName: ERIN, friendlyName: 'Erin Moss', status: 2 }],
  groups: [{ name: 'Coworkers', members: [BOB, CAROL] }, { name: 'Friends', members: [] }],
  unreadEmail: 3,
});

// ---- helpers: winax objects are untyped bags of members ------------------------------------------

type Obj = AutomationObject;
const call = <T = unknown>(o: Obj, member: string, ...args: unknown[]): T => (o[member] as (...a: unknown[]) => T)(...args);
const get = <T = unknown>(o: Obj, member: string): T => o[member] as T;
const items = (collection: Obj): Obj[] => [...(collection as unknown as Iterable<Obj>)];

/** The error a winax call threw (fails the test when it did not throw). */
function failure(body: () => unknown): WinaxError {
  try { body(); } catch (error) { return error as WinaxError; }
  throw new Error('expected the call to throw');
}

/** The winax error shape for one documented HRESULT. */
function expectWinax(body: () => unknown, op: string, member: string, hr: HResultName | number): WinaxError {
  const error = failure(body);
  const value = typeof hr === 'number' ? hr : HR[hr];
  expect(error).toBeInstanceOf(Error);
  expect(error.message.startsWith(`${op}: ${member}: `)).toBe(true);
  expect(error.errno).toBe(toSigned(value));
  expect(error.code).toBe(toSigned(value));
  expect(error.source).toBe('Messenger');
  expect(typeof error.description).toBe('string');
  expect(error.message).toBe(`${op}: ${member}: ${error.description}`);
  return error;
}

/** A port, a Messenger object, and a recording sink on its connection point. */
function setup(signedIn = true) {
  const port = emulateMessenger({ seed: seed(signedIn) });
  const msn = port.create('Messenger.UIAutomation.1');
  const events: [string, ...unknown[]][] = [];
  const sink: EventSink = {};
  for (const name of MESSENGER_EVENT_NAMES) sink[name] = (...args: unknown[]) => { events.push([name, ...args]); };
  const cookie = port.connectionPoints(msn)[0]!.advise(sink);
  const named = (name: string) => events.filter((e) => e[0] === name).map((e) => e.slice(1));
  const contact = (name: string) => call<Obj>(msn, 'GetContact', name, '');
  return { port, msn, events, named, cookie, contact, clear: () => { events.length = 0; } };
}

// ---- ProgIDs -------------------------------------------------------------------------------------------

describe('ProgIDs', () => {
  it('creates the Messenger object for every Messenger ProgID, ignoring case', () => {
    const port = emulateMessenger({ seed: seed() });
    expect(port.kind).toBe('emulator');
    for (const progId of ['Messenger.UIAutomation', 'Messenger.UIAutomation.1', 'Communicator.UIAutomation', 'MESSENGER.uiautomation.1', 'communicator.uiautomation']) {
      expect(get(port.create(progId), 'MySigninName')).toBe(ANN);
    }
  });

  it('every object reaches one client session: state, contacts and events are shared', () => {
    const port = emulateMessenger({ seed: seed(false) });
    const a = port.create('Messenger.UIAutomation');
    const b = port.create('Communicator.UIAutomation');
    expect(a).not.toBe(b);
    const seen: unknown[] = [];
    port.connectionPoints(b)[0]!.advise({ OnSignin: (hr) => seen.push(hr) });
    call(a, 'Signin', 0, ANN, PASSWORD);
    expect(seen).toEqual([0]);
    expect(get(b, 'MySigninName')).toBe(ANN);
    expect(call(a, 'GetContact', BOB, '')).toBe(call(b, 'GetContact', BOB, SERVICE_ID));
  });

  it('an unregistered ProgID throws what winax throws for it: Invalid class string, CO_E_CLASSSTRING', () => {
    const port = emulateMessenger({ seed: seed() });
    const error = failure(() => port.create('Messenger.NoSuchThing'));
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('CreateInstance: Messenger.NoSuchThing: Invalid class string');
    expect(error.errno).toBe(-2147221005);
    expect(error.errno).toBe(toSigned(CO_E_CLASSSTRING));
    expect(error.code).toBeUndefined(); // no object, so no EXCEPINFO
  });

  it('progIds option: only the registered ones can be created', () => {
    const port = emulateMessenger({ seed: seed(), progIds: ['Communicator.UIAutomation'] });
    expect(get(port.create('communicator.UIAutomation'), 'MySigninName')).toBe(ANN);
    expect(failure(() => port.create('Messenger.UIAutomation.1')).errno).toBe(toSigned(CO_E_CLASSSTRING));
  });

  it('default seed: the in-memory backend\'s default user, signed out', () => {
    const port = emulateMessenger({});
    const msn = port.create('Messenger.UIAutomation');
    expect(get(msn, 'MyStatus')).toBe(MISTATUS.MISTATUS_OFFLINE);
    call(msn, 'AutoSignin');
    expect(get(msn, 'MySigninName')).toBe('me@example.com');
  });

  it('a bad seed is refused, naming the bad key', () => {
    expect(() => emulateMessenger({ seed: { self: { signinName: 'a b' } } })).toThrow(/self\.signinName/);
  });

  it('release() is a no-op and connectionPoints of other objects are empty', () => {
    const { port, msn, contact } = setup();
    expect(() => port.release(msn, contact(BOB))).not.toThrow();
    expect(port.connectionPoints(contact(BOB))).toEqual([]);
    expect(get(msn, 'MySigninName')).toBe(ANN);
  });
});

// ---- the shape of the objects ----------------------------------------------------------------------------

describe('members: exactly the type library\'s names', () => {
  const keys = (o: Obj) => Object.keys(o).sort();

  it('every object exposes the IDL members of its interfaces (inherited ones included), parameterised puts excepted', () => {
    const { msn, contact } = setup();
    expect(keys(msn)).toEqual(exposedMembers('IMessenger', 'IMessenger2', 'IMessenger3'));
    expect(keys(contact(BOB))).toEqual(exposedMembers('IMessengerContact'));
    expect(keys(get<Obj>(msn, 'MyContacts'))).toEqual(exposedMembers('IMessengerContacts'));
    const groups = get<Obj>(msn, 'MyGroups');
    expect(keys(groups)).toEqual(exposedMembers('IMessengerGroups'));
    expect(keys(call<Obj>(groups, 'Item', 0))).toEqual(exposedMembers('IMessengerGroup'));
    const services = get<Obj>(msn, 'Services');
    expect(keys(services)).toEqual(exposedMembers('IMessengerServices'));
    expect(keys(get<Obj>(services, 'PrimaryService'))).toEqual(exposedMembers('IMessengerService'));
    expect(keys(get<Obj>(msn, 'Window'))).toEqual(exposedMembers('IMessengerWindow'));
    expect(keys(call<Obj>(msn, 'InstantMessage', BOB))).toEqual(exposedMembers('IMessengerWindow', 'IMessengerConversationWnd'));
  });

  it('properties are accessors, methods and parameterised gets are functions', () => {
    const { msn } = setup();
    const status = Object.getOwnPropertyDescriptor(msn, 'MyStatus')!;
    expect(typeof status.get).toBe('function');
    expect(typeof status.set).toBe('function');
    for (const name of ['Signin', 'GetContact', 'MyPhoneNumber', 'MyProperty', 'UnreadEmailCount', 'Property']) {
      expect(typeof msn[name]).toBe('function');
    }
  });
});

describe('property get and put syntax', () => {
  it('o.MyStatus reads, o.MyStatus = x writes and raises OnMyStatusChange(S_OK, status)', () => {
    const { msn, named } = setup();
    expect(msn.MyStatus).toBe(MISTATUS.MISTATUS_ONLINE);
    msn.MyStatus = MISTATUS.MISTATUS_BUSY;
    expect(msn.MyStatus).toBe(MISTATUS.MISTATUS_BUSY);
    expect(named('OnMyStatusChange')).toEqual([[0, MISTATUS.MISTATUS_BUSY]]);
    msn.MyStatus = MISTATUS.MISTATUS_BUSY; // B678: the same status again still raises the event
    expect(named('OnMyStatusChange')).toHaveLength(2);
  });

  it('o.ContactsSortOrder = 1; group g.Name = x; window w.Left = 5', () => {
    const { msn, named } = setup();
    expect(msn.ContactsSortOrder).toBe(0);
    msn.ContactsSortOrder = 1;
    expect(msn.ContactsSortOrder).toBe(1);

    const group = call<Obj>(get<Obj>(msn, 'MyGroups'), 'Item', 1);
    group.Name = 'Old friends';
    expect(group.Name).toBe('Old friends');
    expect(named('OnGroupNameChanged')).toEqual([[0, group]]);

    const window = call<Obj>(msn, 'InstantMessage', BOB);
    window.Left = 5;
    window.Top = 6;
    window.Width = 500;
    window.Height = 400;
    expect([window.Left, window.Top, window.Width, window.Height]).toEqual([5, 6, 500, 400]);
  });

  it('parameterised property gets are called like methods', () => {
    const { msn, contact } = setup();
    expect(call(msn, 'MyPhoneNumber', MPHONE_TYPE.MPHONE_TYPE_WORK)).toBe('+1 425 555 0100');
    expect(call(msn, 'UnreadEmailCount', MUAFOLDER.MUAFOLDER_INBOX)).toBe(3);
    expect(call(msn, 'Property', 0)).toBe('5.1.0701');
    expect(call(msn, 'Property', 1)).toBe(1033);
    const bob = contact(BOB);
    expect(call(bob, 'PhoneNumber', MPHONE_TYPE.MPHONE_TYPE_MOBILE)).toBe('+1 425 555 0101');
    expect(call(bob, 'Property', 1)).toBe('bob.kelly@contoso.com');
    expect(call(bob, 'Property', 0)).toEqual(['Coworkers']);
    // Reserved (the page): E_INVALIDARG in all cases.
    expectWinax(() => call(msn, 'MyProperty', 0), 'DispInvoke', 'MyProperty', 'E_INVALIDARG');
    expectWinax(() => call(get<Obj>(get<Obj>(msn, 'Services'), 'PrimaryService'), 'Property', -1), 'DispInvoke', 'Property', 'E_INVALIDARG');
  });

  it('contact properties: FriendlyName, Status, SigninName, Blocked, CanPage, IsSelf, ServiceID, ServiceName', () => {
    const { msn, contact, named } = setup();
    const bob = contact(BOB);
    expect([bob.SigninName, bob.FriendlyName, bob.Status, bob.CanPage, bob.Blocked, bob.IsSelf]).toEqual([BOB, 'Bob Kelly', 2, true, false, false]);
    expect([bob.ServiceID, bob.ServiceName]).toEqual([SERVICE_ID, msn.MyServiceName]);
    expect(contact(ANN.toUpperCase()).IsSelf).toBe(true);
    expect(contact(DAVE).Blocked).toBe(true);
    bob.Blocked = true;
    expect(bob.Blocked).toBe(true);
    expect(named('OnContactBlockChange')).toEqual([[0, bob, true]]);
  });

  it('a read-only property put fails like IDispatch: DISP_E_MEMBERNOTFOUND', () => {
    const { msn } = setup();
    expectWinax(() => { msn.MySigninName = 'x'; }, 'DispPropertyPut', 'MySigninName', DISP_E_MEMBERNOTFOUND);
    expect(msn.MySigninName).toBe(ANN);
  });
});

// ---- collections ---------------------------------------------------------------------------------------------

describe('collections', () => {
  it('Count, zero-based Item, _NewEnum and for...of agree', () => {
    const { msn } = setup();
    const contacts = get<Obj>(msn, 'MyContacts');
    expect(contacts.Count).toBe(3);
    const byItem = [0, 1, 2].map((i) => call<Obj>(contacts, 'Item', i));
    expect(byItem.map((c) => c.SigninName)).toEqual([BOB, CAROL, DAVE]);
    expect([...(contacts._NewEnum as Iterable<Obj>)]).toEqual(byItem);
    const walked: Obj[] = [];
    for (const c of contacts as unknown as Iterable<Obj>) walked.push(c);
    expect(walked).toEqual(byItem);
    expect(items(get<Obj>(msn, 'MyGroups')).map((g) => g.Name)).toEqual(['Coworkers', 'Friends']);
    expect(items(get<Obj>(msn, 'Services')).map((s) => s.ServiceID)).toEqual([SERVICE_ID]);
  });

  it('Item: a negative or fractional index -> E_INVALIDARG; Index >= Count -> E_FAIL (A22)', () => {
    const { msn } = setup();
    const contacts = get<Obj>(msn, 'MyContacts');
    for (const bad of [-1, 0.5, '0']) expectWinax(() => call(contacts, 'Item', bad), 'DispInvoke', 'Item', 'E_INVALIDARG');
    expectWinax(() => call(contacts, 'Item', 3), 'DispInvoke', 'Item', 'E_FAIL');
    expectWinax(() => call(get<Obj>(msn, 'MyGroups'), 'Item', 2), 'DispInvoke', 'Item', 'E_FAIL');
    expectWinax(() => call(get<Obj>(msn, 'Services'), 'Item', 1), 'DispInvoke', 'Item', 'E_FAIL');
  });

  it('a collection is a snapshot: Remove drops from it; a new MyContacts reflects the change', () => {
    const { msn, named, contact } = setup();
    const contacts = get<Obj>(msn, 'MyContacts');
    const bob = contact(BOB);
    call(contacts, 'Remove', bob);
    expect(contacts.Count).toBe(2);
    expect(named('OnContactListRemove')).toEqual([[0, bob]]);
    expect(get<Obj>(msn, 'MyContacts').Count).toBe(2);
    expect(bob.SigninName).toBe(BOB); // B611: still a valid object
    expectWinax(() => call(contacts, 'Remove', bob), 'DispInvoke', 'Remove', 'E_FAIL');
    expectWinax(() => call(contacts, 'Remove', null), 'DispInvoke', 'Remove', 'E_POINTER');
  });

  it('Groups.Remove raises OnGroupRemoved; a removed group refuses its members with MSGR_E_GROUP_DOES_NOT_EXIST', () => {
    const { msn, named } = setup();
    const groups = get<Obj>(msn, 'MyGroups');
    const friends = call<Obj>(groups, 'Item', 1);
    call(groups, 'Remove', friends);
    expect(named('OnGroupRemoved')).toEqual([[0, friends]]);
    expect(get<Obj>(msn, 'MyGroups').Count).toBe(1);
    expectWinax(() => call(friends, 'AddContact', BOB), 'DispInvoke', 'AddContact', 'MSGR_E_GROUP_DOES_NOT_EXIST');
  });
});

// ---- identity ------------------------------------------------------------------------------------------------

describe('identity', () => {
  it('the same contact is the same object: GetContact (any case), MyContacts, group Contacts, events', () => {
    const { msn, contact } = setup();
    const bob = contact(BOB);
    expect(contact(BOB.toUpperCase())).toBe(bob);
    expect(call(get<Obj>(msn, 'MyContacts'), 'Item', 0)).toBe(bob);
    const coworkers = call<Obj>(get<Obj>(msn, 'MyGroups'), 'Item', 0);
    expect(call(get<Obj>(coworkers, 'Contacts'), 'Item', 0)).toBe(bob);
  });

  it('groups, services and the main window are one object each', () => {
    const { msn } = setup();
    expect(call(get<Obj>(msn, 'MyGroups'), 'Item', 0)).toBe(call(get<Obj>(msn, 'MyGroups'), 'Item', 0));
    const services = get<Obj>(msn, 'Services');
    expect(services.PrimaryService).toBe(call(services, 'Item', 0));
    expect(call<Obj>(get<Obj>(msn, 'MyGroups'), 'Item', 0).Service).toBe(services.PrimaryService);
    expect(msn.Window).toBe(msn.Window);
  });

  it('one window per contact: InstantMessage then StartVideo give the same open window; after Close, a new one', () => {
    const { msn, named } = setup();
    const window = call<Obj>(msn, 'InstantMessage', BOB);
    expect(call(msn, 'InstantMessage', call(msn, 'GetContact', BOB, ''))).toBe(window);
    expect(call(msn, 'StartVideo', BOB)).toBe(window);
    expect(named('OnIMWindowCreated')).toEqual([[window]]);
    const hwnd = window.HWND;
    expect(typeof hwnd).toBe('number');
    call(window, 'Close');
    expect(window.IsClosed).toBe(true);
    expect(named('OnIMWindowDestroyed')).toEqual([[window]]);
    const next = call<Obj>(msn, 'InstantMessage', BOB);
    expect(next).not.toBe(window);
    expect(next.HWND).not.toBe(hwnd);
  });

  it('CreateGroup with an existing name (any case) returns the existing group and raises OnGroupAdded(MSGR_E_GROUP_ALREADY_EXISTS)', () => {
    const { msn, named } = setup();
    const coworkers = call<Obj>(get<Obj>(msn, 'MyGroups'), 'Item', 0);
    expect(call(msn, 'CreateGroup', '  coworkers ', SERVICE_ID)).toBe(coworkers);
    expect(named('OnGroupAdded')).toEqual([[toSigned(HR.MSGR_E_GROUP_ALREADY_EXISTS), coworkers]]);
    expect(get<Obj>(msn, 'MyGroups').Count).toBe(2);
  });
});

// ---- errors ------------------------------------------------------------------------------------------------------

describe('winax error shape', () => {
  it('CreateGroup with a tab -> MSGR_E_BAD_GROUP_NAME, signed, DispInvoke: CreateGroup:', () => {
    const { msn } = setup();
    const error = expectWinax(() => call(msn, 'CreateGroup', 'a\tb', SERVICE_ID), 'DispInvoke', 'CreateGroup', 'MSGR_E_BAD_GROUP_NAME');
    expect(error.errno).toBe(-2130705583);
    expect(error.message.startsWith('DispInvoke: CreateGroup:')).toBe(true);
  });

  it('the group-name rules of decisions.md, on CreateGroup and on g.Name = x', () => {
    const { msn } = setup();
    expectWinax(() => call(msn, 'CreateGroup', 'a\nb', SERVICE_ID), 'DispInvoke', 'CreateGroup', 'E_INVALIDARG');
    expectWinax(() => call(msn, 'CreateGroup', '   ', SERVICE_ID), 'DispInvoke', 'CreateGroup', 'E_INVALIDARG');
    expectWinax(() => call(msn, 'CreateGroup', null, SERVICE_ID), 'DispInvoke', 'CreateGroup', 'E_POINTER');
    expectWinax(() => call(msn, 'CreateGroup', 'x'.repeat(62), SERVICE_ID), 'DispInvoke', 'CreateGroup', 'MSGR_E_GROUP_NAME_TOO_LONG');
    expectWinax(() => call(msn, 'CreateGroup', 'New', '{nope}'), 'DispInvoke', 'CreateGroup', 'MSGR_E_INVALID_SERVICE');
    const friends = call<Obj>(get<Obj>(msn, 'MyGroups'), 'Item', 1);
    expectWinax(() => { friends.Name = 'a\tb'; }, 'DispPropertyPut', 'Name', 'MSGR_E_BAD_GROUP_NAME');
    expectWinax(() => { friends.Name = 'COWORKERS'; }, 'DispPropertyPut', 'Name', 'MSGR_E_GROUP_ALREADY_EXISTS');
  });

  it('property puts and gets name their operation', () => {
    const { msn, contact } = setup();
    expectWinax(() => { msn.MyStatus = 999; }, 'DispPropertyPut', 'MyStatus', 'E_INVALIDARG');
    expectWinax(() => { msn.MyStatus = MISTATUS.MISTATUS_LOCAL_CONNECTING_TO_SERVER; }, 'DispPropertyPut', 'MyStatus', 'E_INVALIDARG');
    expectWinax(() => { msn.ContactsSortOrder = 7; }, 'DispPropertyPut', 'ContactsSortOrder', 'E_INVALIDARG');
    expectWinax(() => { contact(BOB).Blocked = 'yes'; }, 'DispPropertyPut', 'Blocked', 'E_INVALIDARG');
    const window = call<Obj>(msn, 'InstantMessage', BOB);
    expectWinax(() => { window.Width = 0; }, 'DispPropertyPut', 'Width', 'E_INVALIDARG');
    expectWinax(() => { window.Left = 1.5; }, 'DispPropertyPut', 'Left', 'E_INVALIDARG');
    call(window, 'Close');
    expectWinax(() => window.HWND, 'DispPropertyGet', 'HWND', 'E_FAIL');
  });

  it('argument rules shared with core: GetContact, vContact, PhoneNumber, UnreadEmailCount', () => {
    const { msn, contact } = setup();
    expectWinax(() => call(msn, 'GetContact', 'a b@x.com', ''), 'DispInvoke', 'GetContact', 'E_INVALIDARG');
    expectWinax(() => call(msn, 'GetContact', null, ''), 'DispInvoke', 'GetContact', 'E_FAIL');
    expectWinax(() => call(msn, 'GetContact', BOB, '{unknown}'), 'DispInvoke', 'GetContact', 'MSGR_E_INVALID_SERVICE');
    expectWinax(() => call(msn, 'InstantMessage', 42), 'DispInvoke', 'InstantMessage', 'E_INVALIDARG');
    expectWinax(() => call(msn, 'InstantMessage', { SigninName: BOB }), 'DispInvoke', 'InstantMessage', 'E_INVALIDARG');
    expectWinax(() => call(msn, 'InstantMessage', ANN), 'DispInvoke', 'InstantMessage', 'E_FAIL');
    expectWinax(() => call(contact(BOB), 'PhoneNumber', MPHONE_TYPE.MPHONE_TYPE_ALL), 'DispInvoke', 'PhoneNumber', 'E_FAIL');
    expectWinax(() => call(contact(BOB), 'Property', -1), 'DispInvoke', 'Property', 'E_INVALIDARG');
    expectWinax(() => call(msn, 'UnreadEmailCount', MUAFOLDER.MUAFOLDER_ALL_OTHER_FOLDERS), 'DispInvoke', 'UnreadEmailCount', 'E_FAIL');
    expectWinax(() => call(msn, 'AddContact', 0, BOB), 'DispInvoke', 'AddContact', 'MSGR_E_ALREADY_IN_LIST');
    expectWinax(() => call(msn, 'AddContact', 0, 'nobody@nowhere.example'), 'DispInvoke', 'AddContact', 'MSGR_E_USER_NOT_FOUND');
    expectWinax(() => call(msn, 'Page', CAROL), 'DispInvoke', 'Page', 'MSGR_E_PAGING_UNAVAILABLE');
    expectWinax(() => call(msn, 'Signin', 0, ANN, PASSWORD), 'DispInvoke', 'Signin', 'MSGR_E_ALREADY_LOGGED_ON');
  });
});

// ---- events ---------------------------------------------------------------------------------------------------------

describe('events through the connection point', () => {
  it('one connection point listing the 25 DMessengerEvents; unadvise stops delivery', () => {
    const { port, msn, cookie, named } = setup(false);
    const points = port.connectionPoints(msn);
    expect(points).toHaveLength(1);
    expect(points[0]!.getMethods!().sort()).toEqual([...MESSENGER_EVENT_NAMES].sort());
    points[0]!.unadvise(cookie);
    call(msn, 'Signin', 0, ANN, PASSWORD);
    expect(named('OnSignin')).toEqual([]);
  });

  it('Signin: OnSignin(S_OK) then OnMyStatusChange(S_OK, MISTATUS_ONLINE) (B680)', () => {
    const { msn, events } = setup(false);
    call(msn, 'Signin', 0, ANN, PASSWORD);
    expect(events).toEqual([['OnSignin', 0], ['OnMyStatusChange', 0, MISTATUS.MISTATUS_ONLINE]]);
  });

  it('a wrong password or an unknown account -> MSGR_E_INVALID_PASSWORD, also in OnSignin (B697)', () => {
    const { msn, named, clear } = setup(false);
    for (const [name, password] of [[ANN, 'wrong'], ['someone@contoso.com', PASSWORD]]) {
      clear();
      expectWinax(() => call(msn, 'Signin', 0, name, password), 'DispInvoke', 'Signin', 'MSGR_E_INVALID_PASSWORD');
      expect(named('OnSignin')).toEqual([[toSigned(HR.MSGR_E_INVALID_PASSWORD)]]);
      expect(msn.MyStatus).toBe(MISTATUS.MISTATUS_OFFLINE);
    }
    expectWinax(() => call(msn, 'Signin', 0, 'ann @contoso.com', PASSWORD), 'DispInvoke', 'Signin', 'E_INVALIDARG');
  });

  it('Signout: OnIMWindowDestroyed for each window, OnMyStatusChange(LOCAL_DISCONNECTING), OnSignout', () => {
    const { msn, events, clear } = setup();
    const w1 = call<Obj>(msn, 'InstantMessage', BOB);
    const w2 = call<Obj>(msn, 'StartVoice', CAROL);
    clear();
    call(msn, 'Signout');
    expect(events).toEqual([
      ['OnIMWindowDestroyed', w1], ['OnIMWindowDestroyed', w2],
      ['OnMyStatusChange', 0, MISTATUS.MISTATUS_LOCAL_DISCONNECTING_FROM_SERVER], ['OnSignout'],
    ]);
    expect([w1.IsClosed, w2.IsClosed]).toEqual([true, true]);
  });

  it('contact list and group events carry the documented arguments', () => {
    const { msn, events, clear, contact } = setup();
    call(msn, 'AddContact', 0, ERIN);
    const erin = contact(ERIN);
    expect(events).toEqual([['OnContactListAdd', 0, erin]]);
    expect(events[0]![2]).toBe(erin); // the very object GetContact returns
    clear();
    // vService may be a MessengerService object, vContact a MessengerContact object.
    const group = call<Obj>(msn, 'CreateGroup', 'Team', get<Obj>(get<Obj>(msn, 'Services'), 'PrimaryService'));
    expect(events[0]![2]).toBe(group);
    call(group, 'AddContact', erin);
    call(group, 'AddContact', ERIN); // already a member: nothing happens
    call(group, 'RemoveContact', ERIN);
    expect(events).toEqual([
      ['OnGroupAdded', 0, group], ['OnContactAddedToGroup', 0, group, erin], ['OnContactRemovedFromGroup', 0, group, erin],
    ]);
    expectWinax(() => call(group, 'RemoveContact', ERIN), 'DispInvoke', 'RemoveContact', 'MSGR_E_USER_NOT_FOUND');
  });

  it('conversation window events: created, contact added, destroyed; History records what was sent', () => {
    const { msn, events, contact } = setup();
    const window = call<Obj>(msn, 'SendFile', BOB, 'C:\\report.doc');
    call(window, 'AddContact', CAROL);
    expect(items(get<Obj>(window, 'Contacts'))).toEqual([contact(BOB), contact(CAROL)]);
    expect(window.History).toBe('[file] C:\\report.doc');
    call(window, 'Close');
    call(window, 'Close'); // already closed: no second event
    expect(events).toEqual([['OnIMWindowCreated', window], ['OnIMWindowContactAdded', contact(CAROL), window], ['OnIMWindowDestroyed', window]]);
    expectWinax(() => call(window, 'Show'), 'DispInvoke', 'Show', 'E_FAIL');
    expectWinax(() => window.History, 'DispPropertyGet', 'History', 'E_FAIL');
    const video = call<Obj>(msn, 'StartVideo', CAROL);
    expectWinax(() => call(video, 'AddContact', BOB), 'DispInvoke', 'AddContact', 'MSGR_E_SESSION_FULL');
    const phone = call<Obj>(msn, 'Phone', BOB, MPHONE_TYPE.MPHONE_TYPE_MOBILE, '');
    expectWinax(() => call(phone, 'Property', 0), 'DispInvoke', 'Property', 'E_NOTIMPL');
    expectWinax(() => call(msn, 'Phone', CAROL, MPHONE_TYPE.MPHONE_TYPE_HOME, ''), 'DispInvoke', 'Phone', 'MSGR_E_PHONE_INVALID_NUMBER');
  });

  it('events fire after the state changed', () => {
    const { port, msn } = setup();
    const seen: unknown[] = [];
    port.connectionPoints(msn)[0]!.advise({
      OnMyStatusChange: () => seen.push(msn.MyStatus),
      OnGroupAdded: () => seen.push(get<Obj>(msn, 'MyGroups').Count),
      OnContactListRemove: () => seen.push(get<Obj>(msn, 'MyContacts').Count),
    });
    msn.MyStatus = MISTATUS.MISTATUS_AWAY;
    call(msn, 'CreateGroup', 'Team', SERVICE_ID);
    const contacts = get<Obj>(msn, 'MyContacts');
    call(contacts, 'Remove', call(contacts, 'Item', 0));
    expect(seen).toEqual([MISTATUS.MISTATUS_AWAY, 3, 2]);
  });

  it('a sink that throws does not break the call (a warning is emitted)', () => {
    const { port, msn, named } = setup();
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    port.connectionPoints(msn)[0]!.advise({ OnMyStatusChange: () => { throw new Error('sink failed'); } });
    msn.MyStatus = MISTATUS.MISTATUS_BUSY;
    expect(msn.MyStatus).toBe(MISTATUS.MISTATUS_BUSY);
    expect(named('OnMyStatusChange')).toEqual([[0, MISTATUS.MISTATUS_BUSY]]);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});

// ---- signed out -------------------------------------------------------------------------------------------------------

describe('signed out', () => {
  it('each member answers as its page documents (A06)', () => {
    const { msn } = setup(false);
    expect(msn.MyStatus).toBe(MISTATUS.MISTATUS_OFFLINE);
    expect(get<Obj>(msn, 'MyContacts').Count).toBe(0);
    expect(get<Obj>(msn, 'MyGroups').Count).toBe(0);
    expect(get<Obj>(msn, 'Services').Count).toBe(1);
    expect(msn.MyServiceId).toBe(SERVICE_ID);
    expectWinax(() => msn.MySigninName, 'DispPropertyGet', 'MySigninName', 'MSGR_E_NOT_LOGGED_ON');
    expectWinax(() => msn.MyFriendlyName, 'DispPropertyGet', 'MyFriendlyName', 'E_FAIL');
    expectWinax(() => msn.ContactsSortOrder, 'DispPropertyGet', 'ContactsSortOrder', 'MSGR_E_NOT_LOGGED_ON');
    expectWinax(() => call(msn, 'GetContact', BOB, ''), 'DispInvoke', 'GetContact', 'MSGR_E_NOT_LOGGED_ON');
    expectWinax(() => call(msn, 'InstantMessage', BOB), 'DispInvoke', 'InstantMessage', 'MSGR_E_NOT_LOGGED_ON');
    expectWinax(() => call(msn, 'InviteApp', BOB, '{app}'), 'DispInvoke', 'InviteApp', 'E_FAIL');
    expectWinax(() => call(msn, 'CreateGroup', 'Team', SERVICE_ID), 'DispInvoke', 'CreateGroup', 'MSGR_E_NOT_LOGGED_ON');
    expectWinax(() => call(msn, 'UnreadEmailCount', 0), 'DispInvoke', 'UnreadEmailCount', 'MSGR_E_NOT_LOGGED_ON');
    expectWinax(() => call(msn, 'Signout'), 'DispInvoke', 'Signout', 'MSGR_E_NOT_LOGGED_ON');
    expectWinax(() => { msn.MyStatus = MISTATUS.MISTATUS_AWAY; }, 'DispPropertyPut', 'MyStatus', 'MSGR_E_NOT_LOGGED_ON');
    expectWinax(() => call(get<Obj>(msn, 'MyGroups'), 'Remove', {}), 'DispInvoke', 'Remove', 'MSGR_E_CONNECT');
  });

  it('objects kept from before the sign-out: contacts read FALSE flags, windows are closed', () => {
    const { msn, contact } = setup();
    const bob = contact(BOB);
    const self = contact(ANN);
    const window = call<Obj>(msn, 'InstantMessage', BOB);
    const coworkers = call<Obj>(get<Obj>(msn, 'MyGroups'), 'Item', 0);
    call(msn, 'Signout');
    expect([bob.CanPage, self.IsSelf]).toEqual([false, false]);
    expect(get<Obj>(coworkers, 'Contacts').Count).toBe(0);
    expectWinax(() => coworkers.Name, 'DispPropertyGet', 'Name', 'MSGR_E_NOT_LOGGED_ON');
    expectWinax(() => get<Obj>(window, 'Contacts'), 'DispPropertyGet', 'Contacts', 'E_FAIL');
    expect(window.IsClosed).toBe(true);
  });

  it('AutoSignin signs in with the account; a second time -> MSGR_E_ALREADY_LOGGED_ON', () => {
    const { msn, named } = setup(false);
    call(msn, 'AutoSignin');
    expect(named('OnSignin')).toEqual([[0]]);
    expectWinax(() => call(msn, 'AutoSignin'), 'DispInvoke', 'AutoSignin', 'MSGR_E_ALREADY_LOGGED_ON');
  });
});

// ---- the other side ------------------------------------------------------------------------------------------------------

describe('otherSide', () => {
  it('contactStatus: OnContactStatusChange(contact, status) for listed contacts only, invisible as offline, no repeat', async () => {
    const { port, msn, named, contact } = setup();
    const bob = contact(BOB);
    contact(ERIN);
    await port.otherSide.contactStatus(ERIN, MISTATUS.MISTATUS_AWAY); // B635: not listed
    await port.otherSide.contactStatus(BOB, MISTATUS.MISTATUS_AWAY);
    await port.otherSide.contactStatus(BOB, MISTATUS.MISTATUS_AWAY); // B634: same again
    await port.otherSide.contactStatus(BOB, MISTATUS.MISTATUS_INVISIBLE); // B374
    expect(named('OnContactStatusChange')).toEqual([[bob, MISTATUS.MISTATUS_AWAY], [bob, MISTATUS.MISTATUS_OFFLINE]]);
    expect(bob.Status).toBe(MISTATUS.MISTATUS_OFFLINE);
    // A listed contact the caller never asked for is reported too (the client knows its list).
    await port.otherSide.contactStatus(CAROL, MISTATUS.MISTATUS_BUSY);
    expect(named('OnContactStatusChange')[2]).toEqual([contact(CAROL), MISTATUS.MISTATUS_BUSY]);
    // Removed from the list: no further updates (B611).
    call(get<Obj>(msn, 'MyContacts'), 'Remove', bob);
    await port.otherSide.contactStatus(BOB, MISTATUS.MISTATUS_ONLINE);
    expect(named('OnContactStatusChange')).toHaveLength(3);
    await expect(port.otherSide.contactStatus('nobody@nowhere.example', 2)).rejects.toThrow(/no user/);
  });

  it('contactFriendlyName, contactPhone, contactPager, contactEmail', async () => {
    const { port, events, contact } = setup();
    const bob = contact(BOB);
    await port.otherSide.contactFriendlyName(BOB, 'Robert Kelly');
    await port.otherSide.contactPhone(BOB, MPHONE_TYPE.MPHONE_TYPE_WORK, '+1 425 555 0111');
    await port.otherSide.contactPager(BOB, false);
    await port.otherSide.contactPager(BOB, false); // no change, no event
    await port.otherSide.contactEmail(BOB, 'bob@new.example');
    expect(events).toEqual([
      ['OnContactFriendlyNameChange', 0, bob, 'Bob Kelly'],
      ['OnContactPhoneChange', 0, bob, MPHONE_TYPE.MPHONE_TYPE_WORK, '+1 425 555 0111'],
      ['OnContactPagerChange', 0, bob, false],
      ['OnContactPropertyChange', 0, bob, 1, 'bob@new.example'],
    ]);
    expect([bob.FriendlyName, call(bob, 'PhoneNumber', 1), bob.CanPage, call(bob, 'Property', 1)])
      .toEqual(['Robert Kelly', '+1 425 555 0111', false, 'bob@new.example']);
  });

  it('contactLeavesConversations: OnIMWindowContactRemoved(contact, window) and the window\'s Contacts follow', async () => {
    const { port, msn, named, contact } = setup();
    const window = call<Obj>(msn, 'InstantMessage', BOB);
    call(window, 'AddContact', CAROL);
    await port.otherSide.contactLeavesConversations(CAROL);
    expect(named('OnIMWindowContactRemoved')).toEqual([[contact(CAROL), window]]);
    expect(items(get<Obj>(window, 'Contacts'))).toEqual([contact(BOB)]);
  });

  it('myFriendlyName, myPhone, appShutdown, unreadEmail', async () => {
    const { port, msn, events } = setup();
    await port.otherSide.myFriendlyName('Ann L.');
    await port.otherSide.myPhone(MPHONE_TYPE.MPHONE_TYPE_MOBILE, '+1 425 555 0177');
    await port.otherSide.appShutdown();
    await port.otherSide.unreadEmail(MUAFOLDER.MUAFOLDER_INBOX, 5);
    expect(events).toEqual([
      ['OnMyFriendlyNameChange', 0, 'Ann Lee'],
      ['OnMyPhoneChange', MPHONE_TYPE.MPHONE_TYPE_MOBILE, '+1 425 555 0177'],
      ['OnAppShutdown'],
      ['OnUnreadEmailChange', MUAFOLDER.MUAFOLDER_INBOX, 5, true],
    ]);
    expect([msn.MyFriendlyName, call(msn, 'MyPhoneNumber', 2), call(msn, 'UnreadEmailCount', 0)]).toEqual(['Ann L.', '+1 425 555 0177', 5]);
  });

  it('signOut: windows close, OnSignout, the client is signed out', async () => {
    const { port, msn, events, clear } = setup();
    const window = call<Obj>(msn, 'InstantMessage', BOB);
    clear();
    await port.otherSide.signOut();
    expect(events).toEqual([['OnIMWindowDestroyed', window], ['OnSignout']]);
    expect(msn.MyStatus).toBe(MISTATUS.MISTATUS_OFFLINE);
    expectWinax(() => call(msn, 'Signout'), 'DispInvoke', 'Signout', 'MSGR_E_NOT_LOGGED_ON');
  });

  it('failNextCall: the next member call (any object, any kind) throws that HRESULT once, then calls succeed', () => {
    const { port, msn, contact } = setup();
    port.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
    expectWinax(() => msn.MyFriendlyName, 'DispPropertyGet', 'MyFriendlyName', 'MSGR_E_SERVER_TOO_BUSY');
    expect(msn.MyFriendlyName).toBe('Ann Lee');
    port.otherSide.failNextCall('E_FAIL');
    expectWinax(() => call(msn, 'CreateGroup', 'Team', SERVICE_ID), 'DispInvoke', 'CreateGroup', 'E_FAIL');
    expect(get<Obj>(msn, 'MyGroups').Count).toBe(2); // nothing happened
    const bob = contact(BOB);
    port.otherSide.failNextCall('E_FAIL');
    expectWinax(() => { bob.Blocked = true; }, 'DispPropertyPut', 'Blocked', 'E_FAIL');
    expect(bob.Blocked).toBe(false);
  });

  it('failNextCall on a sign-in reports the hr in OnSignin too (B028, B698)', () => {
    const { port, msn, named } = setup(false);
    port.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
    expectWinax(() => call(msn, 'AutoSignin'), 'DispInvoke', 'AutoSignin', 'MSGR_E_SERVER_TOO_BUSY');
    expect(named('OnSignin')).toEqual([[toSigned(HR.MSGR_E_SERVER_TOO_BUSY)]]);
    expect(msn.MyStatus).toBe(MISTATUS.MISTATUS_OFFLINE);
    call(msn, 'Signin', 0, ANN, PASSWORD);
    expect(msn.MySigninName).toBe(ANN);
  });
});

// ---- the main window ----------------------------------------------------------------------------------------------------

describe('main window', () => {
  it('Close hides it (ContactsSortOrder then fails with E_FAIL, B268); Show brings it back', () => {
    const { msn } = setup();
    const window = get<Obj>(msn, 'Window');
    expect([window.IsClosed, window.Left, window.Width]).toEqual([false, 0, 300]);
    expectWinax(() => call(window, 'Property', 0), 'DispInvoke', 'Property', 'E_NOTIMPL');
    call(window, 'Close');
    expect(window.IsClosed).toBe(true);
    expectWinax(() => msn.ContactsSortOrder, 'DispPropertyGet', 'ContactsSortOrder', 'E_FAIL');
    call(window, 'Show');
    expect(window.IsClosed).toBe(false);
    expect(msn.ContactsSortOrder).toBe(0);
    expect(msn.Window).toBe(window);
  });
});
