/**
 * Shadow mode over two in-memory services: the primary answers the caller; the same read goes to
 * the secondary in the background; results are normalised (order, casing, status classes, ids) and
 * compared; a difference becomes a structured record; writes are never sent twice.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type GroupRecord, MISTATUS } from '@imessenger/contract';
import { createMessenger, type Messenger } from '@imessenger/core';
import { memoryBackend, type MemoryBackend } from '@imessenger/adapter-memory';
import {
  type CapabilityRoutes, type MismatchRecord, differences, fileMismatchStore, formatSummary, memoryMismatchStore, normalizeResult, portsOf,
  readMismatches, routingBackend, summarise,
} from '../src/index-routing';

const ANN = 'ann@contoso.com';
const NOW = new Date('2025-03-01T09:00:00.000Z');

const oldSeed = {
  self: { signinName: ANN, friendlyName: 'Ann (old)' },
  contacts: [
    { signinName: 'bob@contoso.com', friendlyName: 'Bob Kelly', status: MISTATUS.MISTATUS_ONLINE },
    { signinName: 'carol@contoso.com', friendlyName: 'Carol Diaz', status: MISTATUS.MISTATUS_AWAY, canPage: true },
  ],
  directory: [{ signinName: 'erin@contoso.com' }],
  groups: [{ name: 'Coworkers', members: ['bob@contoso.com'] }, { name: 'Friends', members: ['carol@contoso.com', 'bob@contoso.com'] }],
  sortOrder: 0,
};
/** The same world on the new service, written differently: other order, casing, ids and status flavours. */
const newSeed = {
  self: { signinName: ANN, friendlyName: 'Ann (new)' },
  services: [{ id: 'teams', name: 'Microsoft Teams', primary: true }],
  contacts: [
    { signinName: 'CAROL@contoso.com', friendlyName: 'Carol Diaz', status: MISTATUS.MISTATUS_BE_RIGHT_BACK },
    { signinName: 'Bob@Contoso.com', friendlyName: 'Bob Kelly', status: MISTATUS.MISTATUS_ONLINE },
  ],
  directory: [{ signinName: 'erin@contoso.com' }],
  groups: [{ name: 'Scratch', members: [] }, { name: 'Friends', members: ['bob@contoso.com', 'CAROL@contoso.com'] }, { name: 'Coworkers', members: ['bob@contoso.com'] }],
  sortOrder: 0,
};

function setup(capabilities: CapabilityRoutes, seeds: { old?: object; new?: object } = {}) {
  const old = memoryBackend({ seed: seeds.old ?? oldSeed });
  const neu = memoryBackend({ seed: seeds.new ?? newSeed });
  const store = memoryMismatchStore();
  const backend = routingBackend({
    old, new: neu, mismatches: store, now: () => NOW,
    config: { old: 'com', new: 'graph', cohort: { users: [ANN] }, capabilities, shadow: { ignoreFields: ['canPage'] } },
  });
  return { old, neu, store, backend, msn: createMessenger({ backend }) };
}

/** The operations a memory service was asked for (every port call enters its store once). */
function calls(backend: MemoryBackend): () => string[] {
  const spy = jest.spyOn(backend.store, 'enter');
  return () => spy.mock.calls.map(([operation]) => operation);
}
const WRITES = new Set(['addContact', 'removeContact', 'setBlocked', 'setMyStatus', 'createGroup', 'renameGroup', 'removeGroup', 'addMember', 'removeMember', 'setSortOrder']);
const writes = (list: readonly string[]): string[] => list.filter((c) => WRITES.has(c));

const names = async (msn: Messenger): Promise<string[]> => Promise.all((await msn.get_MyGroups()).toArray().map((g) => g.get_Name()));

describe('shadow reads', () => {
  test('the primary answers; the secondary\'s differing answer is recorded with both results', async () => {
    const { msn, store, backend } = setup({ groups: { route: 'old', mode: 'shadow' } });
    await msn.Signin(0, ANN, '');
    expect(await names(msn)).toEqual(['Coworkers', 'Friends']); // old's answer
    await backend.idle();
    expect(store.list).toHaveLength(1);
    const record = store.list[0]!;
    expect(record).toEqual({
      time: NOW.toISOString(), capability: 'groups', member: 'list', args: [], user: ANN,
      primaryBackend: { side: 'old', name: 'memory' }, secondaryBackend: { side: 'new', name: 'memory' },
      primary: {
        coworkers: { name: 'Coworkers', members: ['bob@contoso.com'] },
        friends: { name: 'Friends', members: ['bob@contoso.com', 'carol@contoso.com'] },
      },
      secondary: {
        coworkers: { name: 'Coworkers', members: ['bob@contoso.com'] },
        friends: { name: 'Friends', members: ['bob@contoso.com', 'carol@contoso.com'] },
        scratch: { name: 'Scratch', members: [] },
      },
      difference: [{ path: 'scratch', kind: 'onlyInSecondary', value: { name: 'Scratch', members: [] } }],
    });
  });

  test('normalised before comparing: order, casing, ids and status flavours (away = be right back) are no difference', async () => {
    const { msn, store, backend } = setup({ directory: { route: 'old', mode: 'shadow' } });
    await msn.Signin(0, ANN, '');
    expect((await msn.get_MyContacts()).toArray()).toHaveLength(2);
    await backend.idle();
    expect(backend.shadow.stats.compared).toBeGreaterThan(0);
    expect(store.list).toEqual([]);
  });

  test('a real difference is pinpointed: the contact and the field', async () => {
    const seed = { ...newSeed, contacts: [newSeed.contacts[0], { ...newSeed.contacts[1], status: MISTATUS.MISTATUS_ON_THE_PHONE }] };
    const { msn, store, backend } = setup({ directory: { route: 'new', mode: 'shadow' }, presence: { route: 'new' } }, { new: seed });
    await msn.Signin(0, ANN, '');
    const bob = (await msn.get_MyContacts()).toArray().find((c) => c.record.signinName === 'Bob@Contoso.com')!;
    expect(await bob.get_Status()).toBe(MISTATUS.MISTATUS_ON_THE_PHONE); // new answers
    await backend.idle();
    const listed = store.list.filter((r) => r.member === 'listContacts');
    expect(listed.length).toBeGreaterThan(0);
    expect(listed[0]!.difference).toEqual([{ path: 'bob@contoso.com/status', kind: 'changed', primary: 'busy', secondary: 'available' }]);
  });

  test('statuses: exact comparison when asked', () => {
    const a = normalizeResult('presence', 'statuses', new Map([['Bob@x', MISTATUS.MISTATUS_AWAY]]), { statuses: 'exact' });
    const b = normalizeResult('presence', 'statuses', new Map([['bob@x', MISTATUS.MISTATUS_BE_RIGHT_BACK]]), { statuses: 'exact' });
    expect(differences(a, b)).toEqual([{ path: 'bob@x', kind: 'changed', primary: 0x22, secondary: 0x0e }]);
    expect(differences(normalizeResult('presence', 'statuses', new Map([['Bob@x', 0x22]])), normalizeResult('presence', 'statuses', new Map([['bob@x', 0x0e]])))).toEqual([]);
  });

  test('presence reads through the port: arguments recorded as given', async () => {
    const seed = { ...newSeed, contacts: [newSeed.contacts[0], { ...newSeed.contacts[1], status: MISTATUS.MISTATUS_OFFLINE }] };
    const { backend, store } = setup({ presence: { route: 'old', mode: 'shadow' } }, { new: seed });
    const { ports } = portsOf(backend);
    await ports.session.signin({ signinName: ANN, password: '' });
    const answer = await ports.presence!.statuses(['Bob@contoso.com', 'carol@contoso.com']);
    expect(answer.get('Bob@contoso.com')).toBe(MISTATUS.MISTATUS_ONLINE);
    await backend.idle();
    expect(store.list.map((r) => [r.member, r.args, r.difference])).toEqual([
      ['statuses', [['Bob@contoso.com', 'carol@contoso.com']], [{ path: 'bob@contoso.com', kind: 'changed', primary: 'available', secondary: 'offline' }]],
    ]);
  });

  test('a secondary that fails is recorded, never seen by the caller', async () => {
    const { msn, store, backend, neu } = setup({ groups: { route: 'old', mode: 'shadow' } });
    await msn.Signin(0, ANN, '');
    neu.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
    expect(await names(msn)).toEqual(['Coworkers', 'Friends']);
    await backend.idle();
    expect(store.list[0]!.secondary).toEqual({ $error: 'MSGR_E_SERVER_TOO_BUSY', message: 'Simulated server error in listGroups.' });
  });

  test('the caller never waits for the secondary', async () => {
    const old = memoryBackend({ seed: oldSeed });
    const neu = memoryBackend({ seed: newSeed });
    const { ports, info } = portsOf(neu);
    let release: (groups: readonly GroupRecord[]) => void = () => undefined;
    const stuck = { session: ports.session, groups: { ...ports.groups!, list: () => new Promise<readonly GroupRecord[]>((r) => { release = r; }) } };
    const store = memoryMismatchStore();
    const backend = routingBackend({
      old, new: { name: 'slow', ports: stuck, info }, mismatches: store,
      config: { old: 'com', new: 'graph', cohort: { users: [ANN] }, capabilities: { groups: { route: 'old', mode: 'shadow' } } },
    });
    const msn = createMessenger({ backend });
    await msn.Signin(0, ANN, '');
    expect(await names(msn)).toEqual(['Coworkers', 'Friends']); // answered while the secondary hangs
    expect(store.list).toEqual([]);
    release([]);
    await backend.idle();
    expect(store.list[0]!.difference.map((d) => d.kind)).toEqual(['onlyInPrimary', 'onlyInPrimary']);
  });
});

describe('shadow never writes twice', () => {
  test('every write reaches the primary once and the secondary never; reads reach both', async () => {
    const { msn, old, neu, backend } = setup({ groups: { route: 'new', mode: 'shadow' }, directory: { route: 'old', mode: 'shadow' }, preferences: { route: 'old', mode: 'shadow' } });
    const onOld = calls(old);
    const onNew = calls(neu);
    await msn.Signin(0, ANN, '');
    const service = await (await msn.get_Services()).get_PrimaryService();
    const group = await msn.CreateGroup('Launch', service);
    await group.AddContact('bob@contoso.com');
    await group.put_Name('Launch Team');
    await msn.AddContact(0, 'erin@contoso.com');
    await msn.put_ContactsSortOrder(1);
    await backend.idle();
    expect(writes(onNew())).toEqual(['createGroup', 'addMember', 'renameGroup']);
    expect(writes(onOld())).toEqual(['addContact', 'setSortOrder']);
    expect(onOld()).toContain('listGroups');    // the shadowed read of groups
    expect(onNew()).toContain('listContacts');  // the shadowed read of contacts
    expect(old.store.state.groups.map((g) => g.name)).toEqual(['Coworkers', 'Friends']);
  });
});

describe('the mismatch file and its summary', () => {
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shadow-')); });
  afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  test('records are JSON lines; the summary counts per member and shows the first examples', async () => {
    const file = path.join(dir, 'mismatches.jsonl');
    const old = memoryBackend({ seed: oldSeed });
    const neu = memoryBackend({ seed: newSeed });
    const backend = routingBackend({
      old, new: neu, now: () => NOW,
      config: { old: 'com', new: 'graph', cohort: { users: [ANN] }, capabilities: { groups: { route: 'old', mode: 'shadow' }, preferences: { route: 'old', mode: 'shadow' } }, shadow: { mismatches: file } },
    });
    const msn = createMessenger({ backend });
    await msn.Signin(0, ANN, '');
    await names(msn);
    await names(msn);
    await neu.store.write((s) => { s.sortOrder = 1; });
    expect(await msn.get_ContactsSortOrder()).toBe(0);
    await backend.idle();
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    const records: MismatchRecord[] = readMismatches(file);
    expect(records.map((r) => `${r.capability}.${r.member}`)).toEqual(['groups.list', 'groups.list', 'preferences.sortOrder']);
    expect(await backend.mismatches.records()).toEqual(records);

    const summary = summarise(records);
    expect(summary.total).toBe(3);
    expect(summary.byCapability).toEqual({ groups: 2, preferences: 1 });
    expect(summary.byMember.map((m) => [m.capability, m.member, m.count, m.users])).toEqual([['groups', 'list', 2, 1], ['preferences', 'sortOrder', 1, 1]]);
    expect(summary.byMember[0]!.paths).toEqual([{ path: 'scratch', kind: 'onlyInSecondary', count: 2 }]);
    const text = formatSummary(summary);
    expect(text).toContain('3 mismatches from 2025-03-01T09:00:00.000Z to 2025-03-01T09:00:00.000Z');
    expect(text).toContain('groups.list: 2 (1 user');
    expect(text).toContain('2 x scratch: only on secondary');
    expect(text).toContain('preferences.sortOrder: 1');
    expect(text).toContain('primary (memory):   0');
  });

  test('a torn last line (crash mid-append) is skipped; an absent file has no records', () => {
    const file = path.join(dir, 'torn.jsonl');
    const record = { time: NOW.toISOString(), capability: 'groups', member: 'list', args: [], primary: 1, secondary: 2, difference: [] };
    fs.writeFileSync(file, `${JSON.stringify(record)}\n{"time":"2025-`);
    expect(readMismatches(file)).toHaveLength(1);
    expect(readMismatches(path.join(dir, 'absent.jsonl'))).toEqual([]);
    expect(summarise([])).toEqual({ total: 0, byCapability: {}, byMember: [] });
    expect(formatSummary(summarise([]))).toBe('No mismatches recorded.\n');
  });

  test('fileMismatchStore keeps the order of appends (and makes its folder)', async () => {
    const file = path.join(dir, 'out', 'ordered.jsonl');
    const store = fileMismatchStore(file);
    const base = { capability: 'mail' as const, member: 'unreadCount', args: [], primary: 1, secondary: 2, difference: [] };
    await Promise.all([1, 2, 3, 4, 5].map((i) => store.append({ ...base, time: `2025-01-0${i}T00:00:00.000Z` })));
    expect((await store.records()).map((r) => r.time.slice(8, 10))).toEqual(['01', '02', '03', '04', '05']);
  });
});
