/**
 * The routing backend over two in-memory services standing in for "old" (Messenger/Communicator)
 * and "new" (Teams), told apart by their data: each capability is answered by the backend its route
 * names for the signed-in user; sign-in and sign-out reach every backend in use; remote changes are
 * kept only from the backend that serves their capability; an absent capability keeps its HRESULT.
 */
import { MISTATUS, type RemoteChange } from '@imessenger/contract';
import { createMessenger } from '@imessenger/core';
import { memoryBackend, type MemoryBackend } from '@imessenger/adapter-memory';
import { type MigrationConfig, portsOf, routingBackend } from '../src/index-routing';

const ANN = 'ann@contoso.com';     // listed in the cohort below
const OSCAR = 'oscar@contoso.com'; // bucket 105: in at 10%
const BOB_USER = 'bob@contoso.com'; // bucket 6047: out at 10%
const NEW_SERVICE = 'teams';

const oldSeed = (self: string, signedIn = false) => ({
  signedIn,
  self: { signinName: self, friendlyName: 'Self (old)' },
  contacts: [
    { signinName: 'bob@contoso.com', friendlyName: 'Bob Kelly', status: 2 },
    { signinName: 'carol@contoso.com', friendlyName: 'Carol Diaz', status: 0x22 },
  ],
  directory: [{ signinName: 'erin@contoso.com', friendlyName: 'Erin Moss', status: 2 }],
  groups: [{ name: 'Coworkers', members: ['bob@contoso.com'] }],
  sortOrder: 0,
  unreadEmail: 3,
});
const newSeed = (self: string, signedIn = false) => ({
  signedIn,
  self: { signinName: self, friendlyName: 'Self (new)' },
  services: [{ id: NEW_SERVICE, name: 'Microsoft Teams', primary: true }],
  contacts: [{ signinName: 'carol@contoso.com', friendlyName: 'Carol Diaz', status: 0x0a }],
  directory: [{ signinName: 'bob@contoso.com', friendlyName: 'Bob Kelly', status: 2 }],
  groups: [{ name: 'Project Phoenix', members: ['carol@contoso.com'] }],
  sortOrder: 1,
  unreadEmail: 7,
});

const config = (extra: Partial<MigrationConfig> = {}): MigrationConfig => ({
  old: 'com', new: 'graph', cohort: { users: [ANN], percent: 10 }, capabilities: { groups: { route: 'new' } }, ...extra,
});

function setup(user: string, cfg: MigrationConfig = config(), opts: { signedIn?: boolean; fixedUser?: boolean } = {}) {
  const old = memoryBackend({ seed: oldSeed(user, opts.signedIn) });
  const neu = memoryBackend({ seed: newSeed(user, opts.signedIn) });
  const backend = routingBackend({ old, new: neu, config: cfg, ...(opts.fixedUser ? { user } : {}) });
  return { old, neu, backend, msn: createMessenger({ backend }) };
}

async function groupNames(msn: ReturnType<typeof createMessenger>): Promise<string[]> {
  return Promise.all((await msn.get_MyGroups()).toArray().map((g) => g.get_Name()));
}
async function primaryService(msn: ReturnType<typeof createMessenger>) {
  return (await msn.get_Services()).get_PrimaryService();
}
async function contactNames(msn: ReturnType<typeof createMessenger>): Promise<string[]> {
  return Promise.all((await msn.get_MyContacts()).toArray().map((c) => c.get_SigninName()));
}

describe('routing by capability and cohort', () => {
  test('a user in the cohort gets groups from new and contacts, sort order and mail from old', async () => {
    const { msn, backend } = setup(ANN);
    await msn.Signin(0, ANN, '');
    expect(backend.user()).toBe(ANN);
    expect(await groupNames(msn)).toEqual(['Project Phoenix']);
    expect(await contactNames(msn)).toEqual(['bob@contoso.com', 'carol@contoso.com']);
    expect(await msn.get_ContactsSortOrder()).toBe(0);
    expect(await msn.get_UnreadEmailCount(0)).toBe(3);
    expect(await msn.get_MyFriendlyName()).toBe('Self (old)');
    expect(backend.routes().groups).toEqual({ backend: 'new', mode: 'route', inCohort: true });
    expect(backend.routes().directory).toEqual({ backend: 'old', mode: 'route', inCohort: false });
  });

  test('a user outside the cohort gets everything from old', async () => {
    const { msn, backend } = setup(BOB_USER);
    await msn.Signin(0, BOB_USER, '');
    expect(await groupNames(msn)).toEqual(['Coworkers']);
    expect(await contactNames(msn)).toEqual(['bob@contoso.com', 'carol@contoso.com']);
    expect(Object.values(backend.routes()).every((r) => r.backend === 'old' && r.mode === 'route')).toBe(true);
  });

  test('a user in by percentage (stable hash bucket) takes the new route like a listed one', async () => {
    const { msn } = setup(OSCAR);
    await msn.Signin(0, OSCAR, '');
    expect(await groupNames(msn)).toEqual(['Project Phoenix']);
  });

  test('writes go to the routed backend only: a group created by a cohort user exists on new', async () => {
    const { msn, old, neu } = setup(ANN);
    await msn.Signin(0, ANN, '');
    const group = await msn.CreateGroup('Launch', await primaryService(msn));
    await group.AddContact('carol@contoso.com');
    expect(neu.store.state.groups.map((g) => g.name)).toEqual(['Project Phoenix', 'Launch']);
    expect(old.store.state.groups.map((g) => g.name)).toEqual(['Coworkers']);
    expect(neu.store.state.groups[1]!.members).toEqual(['carol@contoso.com']);
  });

  test('service ids: a group served by new reports the session backend\'s service', async () => {
    const { msn, neu } = setup(ANN);
    await msn.Signin(0, ANN, '');
    const services = await msn.get_Services();
    const primaryId = await (await services.get_PrimaryService()).get_ServiceID();
    const group = await msn.CreateGroup('Launch', primaryId);
    expect(neu.store.state.groups[1]!.serviceId).toBe(NEW_SERVICE);
    expect(await (await group.get_Service()).get_ServiceID()).toBe(primaryId);
  });
});

describe('presence served apart from the directory', () => {
  test('listed contacts take their status from the presence backend; the list itself is the directory\'s', async () => {
    const { msn } = setup(ANN, config({ capabilities: { presence: { route: 'new' } } }));
    await msn.Signin(0, ANN, '');
    const contacts = (await msn.get_MyContacts()).toArray();
    expect(await Promise.all(contacts.map((c) => c.get_SigninName()))).toEqual(['bob@contoso.com', 'carol@contoso.com']); // old's list (new has carol only)
    expect(await contacts[1]!.get_Status()).toBe(MISTATUS.MISTATUS_BUSY); // new's status (old says away)
  });

  test('the user\'s own status is set on and read from the presence backend', async () => {
    const { msn, old, neu } = setup(ANN, config({ capabilities: { presence: { route: 'new' } } }));
    await msn.Signin(0, ANN, '');
    await msn.put_MyStatus(MISTATUS.MISTATUS_AWAY);
    expect(neu.store.state.self.status).toBe(MISTATUS.MISTATUS_AWAY);
    expect(old.store.state.self.status).toBe(MISTATUS.MISTATUS_ONLINE);
    expect(await msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_AWAY);
  });
});

describe('sessions', () => {
  test('sign-in reaches every backend the user\'s routes use; sign-out leaves each', async () => {
    const { msn, old, neu } = setup(ANN);
    await msn.Signin(0, ANN, '');
    expect([old.store.state.signedIn, neu.store.state.signedIn]).toEqual([true, true]);
    await msn.Signout();
    expect([old.store.state.signedIn, neu.store.state.signedIn]).toEqual([false, false]);
  });

  test('a user whose routes all stay on old never signs in to new', async () => {
    const { msn, old, neu } = setup(BOB_USER);
    await msn.Signin(0, BOB_USER, '');
    expect([old.store.state.signedIn, neu.store.state.signedIn]).toEqual([true, false]);
  });

  test('AutoSignin: the default backend says who the user is, then the user\'s routes apply', async () => {
    const { msn, backend, neu } = setup(ANN);
    await msn.AutoSignin();
    expect(backend.user()).toBe(ANN);
    expect(neu.store.state.signedIn).toBe(true);
    expect(await groupNames(msn)).toEqual(['Project Phoenix']);
  });

  test('already signed in (seeded): the user is learnt from the session backend', async () => {
    const { msn, backend } = setup(ANN, config(), { signedIn: true });
    expect(await groupNames(msn)).toEqual(['Project Phoenix']);
    expect(backend.user()).toBe(ANN);
  });

  test('a refused sign-in on an answering backend fails the sign-in and leaves nothing signed in', async () => {
    const { msn, old, neu } = setup(ANN);
    neu.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
    await expect(msn.Signin(0, ANN, '')).rejects.toMatchObject({ code: 'MSGR_E_SERVER_TOO_BUSY' });
    expect([old.store.state.signedIn, neu.store.state.signedIn]).toEqual([false, false]);
    expect(await msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_OFFLINE);
  });

  test('a backend used only as a shadow secondary may refuse sign-in: the user signs in, the refusal is reported', async () => {
    const old = memoryBackend({ seed: oldSeed(ANN) });
    const neu = memoryBackend({ seed: newSeed(ANN) });
    const errors: unknown[] = [];
    const backend = routingBackend({
      old, new: neu, onBackgroundError: (e) => errors.push(e),
      config: config({ capabilities: { groups: { route: 'old', mode: 'shadow' } } }),
    });
    const msn = createMessenger({ backend });
    neu.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
    await msn.Signin(0, ANN, '');
    expect([old.store.state.signedIn, neu.store.state.signedIn]).toEqual([true, false]);
    expect(String(errors[0])).toContain('sign-in to the secondary memory failed');
    expect(await groupNames(msn)).toEqual(['Coworkers']);
    await backend.idle();
    // Shadow reads still go to the secondary and are compared (the memory service answers reads signed out).
    expect((await backend.mismatches.records()).map((r) => r.member)).toEqual(['list']);
  });

  test('the backend name is routing(old→new)', () => {
    const { msn, backend } = setup(ANN);
    expect(backend.name).toBe('routing(com→graph)');
    expect(msn.backend).toBe('routing(com→graph)');
  });
});

describe('events', () => {
  test('contact status comes from the presence backend only; list changes from the directory backend only', async () => {
    const cfg = config({ capabilities: { presence: { route: 'new' } } });
    const { msn, old, neu } = setup(ANN, cfg);
    await msn.Signin(0, ANN, '');
    await msn.get_MyContacts(); // the contacts core knows (status events are for listed contacts)
    const statuses: [string, number][] = [];
    msn.on('OnContactStatusChange', (contact, status) => { void contact.get_SigninName().then((n) => statuses.push([n, status])); });
    await old.otherSide.contactStatus('carol@contoso.com', MISTATUS.MISTATUS_BUSY); // old does not serve presence: dropped
    await neu.otherSide.contactStatus('carol@contoso.com', MISTATUS.MISTATUS_ONLINE);
    await new Promise((r) => setImmediate(r));
    expect(statuses).toEqual([['carol@contoso.com', MISTATUS.MISTATUS_ONLINE]]);
  });

  test('the raw change filter, per capability', () => {
    const cfg = config({ capabilities: { presence: { route: 'new' }, mail: { route: 'new' } } });
    const old = memoryBackend({ seed: oldSeed(ANN) });
    const neu = memoryBackend({ seed: newSeed(ANN) });
    const backend = routingBackend({ old, new: neu, config: cfg, user: ANN });
    const { ports } = portsOf(backend);
    const seen: string[] = [];
    ports.events!.watch((c: RemoteChange) => seen.push(c.type));
    old.store.notify({ type: 'contactStatus', signinName: 'bob@contoso.com', status: 2 });
    old.store.notify({ type: 'contactListAdd', signinName: 'bob@contoso.com' });
    old.store.notify({ type: 'unreadEmail', folder: 0, count: 1 });
    neu.store.notify({ type: 'contactListAdd', signinName: 'bob@contoso.com' });
    neu.store.notify({ type: 'unreadEmail', folder: 0, count: 2 });
    neu.store.notify({ type: 'myStatus', status: 2 });
    expect(seen).toEqual(['contactListAdd', 'unreadEmail', 'myStatus']);
    // Sign-out by any answering backend ends the session, reported once.
    neu.store.notify({ type: 'signedOut' });
    old.store.notify({ type: 'signedOut' });
    expect(seen.filter((t) => t === 'signedOut')).toHaveLength(1);
  });
});

describe('capabilities a routed backend lacks', () => {
  /** The new backend without groups: a definition with every port of a memory backend but that one. */
  function withoutGroups(b: MemoryBackend) {
    const { ports, info } = portsOf(b);
    return {
      name: 'memory-no-groups',
      info: { ...info, name: 'memory-no-groups' },
      ports: { session: ports.session, directory: ports.directory, presence: ports.presence, preferences: ports.preferences },
    };
  }

  test('user known up front: the port is left unbound, so core answers MSGR_E_GROUPS_NOT_ENABLED itself', async () => {
    const old = memoryBackend({ seed: oldSeed(ANN) });
    const neu = memoryBackend({ seed: newSeed(ANN) });
    const backend = routingBackend({ old, new: withoutGroups(neu), config: config(), user: ANN });
    expect(portsOf(backend).ports.groups).toBeUndefined();
    const msn = createMessenger({ backend });
    await msn.AutoSignin();
    await expect(msn.CreateGroup('X', await primaryService(msn))).rejects.toMatchObject({ code: 'MSGR_E_GROUPS_NOT_ENABLED', member: 'IMessenger2.CreateGroup' });
  });

  test('user decided at sign-in: the delegating port answers with the capability\'s documented HRESULT', async () => {
    const old = memoryBackend({ seed: oldSeed(ANN) });
    const neu = memoryBackend({ seed: newSeed(ANN) });
    const backend = routingBackend({ old, new: withoutGroups(neu), config: config() });
    const msn = createMessenger({ backend });
    await msn.Signin(0, ANN, '');
    await expect(msn.CreateGroup('X', await primaryService(msn))).rejects.toMatchObject({ code: 'MSGR_E_GROUPS_NOT_ENABLED', member: 'IMessenger2.CreateGroup' });
    // Outside the cohort, groups come from old, which has them.
    const other = routingBackend({ old: memoryBackend({ seed: oldSeed(BOB_USER) }), new: withoutGroups(memoryBackend({ seed: newSeed(BOB_USER) })), config: config() });
    const msn2 = createMessenger({ backend: other });
    await msn2.Signin(0, BOB_USER, '');
    expect(await groupNames(msn2)).toEqual(['Coworkers']);
  });

  test('a backend failure on the routed backend reaches the caller as its HRESULT', async () => {
    const { msn, neu } = setup(ANN);
    await msn.Signin(0, ANN, '');
    neu.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
    await expect(msn.get_MyGroups()).rejects.toMatchObject({ code: 'MSGR_E_SERVER_TOO_BUSY' });
    expect(await groupNames(msn)).toEqual(['Project Phoenix']);
  });
});
