/**
 * What the copy costs on Microsoft Graph (the fake tenant), counted request by request: the target's
 * chats are listed once per user and run, a new group is one POST /chats carrying every member (no
 * user lookups, no profile writes), the users the remaining writes need are looked up 20 per $batch
 * and never again, group creations of one user run side by side within `concurrency`, and a creation
 * whose answer was lost is looked for, never made twice. Requests per group do not grow with the
 * number of groups.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as testing from '@imessenger/adapter-graph/testing';
import { copyUsers } from '../src/copy';
import { Journal, type JournalFs, type JournalRecord, stepKey } from '../src/journal';
import { graphProvider } from '../src/providers-graph';
import { memoryProvider } from '../src/providers-memory';
import type { BackendProvider } from '../src/providers';

jest.setTimeout(60_000);

const scratchDirs: string[] = [];
const scratch = (prefix: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => { for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true }); });

const ownerOf = (u: number) => `owner${u}@contoso.com`;
const memberOf = (u: number, g: number, m: number) => `u${u}.g${g}.m${m}@contoso.com`;
const groupName = (g: number) => `Group ${String(g).padStart(3, '0')}`;

interface World {
  readonly tenant: testing.FakeTenant;
  readonly from: BackendProvider;
  readonly to: ReturnType<typeof graphProvider>;
  readonly users: string[];
}

/**
 * `users` owners, each with `groups` groups of `members` members on the source (and `contacts`
 * contacts); the target tenant knows everyone and already holds `existingChats` chats of owner 0.
 */
async function world(o: {
  users?: number; groups: number; members?: number; contacts?: number; existingChats?: number; latencyMs?: number;
  sourceGroups?: (u: number) => { name: string; members: string[] }[];
  /** Users the source knows and the tenant does not. */
  tenantLacks?: readonly string[];
}): Promise<World> {
  const userCount = o.users ?? 1;
  const members = o.members ?? 10;
  const users = Array.from({ length: userCount }, (_, u) => ownerOf(u));
  const seeds: Record<string, unknown> = {};
  const directory = new Set<string>();
  for (let u = 0; u < userCount; u++) {
    const groups = o.sourceGroups?.(u) ?? Array.from({ length: o.groups }, (_, g) => ({ name: groupName(g), members: Array.from({ length: members }, (__, m) => memberOf(u, g, m)) }));
    const contacts = Array.from({ length: o.contacts ?? 0 }, (_, c) => `u${u}.c${c}@contoso.com`);
    for (const g of groups) g.members.forEach((m) => directory.add(m));
    contacts.forEach((c) => directory.add(c));
    seeds[ownerOf(u)] = {
      self: { signinName: ownerOf(u), friendlyName: `Owner ${u}` },
      contacts: contacts.map((signinName) => ({ signinName })),
      directory: groups.flatMap((g) => g.members).filter((m) => !contacts.includes(m)).map((signinName) => ({ signinName })),
      groups,
    };
  }
  // Chats owner 0 already has on the target (other names): the listing is ⌈n/50⌉ pages.
  const existing = Array.from({ length: o.existingChats ?? 0 }, (_, i) => ({ name: `Old ${i}`, members: [`old${i}.a@contoso.com`, `old${i}.b@contoso.com`] }));
  existing.forEach((g) => g.members.forEach((m) => directory.add(m)));
  const tenant = new testing.FakeTenant({
    seed: {
      self: { signinName: users[0]!, friendlyName: 'Owner 0' },
      directory: [...users.slice(1), ...directory].filter((n) => !o.tenantLacks?.includes(n)).map((signinName) => ({ signinName })),
      groups: existing,
    },
    latencyMs: o.latencyMs ?? 0,
  });
  await tenant.start();
  const from = memoryProvider({ dir: scratch('copy-requests-'), seeds, readOnly: true });
  const to = graphProvider({ tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, tokenFor: (u) => tenant.tokenFor(u), retry: { maxRetries: 1, delaySeconds: 0 }, timeoutMs: 2_000 });
  return { tenant, from, to, users };
}

/** Request kinds, as the bench names them. */
function kindOf(r: testing.RecordedRequest): string {
  const p = r.path;
  if (r.method === 'POST' && p === '/$batch') return 'POST /$batch';
  if (r.method === 'GET' && /^\/(me|users\/[^/]+)\/chats$/.test(p)) return 'GET chats (list page)';
  if (r.method === 'GET' && /^\/users\/[^/]+$/.test(p)) return 'GET /users/{upn}';
  if (/\/extensions/.test(p)) return `${r.method} profile extension`;
  if (r.method === 'POST' && p === '/chats') return 'POST /chats';
  if (r.method === 'POST' && /^\/chats\/[^/]+\/members$/.test(p)) return 'POST /chats/{id}/members';
  return `${r.method} ${p}`;
}

function countsOf(tenant: testing.FakeTenant): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of tenant.requests) counts[kindOf(r)] = (counts[kindOf(r)] ?? 0) + 1;
  return counts;
}

/** The items of every $batch sent. */
const batchItems = (tenant: testing.FakeTenant) => tenant.requests
  .filter((r) => r.method === 'POST' && r.path === '/$batch')
  .map((r) => (r.body as { requests: { method: string; url: string }[] }).requests);

/** Each group chat's topic and members, sorted. */
const chatsOf = (tenant: testing.FakeTenant) => tenant.chats().filter((c) => c.chatType === 'group' && !c.topic?.startsWith('Old '))
  .map((c) => [c.topic, [...c.memberUpns].sort()] as const).sort((a, b) => String(a[0]).localeCompare(String(b[0])));

describe('requests per group', () => {
  test('do not grow with the number of groups: 2 users at 6 and at 24 groups each, one chat listing per user, one POST /chats per group, nothing else', async () => {
    const measured: { groups: number; total: number; counts: Record<string, number> }[] = [];
    for (const groups of [6, 24]) {
      const w = await world({ users: 2, groups, existingChats: 60 });
      try {
        const report = await copyUsers({ from: w.from, to: w.to, users: w.users, concurrency: 2 });
        expect(report.totals).toMatchObject({ failed: 0, created: 2 * groups * 11 });
        expect(chatsOf(w.tenant)).toHaveLength(2 * groups);
        measured.push({ groups: 2 * groups, total: w.tenant.requests.length, counts: countsOf(w.tenant) });
      } finally {
        await w.tenant.stop();
      }
    }
    for (const { groups, counts } of measured) {
      expect(counts).toEqual({
        'POST /$batch': 2,                  // sign-in, once per user
        'POST /communications/getPresencesByUserId': 2,
        // Owner 0 holds 60 chats already (2 pages), owner 1 none (1 page): each listed once, whatever the group count.
        'GET chats (list page)': 3,
        'POST /chats': groups,              // every member inline: no lookup, no profile write, no member POST
      });
    }
    const [small, large] = measured as [typeof measured[0], typeof measured[0]];
    // The same fixed cost per user, and exactly one request per further group.
    expect(small.total - small.groups).toBe(large.total - large.groups);
    expect((large.total - small.total) / (large.groups - small.groups)).toBe(1);
    // Against the minimum through IMessenger (13 per group of 10 members), far below 1.1x.
    expect(large.total / (13 * large.groups + 3 * 2)).toBeLessThan(0.1);
  });

  test('users the writes through core need are looked up 20 per $batch, once each, before the writes; the writes look nobody up again', async () => {
    const owner = ownerOf(0);
    const full = Array.from({ length: 12 }, (_, m) => memberOf(0, 0, m));
    // First run: the group with two members (a chat). Second run: ten more members and 25 contacts to add.
    const w = await world({ groups: 1, contacts: 25, sourceGroups: () => [{ name: 'Team', members: full }] });
    try {
      const firstSource = memoryProvider({ dir: scratch('copy-requests-first-'), readOnly: true, seeds: { [owner]: { self: { signinName: owner }, directory: full.map((signinName) => ({ signinName })), groups: [{ name: 'Team', members: full.slice(0, 2) }] } } });
      await copyUsers({ from: firstSource, to: w.to, users: [owner] });
      w.tenant.resetRequests();
      const report = await copyUsers({ from: w.from, to: w.to, users: [owner] });
      expect(report.totals).toMatchObject({ failed: 0, created: 25 + 10 });
      expect(chatsOf(w.tenant)).toEqual([['Team', [owner, ...full].sort()]]);

      const counts = countsOf(w.tenant);
      expect(counts['GET /users/{upn}']).toBeUndefined();            // no lookup of its own
      expect(counts['POST /chats/{id}/members']).toBe(10);
      expect(counts['GET chats (list page)']).toBe(1);
      const lookups = batchItems(w.tenant).map((items) => items.filter((i) => i.method === 'GET' && /^\/users\//.test(i.url)).map((i) => decodeURIComponent(i.url.split('?')[0]!.slice('/users/'.length))))
        .filter((names) => names.length > 0);
      // 35 users in two $batch requests (20 + 15), each looked up once.
      expect(lookups.map((names) => names.length)).toEqual([20, 15]);
      const names = lookups.flat();
      expect(new Set(names).size).toBe(35);
      expect([...names].sort()).toEqual([...Array.from({ length: 25 }, (_, c) => `u0.c${c}@contoso.com`), ...full.slice(2)].sort());
    } finally {
      await w.tenant.stop();
    }
  });

  test('a member nobody knows costs one refused POST /chats and one $batch of lookups; the chat is made with the others', async () => {
    const owner = ownerOf(0);
    const known = [memberOf(0, 0, 0), memberOf(0, 0, 1), memberOf(0, 0, 2)];
    // The source knows the ghost; the tenant does not.
    const w = await world({ groups: 1, sourceGroups: () => [{ name: 'Haunted', members: [...known, 'ghost@contoso.com'] }], tenantLacks: ['ghost@contoso.com'] });
    try {
      const report = await copyUsers({ from: w.from, to: w.to, users: [owner] });
      expect(report.users[0]!.items.filter((i) => i.outcome === 'failed')).toEqual([
        { kind: 'member', name: 'ghost@contoso.com', group: 'Haunted', outcome: 'failed', hr: 'MSGR_E_USER_NOT_FOUND', reason: expect.stringContaining('ghost@contoso.com') },
      ]);
      expect(chatsOf(w.tenant)).toEqual([['Haunted', [owner, ...known].sort()]]);
      const counts = countsOf(w.tenant);
      expect(counts['POST /chats']).toBe(2);
      expect(counts['POST /$batch']).toBe(2); // sign-in, and the four lookups
      expect(counts['GET /users/{upn}']).toBeUndefined();
    } finally {
      await w.tenant.stop();
    }
  });
});

describe('a dry run', () => {
  test("asks the target's directory about every user it lacks at once (20 per $batch) and writes nothing", async () => {
    const members = Array.from({ length: 25 }, (_, m) => memberOf(0, 0, m));
    const lacking = members.slice(22);
    const w = await world({ groups: 1, sourceGroups: () => [{ name: 'Big', members }], tenantLacks: lacking });
    try {
      const report = await copyUsers({ from: w.from, to: w.to, users: w.users, dryRun: true });
      expect(report.users[0]!.items.filter((i) => i.outcome === 'failed').map((i) => [i.name, i.hr])).toEqual(lacking.map((m) => [m, 'MSGR_E_USER_NOT_FOUND']));
      expect(report.totals).toMatchObject({ planned: 1 + 22 });
      const counts = countsOf(w.tenant);
      expect(counts['GET /users/{upn}']).toBeUndefined();
      expect(batchItems(w.tenant).map((items) => items.filter((i) => /^\/users\//.test(i.url)).length).filter((k) => k > 0)).toEqual([20, 5]);
      expect(w.tenant.requests.filter((r) => r.method !== 'GET' && r.path !== '/$batch' && !r.path.endsWith('getPresencesByUserId'))).toEqual([]);
      expect(chatsOf(w.tenant)).toEqual([]);
    } finally {
      await w.tenant.stop();
    }
  });
});

describe('group creations of one user side by side', () => {
  /** The Graph provider, counting createGroupWithMembers calls in flight. */
  function counting(inner: ReturnType<typeof graphProvider>) {
    const seen = { active: 0, peak: 0, calls: 0 };
    const provider: BackendProvider = {
      name: inner.name,
      async open(user) {
        const session = await inner.open(user);
        const write = session.createGroupWithMembers!.bind(session);
        return {
          ...session,
          async createGroupWithMembers(name: string, members: readonly string[]) {
            seen.calls++;
            seen.peak = Math.max(seen.peak, ++seen.active);
            try { return await write(name, members); } finally { seen.active--; }
          },
        };
      },
    };
    return { provider, seen };
  }

  test.each([1, 3])('at most `concurrency` (%i) at a time; each group and its members journalled as one intent append and one outcome append', async (concurrency) => {
    const w = await world({ groups: 12, members: 4, latencyMs: 15 });
    try {
      const { provider, seen } = counting(w.to);
      const file = path.join(scratch('copy-requests-journal-'), 'journal.jsonl');
      const appends: string[][] = [];
      const io: JournalFs = {
        openSync: fs.openSync, fsyncSync: fs.fsyncSync, ftruncateSync: fs.ftruncateSync, fstatSync: fs.fstatSync, closeSync: fs.closeSync,
        readFileSync: (f) => fs.readFileSync(f), existsSync: fs.existsSync,
        writeSync: (fd, buffer, offset = 0, length = buffer.length - offset) => {
          appends.push(Buffer.from(buffer.subarray(offset, offset + length)).toString('utf8').trim().split('\n'));
          return fs.writeSync(fd, buffer, offset, length);
        },
      };
      const journal = Journal.open(file, { fs: io });
      const report = await copyUsers({ from: w.from, to: provider, users: w.users, concurrency, journal });
      journal.close();
      expect(report.totals).toMatchObject({ failed: 0, created: 12 * 5 });
      expect(seen.calls).toBe(12);
      expect(seen.peak).toBe(concurrency);
      // Exactly the groups, each once with its members.
      expect(chatsOf(w.tenant)).toEqual(Array.from({ length: 12 }, (_, g) => [groupName(g), [ownerOf(0), ...Array.from({ length: 4 }, (__, m) => memberOf(0, g, m))].sort()]));
      // The report keeps the plan's order, whatever order the writes finished in.
      expect(report.users[0]!.items.filter((i) => i.kind === 'group').map((i) => i.name)).toEqual(Array.from({ length: 12 }, (_, g) => groupName(g)));
      for (let g = 0; g < 12; g++) {
        const keys = [stepKey('group', groupName(g)), ...Array.from({ length: 4 }, (_, m) => stepKey('member', groupName(g), memberOf(0, g, m)))];
        const holding = (type: string) => appends.filter((lines) => lines.some((l) => {
          const r = JSON.parse(l) as JournalRecord;
          return r.type === type && 'step' in r && r.step === keys[0];
        }));
        for (const type of ['intent', 'done']) {
          const [append, ...more] = holding(type);
          expect(more).toEqual([]);
          expect(append!.map((l) => { const r = JSON.parse(l) as JournalRecord & { step: string }; return [r.type, r.step]; })).toEqual(keys.map((k) => [type, k]));
        }
      }
    } finally {
      await w.tenant.stop();
    }
  });
});

describe('writes in flight', () => {
  test('are bounded by `concurrency` across users too: 3 users of 6 groups at concurrency 2 never have more than 2 creations on the way', async () => {
    const w = await world({ users: 3, groups: 6, members: 3, latencyMs: 10 });
    try {
      const seen = { active: 0, peak: 0 };
      const to: BackendProvider = {
        name: 'graph',
        async open(user) {
          const session = await w.to.open(user);
          const write = session.createGroupWithMembers!.bind(session);
          return {
            ...session,
            async createGroupWithMembers(name: string, members: readonly string[]) {
              seen.peak = Math.max(seen.peak, ++seen.active);
              try { return await write(name, members); } finally { seen.active--; }
            },
          };
        },
      };
      const report = await copyUsers({ from: w.from, to, users: w.users, concurrency: 2 });
      expect(report.totals).toMatchObject({ failed: 0, created: 3 * 6 * 4 });
      expect(seen.peak).toBe(2);
      expect(chatsOf(w.tenant)).toHaveLength(18);
    } finally {
      await w.tenant.stop();
    }
  });
});

describe('a creation whose answer is lost is looked for, not made twice', () => {
  test.each([
    ['the connection times out after Teams made the chat', { kind: 'timeout' as const, afterCommit: true }],
    ['Teams made the chat and answered 503', { status: 503, afterCommit: true }],
  ])('%s: the retry finds the chat and adopts it', async (_label, fault) => {
    const w = await world({ groups: 3, members: 3 });
    try {
      const to: BackendProvider = {
        name: 'graph',
        async open(user) {
          const session = await w.to.open(user);
          w.tenant.failNext({ ...fault, times: 1, match: { method: 'POST', path: /^\/chats$/ } });
          return session;
        },
      };
      const report = await copyUsers({ from: w.from, to, users: w.users, concurrency: 1, backoff: { initialMs: 5, maxMs: 10 } });
      expect(report.totals).toMatchObject({ failed: 0, created: 3 * 4 });
      expect(report.totals.throttles + report.totals.retries).toBe(1);
      // One chat per group; the one whose answer was lost was looked for once (one more listing), not posted again.
      expect(chatsOf(w.tenant).map(([topic]) => topic)).toEqual([groupName(0), groupName(1), groupName(2)]);
      expect(countsOf(w.tenant)).toMatchObject({ 'POST /chats': 3, 'GET chats (list page)': 2 });
    } finally {
      await w.tenant.stop();
    }
  });

  test('a 429 is not acted on by Teams: backed off and sent again, without looking', async () => {
    const w = await world({ groups: 3, members: 3 });
    try {
      const to: BackendProvider = {
        name: 'graph',
        async open(user) {
          const session = await w.to.open(user);
          w.tenant.failNext({ status: 429, retryAfter: 0, times: 1, match: { method: 'POST', path: /^\/chats$/ } });
          return session;
        },
      };
      const report = await copyUsers({ from: w.from, to, users: w.users, concurrency: 1, backoff: { initialMs: 5, maxMs: 10 } });
      expect(report.totals).toMatchObject({ failed: 0, throttles: 1 });
      expect(chatsOf(w.tenant)).toHaveLength(3);
      expect(countsOf(w.tenant)).toMatchObject({ 'POST /chats': 4, 'GET chats (list page)': 1 });
    } finally {
      await w.tenant.stop();
    }
  });
});
