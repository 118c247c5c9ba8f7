/**
 * The data copy between two memory providers: the plan (dry run, nothing written), the copy itself
 * (contacts, groups with members, sort order), a second run that finds everything present and writes
 * nothing, failures reported with their reasons while the rest completes, throttling with backoff,
 * bounded concurrency and stopping.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { messengerError } from '@imessenger/contract';
import type { MemoryBackend } from '@imessenger/adapter-memory';
import { copyUsers, planCopy } from '../src/copy';
import { readJournal } from '../src/journal';
import { memoryProvider } from '../src/providers-memory';
import type { BackendProvider } from '../src/providers';
import type { ProgressSnapshot } from '../src/progress';

/** Scratch directories, removed after the file's tests. */
const scratchDirs: string[] = [];
const scratch = (prefix: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => { for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true }); });

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';

/** Alice on the old service: three contacts, two groups, sort by online/offline, a friendly name. */
const sourceAlice = {
  self: { signinName: ALICE, friendlyName: 'Alice (old)' },
  contacts: [{ signinName: 'carol@example.com' }, { signinName: 'dave@example.com' }, { signinName: 'erin@example.com' }],
  directory: [{ signinName: 'frank@example.com' }],
  groups: [
    { name: 'Friends', members: ['carol@example.com', 'dave@example.com'] },
    { name: 'Work | Team', members: ['erin@example.com', 'frank@example.com', 'carol@example.com'] },
    { name: 'Empty' },
  ],
  sortOrder: 1,
};
/** Alice on the new service: everyone in the directory, one group already there with one member. */
const targetAlice = {
  self: { signinName: ALICE, friendlyName: 'Alice' },
  contacts: [{ signinName: 'dave@example.com' }],
  directory: ['carol', 'erin', 'frank', 'gina'].map((n) => ({ signinName: `${n}@example.com` })),
  groups: [{ name: 'friends', members: ['carol@example.com'] }],
};

const sourceBob = {
  self: { signinName: BOB, friendlyName: 'Bob' },
  contacts: [{ signinName: 'carol@example.com' }, { signinName: 'nobody@example.com' }],
  groups: [{ name: 'Ghosts', members: ['nobody@example.com', 'carol@example.com'] }],
};
const targetBob = { self: { signinName: BOB, friendlyName: 'Bob' }, directory: [{ signinName: 'carol@example.com' }] };

interface Dirs { source: string; target: string; root: string }

function setup(seeds: { source: Record<string, unknown>; target: Record<string, unknown> }): Dirs {
  const root = scratch('migration-copy-');
  const dirs = { root, source: path.join(root, 'source'), target: path.join(root, 'target') };
  for (const [dir, map] of [[dirs.source, seeds.source], [dirs.target, seeds.target]] as const) {
    fs.mkdirSync(dir);
    for (const [user, seed] of Object.entries(map)) fs.writeFileSync(path.join(dir, `${user}.seed.json`), JSON.stringify(seed));
  }
  return dirs;
}

/** The target's persisted data for a user (what a later process would see). */
function stored(dir: string, user: string): { contacts: string[]; groups: { name: string; members: string[] }[]; sortOrder: number } {
  const state = JSON.parse(fs.readFileSync(path.join(dir, `${user}.json`), 'utf8')) as {
    contactList: string[]; groups: { name: string; members: string[] }[]; sortOrder: number;
  };
  return {
    contacts: [...state.contactList].sort(),
    groups: state.groups.map((g) => ({ name: g.name, members: g.members.map((m) => m.toLowerCase()).sort() })).sort((a, b) => a.name.localeCompare(b.name)),
    sortOrder: state.sortOrder,
  };
}

/** Port operations that change data (the memory store's names). */
const WRITES = new Set(['addContact', 'removeContact', 'createGroup', 'renameGroup', 'removeGroup', 'addMember', 'removeMember', 'setSortOrder']);

function spyWrites(): { ops: string[]; onOpen: (user: string, backend: MemoryBackend) => void } {
  const ops: string[] = [];
  return {
    ops,
    onOpen: (_user, backend) => {
      const enter = backend.store.enter.bind(backend.store);
      backend.store.enter = (op: string) => { if (WRITES.has(op)) ops.push(op); enter(op); };
    },
  };
}

/** A clock that only moves when the copy sleeps. */
function fakeTime() {
  let clock = 1_000_000;
  const slept: number[] = [];
  return { slept, now: () => clock, sleep: async (ms: number) => { slept.push(ms); clock += ms; } };
}

describe('planCopy and dry runs', () => {
  test('the plan says what would be created, what is present, what is skipped and why, and nothing is written', async () => {
    const dirs = setup({ source: { [ALICE]: sourceAlice }, target: { [ALICE]: targetAlice } });
    const from = memoryProvider({ dir: dirs.source, readOnly: true });
    const to = memoryProvider({ dir: dirs.target, readOnly: true });
    const source = await from.open(ALICE);
    const target = await to.open(ALICE);
    const plan = await planCopy(source, target, { probe: true });
    await Promise.all([source.close(), target.close()]);

    const byKey = new Map(plan.steps.map((s) => [`${s.kind}:${s.group ? `${s.group}/` : ''}${s.name}`, s]));
    expect(byKey.get('contact:carol@example.com')?.action).toBe('create');
    expect(byKey.get('contact:dave@example.com')?.action).toBe('present');
    expect(byKey.get('group:Friends')?.action).toBe('present'); // "friends" on the target: names compare case-insensitively
    expect(byKey.get('member:Friends/carol@example.com')?.action).toBe('present');
    expect(byKey.get('member:Friends/dave@example.com')?.action).toBe('create');
    expect(byKey.get('group:Work | Team')?.action).toBe('create');
    expect(byKey.get('group:Empty')?.action).toBe('create');
    expect(byKey.get('sortOrder:ContactsSortOrder')).toMatchObject({ action: 'create', value: 1 });
    expect(byKey.get('friendlyName:MyFriendlyName')).toMatchObject({ action: 'skip' });
    expect(byKey.get('friendlyName:MyFriendlyName')?.reason).toMatch(/MyFriendlyName is read-only through IMessenger/);
    expect(plan.counts).toEqual({ create: 9, present: 3, skip: 1, fail: 0 });
    // Read-only providers: no state file was created on either side.
    expect(fs.readdirSync(dirs.target)).toEqual([`${ALICE}.seed.json`]);
    expect(fs.readdirSync(dirs.source)).toEqual([`${ALICE}.seed.json`]);
  });

  test('with the probe, a contact the target directory does not know is planned to fail with MSGR_E_USER_NOT_FOUND', async () => {
    const dirs = setup({ source: { [BOB]: sourceBob }, target: { [BOB]: targetBob } });
    const report = await copyUsers({
      from: memoryProvider({ dir: dirs.source, readOnly: true }), to: memoryProvider({ dir: dirs.target, readOnly: true }),
      users: [BOB], dryRun: true, journal: path.join(dirs.root, 'journal.jsonl'),
    });
    const items = report.users[0]!.items;
    expect(items.filter((i) => i.outcome === 'failed').map((i) => [i.kind, i.name, i.hr])).toEqual([
      ['contact', 'nobody@example.com', 'MSGR_E_USER_NOT_FOUND'],
      ['member', 'nobody@example.com', 'MSGR_E_USER_NOT_FOUND'],
    ]);
    expect(report.dryRun).toBe(true);
    expect(report.users[0]!.status).toBe('planned');
    expect(report.totals.planned).toBe(3); // carol, group Ghosts, carol in Ghosts
    expect(fs.existsSync(path.join(dirs.root, 'journal.jsonl'))).toBe(false);
    expect(fs.readdirSync(dirs.target)).toEqual([`${BOB}.seed.json`]);
  });
});

describe('copyUsers between two memory providers', () => {
  test('copies contacts, groups with their members and the sort order; a second run finds everything present and writes nothing', async () => {
    const dirs = setup({ source: { [ALICE]: sourceAlice }, target: { [ALICE]: targetAlice } });
    const journalFile = path.join(dirs.root, 'journal.jsonl');
    const spy = spyWrites();
    const from = memoryProvider({ dir: dirs.source, readOnly: true });
    const to = memoryProvider({ dir: dirs.target, onOpen: spy.onOpen });

    const first = await copyUsers({ from, to, users: [ALICE], journal: journalFile });
    expect(first.totals).toMatchObject({ created: 9, present: 3, skipped: 1, failed: 0, usersFailed: 0 });
    expect(first.users[0]!.status).toBe('done');
    expect(stored(dirs.target, ALICE)).toEqual({
      contacts: ['carol@example.com', 'dave@example.com', 'erin@example.com'],
      groups: [
        { name: 'Empty', members: [] },
        { name: 'friends', members: ['carol@example.com', 'dave@example.com'] },
        { name: 'Work | Team', members: ['carol@example.com', 'erin@example.com', 'frank@example.com'] },
      ],
      sortOrder: 1,
    });
    expect(spy.ops.sort()).toEqual(['addContact', 'addContact', 'addMember', 'addMember', 'addMember', 'addMember', 'createGroup', 'createGroup', 'setSortOrder']);

    spy.ops.length = 0;
    const before = fs.readFileSync(journalFile, 'utf8');
    const second = await copyUsers({ from, to, users: [ALICE], journal: journalFile });
    expect(second.totals).toMatchObject({ created: 0, present: 12, skipped: 1, failed: 0 });
    expect(second.users[0]!.items.filter((i) => i.outcome === 'present' && i.reason === 'copied by an earlier run')).toHaveLength(9);
    expect(spy.ops).toEqual([]);
    // The journal only gained the second run's header: no step was started.
    const added = readJournal(journalFile).records.slice(before.trim().split('\n').length);
    expect(added.map((r) => r.type)).toEqual(['run']);
  });

  test('every user the source lists is copied when no users are given', async () => {
    const dirs = setup({ source: { [ALICE]: sourceAlice, [BOB]: sourceBob }, target: { [ALICE]: targetAlice, [BOB]: targetBob } });
    const report = await copyUsers({ from: memoryProvider({ dir: dirs.source, readOnly: true }), to: memoryProvider({ dir: dirs.target }) });
    expect(report.users.map((u) => u.user)).toEqual([ALICE, BOB]);
  });

  test('a failing step is reported with its reason while the rest completes; the exit state says failed', async () => {
    const dirs = setup({ source: { [BOB]: sourceBob, [ALICE]: sourceAlice }, target: { [BOB]: targetBob } });
    const report = await copyUsers({
      from: memoryProvider({ dir: dirs.source, readOnly: true }), to: memoryProvider({ dir: dirs.target }), users: [BOB, ALICE],
    });
    const bob = report.users[0]!;
    expect(bob.status).toBe('failed');
    expect(bob.items.filter((i) => i.outcome === 'failed')).toEqual([
      { kind: 'contact', name: 'nobody@example.com', outcome: 'failed', hr: 'MSGR_E_USER_NOT_FOUND', reason: 'No user "nobody@example.com" on this service.' },
      { kind: 'member', name: 'nobody@example.com', group: 'Ghosts', outcome: 'failed', hr: 'MSGR_E_USER_NOT_FOUND', reason: 'No user "nobody@example.com" on this service.' },
    ]);
    expect(stored(dirs.target, BOB)).toMatchObject({ contacts: ['carol@example.com'], groups: [{ name: 'Ghosts', members: ['carol@example.com'] }] });
    // Alice has no state and no seed on the target: she fails as a whole, with the reason.
    const alice = report.users[1]!;
    expect(alice.status).toBe('failed');
    expect(alice.error).toEqual({ hr: 'MSGR_E_USER_NOT_FOUND', reason: expect.stringContaining(`has no user "${ALICE}"`) });
    expect(report.totals).toMatchObject({ failed: 2, usersFailed: 2, created: 3 });
  });

  test('a group that cannot be created is failed and its members are skipped with the reason', async () => {
    const dirs = setup({ source: { [ALICE]: sourceAlice }, target: { [ALICE]: targetAlice } });
    const to = memoryProvider({
      dir: dirs.target,
      onOpen: (_u, backend) => {
        const enter = backend.store.enter.bind(backend.store);
        backend.store.enter = (op: string) => {
          if (op === 'createGroup') throw messengerError('MSGR_E_POLICY_RESTRICTED', undefined, 'Policy says no groups today.');
          enter(op);
        };
      },
    });
    const report = await copyUsers({ from: memoryProvider({ dir: dirs.source, readOnly: true }), to, users: [ALICE] });
    const items = report.users[0]!.items;
    expect(items.find((i) => i.kind === 'group' && i.name === 'Work | Team')).toMatchObject({ outcome: 'failed', hr: 'MSGR_E_POLICY_RESTRICTED' });
    expect(items.filter((i) => i.kind === 'member' && i.group === 'Work | Team').map((i) => [i.outcome, i.reason]))
      .toEqual(Array(3).fill(['skipped', 'group "Work | Team" was not created']));
    expect(items.find((i) => i.kind === 'sortOrder')?.outcome).toBe('created');
  });

  test('throttled steps back off exponentially (capped), are retried, and counted', async () => {
    const dirs = setup({ source: { [ALICE]: sourceAlice }, target: { [ALICE]: targetAlice } });
    let busy = 3;
    const to = memoryProvider({
      dir: dirs.target,
      onOpen: (_u, backend) => {
        const enter = backend.store.enter.bind(backend.store);
        backend.store.enter = (op: string) => {
          if ((op === 'createGroup' || op === 'addMember') && busy > 0) { busy--; throw messengerError('MSGR_E_SERVER_TOO_BUSY', undefined, 'Too many requests.'); }
          enter(op);
        };
      },
    });
    const time = fakeTime();
    const report = await copyUsers({
      from: memoryProvider({ dir: dirs.source, readOnly: true }), to, users: [ALICE],
      backoff: { initialMs: 100, factor: 2, maxMs: 250, jitter: false }, now: time.now, sleep: time.sleep,
    });
    expect(report.totals).toMatchObject({ throttles: 3, failed: 0, created: 9 });
    expect(report.users[0]!.throttles).toBe(3);
    // The first write (dave into Friends) is throttled three times: 100, 200, then 400 capped at 250.
    expect(time.slept).toEqual([100, 200, 250]);
    expect(stored(dirs.target, ALICE).groups.map((g) => g.name)).toEqual(['Empty', 'friends', 'Work | Team']);
    // The report keeps when each backoff began (the HTML report draws them over the run).
    const at = (ms: number) => new Date(1_000_000 + ms).toISOString();
    expect(report.users[0]!.backoffs).toEqual([
      { at: at(0), kind: 'throttle', hr: 'MSGR_E_SERVER_TOO_BUSY', waitMs: 100 },
      { at: at(100), kind: 'throttle', hr: 'MSGR_E_SERVER_TOO_BUSY', waitMs: 200 },
      { at: at(300), kind: 'throttle', hr: 'MSGR_E_SERVER_TOO_BUSY', waitMs: 250 },
    ]);
  });

  test('a step throttled more often than maxRetries fails with MSGR_E_SERVER_TOO_BUSY', async () => {
    const dirs = setup({ source: { [ALICE]: sourceAlice }, target: { [ALICE]: targetAlice } });
    const to = memoryProvider({
      dir: dirs.target,
      onOpen: (_u, backend) => {
        const enter = backend.store.enter.bind(backend.store);
        backend.store.enter = (op: string) => {
          if (op === 'setSortOrder') throw messengerError('MSGR_E_SERVER_TOO_BUSY', undefined, 'Too many requests.');
          enter(op);
        };
      },
    });
    const time = fakeTime();
    const report = await copyUsers({
      from: memoryProvider({ dir: dirs.source, readOnly: true }), to, users: [ALICE],
      backoff: { initialMs: 10, maxRetries: 2, jitter: false }, now: time.now, sleep: time.sleep,
    });
    expect(report.users[0]!.items.find((i) => i.kind === 'sortOrder')).toMatchObject({ outcome: 'failed', hr: 'MSGR_E_SERVER_TOO_BUSY' });
    expect(report.totals.throttles).toBe(2);
  });

  test('users are copied at most `concurrency` at a time', async () => {
    const users = Array.from({ length: 6 }, (_, i) => `user${i}@example.com`);
    const seed = (u: string) => ({ self: { signinName: u }, directory: [{ signinName: 'carol@example.com' }], contacts: [{ signinName: 'carol@example.com' }] });
    const target = (u: string) => ({ self: { signinName: u }, directory: [{ signinName: 'carol@example.com' }] });
    const dirs = setup({ source: Object.fromEntries(users.map((u) => [u, seed(u)])), target: Object.fromEntries(users.map((u) => [u, target(u)])) });
    const inner = memoryProvider({ dir: dirs.target });
    let open = 0;
    let peak = 0;
    const to: BackendProvider = {
      name: 'memory',
      async open(user) {
        open++;
        peak = Math.max(peak, open);
        await new Promise((r) => setTimeout(r, 5));
        const session = await inner.open(user);
        return { ...session, close: async () => { open--; await session.close(); } };
      },
    };
    const report = await copyUsers({ from: memoryProvider({ dir: dirs.source, readOnly: true }), to, users, concurrency: 2 });
    expect(peak).toBe(2);
    expect(report.totals).toMatchObject({ created: 6, users: 6, usersFailed: 0 });
  });

  test('progress reports steps, users, failures and throttles as they happen', async () => {
    const dirs = setup({ source: { [ALICE]: sourceAlice, [BOB]: sourceBob }, target: { [ALICE]: targetAlice, [BOB]: targetBob } });
    const seen: ProgressSnapshot[] = [];
    await copyUsers({
      from: memoryProvider({ dir: dirs.source, readOnly: true }), to: memoryProvider({ dir: dirs.target }), users: [ALICE, BOB],
      concurrency: 1, onProgress: (s) => seen.push(s),
    });
    const last = seen[seen.length - 1]!;
    expect(last).toMatchObject({ stepsDone: 13 + 7, stepsTotal: 20, usersDone: 2, usersPlanned: 2, usersTotal: 2, failures: 2 });
    expect(seen.map((s) => s.stepsDone)).toEqual([...seen.map((s) => s.stepsDone)].sort((a, b) => a - b));
  });

  test('stopping (signal) ends after the step in flight; the next run finishes the work', async () => {
    const dirs = setup({ source: { [ALICE]: sourceAlice }, target: { [ALICE]: targetAlice } });
    const journalFile = path.join(dirs.root, 'journal.jsonl');
    const from = memoryProvider({ dir: dirs.source, readOnly: true });
    const to = memoryProvider({ dir: dirs.target });
    const stop = new AbortController();
    const first = await copyUsers({
      from, to, users: [ALICE], journal: journalFile, signal: stop.signal,
      onProgress: (s) => { if (s.stepsDone === 4) stop.abort(); },
    });
    expect(first.aborted).toBe(true);
    expect(first.users[0]!.status).toBe('incomplete');
    expect(first.users[0]!.items).toHaveLength(4);
    const second = await copyUsers({ from, to, users: [ALICE], journal: journalFile });
    expect(second.aborted).toBe(false);
    expect(second.totals).toMatchObject({ failed: 0, skipped: 1, present: 3 + first.users[0]!.counts.created, created: 9 - first.users[0]!.counts.created });
    expect(stored(dirs.target, ALICE).groups).toHaveLength(3);
  });

  test('a journal of another run is reused: steps done and since removed on the target are not copied again', async () => {
    const dirs = setup({ source: { [ALICE]: sourceAlice }, target: { [ALICE]: targetAlice } });
    const journalFile = path.join(dirs.root, 'journal.jsonl');
    const from = memoryProvider({ dir: dirs.source, readOnly: true });
    const to = memoryProvider({ dir: dirs.target });
    await copyUsers({ from, to, users: [ALICE], journal: journalFile });
    // The user removes a copied contact on the new service.
    const session = await to.open(ALICE);
    const contacts = await session.messenger.get_MyContacts();
    const erin = contacts.toArray().find((c) => c.record.signinName === 'erin@example.com')!;
    await contacts.Remove(erin);
    await session.close();
    const again = await copyUsers({ from, to, users: [ALICE], journal: journalFile });
    const item = again.users[0]!.items.find((i) => i.kind === 'contact' && i.name === 'erin@example.com');
    expect(item).toMatchObject({ outcome: 'skipped', reason: expect.stringMatching(/since removed from the target/) });
    expect(stored(dirs.target, ALICE).contacts).not.toContain('erin@example.com');
    // Without the journal, the copy looks only at the target: it is copied again.
    const fresh = await copyUsers({ from, to, users: [ALICE] });
    expect(fresh.users[0]!.items.find((i) => i.kind === 'contact' && i.name === 'erin@example.com')?.outcome).toBe('created');
  });
});
