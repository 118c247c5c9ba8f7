/**
 * What the service decides (outcomes.ts, docs/decisions.md "What the service decides"): by default
 * the call succeeds and the event carries the hr (the pages' way; the kit checks it on every backend);
 * with `outcomes: 'reject'` the call also rejects with it. Argument and state rules reject in both modes.
 */
import { type DirectoryPort, HR, isMessengerError, MISTATUS, messengerError } from '@imessenger/contract';
import { createMessenger, type Messenger, type MessengerContact, SERVICE_OUTCOMES } from '@imessenger/core';
import { memoryBackend } from '@imessenger/adapter-memory';
import { override, wrappedMessenger } from './rig';

const seed = {
  signedIn: false,
  self: { signinName: 'ann@contoso.com', password: 'pw' },
  contacts: [{ signinName: 'bob@contoso.com', status: 2 }],
  directory: [{ signinName: 'erin@contoso.com', status: 2 }],
  groups: [{ name: 'Friends', members: ['bob@contoso.com'] }],
};

async function signedIn(outcomes?: 'events' | 'reject'): Promise<{ msn: Messenger; events: [string, unknown[]][]; backend: ReturnType<typeof memoryBackend> }> {
  const backend = memoryBackend({ seed: structuredClone(seed) });
  const msn = createMessenger({ backend, ...(outcomes ? { outcomes } : {}) });
  await msn.Signin(0, 'ann@contoso.com', 'pw');
  const events: [string, unknown[]][] = [];
  msn.onAny((name, args) => events.push([name, [...args]]));
  return { msn, events, backend };
}

const rejection = async (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (e: unknown) => e);

describe('outcomes: the service\'s answer', () => {
  test('default: AddContact of someone the service does not know succeeds; OnContactListAdd carries MSGR_E_USER_NOT_FOUND', async () => {
    const { msn, events } = await signedIn();
    await expect(msn.AddContact(0, 'someone.new@contoso.com')).resolves.toBeUndefined();
    expect(events.map(([name, [hr]]) => [name, hr])).toEqual([['OnContactListAdd', HR.MSGR_E_USER_NOT_FOUND]]);
  });

  test("'reject': the call rejects with the hr, naming the member, and the event is raised all the same", async () => {
    const { msn, events } = await signedIn('reject');
    const error = await rejection(msn.AddContact(0, 'someone.new@contoso.com'));
    expect(isMessengerError(error, 'MSGR_E_USER_NOT_FOUND')).toBe(true);
    expect((error as { member?: string }).member).toBe('IMessenger.AddContact');
    expect(events.map(([name, [hr]]) => [name, hr])).toEqual([['OnContactListAdd', HR.MSGR_E_USER_NOT_FOUND]]);
  });

  test("'reject' on every member of the table: CreateGroup, Name put, group members, Groups.Remove, Contacts.Remove, Blocked, MyStatus", async () => {
    const { msn, events, backend } = await signedIn('reject');
    const friends = await (await msn.get_MyGroups()).Item(0);
    const bob = await msn.GetContact('bob@contoso.com', '');
    const groups = await msn.get_MyGroups();
    const contacts = await msn.get_MyContacts();
    const serviceId = await msn.get_MyServiceId();
    const cases: [string, () => Promise<unknown>, string][] = [
      ['IMessenger2.CreateGroup', () => msn.CreateGroup('Team', serviceId), 'OnGroupAdded'],
      ['IMessengerGroup.Name', () => friends.put_Name('Pals'), 'OnGroupNameChanged'],
      ['IMessengerGroup.AddContact', () => friends.AddContact('erin@contoso.com'), 'OnContactAddedToGroup'],
      ['IMessengerGroup.RemoveContact', () => friends.RemoveContact('bob@contoso.com'), 'OnContactRemovedFromGroup'],
      ['IMessengerGroups.Remove', () => groups.Remove(friends), 'OnGroupRemoved'],
      ['IMessengerContacts.Remove', () => contacts.Remove(bob), 'OnContactListRemove'],
      ['IMessengerContact.Blocked', () => bob.put_Blocked(true), 'OnContactBlockChange'],
      ['IMessenger.MyStatus', () => msn.put_MyStatus(MISTATUS.MISTATUS_BUSY), 'OnMyStatusChange'],
    ];
    // AddContact: the tests above; AutoSignin: its own test below.
    expect(cases.map(([member]) => member).sort()).toEqual(Object.keys(SERVICE_OUTCOMES).filter((m) => m !== 'IMessenger.AddContact' && m !== 'IMessenger.AutoSignin').sort());
    for (const [member, call, event] of cases) {
      events.length = 0;
      backend.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
      const error = await rejection(call());
      expect([member, isMessengerError(error, 'MSGR_E_SERVER_TOO_BUSY')]).toEqual([member, true]);
      expect(events.map(([name, [hr]]) => [name, hr])).toEqual([[event, HR.MSGR_E_SERVER_TOO_BUSY]]);
    }
    // Nothing changed.
    expect(await friends.get_Name()).toBe('Friends');
    expect(await (await msn.get_MyGroups()).get_Count()).toBe(1);
    expect(await (await msn.get_MyContacts()).get_Count()).toBe(1);
    expect(await msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_ONLINE);
  });

  test('both modes: argument and state rules reject before any request and raise nothing; E_FAIL is the call\'s', async () => {
    for (const mode of ['events', 'reject'] as const) {
      const { msn, events, backend } = await signedIn(mode);
      expect(isMessengerError(await rejection(msn.AddContact(0, 'a b@contoso.com')), 'E_INVALIDARG')).toBe(true);
      expect(isMessengerError(await rejection(msn.CreateGroup('a\tb', await msn.get_MyServiceId())), 'MSGR_E_BAD_GROUP_NAME')).toBe(true);
      backend.otherSide.failNextCall('E_FAIL');
      expect(isMessengerError(await rejection(msn.AddContact(0, 'erin@contoso.com')), 'E_FAIL')).toBe(true);
      await msn.Signout();
      events.length = 0;
      expect(isMessengerError(await rejection(msn.put_MyStatus(MISTATUS.MISTATUS_BUSY)), 'MSGR_E_NOT_LOGGED_ON')).toBe(true);
      expect(isMessengerError(await rejection(msn.AddContact(0, 'a b@contoso.com')), 'E_INVALIDARG')).toBe(true);
      expect(events).toEqual([]);
    }
  });

  test('B018: AddContact signed out raises no error; OnContactListAdd(MSGR_E_NOT_LOGGED_ON) reports it (with \'reject\' the call rejects too); a blank name raises nothing', async () => {
    for (const mode of ['events', 'reject'] as const) {
      const { msn, events } = await signedIn(mode);
      const erin = await msn.GetContact('erin@contoso.com', '');
      await msn.Signout();
      events.length = 0;
      const error = await rejection(msn.AddContact(0, 'erin@contoso.com'));
      expect([mode, error === undefined || isMessengerError(error, 'MSGR_E_NOT_LOGGED_ON')]).toEqual([mode, true]);
      expect([mode, error === undefined]).toEqual([mode, mode === 'events']);
      // The object the program holds is the one the event names.
      expect(events).toEqual([['OnContactListAdd', [HR.MSGR_E_NOT_LOGGED_ON, erin]]]);
      events.length = 0;
      const blank = await rejection(msn.AddContact(0, ''));
      expect([mode, blank === undefined ? 'S_OK' : isMessengerError(blank, 'MSGR_E_NOT_LOGGED_ON')]).toEqual([mode, mode === 'events' ? 'S_OK' : true]);
      expect(events).toEqual([]);
    }
  });

  test('B028: AutoSignin\'s server error arrives in OnSignin alone (with \'reject\' the call rejects too); E_FAIL is the call\'s in both modes', async () => {
    for (const mode of ['events', 'reject'] as const) {
      const backend = memoryBackend({ seed: structuredClone(seed) });
      const msn = createMessenger({ backend, outcomes: mode });
      const events: [string, unknown[]][] = [];
      msn.onAny((name, args) => events.push([name, [...args]]));
      backend.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
      const error = await rejection(msn.AutoSignin());
      expect([mode, error === undefined ? 'S_OK' : isMessengerError(error, 'MSGR_E_SERVER_TOO_BUSY')]).toEqual([mode, mode === 'events' ? 'S_OK' : true]);
      expect(events).toEqual([['OnSignin', [HR.MSGR_E_SERVER_TOO_BUSY]]]);
      events.length = 0;
      backend.otherSide.failNextCall('E_FAIL');
      expect(isMessengerError(await rejection(msn.AutoSignin()), 'E_FAIL')).toBe(true);
      expect(events).toEqual([['OnSignin', [HR.E_FAIL]]]);
      // Signin keeps its failures the call's (docs/decisions.md, "State").
      events.length = 0;
      backend.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
      expect(isMessengerError(await rejection(msn.Signin(0, 'ann@contoso.com', 'pw')), 'MSGR_E_SERVER_TOO_BUSY')).toBe(true);
      expect(events).toEqual([['OnSignin', [HR.MSGR_E_SERVER_TOO_BUSY]]]);
      expect(await msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_OFFLINE);
      msn.dispose();
    }
  });

  test("'reject' keeps CreateGroup's lookup: an existing name returns that group with OnGroupAdded(MSGR_E_GROUP_ALREADY_EXISTS) (B286, A04)", async () => {
    const { msn, events } = await signedIn('reject');
    const friends = await (await msn.get_MyGroups()).Item(0);
    expect(await msn.CreateGroup('friends', await msn.get_MyServiceId())).toBe(friends);
    expect(events.map(([name, [hr]]) => [name, hr])).toEqual([['OnGroupAdded', HR.MSGR_E_GROUP_ALREADY_EXISTS]]);
  });

  test('a refused CreateGroup returns a group that was not made: outside MyGroups, and its members answer MSGR_E_GROUP_DOES_NOT_EXIST', async () => {
    const { msn, events, backend } = await signedIn();
    backend.otherSide.failNextCall('MSGR_E_BAD_GROUP_NAME');
    const unmade = await msn.CreateGroup('Team', await msn.get_MyServiceId());
    expect(events.map(([name, args]) => [name, args[0], args[1] === unmade])).toEqual([['OnGroupAdded', HR.MSGR_E_BAD_GROUP_NAME, true]]);
    expect(await (await msn.get_MyGroups()).get_Count()).toBe(1);
    events.length = 0;
    await unmade.AddContact('bob@contoso.com');
    expect(events.map(([name, [hr]]) => [name, hr])).toEqual([['OnContactAddedToGroup', HR.MSGR_E_GROUP_DOES_NOT_EXIST]]);
    expect(isMessengerError(await rejection(unmade.put_Name('Other')), 'MSGR_E_GROUP_DOES_NOT_EXIST')).toBe(true);
  });
});

const overDirectory = (wrap: (directory: DirectoryPort) => DirectoryPort) =>
  wrappedMessenger({ ...seed, signedIn: true }, (ports) => ({ directory: wrap(ports.directory!) }));

describe('outcomes: what is not the service\'s answer, and a service that is down', () => {
  test('a backend failure that is no MessengerError is the call\'s E_FAIL, even with a service hresult on it, and raises nothing', async () => {
    const { msn, events } = overDirectory((directory) => override(directory, {
      async lookup(): Promise<never> { throw Object.assign(new Error('The bridge failed.'), { hresult: HR.MSGR_E_USER_NOT_FOUND }); },
    }));
    const error = await rejection(msn.AddContact(0, 'erin@contoso.com'));
    expect(isMessengerError(error, 'E_FAIL')).toBe(true);
    expect(events).toEqual([]);
  });

  test('B591: the server down for the add and the lookup too: OnContactListAdd(hr) names a contact made from the name alone', async () => {
    let down = false;
    const { msn, events } = overDirectory((directory) => new Proxy(directory, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => (down
          ? Promise.reject(messengerError('MSGR_E_SERVER_UNAVAILABLE', undefined, 'Simulated outage.'))
          : (value as (...a: unknown[]) => unknown).apply(target, args));
      },
    }));
    down = true;
    await expect(msn.AddContact(0, 'erin@contoso.com')).resolves.toBeUndefined();
    expect(events.map(([name, [hr]]) => [name, hr])).toEqual([['OnContactListAdd', HR.MSGR_E_SERVER_UNAVAILABLE]]);
    const contact = events[0]![1][1] as MessengerContact;
    expect([
      await contact.get_SigninName(), await contact.get_FriendlyName(), await contact.get_Status(),
      await contact.get_Blocked(), await contact.get_CanPage(), await contact.get_ServiceID(),
    ]).toEqual(['erin@contoso.com', 'erin@contoso.com', MISTATUS.MISTATUS_UNKNOWN, false, false, '']);
  });
});
