/**
 * Dual-write over two in-memory services: writes reach both (groups matched by name: their ids
 * differ), the caller sees the primary only, a secondary failure is recorded and queued (durably)
 * without failing the caller, later writes queue behind it, retry drains the queue, and reconcile
 * repairs drift and reports what it changed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HR, MUASORT } from '@imessenger/contract';
import { createMessenger, type Messenger } from '@imessenger/core';
import { memoryBackend, type MemoryBackend } from '@imessenger/adapter-memory';
import {
  type CapabilityRoutes, type DualWriteFailure, type WriteQueue, fileWriteQueue, formatReconcileReport, memoryWriteQueue, portsOf, readQueue,
  reconcile, routingBackend,
} from '../src/index-routing';

const ANN = 'ann@contoso.com';
const NOW = new Date('2025-03-01T09:00:00.000Z');
const people = [
  { signinName: 'bob@contoso.com', friendlyName: 'Bob Kelly', status: 2 },
  { signinName: 'carol@contoso.com', friendlyName: 'Carol Diaz', status: 0x22 },
];
/** The same data on both, but the groups in another order: the same group has another id on each side. */
const oldSeed = {
  self: { signinName: ANN }, contacts: people, directory: [{ signinName: 'erin@contoso.com' }],
  groups: [{ name: 'Coworkers', members: ['bob@contoso.com'] }, { name: 'Archive' }], sortOrder: 0,
};
const newSeed = {
  self: { signinName: ANN }, services: [{ id: 'teams', name: 'Microsoft Teams', primary: true }], contacts: people, directory: [{ signinName: 'erin@contoso.com' }],
  groups: [{ name: 'Archive' }, { name: 'Coworkers', members: ['bob@contoso.com'] }], sortOrder: 0,
};
const DUAL: CapabilityRoutes = {
  groups: { route: 'new', mode: 'dual-write' }, directory: { route: 'new', mode: 'dual-write' }, preferences: { route: 'new', mode: 'dual-write' },
  // Contacts' statuses follow presence: kept with the directory, so no extra status read lands on old.
  presence: { route: 'new' },
};

function setup(options: { queue?: WriteQueue; queueFile?: string; capabilities?: CapabilityRoutes } = {}) {
  const old = memoryBackend({ seed: oldSeed });
  const neu = memoryBackend({ seed: newSeed });
  const failures: DualWriteFailure[] = [];
  const backend = routingBackend({
    old, new: neu, now: () => NOW, onSecondaryFailure: (f) => failures.push(f),
    ...(options.queue ? { queue: options.queue } : {}),
    config: {
      old: 'com', new: 'graph', cohort: { users: [ANN] }, capabilities: options.capabilities ?? DUAL,
      ...(options.queueFile ? { dualWrite: { queue: options.queueFile } } : {}),
    },
  });
  return { old, neu, backend, failures, msn: createMessenger({ backend }) };
}

function calls(backend: MemoryBackend): () => string[] {
  const spy = jest.spyOn(backend.store, 'enter');
  const WRITES = new Set(['addContact', 'removeContact', 'setBlocked', 'setMyStatus', 'createGroup', 'renameGroup', 'removeGroup', 'addMember', 'removeMember', 'setSortOrder']);
  return () => spy.mock.calls.map(([operation]) => operation).filter((c) => WRITES.has(c));
}

const groupsOf = (b: MemoryBackend): Record<string, string[]> =>
  Object.fromEntries(b.store.state.groups.map((g) => [g.name, [...g.members].sort()]));
const service = async (msn: Messenger) => (await msn.get_Services()).get_PrimaryService();
const groupNamed = async (msn: Messenger, name: string) => {
  for (const g of (await msn.get_MyGroups()).toArray()) if ((await g.get_Name()) === name) return g;
  throw new Error(`no group ${name}`);
};

describe('dual-write', () => {
  test('both backends get every write, once; group writes find the secondary\'s group by name', async () => {
    const { msn, old, neu } = setup();
    const onOld = calls(old);
    const onNew = calls(neu);
    await msn.Signin(0, ANN, '');
    expect(old.store.state.groups.find((g) => g.name === 'Coworkers')!.id).not.toBe(neu.store.state.groups.find((g) => g.name === 'Coworkers')!.id);

    const launch = await msn.CreateGroup('Launch', await service(msn));
    await launch.AddContact('carol@contoso.com');
    await (await groupNamed(msn, 'Coworkers')).AddContact('carol@contoso.com');
    await (await groupNamed(msn, 'Coworkers')).RemoveContact('bob@contoso.com');
    await launch.put_Name('Launch Team');
    await (await msn.get_MyGroups()).Remove(await groupNamed(msn, 'Archive'));
    await msn.AddContact(0, 'erin@contoso.com');
    await msn.put_ContactsSortOrder(MUASORT.MUASORT_ONOFFLINE);

    const expected = ['createGroup', 'addMember', 'addMember', 'removeMember', 'renameGroup', 'removeGroup', 'addContact', 'setSortOrder'];
    expect(onNew()).toEqual(expected);
    expect(onOld()).toEqual(expected);
    expect(groupsOf(old)).toEqual({ Coworkers: ['carol@contoso.com'], 'Launch Team': ['carol@contoso.com'] });
    expect(groupsOf(old)).toEqual(groupsOf(neu));
    expect(old.store.state.contactList).toEqual(neu.store.state.contactList);
    expect(old.store.state.sortOrder).toBe(1);
  });

  test('the caller sees the primary: its result and its errors, and a failed primary write is not sent on', async () => {
    const { msn, old, neu } = setup();
    const onOld = calls(old);
    await msn.Signin(0, ANN, '');
    neu.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
    // The service's answer reaches the caller the documented way: OnContactListAdd(hr) (B597).
    const answers: number[] = [];
    msn.on('OnContactListAdd', (hr) => answers.push(hr));
    await msn.AddContact(0, 'erin@contoso.com');
    expect(answers).toEqual([HR.MSGR_E_SERVER_TOO_BUSY]);
    expect(onOld()).toEqual([]);
  });

  test('a failing secondary is recorded and queued; the caller succeeds; retry drains the queue', async () => {
    const queue = memoryWriteQueue();
    const { msn, old, neu, backend, failures } = setup({ queue });
    await msn.Signin(0, ANN, '');
    old.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
    const group = await msn.CreateGroup('Launch', await service(msn));
    expect(await group.get_Name()).toBe('Launch');
    expect(neu.store.state.groups.map((g) => g.name)).toContain('Launch');
    expect(old.store.state.groups.map((g) => g.name)).not.toContain('Launch');

    expect(queue.entries).toEqual([{
      id: expect.any(String), time: NOW.toISOString(), user: ANN, target: 'old',
      write: { capability: 'groups', member: 'create', name: 'Launch' },
      error: { $error: 'MSGR_E_SERVER_TOO_BUSY', message: expect.stringContaining('Simulated server error') }, attempts: 1, lastAttempt: NOW.toISOString(),
    }]);
    expect(failures).toEqual([expect.objectContaining({ capability: 'groups', member: 'create', target: 'old', user: ANN, queued: queue.entries[0] })]);

    // The secondary is still down: the retry fails again and keeps the entry.
    old.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
    expect(await backend.retryQueued()).toMatchObject({ attempted: 1, succeeded: 0, failed: 1, remaining: 1 });
    expect(queue.entries[0]!.attempts).toBe(2);

    // Back up: the retry applies it.
    expect(await backend.retryQueued()).toMatchObject({ attempted: 1, succeeded: 1, failed: 0, remaining: 0 });
    expect(queue.entries).toEqual([]);
    expect(groupsOf(old)).toEqual(groupsOf(neu));
  });

  test('while writes wait, later ones queue behind them, so the secondary gets them in order', async () => {
    const queue = memoryWriteQueue();
    const { msn, old, neu } = setup({ queue });
    await msn.Signin(0, ANN, '');
    old.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
    const group = await msn.CreateGroup('Launch', await service(msn)); // refused by old: queued
    expect(queue.entries).toHaveLength(1);
    // Applied directly, this would fail on old (no group "Launch" yet); behind the create, both apply.
    await group.AddContact('bob@contoso.com');
    expect(queue.entries).toEqual([]);
    expect(groupsOf(old)).toEqual(groupsOf(neu));
    expect(groupsOf(old).Launch).toEqual(['bob@contoso.com']);
  });

  test('retried writes are idempotent: a write whose effect is there already changes nothing', async () => {
    const queue = memoryWriteQueue();
    const { msn, old, backend } = setup({ queue });
    await msn.Signin(0, ANN, '');
    old.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
    await msn.AddContact(0, 'erin@contoso.com');
    // Someone repaired old by hand meanwhile.
    await portsOf(old).ports.directory!.addContact('erin@contoso.com');
    const onOld = calls(old);
    expect(await backend.retryQueued()).toMatchObject({ succeeded: 1, remaining: 0 });
    expect(onOld()).toEqual([]);
  });

  test('the queue file is durable JSON lines: a new process retries what the last one queued', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dual-write-'));
    try {
      const file = path.join(dir, 'queue-{user}.jsonl');
      const first = setup({ queueFile: file });
      await first.msn.Signin(0, ANN, '');
      first.old.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
      await first.msn.put_ContactsSortOrder(MUASORT.MUASORT_ONOFFLINE);
      const queued = path.join(dir, 'queue-ann@contoso.com.jsonl');
      expect(readQueue(queued).map((e) => e.write)).toEqual([{ capability: 'preferences', member: 'setSortOrder', order: 1 }]);
      expect((fs.statSync(queued).mode & 0o777).toString(8)).toBe('600');

      // "Restart": a new routing backend over the same old service and the same file.
      const again = routingBackend({
        old: first.old, new: first.neu, user: ANN,
        config: { old: 'com', new: 'graph', cohort: { users: [ANN] }, capabilities: DUAL, dualWrite: { queue: file } },
      });
      expect(await again.retryQueued()).toMatchObject({ attempted: 1, succeeded: 1, remaining: 0 });
      expect(readQueue(queued)).toEqual([]);
      expect(first.old.store.state.sortOrder).toBe(1);
      expect(fileWriteQueue(queued).file).toBe(queued);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('reconcile', () => {
  /** Drift: writes made on new only (the secondary missed them, or they happened outside the routing). */
  async function drift(neu: MemoryBackend): Promise<void> {
    const n = portsOf(neu).ports;
    await n.session.signin({ signinName: ANN, password: '' });
    await n.directory!.addContact('erin@contoso.com');
    await n.directory!.removeContact('carol@contoso.com');
    await n.directory!.setBlocked('bob@contoso.com', true);
    const launch = await n.groups!.create('Launch', 'teams');
    await n.groups!.addMember(launch.id, 'erin@contoso.com');
    await n.groups!.remove(neu.store.state.groups.find((g) => g.name === 'Archive')!.id);
    const coworkers = neu.store.state.groups.find((g) => g.name === 'Coworkers')!;
    await n.groups!.addMember(coworkers.id, 'carol@contoso.com');
    await n.groups!.removeMember(coworkers.id, 'bob@contoso.com');
    await n.preferences!.setSortOrder(1);
  }

  test('repairs the secondary and reports what it changed; a second run changes nothing', async () => {
    const { msn, old, neu, backend } = setup();
    await drift(neu);
    await msn.Signin(0, ANN, '');
    const report = await backend.reconcile();
    expect(report).toEqual({
      dryRun: false, capabilities: ['directory', 'groups', 'preferences'],
      contactsAdded: ['erin@contoso.com'], contactsRemoved: ['carol@contoso.com'], blockedChanged: [{ signinName: 'bob@contoso.com', blocked: true }],
      groupsCreated: ['Launch'], groupsRemoved: ['Archive'],
      membersAdded: [{ group: 'Coworkers', signinName: 'carol@contoso.com' }, { group: 'Launch', signinName: 'erin@contoso.com' }],
      membersRemoved: [{ group: 'Coworkers', signinName: 'bob@contoso.com' }],
      sortOrderSet: { from: 0, to: 1 }, failures: [], changes: 9,
    });
    expect(groupsOf(old)).toEqual(groupsOf(neu));
    expect(old.store.state.contactList.sort()).toEqual(neu.store.state.contactList.sort());
    expect(old.store.state.sortOrder).toBe(1);
    expect(formatReconcileReport(report)).toContain('  create group "Launch"\n');
    expect((await backend.reconcile()).changes).toBe(0);
  });

  test('a dry run reports the same changes and writes nothing', async () => {
    const old = memoryBackend({ seed: oldSeed });
    const neu = memoryBackend({ seed: newSeed });
    await drift(neu);
    const o = portsOf(old).ports;
    await o.session.signin({ signinName: ANN, password: '' });
    const onOld = calls(old);
    const report = await reconcile({ primary: portsOf(neu).ports, secondary: o, dryRun: true });
    expect(report.changes).toBe(9);
    expect(report.dryRun).toBe(true);
    expect(onOld()).toEqual([]);
    expect(formatReconcileReport(report)).toContain('would create group "Launch"');
  });

  test('a repair the secondary refuses is reported; the others are still made', async () => {
    const old = memoryBackend({ seed: { ...oldSeed, directory: [] } }); // old does not know erin
    const neu = memoryBackend({ seed: newSeed });
    await drift(neu);
    const o = portsOf(old).ports;
    await o.session.signin({ signinName: ANN, password: '' });
    const report = await reconcile({ primary: portsOf(neu).ports, secondary: o, capabilities: ['directory', 'groups'] });
    expect(report.failures.map((f) => f.action)).toEqual(['add contact erin@contoso.com', 'add erin@contoso.com to Launch']);
    expect(report.failures[0]!.error).toMatch(/^MSGR_E_USER_NOT_FOUND/);
    expect(report.groupsCreated).toEqual(['Launch']);
    expect(report.sortOrderSet).toBeUndefined();
  });
});
