/**
 * The automation face on the memory backend: IDL member names (case-insensitive), property get and
 * put, parameterised properties, methods, collections, identity, errors, activation.
 * Needs the compiled worker: `npx tsc -b packages/shim` first.
 */
import { inspect } from 'node:util';
import { HR, isMessengerError, MessengerError, MISTATUS, MPHONE_TYPE, MUAFOLDER } from '@imessenger/contract';
import { BOB, CAROL, DAVE, ERIN, KIT_SELF, KIT_SERVICE_ID } from '@imessenger/contract-tests';
import { Enumerator, interfaceOf, JSCRIPT, MESSENGER_PROGIDS, type ShimHost } from '../src';
import { auto, call, errorOf, memoryHost, seed } from './helpers';

let host: ShimHost;
let msn: Record<string, unknown>;

beforeAll(() => {
  host = memoryHost(seed({ signedIn: true }));
  msn = auto(host.create('Messenger.UIAutomation.1'));
});
afterAll(() => host.dispose());

describe('activation', () => {
  test('every Messenger ProgID, in any case, reaches the one shared state', () => {
    const a = auto(new host.ActiveXObject('messenger.uiautomation'));
    const b = auto(host.create('COMMUNICATOR.UIAUTOMATION'));
    const c = auto(host.GetObject('', 'Messenger.UIAutomation.1'));
    a['ContactsSortOrder'] = 1;
    expect(b['ContactsSortOrder']).toBe(1);
    b['ContactsSortOrder'] = 0;
    expect(c['ContactsSortOrder']).toBe(0);
    expect(MESSENGER_PROGIDS).toEqual(['Messenger.UIAutomation', 'Messenger.UIAutomation.1', 'Communicator.UIAutomation']);
    // Objects from different instances are the same objects.
    expect(call(a, 'GetContact', BOB, '')).toBe(call(c, 'GetContact', BOB, ''));
  });

  test('an unknown ProgID throws what JScript threw', () => {
    const e = errorOf(() => new host.ActiveXObject('Scripting.Nothing'));
    expect(e.number).toBe(-2146827859);
    expect(e.message).toBe("Automation server can't create object");
    expect(e.description).toBe("Automation server can't create object");
    expect(errorOf(() => host.GetObject('C:\\file.txt')).number).toBe(-2146827859);
  });

  test('a new ActiveXObject per action is cheap (no round trip)', () => {
    const start = performance.now();
    for (let i = 0; i < 1000; i++) new host.ActiveXObject('Messenger.UIAutomation');
    expect(performance.now() - start).toBeLessThan(500);
  });

  test('typeof every object is "object" (not callable)', () => {
    const contacts = msn['MyContacts'];
    const contact = call(contacts, 'Item', 0);
    const groups = msn['MyGroups'];
    for (const o of [msn, contacts, contact, groups, call(groups, 'Item', 0), msn['Services'], auto(msn['Services'])['PrimaryService'], call(msn, 'InstantMessage', BOB)]) {
      expect(typeof o).toBe('object');
    }
    expect(interfaceOf(contact)).toBe('IMessengerContact');
    expect(interfaceOf(msn)).toBe('IMessenger3');
    expect(Object.prototype.toString.call(contact)).toBe('[object IMessengerContact]');
    expect(inspect(contact)).toBe('[IMessengerContact]');
    expect(inspect(msn)).toBe('[IMessenger3]');
  });
});

describe('members by their IDL names', () => {
  test('property gets: MyFriendlyName, MySigninName, MyStatus, MyServiceId, Services.PrimaryService.MySigninName', () => {
    expect(msn['MyFriendlyName']).toBe('Ann Lee');
    expect(msn['MySigninName']).toBe(KIT_SELF);
    expect(msn['MyStatus']).toBe(MISTATUS.MISTATUS_ONLINE);
    expect(msn['MyServiceId']).toBe(KIT_SERVICE_ID);
    expect(auto(auto(msn['Services'])['PrimaryService'])['MySigninName']).toBe(KIT_SELF);
  });

  test('names resolve case-insensitively, as GetIDsOfNames did', () => {
    expect(msn['myFriendlyName']).toBe('Ann Lee');
    expect(msn['mystatus']).toBe(MISTATUS.MISTATUS_ONLINE);
    expect(auto(call(msn['mycontacts'], 'item', 0))['signinname']).toBe(BOB);
    expect(auto(msn['MYCONTACTS'])['COUNT']).toBe(3);
    expect('mystatus' in msn).toBe(true);
    expect('NoSuchMember' in msn).toBe(false);
  });

  test('property puts: ContactsSortOrder, MyStatus, MyGroups.Item(0).Name', () => {
    msn['ContactsSortOrder'] = 1;
    expect(msn['ContactsSortOrder']).toBe(1);
    msn['mystatus'] = MISTATUS.MISTATUS_BUSY;
    expect(msn['MyStatus']).toBe(MISTATUS.MISTATUS_BUSY);
    msn['MyStatus'] = MISTATUS.MISTATUS_ONLINE;
    const group = auto(call(msn['MyGroups'], 'Item', 1));
    group['Name'] = 'Pals';
    expect(auto(call(msn['MyGroups'], 'Item', 1))['Name']).toBe('Pals');
    group['Name'] = 'Friends';
  });

  test('parameterised properties are functions: MyPhoneNumber(type), UnreadEmailCount(folder), PhoneNumber(type)', () => {
    expect(call(msn, 'MyPhoneNumber', MPHONE_TYPE.MPHONE_TYPE_WORK)).toBe('+1 425 555 0100');
    expect(call(msn, 'UnreadEmailCount', MUAFOLDER.MUAFOLDER_INBOX)).toBe(3);
    expect(call(call(msn, 'GetContact', BOB, ''), 'PhoneNumber', MPHONE_TYPE.MPHONE_TYPE_MOBILE)).toBe('+1 425 555 0101');
    expect(call(msn, 'Property', 0)).toBe('5.1.0701');
  });

  test('an indexed property is put with put_Name(index, value), the async face\'s name', () => {
    const e = errorOf(() => call(msn, 'put_Property', 0, 'x'));
    expect(e.number).toBe(HR.E_INVALIDARG | 0);
    expect(e.member).toBe('IMessenger3.Property');
  });

  test('the async face\'s names work too: get_MyFriendlyName(), put_ContactsSortOrder(v)', () => {
    expect(call(msn, 'get_MyFriendlyName')).toBe('Ann Lee');
    call(msn, 'put_ContactsSortOrder', 0);
    expect(msn['ContactsSortOrder']).toBe(0);
  });

  test('methods: GetContact(name, id).Status, InstantMessage(c).HWND, CreateGroup', () => {
    expect(auto(call(msn, 'GetContact', CAROL, msn['MyServiceId']))['Status']).toBe(0x22);
    const window = auto(call(msn, 'InstantMessage', call(msn, 'GetContact', BOB, '')));
    expect(typeof window['HWND']).toBe('number');
    expect(window['IsClosed']).toBe(false);
    expect(auto(window['Contacts'])['Count']).toBe(1);
    // The same contact again: the same window (one open window per contact).
    expect(call(msn, 'InstantMessage', BOB)).toBe(window);
    call(window, 'Close');
    expect(window['IsClosed']).toBe(true);
  });

  test('GetContact for someone not in the list succeeds: status unknown, friendly name = sign-in name', () => {
    const erin = auto(call(msn, 'GetContact', ERIN, ''));
    expect(erin['Status']).toBe(MISTATUS.MISTATUS_UNKNOWN);
    expect(erin['FriendlyName']).toBe(ERIN);
  });

  test('Property(MCONTACTPROP_GROUPS_PROPERTY) is a MessengerGroups collection: Count, Item(0).Name, for…of, Enumerator', () => {
    const h = memoryHost(seed({ signedIn: true }));
    try {
      const m = auto(h.create('Messenger.UIAutomation'));
      const groups = auto(call(call(m, 'GetContact', BOB, ''), 'Property', 0));
      expect(interfaceOf(groups)).toBe('IMessengerGroups');
      expect(groups['Count']).toBe(1);
      expect(auto(call(groups, 'Item', 0))['Name']).toBe('Coworkers');
      // The same group object MyGroups gives.
      expect(call(groups, 'Item', 0)).toBe(call(m['MyGroups'], 'Item', 0));
      expect([...(groups as unknown as Iterable<unknown>)].map((g) => auto(g)['Name'])).toEqual(['Coworkers']);
      const names: unknown[] = [];
      for (const e = new Enumerator(groups); !e.atEnd(); e.moveNext()) names.push(auto(e.item())['Name']);
      expect(names).toEqual(['Coworkers']);
      expect(errorOf(() => call(groups, 'Item', 1)).number).toBe(HR.E_FAIL | 0);
      expect(auto(call(call(m, 'GetContact', DAVE, ''), 'Property', 0))['Count']).toBe(0);
      expect(call(call(m, 'GetContact', BOB, ''), 'Property', 1)).toBe('bob.kelly@contoso.com');
    } finally { h.dispose(); }
  });

  test('an unknown member throws JScript\'s 438; a read-only property refuses a put', () => {
    const e = errorOf(() => msn['NoSuchThing']);
    expect(e.number).toBe(-2146827850);
    expect(e.message).toBe("Object doesn't support this property or method");
    expect(e.member).toBe('IMessenger3.NoSuchThing');
    expect(errorOf(() => { msn['MyFriendlyName'] = 'x'; }).number).toBe(JSCRIPT.NOT_SUPPORTED.number);
    expect(errorOf(() => { msn['MyPhoneNumber'] = 'x'; }).number).toBe(JSCRIPT.NOT_SUPPORTED.number);
    expect(errorOf(() => { msn['Property'] = 'x'; }).number).toBe(JSCRIPT.WRONG_ARGUMENTS.number);
  });

  test('JavaScript probes do not throw: await, JSON, String()', async () => {
    await expect(Promise.resolve(msn)).resolves.toBe(msn);
    expect(JSON.stringify({ msn })).toBe('{"msn":{}}');
    expect(String(msn)).toBe('[object IMessenger3]');
  });
});

describe('errors: MessengerError with the signed HRESULT and the description', () => {
  test('CreateGroup with a tab -> MSGR_E_BAD_GROUP_NAME (-2130705583)', () => {
    let caught: unknown;
    try { call(msn, 'CreateGroup', 'a\tb', ''); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(MessengerError);
    const e = caught as MessengerError;
    expect(e.number).toBe(-2130705583);
    expect(e.hresult).toBe(0x81000351);
    expect(e.code).toBe('MSGR_E_BAD_GROUP_NAME');
    expect(e.member).toBe('IMessenger2.CreateGroup');
    expect(e.description).toMatch(/tab/);
  });

  test('GetContact("") -> E_INVALIDARG; MyPhoneNumber of a type not set -> E_FAIL', () => {
    expect(errorOf(() => call(msn, 'GetContact', '', '')).number).toBe(HR.E_INVALIDARG | 0);
    expect(errorOf(() => call(msn, 'MyPhoneNumber', MPHONE_TYPE.MPHONE_TYPE_HOME)).number).toBe(HR.E_FAIL | 0);
  });

  test('errors are thrown as MessengerError (isMessengerError, instanceof in this realm)', () => {
    try { call(msn, 'GetContact', 'a b', ''); } catch (e) {
      expect(isMessengerError(e, 'E_INVALIDARG')).toBe(true);
      expect(e).toBeInstanceOf(MessengerError);
      return;
    }
    throw new Error('no error');
  });
});

describe('collections', () => {
  test('Count, Item(i) zero-based, range errors as documented', () => {
    const contacts = auto(msn['MyContacts']);
    expect(contacts['Count']).toBe(3);
    expect([0, 1, 2].map((i) => auto(call(contacts, 'Item', i))['SigninName'])).toEqual([BOB, CAROL, DAVE]);
    const past = errorOf(() => call(contacts, 'Item', 3));
    expect(past.number).toBe(HR.E_FAIL | 0);
    expect(past.member).toBe('IMessengerContacts.Item');
    expect(errorOf(() => call(contacts, 'Item', -1)).number).toBe(HR.E_INVALIDARG | 0);
    expect(errorOf(() => call(contacts, 'Item', 1.5)).number).toBe(HR.E_INVALIDARG | 0);
    expect(errorOf(() => call(contacts, 'Item', '0')).number).toBe(HR.E_INVALIDARG | 0);
    expect(call(contacts, 'get_Count')).toBe(3);
  });

  test('for…of and the JScript Enumerator', () => {
    const names = [...(msn['MyContacts'] as Iterable<unknown>)].map((c) => auto(c)['SigninName']);
    expect(names).toEqual([BOB, CAROL, DAVE]);
    const seen: unknown[] = [];
    const e = new Enumerator(msn['MyGroups']);
    for (; !e.atEnd(); e.moveNext()) seen.push(auto(e.item())['Name']);
    expect(seen).toEqual(['Coworkers', 'Friends']);
    expect(e.item()).toBeUndefined();
    e.moveFirst();
    expect(auto(e.item())['Name']).toBe('Coworkers');
    const byHost = new host.Enumerator(msn['MyContacts'] as object);
    expect(byHost.atEnd()).toBe(false);
    expect(() => new Enumerator(msn)).toThrow("Object not a collection");
    expect(new Enumerator().atEnd()).toBe(true);
  });

  test('_NewEnum gives an enumerator over the snapshot', () => {
    const it = auto(msn['MyContacts'])['_NewEnum'] as Iterator<unknown>;
    expect(auto(it.next().value)['SigninName']).toBe(BOB);
    expect([...(auto(msn['Services'])['_NewEnum'] as Iterable<unknown>)]).toHaveLength(2); // the kit's two services
  });

  test('identity: the same contact is the same object everywhere', () => {
    const fromList = call(msn['MyContacts'], 'Item', 0);
    expect(call(msn, 'GetContact', BOB, '')).toBe(fromList);
    expect(call(msn, 'GetContact', 'BOB@contoso.com', '')).toBe(fromList);
    expect(call(auto(call(msn['MyGroups'], 'Item', 0))['Contacts'], 'Item', 0)).toBe(fromList);
    expect(call(msn['MyGroups'], 'Item', 0)).toBe(call(msn['MyGroups'], 'Item', 0));
  });

  test('a snapshot keeps its items; Remove drops from it, as on the async face', () => {
    const h = memoryHost(seed({ signedIn: true }));
    try {
      const m = auto(h.create('Messenger.UIAutomation'));
      const contacts = auto(m['MyContacts']);
      const dave = call(contacts, 'Item', 2);
      call(contacts, 'Remove', dave);
      expect(contacts['Count']).toBe(2);
      expect(auto(m['MyContacts'])['Count']).toBe(2);
      // The snapshot taken before still has its items until it removes them itself.
      expect(errorOf(() => call(contacts, 'Remove', dave)).number).toBe(HR.E_FAIL | 0);
      const groups = auto(m['MyGroups']);
      call(groups, 'Remove', call(groups, 'Item', 1));
      expect(groups['Count']).toBe(1);
      expect(auto(m['MyGroups'])['Count']).toBe(1);
    } finally { h.dispose(); }
  });

  test('Remove on a snapshot older than the kept ones re-reads it from its source', () => {
    const h = memoryHost(seed({ signedIn: true }));
    try {
      const m = auto(h.create('Messenger.UIAutomation'));
      const old = auto(m['MyContacts']);
      for (let i = 0; i < 300; i++) void m['MyContacts'];
      call(old, 'Remove', call(old, 'Item', 0));
      expect(old['Count']).toBe(2);
      expect(auto(m['MyContacts'])['Count']).toBe(2);
      expect(auto(auto(m['Services'])['PrimaryService'])['ServiceID']).toBe(KIT_SERVICE_ID);
    } finally { h.dispose(); }
  });

  test('an older snapshot of a member with arguments (Property(MCONTACTPROP_GROUPS_PROPERTY)) is re-read with the same arguments', () => {
    const h = memoryHost(seed({ signedIn: true }));
    try {
      const m = auto(h.create('Messenger.UIAutomation'));
      const bob = call(m, 'GetContact', BOB, '');
      const old = auto(call(bob, 'Property', 0));
      for (let i = 0; i < 300; i++) void m['MyContacts'];
      // IMessengerGroups.Remove removes the group (as MyGroups.Remove does).
      call(old, 'Remove', call(old, 'Item', 0));
      expect(old['Count']).toBe(0);
      expect(auto(call(bob, 'Property', 0))['Count']).toBe(0);
      expect(auto(m['MyGroups'])['Count']).toBe(1);
    } finally { h.dispose(); }
  });

  test('safeForScripting: members not available for scripting languages fail with E_NOTIMPL', () => {
    const h = memoryHost(seed({ signedIn: true }), { safeForScripting: true });
    try {
      const m = auto(h.create('Messenger.UIAutomation'));
      expect(m['MyFriendlyName']).toBe('Ann Lee');
      const e = errorOf(() => m['MySigninName']);
      expect(e.number).toBe(HR.E_NOTIMPL | 0);
      expect(e.member).toBe('IMessenger.MySigninName');
      expect(errorOf(() => call(m, 'CreateGroup', 'x', m['MyServiceId'])).number).toBe(HR.E_NOTIMPL | 0);
    } finally { h.dispose(); }
    // The default is a trusted host: every member works.
    expect(msn['MySigninName']).toBe(KIT_SELF);
  });

  test('signed out, MyContacts is an empty collection', () => {
    const h = memoryHost(seed({ signedIn: false }));
    try {
      const m = auto(h.create('Messenger.UIAutomation'));
      expect(auto(m['MyContacts'])['Count']).toBe(0);
      expect([...(m['MyContacts'] as Iterable<unknown>)]).toEqual([]);
      expect(errorOf(() => m['MySigninName']).number).toBe(HR.MSGR_E_NOT_LOGGED_ON | 0);
    } finally { h.dispose(); }
  });
});

describe('live objects: a kept proxy reads through to the worker each time', () => {
  test('a kept contact shows the other side\'s status and rename; the kept self contact shows MyStatus put', () => {
    const h = memoryHost(seed({ signedIn: true }));
    try {
      const m = auto(h.create('Messenger.UIAutomation'));
      const bob = auto(call(m, 'GetContact', BOB, ''));
      expect(bob['Status']).toBe(MISTATUS.MISTATUS_ONLINE);
      h.otherSide.contactStatus(BOB, MISTATUS.MISTATUS_AWAY);
      expect(bob['Status']).toBe(MISTATUS.MISTATUS_AWAY);
      h.otherSide.contactFriendlyName(BOB, 'Robert Kelly');
      expect(bob['FriendlyName']).toBe('Robert Kelly');
      const self = auto(call(m, 'GetContact', m['MySigninName'], m['MyServiceId']));
      for (const status of [MISTATUS.MISTATUS_BUSY, MISTATUS.MISTATUS_BE_RIGHT_BACK, MISTATUS.MISTATUS_ONLINE]) {
        m['MyStatus'] = status;
        expect(self['Status']).toBe(status);
      }
      h.otherSide.myFriendlyName('Ann L.');
      expect(self['FriendlyName']).toBe('Ann L.');
    } finally { h.dispose(); }
  });

  test('a kept group shows a rename and members changed through another proxy of it', () => {
    const h = memoryHost(seed({ signedIn: true }));
    try {
      const m = auto(h.create('Messenger.UIAutomation'));
      const kept = auto(call(m['MyGroups'], 'Item', 0));
      const viaContact = auto(call(call(call(m, 'GetContact', BOB, ''), 'Property', 0), 'Item', 0));
      expect(viaContact).toBe(kept);
      viaContact['Name'] = 'Team';
      expect(kept['Name']).toBe('Team');
      // A second Messenger object reaches the same group object.
      const viaOther = call(auto(h.create('Messenger.UIAutomation'))['MyGroups'], 'Item', 0);
      expect(viaOther).toBe(kept);
      call(viaOther, 'AddContact', DAVE);
      expect(auto(kept['Contacts'])['Count']).toBe(3);
    } finally { h.dispose(); }
  });
});
