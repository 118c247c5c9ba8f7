/**
 * Copying onto Microsoft Graph (the fake tenant): groups become Teams group chats exactly once,
 * Retry-After is honoured by the adapter, throttling that outlasts the adapter's own retries is
 * backed off and counted by the copy, and a rerun finds everything present.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as testing from '@imessenger/adapter-graph/testing';
import { copyUsers } from '../src/copy';
import { graphProvider } from '../src/providers-graph';
import { memoryProvider } from '../src/providers-memory';
import type { BackendProvider } from '../src/providers';

/** Scratch directories, removed after the file's tests. */
const scratchDirs: string[] = [];
const scratch = (prefix: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => { for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true }); });

const OWNER = 'owner@contoso.com';
const people = ['amy', 'ben', 'cat', 'dan', 'eve', 'fay'].map((n) => `${n}@contoso.com`);

const source = {
  self: { signinName: OWNER, friendlyName: 'Owner' },
  contacts: people.slice(0, 2).map((signinName) => ({ signinName })),
  directory: [...people.slice(2), 'ghost@contoso.com'].map((signinName) => ({ signinName })),
  groups: [
    { name: 'Team: A', members: people.slice(0, 4) },
    { name: 'Pair', members: people.slice(4, 6) },
    { name: 'Solo', members: [people[0]!] },
    { name: 'Empty' },
    { name: 'Haunted', members: [people[1]!, people[2]!, 'ghost@contoso.com'] },
  ],
  sortOrder: 1,
};

let tenant: testing.FakeTenant;
let dir: string;

beforeEach(async () => {
  tenant = new testing.FakeTenant({ seed: { self: { signinName: OWNER, friendlyName: 'Owner' }, directory: people.map((signinName) => ({ signinName })) } });
  await tenant.start();
  dir = scratch('migration-graph-');
});
afterEach(() => tenant.stop());

const from = () => memoryProvider({ dir, seeds: { [OWNER]: source }, readOnly: true });
const graph = () => graphProvider({ tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, tokenFor: (u) => tenant.tokenFor(u), retry: { maxRetries: 1, delaySeconds: 0 }, timeoutMs: 5_000 });
/** The target, with faults injected once its session is signed in. */
const withFaults = (inner: BackendProvider, inject: () => void): BackendProvider => ({
  name: inner.name,
  async open(user) { const session = await inner.open(user); inject(); return session; },
});
const topics = () => tenant.chats().filter((c) => c.chatType === 'group').map((c) => [c.topic, c.memberUpns.length]).sort();

test('groups with two or more members become one chat each; the rest stay pending; a rerun finds everything present', async () => {
  const first = await copyUsers({ from: from(), to: graph(), users: [OWNER] });
  const failed = first.users[0]!.items.filter((i) => i.outcome === 'failed');
  expect(failed).toEqual([
    { kind: 'member', name: 'ghost@contoso.com', group: 'Haunted', outcome: 'failed', hr: 'MSGR_E_USER_NOT_FOUND', reason: expect.stringContaining('ghost@contoso.com') },
  ]);
  // Topics carry ':' as U+FF1A (Teams refuses ':'); the owner is a member of each chat.
  expect(topics()).toEqual([['Haunted', 3], ['Pair', 3], ['Team\uFF1A A', 5]]);

  tenant.resetRequests();
  const second = await copyUsers({ from: from(), to: graph(), users: [OWNER] });
  expect(second.totals).toMatchObject({ created: 0, failed: 1 });
  expect(second.users[0]!.items.filter((i) => i.kind === 'group').map((i) => i.outcome)).toEqual(Array(5).fill('present'));
  expect(topics()).toEqual([['Haunted', 3], ['Pair', 3], ['Team\uFF1A A', 5]]);
  // Nothing written on the rerun: only reads (sign-in, lists, the unknown member's lookup).
  expect(tenant.requests.filter((r) => r.method !== 'GET' && !(r.method === 'POST' && r.path === '/$batch') && !r.path.endsWith('getPresencesByUserId'))).toEqual([]);
});

test('a 429 with Retry-After is waited out by the adapter: the step succeeds, no throttle reaches the copy', async () => {
  const to = withFaults(graph(), () => tenant.failNext({ status: 429, retryAfter: 1, times: 1, match: { path: /\/extensions/ } }));
  const started = Date.now();
  const report = await copyUsers({ from: from(), to, users: [OWNER] });
  expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  expect(report.totals).toMatchObject({ throttles: 0, failed: 1 });
});

test('throttling that outlasts the adapter\'s retries is backed off by the copy and counted; every group still exists once', async () => {
  const to = withFaults(graph(), () => tenant.failNext({ status: 429, retryAfter: 0, times: 5, match: { path: /\/extensions|^\/chats/ } }));
  const report = await copyUsers({ from: from(), to, users: [OWNER], backoff: { initialMs: 5, maxMs: 20 } });
  expect(report.totals.throttles).toBeGreaterThanOrEqual(2);
  expect(report.totals.failed).toBe(1); // the unknown member only
  expect(topics()).toEqual([['Haunted', 3], ['Pair', 3], ['Team\uFF1A A', 5]]);
  const again = await copyUsers({ from: from(), to: graph(), users: [OWNER] });
  expect(again.totals).toMatchObject({ created: 0, throttles: 0 });
});
