/**
 * Kill and resume: the copy runs in a child process (test/fixtures/copy-child.js on the built dist)
 * and is SIGKILLed at many points — before it starts, at its first step, at given steps inside
 * groups, after random delays — each time resumed by the next process with the same journal. A
 * last run finishes. Then the target must hold every source group exactly once with exactly its
 * members, every contact exactly once, the sort order, and the journal no step left in flight.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as testing from '@imessenger/adapter-graph/testing';
import { readJournal, Journal } from '../src/journal';
import { graphProvider } from '../src/providers-graph';

/** Scratch directories, removed after the file's tests. */
const scratchDirs: string[] = [];
const scratch = (prefix: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => { for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true }); });

jest.setTimeout(120_000);

const CHILD = path.join(__dirname, 'fixtures', 'copy-child.js');
const DIST = path.resolve(__dirname, '..', 'dist', 'copy.js');

const USERS = ['ann@example.com', 'ben@example.com', 'cy@example.com'];
const contactsOf = (u: number) => Array.from({ length: 15 }, (_, i) => `c${i}.${u}@example.com`);
const othersOf = (u: number) => Array.from({ length: 10 }, (_, i) => `d${i}.${u}@example.com`);
/** Ten groups of six: contacts and directory users mixed, overlapping. */
const groupsOf = (u: number) => Array.from({ length: 10 }, (_, g) => ({
  name: `Group ${g}${g === 7 ? ': the | odd one' : ''}`,
  members: [...contactsOf(u), ...othersOf(u)].filter((_, i) => (i + g) % 4 === 0).slice(0, 6),
}));

function setup(): { root: string; source: string; target: string; journal: string } {
  const root = scratch('migration-kill-');
  const source = path.join(root, 'source');
  const target = path.join(root, 'target');
  fs.mkdirSync(source);
  fs.mkdirSync(target);
  USERS.forEach((user, u) => {
    fs.writeFileSync(path.join(source, `${user}.seed.json`), JSON.stringify({
      self: { signinName: user, friendlyName: user },
      contacts: contactsOf(u).map((signinName) => ({ signinName })),
      directory: othersOf(u).map((signinName) => ({ signinName })),
      groups: groupsOf(u),
      sortOrder: 1,
    }));
    // The target knows everyone; it already has one of the groups (other case, two members) and one contact.
    const existing = groupsOf(u)[3]!;
    fs.writeFileSync(path.join(target, `${user}.seed.json`), JSON.stringify({
      self: { signinName: user, friendlyName: user },
      contacts: [{ signinName: contactsOf(u)[0]! }],
      directory: [...contactsOf(u).slice(1), ...othersOf(u)].map((signinName) => ({ signinName })),
      groups: [{ name: existing.name.toUpperCase(), members: existing.members.slice(0, 2) }],
    }));
  });
  return { root, source, target, journal: path.join(root, 'journal.jsonl') };
}

type Kill = {
  readonly label: string; readonly afterStep?: number; readonly delayMs?: number; readonly atSpawn?: boolean;
  /** Polled every 2 ms while the child runs: kill as soon as it is true. */
  readonly when?: () => boolean;
};

interface Round { readonly label: string; readonly killed: boolean; readonly lastStep: number; readonly stdout: string; readonly stderr: string; readonly code: number | null }

function runChild(dirs: { source: string; journal: string }, target: string, kill?: Kill, concurrency = 2): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [CHILD, dirs.source, target, dirs.journal, String(concurrency)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let lastStep = 0;
    let killed = false;
    const killNow = () => { if (!killed && child.exitCode === null) { killed = child.kill('SIGKILL'); } };
    if (kill?.atSpawn) killNow();
    const poll = kill?.when ? setInterval(() => { if (kill.when!()) killNow(); }, 2) : undefined;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      for (const m of chunk.matchAll(/^step (\d+)$/gm)) lastStep = Math.max(lastStep, Number(m[1]));
      if (kill?.delayMs !== undefined && /^started$/m.test(stdout) && !(child as { timer?: boolean }).timer) {
        (child as { timer?: boolean }).timer = true;
        setTimeout(killNow, kill.delayMs);
      }
      if (kill?.afterStep !== undefined && lastStep >= kill.afterStep) killNow();
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (poll) clearInterval(poll);
      resolve({ label: kill?.label ?? 'final', killed: signal === 'SIGKILL', lastStep, stdout, stderr, code });
    });
  });
}

interface Stored { contactList: string[]; groups: { name: string; members: string[] }[]; sortOrder: number }
const storedOf = (dirs: ReturnType<typeof setup>, user: string): Stored | undefined => {
  const file = path.join(dirs.target, `${user}.json`);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) as Stored : undefined;
};

/** Some group on the target has some but not all of its source members: the kill landed inside a group. */
function midGroup(dirs: ReturnType<typeof setup>): boolean {
  return USERS.some((user, u) => {
    const stored = storedOf(dirs, user);
    return groupsOf(u).some((g, i) => {
      const t = stored?.groups.find((x) => x.name.toLowerCase() === g.name.toLowerCase());
      // Group 3 starts on the target with two members: that alone is not a kill inside it.
      return t !== undefined && t.members.length > (i === 3 ? 2 : 0) && t.members.length < g.members.length;
    });
  });
}

test('a copy SIGKILLed at any point and resumed leaves every group exactly once with exactly its members, nothing missing', async () => {
  if (!fs.existsSync(DIST)) throw new Error(`${DIST} is missing: build first (npx tsc -b); this test runs the built dist in a child process.`);
  const dirs = setup();
  const random = Array.from({ length: 6 }, () => Math.floor(Math.random() * 400));
  const kills: Kill[] = [
    { label: 'at spawn', atSpawn: true },
    { label: 'at the first step', afterStep: 1 },
    { label: 'inside the first groups (step 40)', afterStep: 40 },
    ...random.map((delayMs) => ({ label: `${delayMs} ms after start`, delayMs })),
    { label: 'inside later groups (step 150 of this run)', afterStep: 150 },
    { label: 'at once after start', delayMs: 0 },
  ];
  const rounds: Round[] = [];
  let partial = 0;
  for (const kill of kills) {
    const round = await runChild(dirs, `memory:${dirs.target}`, kill);
    rounds.push(round);
    if (round.killed && midGroup(dirs)) partial++;
    // Whatever was killed, the journal stays readable (a torn last line at most).
    expect(() => readJournal(dirs.journal)).not.toThrow();
  }
  const final = await runChild(dirs, `memory:${dirs.target}`);
  const summary = rounds.map((r) => `${r.label}: ${r.killed ? `killed after step ${r.lastStep}` : `finished (${r.code})`}`).join('\n');
  expect({ stderr: final.stderr, code: final.code, summary }).toEqual({ stderr: '', code: 0, summary });
  expect(final.stdout).toMatch(/^done \{"planned":0,"created":\d+,"present":\d+,"skipped":0,"failed":0,/m);
  // The kills really landed mid-copy, several of them inside a group.
  expect(rounds.filter((r) => r.killed).length).toBeGreaterThanOrEqual(5);
  expect(partial).toBeGreaterThanOrEqual(1);

  for (const [u, user] of USERS.entries()) {
    const stored = storedOf(dirs, user)!;
    // Every contact exactly once, nothing missing, nothing else.
    expect(stored.contactList).toHaveLength(new Set(stored.contactList).size);
    expect([...stored.contactList].sort()).toEqual([...contactsOf(u)].sort());
    // Every source group exactly once (names compare case-insensitively), exactly its members.
    const names = stored.groups.map((g) => g.name.toLowerCase());
    expect(names).toHaveLength(new Set(names).size);
    expect([...names].sort()).toEqual(groupsOf(u).map((g) => g.name.toLowerCase()).sort());
    for (const g of groupsOf(u)) {
      const t = stored.groups.find((x) => x.name.toLowerCase() === g.name.toLowerCase())!;
      expect({ group: g.name, members: [...t.members].sort() }).toEqual({ group: g.name, members: [...g.members].sort() });
    }
    expect(stored.sortOrder).toBe(1);
  }
  // No step is left in flight or failed.
  const journal = Journal.open(dirs.journal, { readOnly: true });
  for (const user of USERS) {
    const open = [...journal.stepsOf(user)].filter(([, s]) => s.last !== 'done');
    expect(open).toEqual([]);
  }
  // A run after completion finds everything present and writes nothing.
  const before = USERS.map((u) => JSON.stringify({ ...storedOf(dirs, u), signedIn: undefined }));
  const again = await runChild(dirs, `memory:${dirs.target}`);
  expect(again.stdout).toMatch(/^done \{"planned":0,"created":0,/m);
  expect(USERS.map((u) => JSON.stringify({ ...storedOf(dirs, u), signedIn: undefined }))).toEqual(before);
});

/**
 * The same on Microsoft Graph (the fake tenant lives in this process, so it survives the kills):
 * Teams does not deduplicate group chats, so a kill between POST /chats and the adapter's own
 * bookkeeping is where a second chat could appear. It must not.
 */
test('on Graph: killed and resumed, every group is one chat (or one pending group) with exactly its members', async () => {
  if (!fs.existsSync(DIST)) throw new Error(`${DIST} is missing: build first (npx tsc -b); this test runs the built dist in a child process.`);
  const owner = 'owner@contoso.com';
  const people = Array.from({ length: 12 }, (_, i) => `p${i}@contoso.com`);
  const groups: { name: string; members?: string[] }[] = [
    ...Array.from({ length: 8 }, (_, g) => ({ name: `Team ${g}`, members: people.filter((_, i) => (i + g) % 3 === 0).slice(0, 2 + (g % 3)) })),
    { name: 'Solo', members: [people[0]!] },
    { name: 'Nobody yet' },
  ];
  const tenant = new testing.FakeTenant({ seed: { self: { signinName: owner, friendlyName: 'Owner' }, directory: people.map((signinName) => ({ signinName })) }, latencyMs: 3 });
  await tenant.start();
  try {
    const root = scratch('migration-kill-graph-');
    const source = path.join(root, 'source');
    fs.mkdirSync(source);
    fs.writeFileSync(path.join(source, `${owner}.seed.json`), JSON.stringify({
      self: { signinName: owner, friendlyName: 'Owner' }, contacts: people.slice(0, 5).map((signinName) => ({ signinName })),
      directory: people.slice(5).map((signinName) => ({ signinName })), groups, sortOrder: 1,
    }));
    fs.writeFileSync(path.join(root, 'tokens.json'), JSON.stringify({ [owner]: tenant.tokenFor(owner) }));
    fs.writeFileSync(path.join(root, 'tenant.json'), JSON.stringify({
      tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, auth: { type: 'tokens', tokensFile: 'tokens.json' }, retry: { maxRetries: 1, delaySeconds: 0 },
    }));
    const dirs = { source, journal: path.join(root, 'journal.jsonl') };
    const target = `graph:${path.join(root, 'tenant.json')}`;
    // The copy is a few dozen requests: kills are placed by the requests the tenant has received in
    // the round (sign-in takes the first 3), not by time, so they land mid-copy however fast it runs.
    const received = () => tenant.requests.length;
    const rounds: Round[] = [await runChild(dirs, target, { label: 'at the first step', afterStep: 1 })];
    for (const nth of [4, 5, 6, 4, 7, 5, 4, 6]) {
      const base = received();
      rounds.push(await runChild(dirs, target, { label: `at request ${nth} of the round`, when: () => received() >= base + nth }));
    }
    const final = await runChild(dirs, target);
    const summary = rounds.map((r) => `${r.label}: ${r.killed ? `killed after step ${r.lastStep}` : `finished (${r.code})`}`).join('\n');
    expect({ stderr: final.stderr, code: final.code, summary }).toEqual({ stderr: '', code: 0, summary });
    expect(rounds.filter((r) => r.killed).length).toBeGreaterThanOrEqual(4);

    // Teams: no topic twice; each chat has the owner and exactly the group's members.
    const chats = tenant.chats().filter((c) => c.chatType === 'group');
    const topics = chats.map((c) => c.topic);
    expect(topics).toHaveLength(new Set(topics).size);
    for (const chat of chats) {
      const group = groups.find((g) => g.name === chat.topic)!;
      expect({ topic: chat.topic, members: [...chat.memberUpns].sort() }).toEqual({ topic: chat.topic, members: [owner, ...(group.members ?? [])].sort() });
    }
    // Through IMessenger: every group once, exactly its members; every contact once.
    const session = await graphProvider({ tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, tokenFor: (u) => tenant.tokenFor(u) }).open(owner);
    try {
      const seen: [string, string[]][] = [];
      for (const g of (await session.messenger.get_MyGroups()).toArray()) {
        const members: string[] = [];
        for await (const c of await g.get_Contacts()) members.push((await c.get_SigninName()).toLowerCase());
        seen.push([await g.get_Name(), members.sort()]);
      }
      expect(seen.sort()).toEqual(groups.map((g): [string, string[]] => [g.name, [...(g.members ?? [])].sort()]).sort());
      const contacts: string[] = [];
      for await (const c of await session.messenger.get_MyContacts()) contacts.push((await c.get_SigninName()).toLowerCase());
      expect(contacts.sort()).toEqual(people.slice(0, 5));
      expect(await session.messenger.get_ContactsSortOrder()).toBe(1);
    } finally {
      await session.close();
    }
  } finally {
    await tenant.stop();
  }
});

/**
 * On Graph a new group is one POST /chats carrying every member, several at once: the dangerous
 * moment is a kill after Teams received a POST and before the journal's done record. The child is
 * SIGKILLed as soon as the tenant has received a given number of POST /chats (each answered 40 ms
 * later, so some are in flight), with four creations side by side. The next run must find those
 * chats, never post them again.
 */
test('on Graph, killed while its POST /chats are in flight (4 side by side), resumed: every group one chat with exactly its members', async () => {
  if (!fs.existsSync(DIST)) throw new Error(`${DIST} is missing: build first (npx tsc -b); this test runs the built dist in a child process.`);
  const owner = 'owner@contoso.com';
  const people = Array.from({ length: 20 }, (_, i) => `p${i}@contoso.com`);
  const groups = Array.from({ length: 40 }, (_, g) => ({ name: `Team ${g}`, members: people.filter((_, i) => (i + g) % 5 === 0).slice(0, 2 + (g % 3)) }));
  const tenant = new testing.FakeTenant({ seed: { self: { signinName: owner, friendlyName: 'Owner' }, directory: people.map((signinName) => ({ signinName })) }, latencyMs: 40 });
  await tenant.start();
  try {
    const root = scratch('migration-kill-inflight-');
    const source = path.join(root, 'source');
    fs.mkdirSync(source);
    fs.writeFileSync(path.join(source, `${owner}.seed.json`), JSON.stringify({ self: { signinName: owner, friendlyName: 'Owner' }, directory: people.map((signinName) => ({ signinName })), groups }));
    fs.writeFileSync(path.join(root, 'tokens.json'), JSON.stringify({ [owner]: tenant.tokenFor(owner) }));
    fs.writeFileSync(path.join(root, 'tenant.json'), JSON.stringify({
      tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, auth: { type: 'tokens', tokensFile: 'tokens.json' }, retry: { maxRetries: 1, delaySeconds: 0 },
    }));
    const dirs = { source, journal: path.join(root, 'journal.jsonl') };
    const target = `graph:${path.join(root, 'tenant.json')}`;
    const posts = () => tenant.requests.filter((r) => r.method === 'POST' && r.path === '/chats').length;
    /** Groups the journal says were created (done), against the chats Teams holds. */
    const createdInJournal = () => [...Journal.open(dirs.journal, { readOnly: true }).stepsOf(owner)].filter(([k, s]) => k.startsWith('group|') && s.done === 'created').length;
    const groupChats = () => tenant.chats().filter((c) => c.chatType === 'group').length;

    let inFlightAtKill = 0;
    const rounds: Round[] = [];
    for (const after of [1, 5, 12, 22, 31]) {
      const round = await runChild(dirs, target, { label: `after POST /chats number ${after}`, when: () => posts() >= after }, 4);
      rounds.push(round);
      await new Promise((resolve) => setTimeout(resolve, 120)); // Teams finishes what it received
      // Chats Teams made whose done record the kill prevented: the resume has to find them.
      inFlightAtKill += Math.max(0, groupChats() - createdInJournal());
    }
    const final = await runChild(dirs, target, undefined, 4);
    const summary = rounds.map((r) => `${r.label}: ${r.killed ? `killed after step ${r.lastStep}` : `finished (${r.code})`}`).join('\n');
    expect({ stderr: final.stderr, code: final.code, summary }).toEqual({ stderr: '', code: 0, summary });
    expect(rounds.filter((r) => r.killed).length).toBe(5);
    expect(inFlightAtKill).toBeGreaterThanOrEqual(2);

    const chats = tenant.chats().filter((c) => c.chatType === 'group');
    expect(chats.map((c) => c.topic).sort()).toEqual(groups.map((g) => g.name).sort()); // each exactly once
    for (const chat of chats) {
      const group = groups.find((g) => g.name === chat.topic)!;
      expect({ topic: chat.topic, members: [...chat.memberUpns].sort() }).toEqual({ topic: chat.topic, members: [owner, ...group.members].sort() });
    }
    // Never posted twice for one group: one POST /chats per group over all the runs.
    expect(posts()).toBe(groups.length);
    const journal = Journal.open(dirs.journal, { readOnly: true });
    expect([...journal.stepsOf(owner)].filter(([, s]) => s.last !== 'done')).toEqual([]);
  } finally {
    await tenant.stop();
  }
});
