/**
 * The Graph adapter under faults, end to end against the fake tenant on loopback: throttling and
 * Retry-After, transient statuses, transport failures, the silent token refresh, every row of the
 * errors.ts table reached through a real member, no duplicated side effects when an answer is lost
 * after the operation happened, throttled $batch items, and no secret in any error.
 *
 * Wired like test/graph.contract.test.ts: a GraphAuth handing out the tenant's tokens, presence
 * polling off, retry delay 0 (faults carry `Retry-After: 0` where a test needs no waiting, since the
 * Graph client's RetryHandler adds jitter and back-off when there is no Retry-After).
 */
import { type HResultName, MISTATUS, MUAFOLDER, MUASORT, type RemoteChange, isMessengerError, type MessengerError } from '@imessenger/contract';
import { type GraphAuth, GraphAuthError, type GraphBackend, graphBackend } from '../src';
import type { BatchResponse } from '../src/http';
import { meetingExternalId } from '../src/ports/conversations';
import { FakeTenant, type FaultSpec, PROFILE_EXTENSION } from '../src/testing';

jest.setTimeout(15_000);

const ANN = 'ann@contoso.com';
const BOB = 'bob@contoso.com';
const CAROL = 'carol@contoso.com';
const DAVE = 'dave@contoso.com';
const ERIN = 'erin@contoso.com';
const FRANK = 'frank@contoso.com';
const NOBODY = 'nobody@contoso.com';
/** What the retry middleware is configured with in these tests. */
const MAX_RETRIES = 2;
/** A credential the auth double holds: it must never reach an error. */
const CLIENT_SECRET = 'client-secret-Zq8~DO-NOT-LEAK-4f2a9c';

function seed(): unknown {
  return {
    self: { signinName: ANN, friendlyName: 'Ann Lee', status: MISTATUS.MISTATUS_ONLINE },
    contacts: [
      { signinName: BOB, friendlyName: 'Bob Kelly', status: MISTATUS.MISTATUS_ONLINE },
      { signinName: CAROL, friendlyName: 'Carol Diaz', status: MISTATUS.MISTATUS_AWAY },
      { signinName: DAVE, friendlyName: 'Dave Park', status: MISTATUS.MISTATUS_OFFLINE },
    ],
    directory: [
      { signinName: ERIN, friendlyName: 'Erin Moss', status: MISTATUS.MISTATUS_ONLINE },
      { signinName: FRANK, friendlyName: 'Frank Hall', status: MISTATUS.MISTATUS_BUSY },
    ],
    groups: [
      { name: 'Coworkers', members: [BOB, CAROL] },
      { name: 'Friends', members: [] },
    ],
    sortOrder: 0,
    unreadEmail: 2,
  };
}

/** Every token handed out in this file, plus the auth double's secret: none may appear in an error. */
const SECRETS = new Set<string>([CLIENT_SECRET]);

/** A delegated GraphAuth on the fake tenant's tokens, with a switchable refresh. */
class TestAuth implements GraphAuth {
  readonly mode = 'delegated' as const;
  token = '';
  /** getToken({ forceRefresh: true }) calls. */
  refreshes = 0;
  /** Thrown by a refresh, when set. */
  refuse: Error | undefined;
  /** A refresh that hands back the same (expired) token, like a broken cache. */
  stale = false;

  constructor(private readonly tenant: FakeTenant, private readonly upn: string) {}

  async signin(): Promise<{ readonly username: string }> {
    this.token = this.mint();
    return { username: this.upn };
  }

  async signout(): Promise<void> { this.token = ''; }

  async getToken(options?: { readonly forceRefresh?: boolean }): Promise<string> {
    if (options?.forceRefresh) {
      this.refreshes++;
      if (this.refuse) throw this.refuse;
      if (!this.stale) this.token = this.mint();
    }
    if (!this.token) this.token = this.mint();
    return this.token;
  }

  private mint(): string {
    const token = this.tenant.tokenFor(this.upn);
    SECRETS.add(token);
    return token;
  }
}

interface Rig {
  readonly backend: GraphBackend;
  readonly ports: GraphBackend['ports'];
  readonly auth: TestAuth;
  /** Errors of presence polls. */
  readonly pollErrors: unknown[];
}

let tenant: FakeTenant;

beforeEach(async () => {
  tenant = new FakeTenant({ seed: seed() });
  await tenant.start();
});
afterEach(() => tenant.stop());

/** A backend on the fake tenant, not signed in. */
function makeRig(options: { timeoutMs?: number; maxRetries?: number } = {}): Rig {
  const auth = new TestAuth(tenant, ANN);
  const pollErrors: unknown[] = [];
  const backend = graphBackend({
    auth, tenantId: tenant.tenantId, baseUrl: tenant.baseUrl,
    presence: { intervalMs: 0, onError: (e) => { pollErrors.push(e); } },
    retry: { delaySeconds: 0, maxRetries: options.maxRetries ?? MAX_RETRIES },
    timeoutMs: options.timeoutMs ?? 5000,
  });
  return { backend, ports: backend.ports, auth, pollErrors };
}

/** A backend signed in as Ann; the request log starts empty after the sign-in. */
async function connect(options: { timeoutMs?: number; maxRetries?: number } = {}): Promise<Rig> {
  const rig = makeRig(options);
  await rig.ports.session.signin({ signinName: ANN, password: '' });
  tenant.resetRequests();
  return rig;
}

const serviceId = (): string => `{${tenant.tenantId}}`;

/** Requests the tenant received with this method and (decoded) path. */
function sent(method: string, path: string | RegExp): number {
  return tenant.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))).length;
}

/** Items of every $batch the tenant received that match method and path. */
function batchedItems(method: string, path: RegExp): number {
  let n = 0;
  for (const r of tenant.requests) {
    if (r.method !== 'POST' || r.path !== '/$batch') continue;
    const items = (r.body as { requests?: { method: string; url: string }[] } | undefined)?.requests ?? [];
    n += items.filter((i) => i.method === method && path.test(i.url.split('?')[0]!)).length;
  }
  return n;
}

const batches = () => tenant.requests.filter((r) => r.method === 'POST' && r.path === '/$batch');

/** No token, secret, bearer or Authorization header value anywhere in an error. */
function expectNoSecrets(e: MessengerError): void {
  const text = [e.message, e.description, JSON.stringify(e), String(e.stack), String((e as { cause?: unknown }).cause ?? '')].join('\n');
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/fake-graph-token|Bearer|Authorization/i);
}

/** The MessengerError a call fails with (checked for secrets). */
async function failure(call: Promise<unknown>): Promise<MessengerError> {
  let outcome: unknown;
  try {
    await call;
  } catch (e) {
    outcome = e;
  }
  if (outcome === undefined) throw new Error('expected the call to fail, it succeeded');
  if (!isMessengerError(outcome)) throw outcome;
  expectNoSecrets(outcome);
  return outcome;
}

async function expectHr(call: Promise<unknown>, hr: HResultName): Promise<MessengerError> {
  const e = await failure(call);
  expect(e.code).toBe(hr);
  return e;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

const groupChats = (topic: string) => tenant.chats().filter((c) => c.chatType === 'group' && c.topic === topic);

/** The profile extension as stored in the tenant (read with a token of Ann's, outside the adapter). */
async function storedProfile(): Promise<{ pendingGroups: string[]; intents: string[]; aliases: string[] }> {
  const res = await fetch(`${tenant.baseUrl}/me/extensions/${PROFILE_EXTENSION}`, { headers: { Authorization: `Bearer ${tenant.tokenFor(ANN)}` } });
  const body = (await res.json()) as { pendingGroups?: string[]; intents?: string[]; aliases?: string[] };
  return { pendingGroups: body.pendingGroups ?? [], intents: body.intents ?? [], aliases: body.aliases ?? [] };
}

/** Ann's Outlook contacts with this address, as stored in the tenant. */
async function storedContacts(address: string): Promise<number> {
  const res = await fetch(`${tenant.baseUrl}/me/contacts?$top=1000`, { headers: { Authorization: `Bearer ${tenant.tokenFor(ANN)}` } });
  const body = (await res.json()) as { value: { emailAddresses?: { address?: string }[] }[] };
  return body.value.filter((c) => c.emailAddresses?.some((a) => a.address?.toLowerCase() === address)).length;
}

const CHATS = /^\/me\/chats$/;
const onChats = (spec: Omit<FaultSpec, 'match'>): FaultSpec => ({ ...spec, match: { method: 'GET', path: CHATS } });

async function coworkers(rig: Rig) {
  const group = (await rig.ports.groups.list()).find((g) => g.name === 'Coworkers');
  if (!group) throw new Error('no Coworkers group');
  return group;
}

// ---------------------------------------------------------------------------------------------

describe('1. throttling: 429 and Retry-After', () => {
  test('429 with Retry-After: 1 on MyGroups: waits at least the Retry-After, retries once, succeeds', async () => {
    const rig = await connect();
    tenant.failNext(onChats({ status: 429, retryAfter: 1 }));
    const started = performance.now();
    const groups = await rig.ports.groups.list();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(4000);
    expect(groups.map((g) => g.name)).toEqual(['Coworkers', 'Friends']);
    expect(sent('GET', CHATS)).toBe(2);
    expect(tenant.requests).toHaveLength(2);
  });

  test('429 more often than maxRetries: MSGR_E_SERVER_TOO_BUSY after exactly 1 + maxRetries requests, then the next call succeeds', async () => {
    const rig = await connect();
    tenant.failNext(onChats({ status: 429, retryAfter: 0, times: MAX_RETRIES + 1 }));
    const e = await expectHr(rig.ports.groups.list(), 'MSGR_E_SERVER_TOO_BUSY');
    expect(e.description).toContain('HTTP 429');
    expect(sent('GET', CHATS)).toBe(1 + MAX_RETRIES);
    expect(tenant.requests).toHaveLength(1 + MAX_RETRIES);
    // Bounded: nothing more went out after the failure, and the fault is used up.
    await sleep(50);
    expect(tenant.requests).toHaveLength(1 + MAX_RETRIES);
    await expect(rig.ports.groups.list()).resolves.toHaveLength(2);
    expect(sent('GET', CHATS)).toBe(2 + MAX_RETRIES);
  });

  test('maxRetries is the configured bound (4 retries -> 5 requests)', async () => {
    const rig = await connect({ maxRetries: 4 });
    tenant.failNext(onChats({ status: 429, retryAfter: 0, times: 5 }));
    await expectHr(rig.ports.groups.list(), 'MSGR_E_SERVER_TOO_BUSY');
    expect(sent('GET', CHATS)).toBe(5);
  });
});

describe('2. transient statuses 503 and 504', () => {
  test('503 (no Retry-After) then success: one retry, the call succeeds', async () => {
    const rig = await connect();
    tenant.failNext(onChats({ status: 503 }));
    await expect(rig.ports.groups.list()).resolves.toHaveLength(2);
    expect(sent('GET', CHATS)).toBe(2);
  });

  test('504 on every attempt: MSGR_E_SERVER_TOO_BUSY after exactly 1 + maxRetries requests', async () => {
    const rig = await connect();
    tenant.failNext(onChats({ status: 504, retryAfter: 0, times: MAX_RETRIES + 1 }));
    const e = await expectHr(rig.ports.groups.list(), 'MSGR_E_SERVER_TOO_BUSY');
    expect(e.description).toContain('HTTP 504');
    expect(sent('GET', CHATS)).toBe(1 + MAX_RETRIES);
  });

  test('503 on MyStatus put (an idempotent POST) is retried', async () => {
    const rig = await connect();
    tenant.failNext({ status: 503, retryAfter: 0, match: { method: 'POST', path: /setUserPreferredPresence$/ } });
    await rig.ports.presence.setMyStatus(MISTATUS.MISTATUS_BUSY);
    expect(sent('POST', /setUserPreferredPresence$/)).toBe(2);
  });
});

describe('3. transport failures', () => {
  test('connection reset -> MSGR_E_CONNECT, not retried', async () => {
    const rig = await connect();
    tenant.failNext(onChats({ kind: 'reset' }));
    const e = await expectHr(rig.ports.groups.list(), 'MSGR_E_CONNECT');
    expect(e.description).toContain('GET /me/chats');
    expect(sent('GET', CHATS)).toBe(1);
  });

  test('no answer -> MSGR_E_SESSION_TIMEOUT within about timeoutMs', async () => {
    const rig = await connect({ timeoutMs: 300 });
    tenant.failNext(onChats({ kind: 'timeout' }));
    const started = performance.now();
    await expectHr(rig.ports.groups.list(), 'MSGR_E_SESSION_TIMEOUT');
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1500);
    expect(sent('GET', CHATS)).toBe(1);
    // The session is fine afterwards.
    await expect(rig.ports.groups.list()).resolves.toHaveLength(2);
  });

  test('a 200 whose body is not JSON -> MSGR_E_SERVER_PROTOCOL', async () => {
    const rig = await connect();
    tenant.failNext(onChats({ kind: 'malformed' }));
    await expectHr(rig.ports.groups.list(), 'MSGR_E_SERVER_PROTOCOL');
    expect(sent('GET', CHATS)).toBe(1);
  });

  test('a malformed $batch answer at sign-in -> MSGR_E_SERVER_PROTOCOL, not signed in', async () => {
    const rig = makeRig();
    tenant.failNext({ kind: 'malformed', match: { method: 'POST', path: /^\/\$batch$/ } });
    await expectHr(rig.ports.session.signin({ signinName: ANN, password: '' }), 'MSGR_E_SERVER_PROTOCOL');
    expect(await rig.ports.session.isSignedIn()).toBe(false);
  });
});

describe('4. expired token: one silent refresh', () => {
  test('an expired token is refreshed once (forceRefresh) and the call succeeds with exactly one extra request', async () => {
    const rig = await connect();
    const old = rig.auth.token;
    tenant.expireToken(old);
    await expect(rig.ports.groups.list()).resolves.toHaveLength(2);
    expect(rig.auth.refreshes).toBe(1);
    expect(rig.auth.token).not.toBe(old);
    expect(sent('GET', CHATS)).toBe(2);
    expect(tenant.requests).toHaveLength(2);
    // The new token is kept: no further refresh.
    await rig.ports.groups.list();
    expect(rig.auth.refreshes).toBe(1);
    expect(tenant.requests).toHaveLength(3);
  });

  test('the refresh fails (GraphAuthError) -> MSGR_E_NOT_LOGGED_ON after one request', async () => {
    const rig = await connect();
    tenant.expireToken(rig.auth.token);
    rig.auth.refuse = new GraphAuthError('The refresh token has been revoked.', 'invalid-grant');
    await expectHr(rig.ports.groups.list(), 'MSGR_E_NOT_LOGGED_ON');
    expect(rig.auth.refreshes).toBe(1);
    expect(tenant.requests).toHaveLength(1);
  });

  test('the refreshed token is refused too -> MSGR_E_NOT_LOGGED_ON after exactly two requests (one refresh only)', async () => {
    const rig = await connect();
    tenant.expireToken(rig.auth.token);
    rig.auth.stale = true;
    await expectHr(rig.ports.groups.list(), 'MSGR_E_NOT_LOGGED_ON');
    expect(rig.auth.refreshes).toBe(1);
    expect(tenant.requests).toHaveLength(2);
  });

  test('an expired token during a presence poll: refreshed silently, the poll completes', async () => {
    const rig = await connect();
    const changes: RemoteChange[] = [];
    rig.ports.events.watch((c) => changes.push(c));
    tenant.expireToken(rig.auth.token);
    await tenant.otherSide(ANN).contactStatus(BOB, MISTATUS.MISTATUS_BUSY);
    await rig.backend.watcher.pollNow();
    expect(rig.pollErrors).toEqual([]);
    expect(rig.auth.refreshes).toBe(1);
    expect(batches()).toHaveLength(2);
    expect(changes).toContainEqual({ type: 'contactStatus', signinName: BOB, status: MISTATUS.MISTATUS_BUSY });
    expect(await rig.ports.session.isSignedIn()).toBe(true);
  });
});

describe('5. every row of the error table, end to end through a real member', () => {
  test('401 (refresh refused) on Contacts.Remove -> MSGR_E_NOT_LOGGED_ON', async () => {
    const rig = await connect();
    tenant.expireToken(rig.auth.token);
    rig.auth.refuse = new GraphAuthError('No account in the cache.', 'no-account');
    await expectHr(rig.ports.directory.removeContact(DAVE), 'MSGR_E_NOT_LOGGED_ON');
    expect(await storedContacts(DAVE)).toBe(1);
  });

  test('403 on createOrGet (StartVideo) -> MSGR_E_POLICY_RESTRICTED, no meeting, no invitation', async () => {
    const rig = await connect();
    tenant.failNext({ status: 403, code: 'Forbidden', match: { method: 'POST', path: /\/onlineMeetings\/createOrGet$/ } });
    await expectHr(rig.ports.conversations.open('video', BOB), 'MSGR_E_POLICY_RESTRICTED');
    expect(tenant.meetings()).toHaveLength(0);
    expect(batchedItems('POST', /\/onlineMeetings\/createOrGet$/)).toBe(1);
    expect(sent('POST', /\/messages$/)).toBe(0);
  });

  test('404 on a user (AddContact of a nobody) -> MSGR_E_USER_NOT_FOUND, nothing created', async () => {
    const rig = await connect();
    await expectHr(rig.ports.directory.addContact(NOBODY), 'MSGR_E_USER_NOT_FOUND');
    expect(sent('GET', `/users/${NOBODY}`)).toBe(1);
    expect(tenant.requests).toHaveLength(1);
  });

  test('404 on a chat (Group.Name put, Group.RemoveContact of a chat that is gone) -> MSGR_E_GROUP_DOES_NOT_EXIST', async () => {
    const rig = await connect();
    const gone = '19:00000000000000000000000000000000@thread.v2';
    await expectHr(rig.ports.groups.rename(gone, 'Pals'), 'MSGR_E_GROUP_DOES_NOT_EXIST');
    await expectHr(rig.ports.groups.removeMember(gone, BOB), 'MSGR_E_GROUP_DOES_NOT_EXIST');
    expect(sent('PATCH', `/chats/${gone}`)).toBe(1);
    expect(sent('GET', `/chats/${gone}/members`)).toBe(1);
  });

  test('404 on a membership (Group.RemoveContact) -> MSGR_E_USER_NOT_GROUP_MEMBER', async () => {
    const rig = await connect();
    const group = await coworkers(rig);
    tenant.failNext({ status: 404, match: { method: 'DELETE', path: /\/members\// } });
    await expectHr(rig.ports.groups.removeMember(group.id, BOB), 'MSGR_E_USER_NOT_GROUP_MEMBER');
  });

  test('404 on an Outlook contact (Contacts.Remove) -> MSGR_E_USER_NOT_FOUND', async () => {
    const rig = await connect();
    tenant.failNext({ status: 404, code: 'ErrorItemNotFound', match: { method: 'DELETE', path: /^\/me\/contacts\// } });
    await expectHr(rig.ports.directory.removeContact(DAVE), 'MSGR_E_USER_NOT_FOUND');
  });

  test('404 on the inbox (UnreadEmailCount) is "no mailbox": -1, not an error', async () => {
    const rig = await connect();
    tenant.failNext({ status: 404, code: 'ErrorItemNotFound', match: { method: 'GET', path: /^\/me\/mailFolders\/inbox$/ } });
    await expect(rig.ports.mail.unreadCount(MUAFOLDER.MUAFOLDER_INBOX)).resolves.toBe(-1);
  });

  test('409 on a chat (Group.Name put) -> MSGR_E_GROUP_ALREADY_EXISTS', async () => {
    const rig = await connect();
    const group = await coworkers(rig);
    tenant.failNext({ status: 409, match: { method: 'PATCH', path: /^\/chats\// } });
    await expectHr(rig.ports.groups.rename(group.id, 'Team'), 'MSGR_E_GROUP_ALREADY_EXISTS');
    expect(groupChats('Coworkers')).toHaveLength(1);
  });

  test('409 on an Outlook contact (AddContact) -> MSGR_E_ALREADY_IN_LIST', async () => {
    const rig = await connect();
    tenant.failNext({ status: 409, match: { method: 'POST', path: /^\/me\/contacts$/ } });
    await expectHr(rig.ports.directory.addContact(ERIN), 'MSGR_E_ALREADY_IN_LIST');
  });

  test('409 on the profile extension (ContactsSortOrder put) -> E_FAIL', async () => {
    const rig = await connect();
    tenant.failNext({ status: 409, code: 'NameAlreadyExists', match: { method: 'PATCH', path: /^\/me\/extensions\// } });
    await expectHr(rig.ports.preferences.setSortOrder(MUASORT.MUASORT_ONOFFLINE), 'E_FAIL');
  });

  test('400 (MyStatus put) -> E_INVALIDARG, not retried', async () => {
    const rig = await connect();
    tenant.failNext({ status: 400, match: { method: 'POST', path: /setUserPreferredPresence$/ } });
    await expectHr(rig.ports.presence.setMyStatus(MISTATUS.MISTATUS_AWAY), 'E_INVALIDARG');
    expect(sent('POST', /setUserPreferredPresence$/)).toBe(1);
  });

  test('422 (FindContact) -> E_INVALIDARG', async () => {
    const rig = await connect();
    tenant.failNext({ status: 422, match: { method: 'GET', path: /^\/users$/ } });
    await expectHr(rig.ports.directory.find({ firstName: 'Erin', lastName: '' }), 'E_INVALIDARG');
  });

  test('500 (MyGroups) -> MSGR_E_SERVER_ERROR, not retried', async () => {
    const rig = await connect();
    tenant.failNext(onChats({ status: 500 }));
    await expectHr(rig.ports.groups.list(), 'MSGR_E_SERVER_ERROR');
    expect(sent('GET', CHATS)).toBe(1);
  });

  test('501 (Group.Name put) -> E_NOTIMPL', async () => {
    const rig = await connect();
    const group = await coworkers(rig);
    tenant.failNext({ status: 501, match: { method: 'PATCH', path: /^\/chats\// } });
    await expectHr(rig.ports.groups.rename(group.id, 'Team'), 'E_NOTIMPL');
  });

  test('a batch item failure keeps its table row: 401 on createOrGet inside the StartVideo batch -> MSGR_E_NOT_LOGGED_ON', async () => {
    const rig = await connect();
    tenant.failNext({ status: 401, match: { method: 'POST', path: /\/onlineMeetings\/createOrGet$/ } });
    await expectHr(rig.ports.conversations.open('video', BOB), 'MSGR_E_NOT_LOGGED_ON');
  });
});

describe('6. no duplicated side effects', () => {
  const TOPIC = 'Project X';

  /** A new group with Bob (still pending: a group chat needs two others). */
  async function pendingGroupWithBob(rig: Rig) {
    const group = await rig.ports.groups.create(TOPIC, serviceId());
    await rig.ports.groups.addMember(group.id, BOB);
    expect(groupChats(TOPIC)).toHaveLength(0);
    tenant.resetRequests();
    return group;
  }

  async function expectOneGroup(rig: Rig, groupId: string) {
    expect(groupChats(TOPIC)).toHaveLength(1);
    expect(groupChats(TOPIC)[0]!.memberUpns).toEqual([ANN, BOB, CAROL]);
    const listed = (await rig.ports.groups.list()).filter((g) => g.name === TOPIC);
    expect(listed).toEqual([{ id: groupId, name: TOPIC, serviceId: serviceId(), members: [BOB, CAROL] }]);
    const profile = await storedProfile();
    expect(profile.intents).toEqual([]);
    expect(profile.pendingGroups.filter((g) => g.includes(TOPIC))).toEqual([]);
    expect(profile.aliases).toEqual([`${groupId}=${groupChats(TOPIC)[0]!.id}`]);
  }

  describe.each<[string, Omit<FaultSpec, 'match' | 'afterCommit'>]>([
    ['no answer (timeout)', { kind: 'timeout' }],
    ['503', { status: 503 }],
    ['504', { status: 504 }],
    ['connection reset', { kind: 'reset' }],
  ])('(a) the answer to POST /chats is lost after the chat was made: %s', (_, fault) => {
    test('the adapter looks before creating again: one chat, the group listed once with both members', async () => {
      const rig = await connect({ timeoutMs: 400 });
      const group = await pendingGroupWithBob(rig);
      tenant.failNext({ ...fault, afterCommit: true, match: { method: 'POST', path: /^\/chats$/ } });
      await rig.ports.groups.addMember(group.id, CAROL);
      expect(sent('POST', '/chats')).toBe(1);
      await expectOneGroup(rig, group.id);
    });
  });

  test('(a) the POST never reached Teams (503 before commit): created once on the second attempt', async () => {
    const rig = await connect();
    const group = await pendingGroupWithBob(rig);
    tenant.failNext({ status: 503, match: { method: 'POST', path: /^\/chats$/ } });
    await rig.ports.groups.addMember(group.id, CAROL);
    expect(sent('POST', '/chats')).toBe(2);
    await expectOneGroup(rig, group.id);
  });

  test('(b) the process dies while POST /chats is in flight: another instance settles the journal and adopts the chat', async () => {
    const first = await connect({ timeoutMs: 30_000 });
    const group = await pendingGroupWithBob(first);
    tenant.failNext({ kind: 'timeout', afterCommit: true, match: { method: 'POST', path: /^\/chats$/ } });
    // The first instance is left hanging on the POST: it never learns the chat id.
    const dying = first.ports.groups.addMember(group.id, CAROL).then(() => undefined, (e: unknown) => e);
    await until(() => groupChats(TOPIC).length === 1);
    const journal = await storedProfile();
    expect(journal.intents).toHaveLength(1);
    expect(journal.intents[0]).toContain(group.id);

    const second = await connect();
    await expectOneGroup(second, group.id);
    expect(sent('POST', '/chats')).toBe(0);

    await tenant.stop();
    expect(isMessengerError(await dying)).toBe(true);
    expect(groupChats(TOPIC)).toHaveLength(1);
  });

  test('(b) the confirmation is lost and the look fails too: the journal is settled by the next instance', async () => {
    const first = await connect();
    const group = await pendingGroupWithBob(first);
    tenant.failNext({ kind: 'reset', afterCommit: true, match: { method: 'POST', path: /^\/chats$/ } });
    tenant.failNext(onChats({ status: 500 }));
    await expectHr(first.ports.groups.addMember(group.id, CAROL), 'MSGR_E_SERVER_ERROR');
    expect(groupChats(TOPIC)).toHaveLength(1);
    expect((await storedProfile()).intents).toHaveLength(1);

    const second = await connect();
    await expectOneGroup(second, group.id);
    expect(sent('POST', '/chats')).toBe(0);
  });

  test('(b) the same instance settles its own journal on the next MyGroups', async () => {
    const rig = await connect();
    const group = await pendingGroupWithBob(rig);
    tenant.failNext({ kind: 'reset', afterCommit: true, match: { method: 'POST', path: /^\/chats$/ } });
    tenant.failNext(onChats({ status: 500 }));
    await expectHr(rig.ports.groups.addMember(group.id, CAROL), 'MSGR_E_SERVER_ERROR');
    await expectOneGroup(rig, group.id);
    expect(sent('POST', '/chats')).toBe(1);
  });

  describe('(c) StartVideo: createOrGet is idempotent by externalId', () => {
    const meetingsOf = (externalId: string) => tenant.meetings().filter((m) => m.organizerUpn === ANN && m.externalId === externalId);
    const externalId = () => meetingExternalId(tenant.userId(ANN), tenant.userId(BOB), 'video');
    const oneOnOne = () => tenant.chats().find((c) => c.chatType === 'oneOnOne' && c.memberUpns.includes(BOB));

    async function expectReusedByAnotherInstance(joinUrl: string) {
      const other = await connect();
      const spy = jest.spyOn(other.backend.http, 'batch');
      const window = await other.ports.conversations.open('video', BOB);
      const responses = (await spy.mock.results[0]!.value) as BatchResponse[];
      expect(responses[0]!.status).toBe(200);
      expect(window.joinUrl).toBe(joinUrl);
      expect(meetingsOf(externalId())).toHaveLength(1);
      expect(tenant.meetings()).toHaveLength(1);
    }

    test.each<[string, FaultSpec]>([
      ['504 on the createOrGet item', { status: 504, afterCommit: true, match: { method: 'POST', path: /\/onlineMeetings\/createOrGet$/ } }],
      ['503 on the createOrGet item', { status: 503, afterCommit: true, match: { method: 'POST', path: /\/onlineMeetings\/createOrGet$/ } }],
      ['504 on the whole $batch', { status: 504, afterCommit: true, match: { method: 'POST', path: /^\/\$batch$/ } }],
    ])('the answer is lost (%s): retried by the adapter, one meeting, one invitation; another instance gets the same meeting', async (_, fault) => {
      const rig = await connect();
      tenant.failNext({ retryAfter: 0, ...fault });
      const window = await rig.ports.conversations.open('video', BOB);
      expect(batchedItems('POST', /\/onlineMeetings\/createOrGet$/)).toBe(2);
      const meetings = meetingsOf(externalId());
      expect(meetings).toHaveLength(1);
      expect(window.joinUrl).toBe(meetings[0]!.joinWebUrl);
      expect(tenant.messages(oneOnOne()!.id)).toHaveLength(1);
      await expectReusedByAnotherInstance(meetings[0]!.joinWebUrl);
    });

    test('no answer to the $batch (timeout): MSGR_E_SESSION_TIMEOUT; the caller retries and gets the meeting that was made', async () => {
      const rig = await connect({ timeoutMs: 300 });
      tenant.failNext({ kind: 'timeout', afterCommit: true, match: { method: 'POST', path: /^\/\$batch$/ } });
      await expectHr(rig.ports.conversations.open('video', BOB), 'MSGR_E_SESSION_TIMEOUT');
      const made = meetingsOf(externalId());
      expect(made).toHaveLength(1);
      const window = await rig.ports.conversations.open('video', BOB);
      expect(window.joinUrl).toBe(made[0]!.joinWebUrl);
      expect(meetingsOf(externalId())).toHaveLength(1);
      expect(tenant.chats().filter((c) => c.chatType === 'oneOnOne')).toHaveLength(1);
      expect(tenant.messages(oneOnOne()!.id)).toHaveLength(1);
      await expectReusedByAnotherInstance(made[0]!.joinWebUrl);
    });
  });

  describe.each<[string, Omit<FaultSpec, 'match' | 'afterCommit'>]>([
    ['no answer (timeout)', { kind: 'timeout' }],
    ['503', { status: 503 }],
    ['504', { status: 504 }],
    ['connection reset', { kind: 'reset' }],
  ])('(d) the answer to POST /chats/{id}/members is lost after the member was added: %s', (_, fault) => {
    test('the caller succeeds, the member is in the chat once, the POST was sent once', async () => {
      const rig = await connect({ timeoutMs: 400 });
      const group = await coworkers(rig);
      tenant.resetRequests();
      tenant.failNext({ ...fault, afterCommit: true, match: { method: 'POST', path: /^\/chats\/[^/]+\/members$/ } });
      await rig.ports.groups.addMember(group.id, ERIN);
      expect(sent('POST', /^\/chats\/[^/]+\/members$/)).toBe(1);
      const chat = tenant.chats().find((c) => c.id === group.id)!;
      expect(chat.memberUpns.filter((u) => u === ERIN)).toHaveLength(1);
      const listed = (await rig.ports.groups.list()).find((g) => g.id === group.id)!;
      expect(listed.members).toEqual([BOB, CAROL, ERIN]);
    });
  });

  test('(d) the member add failed before it happened (503): the caller gets MSGR_E_SERVER_TOO_BUSY, nothing added, not retried', async () => {
    const rig = await connect();
    const group = await coworkers(rig);
    tenant.resetRequests();
    tenant.failNext({ status: 503, match: { method: 'POST', path: /^\/chats\/[^/]+\/members$/ } });
    await expectHr(rig.ports.groups.addMember(group.id, ERIN), 'MSGR_E_SERVER_TOO_BUSY');
    expect(sent('POST', /^\/chats\/[^/]+\/members$/)).toBe(1);
    expect(tenant.chats().find((c) => c.id === group.id)!.memberUpns).toEqual([ANN, BOB, CAROL]);
  });

  test.each<[string, FaultSpec]>([
    ['504 on the whole $batch', { status: 504, retryAfter: 0, afterCommit: true, match: { method: 'POST', path: /^\/\$batch$/ } }],
    ['no answer to the whole $batch', { kind: 'timeout', afterCommit: true, match: { method: 'POST', path: /^\/\$batch$/ } }],
    ['503 on the POST /me/contacts item', { status: 503, retryAfter: 0, afterCommit: true, match: { method: 'POST', path: /^\/me\/contacts$/ } }],
  ])('(e) AddContact whose answer is lost after Outlook made the contact (%s): not sent again, found by looking; one contact', async (_, fault) => {
    const rig = await connect({ timeoutMs: 400 });
    tenant.failNext(fault);
    const added = await rig.ports.directory.addContact(ERIN);
    expect(added.signinName).toBe(ERIN);
    expect(batchedItems('POST', /^\/me\/contacts$/)).toBe(1);
    expect(sent('GET', '/me/contacts')).toBe(1);
    expect(await storedContacts(ERIN)).toBe(1);
    expect((await rig.ports.directory.listContacts()).map((c) => c.signinName)).toEqual([BOB, CAROL, DAVE, ERIN]);
    await expectHr(rig.ports.directory.addContact(ERIN), 'MSGR_E_ALREADY_IN_LIST');
    expect(await storedContacts(ERIN)).toBe(1);
  });

  test('(e) AddContact whose POST never reached Outlook (504 before commit): MSGR_E_SERVER_TOO_BUSY, nothing made, a second call adds it once', async () => {
    const rig = await connect();
    tenant.failNext({ status: 504, retryAfter: 0, match: { method: 'POST', path: /^\/\$batch$/ } });
    await expectHr(rig.ports.directory.addContact(ERIN), 'MSGR_E_SERVER_TOO_BUSY');
    expect(sent('POST', '/$batch')).toBe(1);
    expect(await storedContacts(ERIN)).toBe(0);
    await rig.ports.directory.addContact(ERIN);
    expect(await storedContacts(ERIN)).toBe(1);
  });
});

describe('7. throttled items inside a 200 $batch', () => {
  test('sign-in: a 429 item is re-sent alone after its Retry-After, and sign-in succeeds', async () => {
    const rig = makeRig();
    tenant.failNext({ status: 429, retryAfter: 0, match: { method: 'GET', path: /^\/me$/ } });
    await rig.ports.session.signin({ signinName: ANN, password: '' });
    const sent = batches();
    // The sign-in $batch, the throttled item alone, then the presence session and the presence read.
    expect(sent.map((b) => b.batchItems)).toEqual([4, 1, 2]);
    expect((sent[1]!.body as { requests: { url: string }[] }).requests[0]!.url).toMatch(/^\/me\?/);
    expect((await rig.ports.session.self()).signinName).toBe(ANN);
  });

  test('presence poll: a throttled getPresencesByUserId item waits for Retry-After (1 s), then the change is seen', async () => {
    const rig = await connect();
    const changes: RemoteChange[] = [];
    rig.ports.events.watch((c) => changes.push(c));
    await tenant.otherSide(ANN).contactStatus(BOB, MISTATUS.MISTATUS_BUSY);
    tenant.failNext({ status: 429, retryAfter: 1, match: { method: 'POST', path: /^\/communications\/getPresencesByUserId$/ } });
    const started = performance.now();
    await rig.backend.watcher.pollNow();
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(batches()).toHaveLength(2);
    expect(batches()[1]!.batchItems).toBe(1);
    expect(batchedItems('POST', /^\/communications\/getPresencesByUserId$/)).toBe(2);
    expect(changes).toContainEqual({ type: 'contactStatus', signinName: BOB, status: MISTATUS.MISTATUS_BUSY });
    expect(rig.pollErrors).toEqual([]);
  });

  test('bounded: an item throttled every time is sent at most 4 times, then sign-in fails with MSGR_E_SERVER_TOO_BUSY', async () => {
    const rig = makeRig();
    tenant.failNext({ status: 429, retryAfter: 0, times: 4, match: { method: 'GET', path: /^\/me$/ } });
    await expectHr(rig.ports.session.signin({ signinName: ANN, password: '' }), 'MSGR_E_SERVER_TOO_BUSY');
    expect(batches().map((b) => b.batchItems)).toEqual([4, 1, 1, 1]);
    expect(await rig.ports.session.isSignedIn()).toBe(false);
  });

  test('bounded in a poll: the poll ends after 4 rounds without an error and without a change', async () => {
    const rig = await connect();
    const changes: RemoteChange[] = [];
    rig.ports.events.watch((c) => changes.push(c));
    await tenant.otherSide(ANN).contactStatus(BOB, MISTATUS.MISTATUS_BUSY);
    tenant.failNext({ status: 429, retryAfter: 0, times: 4, match: { method: 'POST', path: /^\/communications\/getPresencesByUserId$/ } });
    await rig.backend.watcher.pollNow();
    expect(batchedItems('POST', /^\/communications\/getPresencesByUserId$/)).toBe(4);
    expect(changes.filter((c) => c.type === 'contactStatus')).toEqual([]);
    expect(await rig.ports.session.isSignedIn()).toBe(true);
  });
});

describe('8. no token, secret or Authorization header value in any error', () => {
  test('failures of every kind carry no token (each checked by failure() above; here a sweep with the token in use)', async () => {
    const rig = await connect({ timeoutMs: 300 });
    const faults: FaultSpec[] = [
      onChats({ status: 401, times: 2 }), onChats({ status: 403 }), onChats({ status: 404 }), onChats({ status: 409 }),
      onChats({ status: 429, retryAfter: 0, times: MAX_RETRIES + 1 }), onChats({ status: 500 }),
      onChats({ kind: 'reset' }), onChats({ kind: 'timeout' }), onChats({ kind: 'malformed' }),
    ];
    for (const fault of faults) {
      tenant.failNext(fault);
      const e = await failure(rig.ports.groups.list());
      expect(SECRETS.has(rig.auth.token)).toBe(true);
      expect(JSON.stringify(e)).not.toContain(rig.auth.token);
    }
  });

  test('an auth library failure whose message carries a secret and a bearer header: the error does not', async () => {
    const rig = await connect();
    tenant.expireToken(rig.auth.token);
    rig.auth.refuse = new Error(`AADSTS7000215: invalid client secret; client_secret=${CLIENT_SECRET}; Authorization: Bearer ${rig.auth.token}`);
    // Not a GraphAuthError: an unknown failure on the way to a token, reported as no connection, with no text of its own.
    const e = await expectHr(rig.ports.groups.list(), 'MSGR_E_CONNECT');
    expect(e.description).toBe('GET /me/chats: network');
  });
});
