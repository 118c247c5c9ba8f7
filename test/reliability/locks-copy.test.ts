/**
 * One copy per journal (issue 10, item 1): `imessenger migrate copy` runs in processes of their own
 * (locks-fixtures/copy.js on the built dist) against the Graph fake tenant, where Teams group chats
 * are not deduplicated. Two copies started together on one journal used to both plan from an empty
 * target and make every group twice, both exiting 0. Now the second is refused (exit 2) naming the
 * first (pid, host, since), and every group is exactly one chat. A copy SIGKILLed while it holds
 * the journal leaves its lock behind; the next copy recovers it at once and finishes the work.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as testing from '@imessenger/adapter-graph/testing';

jest.setTimeout(20_000);

const ROOT = path.resolve(__dirname, '..', '..');
const COPY = path.join(__dirname, 'locks-fixtures', 'copy.js');

const dirs: string[] = [];
afterAll(() => { for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true }); });
beforeAll(() => {
  if (!fs.existsSync(path.join(ROOT, 'packages/migration/dist/copy-command.js'))) throw new Error('packages/migration/dist is missing: build first (npx tsc -b); the copies run the built dist.');
});

const OWNER = 'owner@contoso.com';
const PEOPLE = Array.from({ length: 12 }, (_, i) => `p${i}@contoso.com`);
const GROUPS = Array.from({ length: 10 }, (_, g) => ({ name: `Team ${g}`, members: PEOPLE.filter((_, i) => (i + g) % 4 === 0).slice(0, 3) }));

/** A source with one user owning ten groups, a fake tenant that knows everyone (answering after `latencyMs`), and the copy's arguments. */
async function setup(latencyMs: number | (() => number)) {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-copy-lock-')));
  dirs.push(root);
  const tenant = new testing.FakeTenant({ seed: { self: { signinName: OWNER, friendlyName: 'Owner' }, directory: PEOPLE.map((signinName) => ({ signinName })) }, latencyMs: typeof latencyMs === 'number' ? latencyMs : () => latencyMs() });
  await tenant.start();
  fs.mkdirSync(path.join(root, 'source'));
  fs.writeFileSync(path.join(root, 'source', `${OWNER}.seed.json`), JSON.stringify({ self: { signinName: OWNER }, directory: PEOPLE.map((signinName) => ({ signinName })), groups: GROUPS }));
  fs.writeFileSync(path.join(root, 'tokens.json'), JSON.stringify({ [OWNER]: tenant.tokenFor(OWNER) }));
  fs.writeFileSync(path.join(root, 'tenant.json'), JSON.stringify({
    tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, auth: { type: 'tokens', tokensFile: 'tokens.json' }, retry: { maxRetries: 1, delaySeconds: 0 },
  }));
  const journal = path.join(root, 'copy.journal.jsonl');
  const args = ['--from', 'memory:source', '--to', 'graph:tenant.json', '--users', OWNER, '--journal', journal, '--progress', 'none', '--report', 'report'];
  const groupChats = () => tenant.chats().filter((c) => c.chatType === 'group');
  return { root, tenant, journal, args, groupChats };
}

interface Copy { readonly child: ChildProcess; readonly done: Promise<{ code: number | null; stdout: string; stderr: string }> }
function copy(root: string, args: readonly string[]): Copy {
  const child = spawn(process.execPath, [COPY, root, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  return { child, done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))) };
}

/** Every group is exactly one chat, with exactly its members and the owner. */
function expectOneChatPerGroup(chats: ReadonlyArray<testing.FakeChat>): void {
  expect(chats.map((c) => c.topic).sort()).toEqual(GROUPS.map((g) => g.name).sort());
  for (const chat of chats) {
    const group = GROUPS.find((g) => g.name === chat.topic)!;
    expect({ topic: chat.topic, members: [...chat.memberUpns].sort() }).toEqual({ topic: chat.topic, members: [OWNER, ...group.members].sort() });
  }
}

test('two copies started together on one journal: one copies, the other is refused naming it; every group is one chat', async () => {
  // Signing in is slow (the first requests answer after 300 ms), so both copies have started before either lists the chats.
  let requests = 0;
  const { root, tenant, journal, args, groupChats } = await setup(() => (requests++ < 12 ? 300 : 50));
  try {
    const copies = [copy(root, args), copy(root, args)];
    const results = await Promise.all(copies.map((c) => c.done));
    const winner = results.findIndex((r) => r.code === 0);
    const loser = 1 - winner;
    // Exactly one ran, the other exited 2; Teams has one chat per group.
    expect({ exitCodes: results.map((r) => r.code).sort(), groupChats: groupChats().length }).toEqual({ exitCodes: [0, 2], groupChats: GROUPS.length });
    // The refusal names the copy that ran: its pid, this host, since when.
    expect(results[loser]!.stderr.trim()).toMatch(new RegExp(
      `^imessenger: --journal ${escapeRegExp(journal)}: The copy journal ${escapeRegExp(journal)} is in use by process ${copies[winner]!.child.pid} on ${escapeRegExp(os.hostname())} since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z: another copy runs on this journal`));
    expect(results[winner]!.stdout).toMatch(/^Done in .*: 40 created, .* 0 failed;/m); // 10 groups with their 30 members
    expectOneChatPerGroup(groupChats());
    expect(fs.existsSync(`${journal}.lock`)).toBe(false); // released on exit
  } finally {
    await tenant.stop();
  }
});

test('a copy SIGKILLed while holding the journal: refused while it ran, its lock recovered at once by the next copy, which finishes', async () => {
  // The tenant answers slowly until the second copy has been refused, so the first is still running then.
  let latency = 400;
  const { root, tenant, journal, args, groupChats } = await setup(() => latency);
  try {
    const first = copy(root, args);
    // Once the first copy talks to the tenant it holds the journal: a second copy is refused, naming it.
    await until(() => tenant.requests.length >= 1);
    const refused = await copy(root, args).done;
    latency = 60;
    expect({ code: refused.code, stderr: refused.stderr }).toMatchObject({ code: 2, stderr: expect.stringContaining(`in use by process ${first.child.pid} on ${os.hostname()}`) });
    // Killed mid-copy (some chats made, not all): its lock stays behind.
    await until(() => groupChats().length >= 1);
    first.child.kill('SIGKILL');
    await first.done;
    expect(groupChats().length).toBeLessThan(GROUPS.length);
    expect(JSON.parse(fs.readFileSync(path.join(`${journal}.lock`, 'holder.json'), 'utf8'))).toMatchObject({ pid: first.child.pid, hostname: os.hostname() });
    // The next copy does not wait for staleness: it takes the dead copy's lock and finishes the work.
    await new Promise((resolve) => setTimeout(resolve, 250)); // Teams finishes what it received
    const started = Date.now();
    const next = await copy(root, args).done;
    expect({ code: next.code, stderr: next.stderr }).toEqual({ code: 0, stderr: '' });
    expect(Date.now() - started).toBeLessThan(8_000);
    expectOneChatPerGroup(groupChats());
    expect(fs.existsSync(`${journal}.lock`)).toBe(false);
  } finally {
    await tenant.stop();
  }
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
