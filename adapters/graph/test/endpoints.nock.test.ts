/**
 * Every Graph request of ENDPOINTS.md, driven through the adapter's ports against nock 15.0.0 (no
 * network, no fake tenant): method, raw path, decoded query, JSON body and the bearer token, checked
 * against the Graph pages in spec/graph/docs (chat-post, chat-list, chat-patch, chat-post-members,
 * chat-delete-members, chat-hideforuser, chat-post-messages, onlinemeeting-createorget,
 * cloudcommunications-getpresencesbyuserid, presence-setuserpreferredpresence, user-get,
 * user-list-contacts, opentypeextension-*, mailfolder-get, json-batching).
 *
 * How the mocks assert:
 * - every scope carries `reqheaders: { authorization: 'Bearer AT-1' }`;
 * - paths are matched raw (exactly as sent, percent-encoding included), queries decoded with `.query({…})`
 *   (nock then requires exactly those keys and values);
 * - known bodies are matched by nock (deep equality); bodies with generated parts (ids, timestamps)
 *   are checked in the reply function, whose failures are collected and reported after the test;
 * - $batch bodies go through a body matcher that checks json-batching.md's rules (≤ 20 items, unique
 *   ids, `headers: { 'Content-Type': 'application/json' }` exactly on items with a body) and logs the
 *   items; the reply answers item by item, in reverse order (Graph may reorder: ids correlate).
 * A request nothing matches is recorded ('no match', with nock's reasons) and fails the test.
 * Every answered request (each $batch item) is also checked against Microsoft's Graph v1.0 metadata
 * and permission map (test/support/graph-schema.ts); a departure fails the test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import nock from 'nock';
import { type HResultName, isMessengerError, MISTATUS, MUAFOLDER, MUASORT, type RemoteChange } from '@imessenger/contract';
import { StaticTokenAuth } from '../src/auth';
import { graphBackend, type GraphBackend, type GraphBackendOptions } from '../src/backend';
import { GRAPH_CAPABILITIES, requestFor } from '../src/permissions';
import { checkRequest, seenTemplates } from './support/request-check';

// ---- fixtures ------------------------------------------------------------------------------------

const GRAPH = 'https://graph.microsoft.com';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const PROFILE = 'com.imessenger.profile';
const CONTACT_EXT = 'com.imessenger.contact';
const USER_SELECT = 'id,displayName,userPrincipalName,mail,businessPhones,mobilePhone';
const JSON_HEADERS = { 'Content-Type': 'application/json' };

interface User {
  readonly id: string;
  readonly displayName: string;
  readonly userPrincipalName: string;
  readonly mail: string | null;
  readonly businessPhones: readonly string[];
  readonly mobilePhone: string | null;
}

const user = (id: string, displayName: string, upn: string, extra: Partial<User> = {}): User =>
  ({ id, displayName, userPrincipalName: upn, mail: upn, businessPhones: [], mobilePhone: null, ...extra });

const ANN = user('5f3c1a2b-0d4e-4f6a-8b9c-1d2e3f405161', 'Ann Lee', 'ann@contoso.com', { businessPhones: ['+1 425 555 0100'] });
const BOB = user('8b081ef6-4792-4def-b2c9-c363a1bf41d5', 'Bob Kelly', 'bob@contoso.com', { mobilePhone: '+1 425 555 0101' });
const CAROL = user('3626a173-f2bc-4883-bcf7-01514c3bfb82', 'Carol Diaz', 'carol@contoso.com');
const ERIN = user('82fe7758-5bb3-4f0d-a43f-e555fd399c6f', 'Erin Moss', 'erin@contoso.com');

const guid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** Chat ids as Teams makes them; in a path ':' and '@' travel percent-encoded. */
const CHAT_A = '19:2da4c29f6d7041eca70b638b43d45437@thread.v2';
const CHAT_A_SEGMENT = '19%3A2da4c29f6d7041eca70b638b43d45437%40thread.v2';
const CHAT_B = '19:cf66807577b149cca1b7af0c32eec122@thread.v2';
const CHAT_B_SEGMENT = '19%3Acf66807577b149cca1b7af0c32eec122%40thread.v2';
const CHAT_C = '19:0a1b2c3d4e5f40718293a4b5c6d7e8f9@thread.v2';
const ONE_ON_ONE = `19:${ANN.id}_${BOB.id}@unq.gbl.spaces`;
const ONE_ON_ONE_SEGMENT = `19%3A${ANN.id}_${BOB.id}%40unq.gbl.spaces`;

/** An Outlook contact as the contact list query returns it (user-list-contacts.md, opentypeextension-get.md). */
const outlookContact = (u: User, contactId: string, homePhones: readonly string[] = []) => ({
  '@odata.etag': 'W/"EQAAABYAAAB"',
  id: contactId,
  displayName: u.displayName,
  emailAddresses: [{ address: u.mail ?? u.userPrincipalName, name: u.displayName }],
  businessPhones: [...u.businessPhones],
  mobilePhone: u.mobilePhone,
  homePhones: [...homePhones],
  extensions: [{
    '@odata.type': '#microsoft.graph.openTypeExtension',
    id: `Microsoft.OutlookServices.OpenTypeExtension.${CONTACT_EXT}`,
    extensionName: CONTACT_EXT,
    userId: u.id,
    signinName: u.userPrincipalName,
  }],
});

const BOB_CONTACT_ID = 'AAMkAGI2THVSAAA=';
const CAROL_CONTACT_ID = 'AAMkAGI2THVTAAA=';

interface ProfileDoc {
  readonly '@odata.type': string;
  readonly extensionName: string;
  readonly contactsSortOrder: number;
  readonly pendingGroups: readonly string[];
  readonly hiddenChats: readonly string[];
  readonly aliases: readonly string[];
  readonly intents: readonly string[];
}

/** The profile extension as GET /me/extensions/{name} returns it (opentypeextension-get.md). */
const storedProfile = (p: Partial<ProfileDoc> = {}) => ({
  '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users('${ANN.id}')/extensions/$entity`,
  '@odata.type': '#microsoft.graph.openTypeExtension',
  id: PROFILE,
  extensionName: PROFILE,
  contactsSortOrder: 0,
  pendingGroups: [],
  hiddenChats: [],
  aliases: [],
  intents: [],
  ...p,
});

/** A conversation member as chat-list.md (`$expand=members`) and GET /chats/{id}/members give it. */
const member = (u: User, membershipId: string, email: string | null = u.mail) => ({
  '@odata.type': '#microsoft.graph.aadUserConversationMember',
  id: membershipId,
  roles: ['owner'],
  displayName: u.displayName,
  visibleHistoryStartDateTime: '0001-01-01T00:00:00Z',
  userId: u.id,
  email,
  tenantId: TENANT,
});

// ---- request plumbing ------------------------------------------------------------------------------

interface BatchItem {
  readonly id: string;
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly dependsOn?: readonly string[];
}
interface Reply { readonly status: number; readonly body?: object; readonly headers?: Readonly<Record<string, string>> }
interface Seen { readonly method: string; readonly rawPath: string; readonly body: unknown }

/** Assertion failures inside reply functions and matchers, and requests no mock matched. */
let failures: string[] = [];
let unmatched: string[] = [];
/** Every request a mock answered, as `METHOD /raw/path?raw=query`. */
let log: string[] = [];
/** The items of every $batch, in order. */
let batches: BatchItem[][] = [];

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

beforeAll(() => {
  nock.disableNetConnect();
  nock.emitter.on('no match', (req: Request, results?: nock.InterceptorMatchResult[]) => {
    unmatched.push(`${req.method} ${req.url}${results?.[0] ? ` — closest mock: ${results[0].reasons.join('; ')}` : ''}`);
  });
});
// Remove nock's interceptors: they patch Node's http for the whole worker, past this file's module registry.
afterAll(() => {
  nock.emitter.removeAllListeners('no match');
  nock.enableNetConnect();
  nock.restore();
});
beforeEach(() => { failures = []; unmatched = []; log = []; batches = []; presenceCalls.length = 0; });
afterEach(() => {
  try {
    expect({ failures, unmatched }).toEqual({ failures: [], unmatched: [] });
    expect(nock.pendingMocks()).toEqual([]);
  } finally {
    nock.cleanAll();
  }
});

/** Graph, with the token every request must carry. */
const graph = () => nock(GRAPH, { reqheaders: { authorization: 'Bearer AT-1' } });

/** A relative URL split into its raw path and its decoded query. */
function split(url: string): { path: string; query: Record<string, string> } {
  const at = url.indexOf('?');
  const query: Record<string, string> = {};
  if (at >= 0) {
    for (const part of url.slice(at + 1).split('&')) {
      const eq = part.indexOf('=');
      query[decodeURIComponent(part.slice(0, eq))] = decodeURIComponent(part.slice(eq + 1));
    }
  }
  return { path: at >= 0 ? url.slice(0, at) : url, query };
}

/**
 * A reply function: logs the request, runs `handle` (whose expect() failures are collected and
 * answered 400, so the port call fails too) and sends its reply.
 */
function answer(handle: (seen: Seen) => Reply) {
  return async (req: Request): Promise<nock.ReplyFnResult> => {
    const url = new URL(req.url);
    const text = await req.text();
    const seen: Seen = { method: req.method, rawPath: url.pathname + url.search, body: text ? JSON.parse(text) as unknown : undefined };
    log.push(`${seen.method} ${seen.rawPath}`);
    // Against Graph's v1.0 metadata and permission map too (a $batch item by item; the count is printed after the file).
    const departures = checkRequest({ method: seen.method, path: url.pathname.replace(/^\/v1\.0/, ''), query: decodeURIComponent(url.search.slice(1)), body: seen.body, mode: 'delegated' });
    failures.push(...departures);
    let reply: Reply;
    try {
      reply = handle(seen);
    } catch (e) {
      failures.push(`${seen.method} ${seen.rawPath}: ${message(e)}`);
      return [400, { error: { code: 'BadRequest', message: 'the request failed a test assertion' } }, JSON_HEADERS];
    }
    if (reply.body === undefined) return [reply.status, '', { ...reply.headers }];
    return [reply.status, reply.body as Record<string, unknown>, { ...JSON_HEADERS, ...reply.headers }];
  };
}

/** A fixed reply (the request is still logged). */
const fixed = (status: number, body?: object, headers?: Readonly<Record<string, string>>) =>
  answer(() => ({ status, ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) }));

const isBatchBody = (body: unknown): body is { requests: BatchItem[] } =>
  typeof body === 'object' && body !== null && Array.isArray((body as { requests?: unknown }).requests);

/** json-batching.md: ≤ 20 requests, unique ids, relative urls, Content-Type on (and only on) items with a body. */
function checkBatch(body: { requests: BatchItem[] }): void {
  expect(Object.keys(body)).toEqual(['requests']);
  const items = body.requests;
  expect(items.length).toBeGreaterThanOrEqual(1);
  expect(items.length).toBeLessThanOrEqual(20);
  expect(new Set(items.map((i) => i.id.toLowerCase())).size).toBe(items.length);
  for (const item of items) {
    expect(typeof item.id).toBe('string');
    expect(['GET', 'POST', 'PATCH', 'DELETE']).toContain(item.method);
    expect(item.url).toMatch(/^\/[^/]/);
    if (item.body !== undefined) expect(item.headers).toEqual({ 'Content-Type': 'application/json' });
    else expect(item.headers).toBeUndefined();
  }
}

/**
 * POST /$batch: the body matcher checks the batch rules and logs the items; each item is answered by
 * `route`, the responses in reverse order with `headers: { 'Content-Type': 'application/json' }`.
 */
function mockBatch(route: (item: BatchItem) => Reply, times = 1): nock.Scope {
  const matcher = (body: unknown): boolean => {
    if (!isBatchBody(body)) return false;  // another request tried against this mock
    try {
      checkBatch(body);
      return true;
    } catch (e) {
      failures.push(`$batch: ${message(e)}`);
      return false;
    }
  };
  return graph().post('/v1.0/$batch', matcher).times(times).reply(answer(({ body }) => {
    const { requests } = body as { requests: BatchItem[] };
    batches.push(requests);
    const responses = requests.map((item) => {
      const r = route(item);
      return { id: item.id, status: r.status, headers: { ...JSON_HEADERS, ...r.headers }, ...(r.body === undefined ? {} : { body: r.body }) };
    });
    return { status: 200, body: { responses: responses.reverse() } };
  }));
}

const notFound = (what: string): Reply => ({ status: 404, body: { error: { code: 'ResourceNotFound', message: `${what} not found` } } });
const unexpected = (item: BatchItem): Reply => {
  failures.push(`unexpected batch item ${item.method} ${item.url}`);
  return { status: 400, body: { error: { code: 'BadRequest', message: 'unexpected' } } };
};

/** An item of a batch by method and raw path (the query decoded). */
function itemOf(items: readonly BatchItem[], method: string, path: string): BatchItem & { query: Record<string, string> } {
  const found = items.find((i) => i.method === method && split(i.url).path === path);
  if (!found) throw new Error(`no ${method} ${path} in ${JSON.stringify(items.map((i) => `${i.method} ${i.url}`))}`);
  return { ...found, query: split(found.url).query };
}

/** getPresencesByUserId: `times` calls, each ≤ 650 ids, every id answered. */
const presenceCalls: string[][] = [];
type PresenceOf = (id: string) => { availability: string; activity: string };
const ALL_AVAILABLE: PresenceOf = () => ({ availability: 'Available', activity: 'Available' });
/** One getPresencesByUserId body (cloudcommunications-getpresencesbyuserid.md): `{ ids }`, 1–650 ids; every id answered. */
function presenceReply(body: unknown, of: PresenceOf = ALL_AVAILABLE): Reply {
  expect(Object.keys(body as object)).toEqual(['ids']);
  const { ids } = body as { ids: string[] };
  expect(ids.length).toBeGreaterThanOrEqual(1);
  expect(ids.length).toBeLessThanOrEqual(650);
  presenceCalls.push(ids);
  return { status: 200, body: { value: ids.map((id) => ({ id, ...of(id) })) } };
}
function mockPresence(times: number, of: PresenceOf = ALL_AVAILABLE): nock.Scope {
  return graph().post('/v1.0/communications/getPresencesByUserId').times(times).reply(answer(({ body }) => presenceReply(body, of)));
}

/** The contact list query of ENDPOINTS.md #4, decoded. */
const CONTACT_LIST_QUERY = {
  $filter: `Extensions/any(f:f/id eq '${CONTACT_EXT}')`,
  $expand: `Extensions($filter=id eq '${CONTACT_EXT}')`,
  $select: 'id,displayName,emailAddresses,businessPhones,mobilePhone,homePhones',
  $top: '1000',
};

/** Every capability (directoryPhones included: other users are read with their phones); no presence session unless asked. */
const newBackend = (username = ANN.userPrincipalName, mode?: 'delegated' | 'application', extra: Partial<GraphBackendOptions> = {}): GraphBackend => graphBackend({
  auth: new StaticTokenAuth({ username, token: () => 'AT-1', ...(mode ? { mode } : {}) }),
  tenantId: TENANT, capabilities: GRAPH_CAPABILITIES, ...extra,
  presence: { intervalMs: 0 },
  retry: { delaySeconds: 0 },
});

interface SignInOptions {
  readonly me?: User;
  /** The path standing for me: /me (delegated) or users('…') (application). */
  readonly mePath?: string;
  readonly contacts?: readonly object[];
  readonly nextLink?: string;
  /** The stored profile, or null for none (404). */
  readonly profile?: object | null;
  readonly unread?: number;
  /** getPresencesByUserId calls expected (default: one per 650 ids of me and the first page); several travel in $batch requests of 20. */
  readonly presenceCalls?: number;
  readonly presence?: (id: string) => { availability: string; activity: string };
  /** Keep the sign-in's requests in `log` and `batches` (default: cleared, so tests see only their own). */
  readonly keepLog?: boolean;
  /** The setPresence body of the backend's presence session, when it holds one: it opens ahead of the presence calls, in their $batch. */
  readonly session?: object;
}

/**
 * Sign in through the session port: the $batch of ENDPOINTS.md #1/#21/#4/#20, then presence (#9):
 * one call alone, or several as the items of $batch requests of ≤ 20 (with the presence session's
 * setPresence ahead of them, when the backend holds a session).
 */
async function signIn(b: GraphBackend, o: SignInOptions = {}) {
  const me = o.me ?? ANN;
  const mePath = o.mePath ?? '/me';
  const calls = o.presenceCalls ?? Math.ceil((1 + (o.contacts?.length ?? 0)) / 650);
  const inBatch = calls > 1 || o.session !== undefined;
  mockBatch((item) => {
    const { path } = split(item.url);
    if (o.session && item.method === 'POST' && path === `/users/${me.id}/presence/setPresence`) {
      if (JSON.stringify(item.body) !== JSON.stringify(o.session)) failures.push(`setPresence body ${JSON.stringify(item.body)}`);
      return { status: 200 };
    }
    if (inBatch && item.method === 'POST' && path === '/communications/getPresencesByUserId') return presenceReply(item.body, o.presence);
    if (item.method !== 'GET') return unexpected(item);
    if (path === mePath) return { status: 200, body: { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity', ...me } };
    if (path === `${mePath}/extensions/${PROFILE}`) return o.profile === null ? notFound('extension') : { status: 200, body: o.profile ?? storedProfile() };
    if (path === `${mePath}/contacts`) return { status: 200, body: { value: o.contacts ?? [], ...(o.nextLink ? { '@odata.nextLink': o.nextLink } : {}) } };
    if (path === `${mePath}/mailFolders/inbox`) return { status: 200, body: { id: 'AAMkAGI2AAEMAAA=', displayName: 'Inbox', unreadItemCount: o.unread ?? 3 } };
    return unexpected(item);
  }, inBatch ? 1 + Math.ceil((calls + (o.session ? 1 : 0)) / 20) : 1);
  if (!inBatch) mockPresence(1, o.presence);
  const self = await b.ports.session.signin({ signinName: me.userPrincipalName, password: '' });
  presenceCalls.length = 0;
  if (!o.keepLog) { log = []; batches = []; }
  return self;
}

/** The profile PATCH (#21): the whole extension every time (opentypeextension-update.md), 204. */
function expectWholeProfile(body: unknown): ProfileDoc {
  const doc = body as ProfileDoc;
  expect(Object.keys(doc).sort()).toEqual(['@odata.type', 'aliases', 'contactsSortOrder', 'extensionName', 'hiddenChats', 'intents', 'pendingGroups']);
  expect(doc['@odata.type']).toBe('microsoft.graph.openTypeExtension');
  expect(doc.extensionName).toBe(PROFILE);
  expect(typeof doc.contactsSortOrder).toBe('number');
  for (const list of [doc.pendingGroups, doc.hiddenChats, doc.aliases, doc.intents]) {
    expect(Array.isArray(list)).toBe(true);
    for (const v of list) expect(typeof v).toBe('string');
  }
  return doc;
}

const profilePatch = (check: (doc: ProfileDoc) => void, path = `/v1.0/me/extensions/${PROFILE}`) =>
  graph().patch(path).reply(answer(({ body }) => { check(expectWholeProfile(body)); return { status: 204 }; }));

const pendingGroupsOf = (doc: ProfileDoc) => doc.pendingGroups.map((g) => JSON.parse(g) as { id: string; name: string; members: string[] });

/** GET /users/{upn}?$select=… (#7) for one user, raw path given. */
const mockUser = (rawPath: string, u: User) =>
  graph().get(rawPath).query({ $select: USER_SELECT }).reply(fixed(200, u));

/** The member body of chat-post.md / chat-post-members.md: an owner bound to the user by id. */
function expectMember(m: unknown, userId: string): void {
  const body = m as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['@odata.type', 'roles', 'user@odata.bind']);
  expect(body['@odata.type']).toBe('#microsoft.graph.aadUserConversationMember');
  expect(body['roles']).toEqual(['owner']);
  // Both documented forms bind a user: users('{id}') (chat-post.md) and users/{id} (chat-post-members.md).
  expect([`https://graph.microsoft.com/v1.0/users('${userId}')`, `https://graph.microsoft.com/v1.0/users/${userId}`]).toContain(body['user@odata.bind']);
}

/** The promise fails with a MessengerError of that HRESULT. */
async function rejectsWith(promise: Promise<unknown>, hr: HResultName): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(isMessengerError(error, hr) ? hr : error).toBe(hr);
}

const AVAILABLE = { availability: 'Available', activity: 'Available' };

// ---- sign-in and the contact list ----------------------------------------------------------------

describe('sign-in (#1 #4 #9 #20 #21 #22)', () => {
  test('one $batch for /me, the profile extension, the contact list query and the inbox, then getPresencesByUserId for me and my contacts', async () => {
    const b = newBackend();
    const presence: Record<string, { availability: string; activity: string }> = {
      [ANN.id]: { availability: 'Busy', activity: 'InAMeeting' },
      [BOB.id]: { availability: 'Away', activity: 'Away' },
      [CAROL.id]: { availability: 'Offline', activity: 'OffWork' },
    };
    const self = await signIn(b, {
      contacts: [outlookContact(BOB, BOB_CONTACT_ID), outlookContact(CAROL, CAROL_CONTACT_ID, ['+1 425 555 0177'])],
      presence: (id) => presence[id] ?? AVAILABLE,
      unread: 7,
      keepLog: true,
    });

    expect(batches).toHaveLength(1);
    const items = batches[0]!;
    expect(items).toHaveLength(4);
    expect(itemOf(items, 'GET', '/me').query).toEqual({ $select: USER_SELECT });
    expect(itemOf(items, 'GET', `/me/extensions/${PROFILE}`).query).toEqual({});
    expect(itemOf(items, 'GET', '/me/contacts').query).toEqual(CONTACT_LIST_QUERY);
    expect(itemOf(items, 'GET', '/me/mailFolders/inbox').query).toEqual({ $select: 'unreadItemCount' });
    for (const item of items) expect(item.url).not.toMatch(/[ #]/);  // query values travel encoded

    // One round trip for the four reads, then one presence call.
    expect(log).toEqual(['POST /v1.0/$batch', 'POST /v1.0/communications/getPresencesByUserId']);
    expect(self).toEqual({
      signinName: 'ann@contoso.com', friendlyName: 'Ann Lee', status: MISTATUS.MISTATUS_IN_A_MEETING,
      phones: { work: '+1 425 555 0100' }, serviceId: `{${TENANT}}`,
    });
    // Everything the list needs came with the sign-in: no request.
    const list = await b.ports.directory.listContacts();
    expect(list.map((c) => [c.signinName, c.status, c.phones])).toEqual([
      ['bob@contoso.com', MISTATUS.MISTATUS_AWAY, { mobile: '+1 425 555 0101' }],
      ['carol@contoso.com', MISTATUS.MISTATUS_OFFLINE, { home: '+1 425 555 0177' }],  // homePhones, selected by the query
    ]);
    expect(log).toHaveLength(2);
  });

  test('the presence call carries exactly me and my contacts (getPresencesByUserId { ids })', async () => {
    const b = newBackend();
    const ids: string[][] = [];
    mockBatch((item) => {
      const { path } = split(item.url);
      if (path === '/me') return { status: 200, body: ANN };
      if (path === `/me/extensions/${PROFILE}`) return { status: 200, body: storedProfile() };
      if (path === '/me/contacts') return { status: 200, body: { value: [outlookContact(BOB, BOB_CONTACT_ID), outlookContact(CAROL, CAROL_CONTACT_ID)] } };
      if (path === '/me/mailFolders/inbox') return { status: 200, body: { unreadItemCount: 0 } };
      return unexpected(item);
    });
    graph().post('/v1.0/communications/getPresencesByUserId', { ids: [ANN.id, BOB.id, CAROL.id] })
      .reply(answer(({ body }) => { ids.push((body as { ids: string[] }).ids); return { status: 200, body: { value: [] } }; }));
    await b.ports.session.signin({ signinName: 'ann@contoso.com', password: '' });
    expect(ids).toEqual([[ANN.id, BOB.id, CAROL.id]]);
  });

  test('the mocks require the bearer token: a request with another token matches nothing', async () => {
    const b = graphBackend({
      auth: new StaticTokenAuth({ username: ANN.userPrincipalName, token: () => 'AT-OTHER' }),
      tenantId: TENANT, presence: { intervalMs: 0 }, retry: { delaySeconds: 0 },
    });
    mockBatch(() => ({ status: 200, body: ANN }));
    await expect(b.ports.session.signin({ signinName: ANN.userPrincipalName, password: '' })).rejects.toThrow();
    expect(unmatched).toHaveLength(1);
    expect(unmatched[0]).toMatch(/^POST https:\/\/graph\.microsoft\.com\/v1\.0\/\$batch — closest mock: Request headers don't match/);
    expect(log).toEqual([]);
    unmatched = [];
    nock.cleanAll();
  });

  test('700 contacts: 2 getPresencesByUserId calls (650 + 51 ids) in one $batch, never one per contact', async () => {
    const b = newBackend();
    const crowd = Array.from({ length: 700 }, (_, i) => user(guid(i + 1), `Crowd ${i}`, `crowd${i}@contoso.com`));
    await signIn(b, { contacts: crowd.map((u, i) => outlookContact(u, `AAMkCrowd${i}=`)), presenceCalls: 2, keepLog: true });
    // The listing's $batch, then one $batch carrying both presence calls (json-batching.md: a POST item with its Content-Type).
    expect(log).toEqual(['POST /v1.0/$batch', 'POST /v1.0/$batch']);
    expect(batches[1]!.map((i) => [i.method, i.url, i.headers])).toEqual([
      ['POST', '/communications/getPresencesByUserId', { 'Content-Type': 'application/json' }],
      ['POST', '/communications/getPresencesByUserId', { 'Content-Type': 'application/json' }],
    ]);
    expect(batches[1]!.map((i) => (i.body as { ids: string[] }).ids.length)).toEqual([650, 51]);
    expect((await b.ports.directory.listContacts())).toHaveLength(700);
  });

  test('700 contacts: the ids are split 650 + 51, me first, none twice; the statuses come from the $batch items', async () => {
    const b = newBackend();
    const crowd = Array.from({ length: 700 }, (_, i) => user(guid(i + 1), `Crowd ${i}`, `crowd${i}@contoso.com`));
    const seen: string[][] = [];
    mockBatch((item) => {
      const { path } = split(item.url);
      if (path === '/me') return { status: 200, body: ANN };
      if (path === `/me/extensions/${PROFILE}`) return { status: 200, body: storedProfile() };
      if (path === '/me/contacts') return { status: 200, body: { value: crowd.map((u, i) => outlookContact(u, `AAMkCrowd${i}=`)) } };
      if (path === '/me/mailFolders/inbox') return { status: 200, body: { unreadItemCount: 0 } };
      if (item.method === 'POST' && path === '/communications/getPresencesByUserId') {
        const { ids } = item.body as { ids: string[] };
        seen.push(ids);
        return { status: 200, body: { value: ids.map((id) => ({ id, ...(id === crowd[699]!.id ? { availability: 'Busy', activity: 'InACall' } : AVAILABLE) })) } };
      }
      return unexpected(item);
    }, 2);
    await b.ports.session.signin({ signinName: 'ann@contoso.com', password: '' });
    expect(seen.map((ids) => ids.length)).toEqual([650, 51]);
    const all = seen.flat();
    expect(all[0]).toBe(ANN.id);
    expect(new Set(all).size).toBe(701);
    expect(new Set(all)).toEqual(new Set([ANN.id, ...crowd.map((u) => u.id)]));
    expect((await b.ports.directory.lookup(crowd[699]!.userPrincipalName))?.status).toBe(MISTATUS.MISTATUS_ON_THE_PHONE);
    expect((await b.ports.directory.lookup(crowd[0]!.userPrincipalName))?.status).toBe(MISTATUS.MISTATUS_ONLINE);
  });

  test('a presence call failing inside the $batch fails sign-in with its own table row (403 -> MSGR_E_POLICY_RESTRICTED)', async () => {
    const b = newBackend();
    const crowd = Array.from({ length: 700 }, (_, i) => user(guid(i + 1), `Crowd ${i}`, `crowd${i}@contoso.com`));
    mockBatch((item) => {
      const { path } = split(item.url);
      if (path === '/me') return { status: 200, body: ANN };
      if (path === `/me/extensions/${PROFILE}`) return { status: 200, body: storedProfile() };
      if (path === '/me/contacts') return { status: 200, body: { value: crowd.map((u, i) => outlookContact(u, `AAMkCrowd${i}=`)) } };
      if (path === '/me/mailFolders/inbox') return { status: 200, body: { unreadItemCount: 0 } };
      if (item.method === 'POST' && path === '/communications/getPresencesByUserId') {
        return item.id === '1'
          ? { status: 403, body: { error: { code: 'Forbidden', message: 'Presence.Read.All is not granted' } } }
          : { status: 200, body: { value: [] } };
      }
      return unexpected(item);
    }, 2);
    await rejectsWith(b.ports.session.signin({ signinName: 'ann@contoso.com', password: '' }), 'MSGR_E_POLICY_RESTRICTED');
    expect(log).toEqual(['POST /v1.0/$batch', 'POST /v1.0/$batch']);
  });

  test('contact list paging: every @odata.nextLink is followed to the end (user-list-contacts.md, paging.md)', async () => {
    const b = newBackend();
    // A nextLink as Graph writes it: every query value percent-encoded, quotes included.
    const enc = (v: string) => encodeURIComponent(v).replace(/'/g, '%27');
    const pageQuery = (skip: number) => `%24filter=${enc(CONTACT_LIST_QUERY.$filter)}&%24expand=${enc(CONTACT_LIST_QUERY.$expand)}`
      + `&%24select=${enc(CONTACT_LIST_QUERY.$select)}&%24top=1000&%24skip=${skip}`;
    const next1 = `https://graph.microsoft.com/v1.0/me/contacts?${pageQuery(1000)}`;
    const next2 = `https://graph.microsoft.com/v1.0/me/contacts?${pageQuery(2000)}`;
    graph().get('/v1.0/me/contacts').query({ ...CONTACT_LIST_QUERY, $skip: '1000' })
      .reply(fixed(200, { value: [outlookContact(CAROL, CAROL_CONTACT_ID)], '@odata.nextLink': next2 }));
    graph().get('/v1.0/me/contacts').query({ ...CONTACT_LIST_QUERY, $skip: '2000' })
      .reply(fixed(200, { value: [outlookContact(ERIN, 'AAMkERIN=')] }));
    mockPresence(1);
    // The first page comes in the sign-in batch.
    mockBatch((item) => {
      const { path } = split(item.url);
      if (path === '/me') return { status: 200, body: ANN };
      if (path === `/me/extensions/${PROFILE}`) return { status: 200, body: storedProfile() };
      if (path === '/me/contacts') return { status: 200, body: { value: [outlookContact(BOB, BOB_CONTACT_ID)], '@odata.nextLink': next1 } };
      if (path === '/me/mailFolders/inbox') return { status: 200, body: { unreadItemCount: 0 } };
      return unexpected(item);
    });
    await b.ports.session.signin({ signinName: 'ann@contoso.com', password: '' });
    expect(log).toEqual([
      'POST /v1.0/$batch',
      `GET /v1.0/me/contacts?${pageQuery(1000)}`,
      `GET /v1.0/me/contacts?${pageQuery(2000)}`,
      'POST /v1.0/communications/getPresencesByUserId',
    ]);
    expect(presenceCalls).toEqual([[ANN.id, BOB.id, CAROL.id, ERIN.id]]);
    expect((await b.ports.directory.listContacts()).map((c) => c.signinName)).toEqual(['bob@contoso.com', 'carol@contoso.com', 'erin@contoso.com']);
  });
});

// ---- contacts --------------------------------------------------------------------------------------

describe('contacts (#5 #6 #7 #9)', () => {
  test('AddContact: GET /users/{upn}, then POST /me/contacts with the inline extension and its presence in one $batch', async () => {
    const b = newBackend();
    await signIn(b, { contacts: [outlookContact(BOB, BOB_CONTACT_ID)] });
    mockUser('/v1.0/users/erin%40contoso.com', ERIN);
    mockBatch((item) => {
      if (item.method === 'POST' && item.url === '/me/contacts') {
        return { status: 201, body: { '@odata.context': "https://graph.microsoft.com/v1.0/$metadata#users('me')/contacts/$entity", ...outlookContact(ERIN, 'AAMkERIN=') } };
      }
      if (item.method === 'POST' && item.url === '/communications/getPresencesByUserId') {
        return { status: 200, body: { value: [{ id: ERIN.id, availability: 'BeRightBack', activity: 'BeRightBack' }] } };
      }
      return unexpected(item);
    });

    const record = await b.ports.directory.addContact('Erin@Contoso.com');

    expect(batches).toHaveLength(1);
    const items = batches[0]!;
    expect(items).toHaveLength(2);
    expect(itemOf(items, 'POST', '/me/contacts').body).toEqual({
      displayName: 'Erin Moss',
      emailAddresses: [{ address: 'erin@contoso.com', name: 'Erin Moss' }],
      extensions: [{ '@odata.type': 'microsoft.graph.openTypeExtension', extensionName: CONTACT_EXT, userId: ERIN.id, signinName: 'erin@contoso.com' }],
    });
    expect(itemOf(items, 'POST', '/communications/getPresencesByUserId').body).toEqual({ ids: [ERIN.id] });
    expect(record).toMatchObject({ signinName: 'erin@contoso.com', friendlyName: 'Erin Moss', status: MISTATUS.MISTATUS_BE_RIGHT_BACK });
    expect(log).toEqual(['GET /v1.0/users/erin%40contoso.com?$select=id%2CdisplayName%2CuserPrincipalName%2Cmail%2CbusinessPhones%2CmobilePhone', 'POST /v1.0/$batch']);
  });

  test('AddContact whose answer is lost (503 in the $batch): the POST is not re-sent; the list is re-read (GET /me/contacts, #4) and the contact found', async () => {
    const b = newBackend();
    await signIn(b, { contacts: [outlookContact(BOB, BOB_CONTACT_ID)] });
    mockUser('/v1.0/users/erin%40contoso.com', ERIN);
    mockBatch((item) => (item.url === '/me/contacts' ? { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'try later' } } }
      : item.url === '/communications/getPresencesByUserId' ? { status: 200, body: { value: [] } } : unexpected(item)));
    graph().get('/v1.0/me/contacts').query(CONTACT_LIST_QUERY)
      .reply(fixed(200, { value: [outlookContact(BOB, BOB_CONTACT_ID), outlookContact(ERIN, 'AAMkERIN=')] }));
    const record = await b.ports.directory.addContact('erin@contoso.com');
    expect(record.signinName).toBe('erin@contoso.com');
    expect(batches).toHaveLength(1);
    expect(log.map((l) => l.split('?')[0])).toEqual(['GET /v1.0/users/erin%40contoso.com', 'POST /v1.0/$batch', 'GET /v1.0/me/contacts']);
    expect((await b.ports.directory.listContacts()).map((c) => c.signinName)).toEqual(['bob@contoso.com', 'erin@contoso.com']);
  });

  test('AddContact carries the phones the directory has (businessPhones, mobilePhone)', async () => {
    const b = newBackend();
    await signIn(b);
    const dan = user('6a1f0e2d-3c4b-4a59-8e7d-6c5b4a392817', 'Dan Park', 'dan@contoso.com', { businessPhones: ['+1 425 555 0142'], mobilePhone: '+1 425 555 0143', mail: 'dan.park@contoso.com' });
    mockUser('/v1.0/users/dan%40contoso.com', dan);
    mockBatch((item) => (item.url === '/me/contacts' ? { status: 201, body: outlookContact(dan, 'AAMkDAN=') }
      : item.url === '/communications/getPresencesByUserId' ? { status: 200, body: { value: [] } } : unexpected(item)));
    await b.ports.directory.addContact('dan@contoso.com');
    expect(itemOf(batches[0]!, 'POST', '/me/contacts').body).toEqual({
      displayName: 'Dan Park',
      emailAddresses: [{ address: 'dan.park@contoso.com', name: 'Dan Park' }],
      businessPhones: ['+1 425 555 0142'],
      mobilePhone: '+1 425 555 0143',
      extensions: [{ '@odata.type': 'microsoft.graph.openTypeExtension', extensionName: CONTACT_EXT, userId: dan.id, signinName: 'dan@contoso.com' }],
    });
  });

  test('Contacts.Remove: DELETE /me/contacts/{id} by the Outlook contact id (percent-encoded), 204', async () => {
    const b = newBackend();
    const id = 'AAMkAGI2TG93AAA/x+y=';
    await signIn(b, { contacts: [outlookContact(BOB, id), outlookContact(CAROL, CAROL_CONTACT_ID)] });
    graph().delete('/v1.0/me/contacts/AAMkAGI2TG93AAA%2Fx%2By%3D').reply(fixed(204));
    await b.ports.directory.removeContact('BOB@contoso.com');
    expect(log).toEqual(['DELETE /v1.0/me/contacts/AAMkAGI2TG93AAA%2Fx%2By%3D']);
    expect((await b.ports.directory.listContacts()).map((c) => c.signinName)).toEqual(['carol@contoso.com']);
    expect(log).toHaveLength(1);
  });
});

// ---- my status -------------------------------------------------------------------------------------

describe('MyStatus put (#3, presence-setuserpreferredpresence.md)', () => {
  const ALLOWED: ReadonlyArray<readonly [string, MISTATUS, string, string]> = [
    ['ONLINE', MISTATUS.MISTATUS_ONLINE, 'Available', 'Available'],
    ['BUSY', MISTATUS.MISTATUS_BUSY, 'Busy', 'Busy'],
    ['DO_NOT_DISTURB', MISTATUS.MISTATUS_DO_NOT_DISTURB, 'DoNotDisturb', 'DoNotDisturb'],
    ['BE_RIGHT_BACK', MISTATUS.MISTATUS_BE_RIGHT_BACK, 'BeRightBack', 'BeRightBack'],
    ['AWAY', MISTATUS.MISTATUS_AWAY, 'Away', 'Away'],
    ['INVISIBLE', MISTATUS.MISTATUS_INVISIBLE, 'Offline', 'OffWork'],
  ];

  test.each(ALLOWED)('MISTATUS_%s → POST /users/{me}/presence/setUserPreferredPresence with a supported pair', async (_name, status, availability, activity) => {
    const b = newBackend();
    await signIn(b);
    graph().post(`/v1.0/users/${ANN.id}/presence/setUserPreferredPresence`, { availability, activity }).reply(fixed(200));
    await b.ports.presence.setMyStatus(status);
    expect(log).toEqual([`POST /v1.0/users/${ANN.id}/presence/setUserPreferredPresence`]);
    expect((await b.ports.session.self()).status).toBe(status);
  });

  const REFUSED: ReadonlyArray<readonly [string, MISTATUS]> = [
    ['OUT_TO_LUNCH', MISTATUS.MISTATUS_OUT_TO_LUNCH],
    ['ON_THE_PHONE', MISTATUS.MISTATUS_ON_THE_PHONE],
    ['IDLE', MISTATUS.MISTATUS_IDLE],
    ['IN_A_MEETING', MISTATUS.MISTATUS_IN_A_MEETING],
    ['OUT_OF_OFFICE', MISTATUS.MISTATUS_OUT_OF_OFFICE],
    ['OFFLINE', MISTATUS.MISTATUS_OFFLINE],
    ['CUSTOM', MISTATUS.MISTATUS_CUSTOM],
  ];

  test.each(REFUSED)('MISTATUS_%s has no Teams pair: E_INVALIDARG and no request', async (_name, status) => {
    const b = newBackend();
    await signIn(b);
    const before = (await b.ports.session.self()).status;
    await rejectsWith(b.ports.presence.setMyStatus(status), 'E_INVALIDARG');
    expect(log).toEqual([]);
    expect((await b.ports.session.self()).status).toBe(before);
  });
});

describe('the presence session (presence-setpresence.md, presence-session.ts)', () => {
  const APP = '0d5e8a4c-6f1b-4c2e-9a7d-3b8f2e1c4a6b';
  const session = (availability: string, activity: string) => ({ sessionId: APP, availability, activity, expirationDuration: 'PT5M' });

  test('sign-in opens it ahead of the presence read in one $batch, an Away-like MyStatus moves it, a renewal repeats it, sign-out clears it', async () => {
    const b = newBackend(undefined, undefined, { presenceSession: { sessionId: APP, renewMs: 0 } });
    await signIn(b, { keepLog: true, session: session('Available', 'Available') });
    // In the $batch that reads presence, ahead of the read, which depends on it (one request, not two).
    expect(batches[1]!.map((i) => [i.method, split(i.url).path, i.dependsOn])).toEqual([
      ['POST', `/users/${ANN.id}/presence/setPresence`, undefined], ['POST', '/communications/getPresencesByUserId', [batches[1]![0]!.id]],
    ]);
    log = [];
    graph().post(`/v1.0/users/${ANN.id}/presence/setUserPreferredPresence`, { availability: 'Away', activity: 'Away' }).reply(fixed(200));
    graph().post(`/v1.0/users/${ANN.id}/presence/setPresence`, session('Away', 'Away')).times(2).reply(fixed(200));
    await b.ports.presence.setMyStatus(MISTATUS.MISTATUS_AWAY);
    await b.presenceSession.renew();
    graph().post(`/v1.0/users/${ANN.id}/presence/clearPresence`, { sessionId: APP }).reply(fixed(200));
    await b.ports.session.signout();
    expect(log).toEqual([
      `POST /v1.0/users/${ANN.id}/presence/setUserPreferredPresence`, `POST /v1.0/users/${ANN.id}/presence/setPresence`,
      `POST /v1.0/users/${ANN.id}/presence/setPresence`, `POST /v1.0/users/${ANN.id}/presence/clearPresence`,
    ]);
  });
});

// ---- groups ----------------------------------------------------------------------------------------

describe('groups (#10-#16 #21)', () => {
  const chatsQuery = { $filter: "chatType eq 'group'", $expand: 'members', $top: '50' };

  test("MyGroups: GET /me/chats?$filter=chatType eq 'group'&$expand=members&$top=50, every page; a chat showing 25 members gets its roster in a $batch", async () => {
    const b = newBackend();
    await signIn(b, { profile: storedProfile({ hiddenChats: [CHAT_C] }) });
    const crowd = Array.from({ length: 30 }, (_, i) => user(guid(100 + i), `Crowd ${i}`, `crowd${i}@contoso.com`));
    const next = `https://graph.microsoft.com/v1.0/me/chats?$filter=chatType%20eq%20'group'&$expand=members&$top=50&$skiptoken=1.kscDYs0JD2WQx8MxqK`;
    graph().get('/v1.0/me/chats').query(chatsQuery).reply(fixed(200, {
      '@odata.count': 2,
      '@odata.nextLink': next,
      value: [
        { id: CHAT_A, topic: 'Coworkers\uFF1A Q3', chatType: 'group', createdDateTime: '2024-05-01T10:00:00Z', members: [member(ANN, 'MCMjYW5uIyM='), member(BOB, 'MCMjYm9iIyM='), member(CAROL, 'MCMjY2Fyb2wjIw==', null)] },
        { id: CHAT_B, topic: 'Everyone', chatType: 'group', createdDateTime: '2024-05-02T10:00:00Z', members: [member(ANN, 'MCMjYW5uIyNi'), ...crowd.slice(0, 24).map((u, i) => member(u, `MCMjY3Jvd2Qj${i}`))] },
      ],
    }));
    graph().get('/v1.0/me/chats').query({ ...chatsQuery, $skiptoken: '1.kscDYs0JD2WQx8MxqK' }).reply(fixed(200, {
      value: [{ id: CHAT_C, topic: 'Hidden', chatType: 'group', createdDateTime: '2024-05-03T10:00:00Z', members: [member(ANN, 'MCMjYW5uIyNj'), member(BOB, 'MCMjYm9iIyNj'), member(ERIN, 'MCMjZXJpbiMj')] }],
    }));
    mockBatch((item) => {
      if (item.method === 'GET' && item.url === `/chats/${CHAT_B_SEGMENT}/members`) {
        return { status: 200, body: { value: [member(ANN, 'MCMjYW5uIyNi'), ...crowd.map((u, i) => member(u, `MCMjY3Jvd2Qj${i}`))] } };
      }
      return unexpected(item);
    });
    // Carol's membership has no email: her sign-in name is looked up (batched).
    mockBatch((item) => {
      if (item.method === 'GET' && split(item.url).path === `/users/${CAROL.id}`) return { status: 200, body: CAROL };
      return unexpected(item);
    });

    const groups = await b.ports.groups.list();

    expect(log.slice(0, 2)).toEqual([
      "GET /v1.0/me/chats?$filter=chatType%20eq%20%27group%27&$expand=members&$top=50",
      `GET /v1.0/me/chats?$filter=chatType%20eq%20%27group%27&$expand=members&$top=50&$skiptoken=1.kscDYs0JD2WQx8MxqK`,
    ]);
    expect(batches).toHaveLength(2);
    expect(batches[0]!.map((i) => [i.method, i.url])).toEqual([['GET', `/chats/${CHAT_B_SEGMENT}/members`]]);
    expect(batches[1]!.map((i) => [i.method, split(i.url).path])).toEqual([['GET', `/users/${CAROL.id}`]]);
    expect(split(batches[1]![0]!.url).query).toEqual({ $select: 'id,displayName,userPrincipalName' });
    expect(groups).toEqual([
      { id: CHAT_A, name: 'Coworkers: Q3', serviceId: `{${TENANT}}`, members: ['bob@contoso.com', 'carol@contoso.com'] },
      { id: CHAT_B, name: 'Everyone', serviceId: `{${TENANT}}`, members: crowd.map((u) => u.userPrincipalName) },
    ]);
  });

  test('MyGroups: a chat with fewer than 25 members needs no roster request', async () => {
    const b = newBackend();
    await signIn(b);
    graph().get('/v1.0/me/chats').query(chatsQuery).reply(fixed(200, {
      value: [{ id: CHAT_A, topic: null, chatType: 'group', members: [member(ANN, 'MCMjYW5uIyM='), member(BOB, 'MCMjYm9iIyM='), member(CAROL, 'MCMjY2Fyb2wjIw==')] }],
    }));
    const groups = await b.ports.groups.list();
    expect(groups).toEqual([{ id: CHAT_A, name: '', serviceId: `{${TENANT}}`, members: ['bob@contoso.com', 'carol@contoso.com'] }]);
    expect(log).toHaveLength(1);
  });

  test("CreateGroup: no chat until two members; the second AddContact creates it (POST /chats, caller + 2 owners, ':' as U+FF1A)", async () => {
    const b = newBackend();
    await signIn(b);

    // 1. CreateGroup: only the profile (the group is pending).
    let groupId = '';
    profilePatch((doc) => {
      const pending = pendingGroupsOf(doc);
      expect(pending).toHaveLength(1);
      expect(pending[0]).toMatchObject({ name: 'Project: "Q3" & more', members: [] });
      expect(doc.hiddenChats).toEqual([]);
      expect(doc.aliases).toEqual([]);
      expect(doc.intents).toEqual([]);
      expect(doc.contactsSortOrder).toBe(MUASORT.MUASORT_GROUPS);
    });
    const group = await b.ports.groups.create('Project: "Q3" & more', `{${TENANT}}`);
    groupId = group.id;
    expect(group).toEqual({ id: groupId, name: 'Project: "Q3" & more', serviceId: `{${TENANT}}`, members: [] });
    expect(log).toEqual([`PATCH /v1.0/me/extensions/${PROFILE}`]);

    // 2. The first member: still pending, no chat.
    mockUser('/v1.0/users/bob%40contoso.com', BOB);
    profilePatch((doc) => { expect(pendingGroupsOf(doc)).toEqual([{ id: groupId, name: 'Project: "Q3" & more', members: ['bob@contoso.com'] }]); });
    await b.ports.groups.addMember(groupId, 'bob@contoso.com');
    expect(log.slice(1).map((l) => l.split('?')[0])).toEqual(['GET /v1.0/users/bob%40contoso.com', `PATCH /v1.0/me/extensions/${PROFILE}`]);

    // 3. The second member: journal, create, confirm.
    mockUser('/v1.0/users/carol%40contoso.com', CAROL);
    profilePatch((doc) => { expect(pendingGroupsOf(doc)[0]!.members).toEqual(['bob@contoso.com', 'carol@contoso.com']); });
    profilePatch((doc) => {
      const intents = doc.intents.map((i) => JSON.parse(i) as { groupId: string; topic: string; at: string });
      expect(intents).toEqual([{ groupId, topic: 'Project: "Q3" & more', at: expect.any(String) }]);
      expect(Number.isNaN(Date.parse(intents[0]!.at))).toBe(false);
    });
    graph().post('/v1.0/chats').reply(answer(({ body }) => {
      const chat = body as { chatType: string; topic: string; members: unknown[] };
      expect(Object.keys(chat).sort()).toEqual(['chatType', 'members', 'topic']);
      expect(chat.chatType).toBe('group');
      expect(chat.topic).toBe('Project\uFF1A "Q3" & more');
      expect(chat.topic).not.toContain(':');
      expect(chat.members).toHaveLength(3);
      [ANN, BOB, CAROL].forEach((u, i) => expectMember(chat.members[i], u.id));
      return { status: 201, body: { id: CHAT_A, topic: chat.topic, chatType: 'group', createdDateTime: new Date().toISOString(), webUrl: 'https://teams.microsoft.com/l/chat/x' } };
    }));
    profilePatch((doc) => {
      expect(doc.pendingGroups).toEqual([]);
      expect(doc.intents).toEqual([]);
      expect(doc.aliases).toEqual([`${groupId}=${CHAT_A}`]);
    });
    await b.ports.groups.addMember(groupId, 'carol@contoso.com');
    expect(log.slice(3).map((l) => l.split('?')[0])).toEqual([
      'GET /v1.0/users/carol%40contoso.com',
      `PATCH /v1.0/me/extensions/${PROFILE}`,
      `PATCH /v1.0/me/extensions/${PROFILE}`,
      'POST /v1.0/chats',
      `PATCH /v1.0/me/extensions/${PROFILE}`,
    ]);

    // 4. The group keeps its id: renaming it patches the chat it became.
    graph().patch(`/v1.0/chats/${CHAT_A_SEGMENT}`, { topic: 'Renamed\uFF1A x' }).reply(fixed(204));
    await b.ports.groups.rename(groupId, 'Renamed: x');
    expect(log.at(-1)).toBe(`PATCH /v1.0/chats/${CHAT_A_SEGMENT}`);
  });

  test('CreateGroup with no stored profile: POST /me/extensions with the whole extension, then PATCHes', async () => {
    const b = newBackend();
    await signIn(b, { profile: null });
    graph().post('/v1.0/me/extensions').reply(answer(({ body }) => {
      const doc = expectWholeProfile(body);
      expect(pendingGroupsOf(doc)).toMatchObject([{ name: 'Friends', members: [] }]);
      return { status: 201, body: { ...storedProfile(), ...doc, id: PROFILE } };
    }));
    await b.ports.groups.create('Friends', `{${TENANT}}`);
    profilePatch((doc) => { expect(pendingGroupsOf(doc).map((g) => g.name)).toEqual(['Friends', 'Family']); });
    await b.ports.groups.create('Family', `{${TENANT}}`);
    expect(log).toEqual(['POST /v1.0/me/extensions', `PATCH /v1.0/me/extensions/${PROFILE}`]);
  });

  test('Group rename: PATCH /chats/{id} { topic } with ":" as U+FF1A; a name over 250 characters sends nothing', async () => {
    const b = newBackend();
    await signIn(b);
    graph().patch(`/v1.0/chats/${CHAT_B_SEGMENT}`, { topic: 'Team\uFF1A \'A\' / #1 % ü' }).reply(fixed(200, { id: CHAT_B, topic: 'Team\uFF1A \'A\' / #1 % ü', chatType: 'group' }));
    await b.ports.groups.rename(CHAT_B, "Team: 'A' / #1 % ü");
    expect(log).toEqual([`PATCH /v1.0/chats/${CHAT_B_SEGMENT}`]);
    await rejectsWith(b.ports.groups.rename(CHAT_B, 'x'.repeat(251)), 'MSGR_E_GROUP_NAME_TOO_LONG');
    expect(log).toHaveLength(1);
  });

  test('Group AddContact on an existing chat: POST /chats/{id}/members, 201 with Location and no body', async () => {
    const b = newBackend();
    await signIn(b);
    mockUser('/v1.0/users/erin%40contoso.com', ERIN);
    graph().post(`/v1.0/chats/${CHAT_A_SEGMENT}/members`).reply(answer(({ body }) => {
      expectMember(body, ERIN.id);
      return { status: 201, headers: { Location: `/chats/${CHAT_A}/members/MCMjZXJpbiMjMTk6` } };
    }));
    await b.ports.groups.addMember(CHAT_A, 'erin@contoso.com');
    expect(log.map((l) => l.split('?')[0])).toEqual(['GET /v1.0/users/erin%40contoso.com', `POST /v1.0/chats/${CHAT_A_SEGMENT}/members`]);
  });

  test('Group RemoveContact: DELETE /chats/{id}/members/{membershipId} — the membership id, not the user id', async () => {
    const b = newBackend();
    await signIn(b);
    const membership = 'MCMjMjQzMmI1N2ItMGFiZC00M2Ri+/Q==';
    mockUser('/v1.0/users/bob%40contoso.com', BOB);
    graph().get(`/v1.0/chats/${CHAT_A_SEGMENT}/members`).reply(fixed(200, {
      value: [member(ANN, 'MCMjYW5uIyM='), member(BOB, membership), member(CAROL, 'MCMjY2Fyb2wjIw==')],
    }));
    graph().delete(`/v1.0/chats/${CHAT_A_SEGMENT}/members/MCMjMjQzMmI1N2ItMGFiZC00M2Ri%2B%2FQ%3D%3D`).reply(fixed(204));
    await b.ports.groups.removeMember(CHAT_A, 'bob@contoso.com');
    expect(log.map((l) => l.split('?')[0])).toEqual([
      'GET /v1.0/users/bob%40contoso.com',
      `GET /v1.0/chats/${CHAT_A_SEGMENT}/members`,
      `DELETE /v1.0/chats/${CHAT_A_SEGMENT}/members/MCMjMjQzMmI1N2ItMGFiZC00M2Ri%2B%2FQ%3D%3D`,
    ]);
    expect(log.join('\n')).not.toContain(BOB.id);
  });

  test('Groups.Remove: POST /chats/{id}/hideForUser { user: { id, tenantId } } and the profile PATCH listing the hidden chat', async () => {
    const b = newBackend();
    await signIn(b, { profile: storedProfile({ contactsSortOrder: 1, hiddenChats: [CHAT_C] }) });
    mockBatch((item) => {
      if (item.method === 'POST' && item.url === `/chats/${CHAT_B_SEGMENT}/hideForUser`) return { status: 204 };
      if (item.method === 'PATCH' && item.url === `/me/extensions/${PROFILE}`) return { status: 204 };
      return unexpected(item);
    });
    await b.ports.groups.remove(CHAT_B);
    expect(log).toEqual(['POST /v1.0/$batch']);
    const items = batches[0]!;
    expect(items.map((i) => `${i.method} ${i.url}`)).toEqual([`POST /chats/${CHAT_B_SEGMENT}/hideForUser`, `PATCH /me/extensions/${PROFILE}`]);
    expect(items[0]!.body).toEqual({ user: { id: ANN.id, tenantId: TENANT } });
    const doc = expectWholeProfile(items[1]!.body);
    expect(doc.hiddenChats).toEqual([CHAT_C, CHAT_B]);
    expect(doc.contactsSortOrder).toBe(MUASORT.MUASORT_ONOFFLINE);
    // Recorded: a later profile write keeps the chat hidden.
    profilePatch((d) => { expect(d.hiddenChats).toEqual([CHAT_C, CHAT_B]); });
    await b.ports.preferences.setSortOrder(MUASORT.MUASORT_GROUPS);
  });

  test('Groups.Remove when hideForUser fails: the error, and the hidden chat is not adopted', async () => {
    const b = newBackend();
    await signIn(b);
    mockBatch((item) => (item.url.endsWith('/hideForUser') ? { status: 403, body: { error: { code: 'Forbidden', message: 'no' } } }
      : item.method === 'PATCH' ? { status: 204 } : unexpected(item)));
    await rejectsWith(b.ports.groups.remove(CHAT_B), 'MSGR_E_POLICY_RESTRICTED');
    profilePatch((d) => { expect(d.hiddenChats).toEqual([]); });
    await b.ports.preferences.setSortOrder(MUASORT.MUASORT_ONOFFLINE);
  });
});

// ---- conversations ---------------------------------------------------------------------------------

describe('conversations (#17 #18 #19)', () => {
  test('InstantMessage sends nothing; History creates the 1:1 chat (POST /chats oneOnOne) and GETs its messages with $top=50', async () => {
    const b = newBackend();
    await signIn(b, { contacts: [outlookContact(BOB, BOB_CONTACT_ID)] });
    const window = await b.ports.conversations.open('im', 'bob@contoso.com');
    expect(window).toMatchObject({ kind: 'im', contacts: ['bob@contoso.com'] });
    expect(log).toEqual([]);

    // Bob is a listed contact: his user id comes from the contact's extension, no lookup.
    graph().post('/v1.0/chats').reply(answer(({ body }) => {
      const chat = body as { chatType: string; members: unknown[] };
      expect(Object.keys(chat).sort()).toEqual(['chatType', 'members']);
      expect(chat.chatType).toBe('oneOnOne');
      expect(chat.members).toHaveLength(2);
      expectMember(chat.members[0], ANN.id);
      expectMember(chat.members[1], BOB.id);
      return { status: 201, body: { id: ONE_ON_ONE, chatType: 'oneOnOne', topic: null, webUrl: 'https://teams.microsoft.com/l/chat/19%3A1on1/0' } };
    }));
    graph().get(`/v1.0/chats/${ONE_ON_ONE_SEGMENT}/messages`).query({ $top: '50' }).twice().reply(fixed(200, {
      value: [
        { id: '2', from: { user: { displayName: 'Bob Kelly' } }, body: { contentType: 'html', content: '<p>fine, you?</p>' } },
        { id: '1', from: { user: { displayName: 'Ann Lee' } }, body: { contentType: 'text', content: 'hi' } },
      ],
    }));
    expect(await b.ports.conversations.history(window.id)).toBe('Ann Lee: hi\r\nBob Kelly: fine, you?');
    expect(log).toEqual(['POST /v1.0/chats', `GET /v1.0/chats/${ONE_ON_ONE_SEGMENT}/messages?$top=50`]);
    // The chat is known now: the next History is one GET.
    await b.ports.conversations.history(window.id);
    expect(log).toHaveLength(3);
  });

  test('StartVideo: createOrGet and the 1:1 chat in one $batch, the invitation posted once; again on the same window: only createOrGet (same externalId), no chat, no invitation', async () => {
    const b = newBackend();
    await signIn(b, { contacts: [outlookContact(BOB, BOB_CONTACT_ID)] });
    const joinWebUrl = 'https://teams.microsoft.com/l/meetup-join/19%3ameeting_NDk3@thread.v2/0?context=%7b%22Tid%22%3a%22x%22%7d&a=1';
    const meeting = { id: 'MSpkYzE3NjctYmZiMi04ZGMwLTZhYTMtZTk2NzA2NGYwNDlk', externalId: '', joinWebUrl, subject: '' };
    mockBatch((item) => {
      if (item.method === 'POST' && item.url === '/me/onlineMeetings/createOrGet') return { status: 201, body: meeting };
      if (item.method === 'POST' && item.url === '/chats') return { status: 201, body: { id: ONE_ON_ONE, chatType: 'oneOnOne', webUrl: 'https://teams.microsoft.com/l/chat/1' } };
      return unexpected(item);
    });
    graph().post(`/v1.0/chats/${ONE_ON_ONE_SEGMENT}/messages`).reply(answer(({ body }) => {
      const msg = body as { body: { contentType: string; content: string } };
      expect(Object.keys(msg)).toEqual(['body']);
      expect(Object.keys(msg.body).sort()).toEqual(['content', 'contentType']);
      expect(msg.body.contentType).toBe('html');
      expect(msg.body.content).toContain(`href="${joinWebUrl.replace(/&/g, '&#38;')}"`);
      return { status: 201, body: { id: '1616990032035', messageType: 'message' } };
    }));

    const window = await b.ports.conversations.open('video', 'bob@contoso.com');

    expect(window).toMatchObject({ kind: 'video', contacts: ['bob@contoso.com'], joinUrl: joinWebUrl });
    expect(batches).toHaveLength(1);
    const items = batches[0]!;
    expect(items).toHaveLength(2);
    const createOrGet = itemOf(items, 'POST', '/me/onlineMeetings/createOrGet').body as {
      externalId: string; subject: string; participants: { attendees: { identity: { user: { id: string } }; upn: string }[] };
    };
    expect(Object.keys(createOrGet).sort()).toEqual(['externalId', 'participants', 'subject']);
    expect(createOrGet.externalId).toMatch(/^[0-9a-f]{32}$/);
    expect(createOrGet.participants).toEqual({ attendees: [{ identity: { user: { id: BOB.id } }, upn: 'bob@contoso.com' }] });
    expect(typeof createOrGet.subject).toBe('string');
    const chat = itemOf(items, 'POST', '/chats').body as { chatType: string; members: unknown[] };
    expect(chat.chatType).toBe('oneOnOne');
    expectMember(chat.members[0], ANN.id);
    expectMember(chat.members[1], BOB.id);
    expect(log).toEqual(['POST /v1.0/$batch', `POST /v1.0/chats/${ONE_ON_ONE_SEGMENT}/messages`]);

    // Again on the same window: createOrGet finds the same meeting (same externalId); no chat, no invitation.
    mockBatch((item) => (item.method === 'POST' && item.url === '/me/onlineMeetings/createOrGet' ? { status: 200, body: meeting } : unexpected(item)));
    const again = await b.ports.conversations.open('video', 'bob@contoso.com', { reuse: window.id });
    expect(again.id).toBe(window.id);
    expect(batches).toHaveLength(2);
    expect(batches[1]!.map((i) => [i.method, i.url])).toEqual([['POST', '/me/onlineMeetings/createOrGet']]);
    expect((batches[1]![0]!.body as { externalId: string }).externalId).toBe(createOrGet.externalId);
    expect(log.filter((l) => l.includes('/messages'))).toHaveLength(1);
  });

  test('createOrGet externalId is deterministic: the same in another session, different for voice', async () => {
    const externalIds: Record<string, string> = {};
    for (const [run, kind] of [['first', 'video'], ['second', 'video'], ['voice', 'voice']] as const) {
      const b = newBackend();
      await signIn(b);
      mockUser('/v1.0/users/bob%40contoso.com', BOB);
      mockBatch((item) => {
        if (item.url === '/me/onlineMeetings/createOrGet') {
          externalIds[run] = (item.body as { externalId: string }).externalId;
          return { status: run === 'first' ? 201 : 200, body: { id: `meeting-${kind}`, joinWebUrl: `https://teams.microsoft.com/l/meetup-join/${kind}` } };
        }
        if (item.url === '/chats') return { status: 201, body: { id: ONE_ON_ONE, chatType: 'oneOnOne' } };
        return unexpected(item);
      });
      graph().post(`/v1.0/chats/${ONE_ON_ONE_SEGMENT}/messages`).reply(fixed(201, { id: '1' }));
      await b.ports.conversations.open(kind, 'bob@contoso.com');
      expect(nock.pendingMocks()).toEqual([]);
    }
    expect(externalIds['first']).toMatch(/^[0-9a-f]{32}$/);
    expect(externalIds['second']).toBe(externalIds['first']);
    expect(externalIds['voice']).not.toBe(externalIds['first']);
  });
});

// ---- mail, preferences -----------------------------------------------------------------------------

describe('mail and preferences (#20 #21)', () => {
  test('UnreadEmailCount: GET /me/mailFolders/inbox?$select=unreadItemCount', async () => {
    const b = newBackend();
    await signIn(b);
    graph().get('/v1.0/me/mailFolders/inbox').query({ $select: 'unreadItemCount' })
      .reply(fixed(200, { '@odata.context': "https://graph.microsoft.com/v1.0/$metadata#users('ann')/mailFolders(unreadItemCount)/$entity", id: 'AAMkAGI2AAEMAAA=', unreadItemCount: 12 }));
    expect(await b.ports.mail.unreadCount(MUAFOLDER.MUAFOLDER_INBOX)).toBe(12);
    expect(log).toEqual(['GET /v1.0/me/mailFolders/inbox?$select=unreadItemCount']);
  });

  test('UnreadEmailCount without a mailbox (404): -1', async () => {
    const b = newBackend();
    await signIn(b);
    graph().get('/v1.0/me/mailFolders/inbox').query({ $select: 'unreadItemCount' }).reply(fixed(404, { error: { code: 'ErrorItemNotFound', message: 'The specified object was not found in the store.' } }));
    expect(await b.ports.mail.unreadCount(MUAFOLDER.MUAFOLDER_INBOX)).toBe(-1);
  });

  test('ContactsSortOrder put: PATCH /me/extensions/com.imessenger.profile carrying every property', async () => {
    const b = newBackend();
    const pending = JSON.stringify({ id: 'pending-1', name: 'Friends', members: ['bob@contoso.com'] });
    await signIn(b, { profile: storedProfile({ pendingGroups: [pending], hiddenChats: [CHAT_C], aliases: [`pending-0=${CHAT_A}`] }) });
    graph().patch(`/v1.0/me/extensions/${PROFILE}`, {
      '@odata.type': 'microsoft.graph.openTypeExtension',
      extensionName: PROFILE,
      contactsSortOrder: 1,
      pendingGroups: [pending],
      hiddenChats: [CHAT_C],
      aliases: [`pending-0=${CHAT_A}`],
      intents: [],
    }).reply(fixed(204));
    await b.ports.preferences.setSortOrder(MUASORT.MUASORT_ONOFFLINE);
    expect(await b.ports.preferences.sortOrder()).toBe(MUASORT.MUASORT_ONOFFLINE);
    expect(log).toEqual([`PATCH /v1.0/me/extensions/${PROFILE}`]);
  });

  test('ContactsSortOrder put without a stored profile: POST /me/extensions (opentypeextension-post-opentypeextension.md)', async () => {
    const b = newBackend();
    await signIn(b, { profile: null });
    graph().post('/v1.0/me/extensions', {
      '@odata.type': 'microsoft.graph.openTypeExtension',
      extensionName: PROFILE,
      contactsSortOrder: 1,
      pendingGroups: [],
      hiddenChats: [],
      aliases: [],
      intents: [],
    }).reply(fixed(201, { ...storedProfile({ contactsSortOrder: 1 }) }));
    await b.ports.preferences.setSortOrder(MUASORT.MUASORT_ONOFFLINE);
    // Stored now: the next change is a PATCH.
    graph().patch(`/v1.0/me/extensions/${PROFILE}`).reply(answer(({ body }) => { expect(expectWholeProfile(body).contactsSortOrder).toBe(0); return { status: 204 }; }));
    await b.ports.preferences.setSortOrder(MUASORT.MUASORT_GROUPS);
    expect(log).toEqual(['POST /v1.0/me/extensions', `PATCH /v1.0/me/extensions/${PROFILE}`]);
  });
});

// ---- the presence watcher --------------------------------------------------------------------------

describe('presence poll (#9 #1 #20 #7 in one $batch)', () => {
  test('pollNow(): one $batch with getPresencesByUserId (me + contacts), /me, the inbox and the contacts\' directory entries', async () => {
    const b = newBackend();
    await signIn(b, { contacts: [outlookContact(BOB, BOB_CONTACT_ID), outlookContact(CAROL, CAROL_CONTACT_ID, ['+1 425 555 0177'])], unread: 3 });
    const changes: RemoteChange[] = [];
    b.ports.events.watch((c) => changes.push(c));
    mockBatch((item) => {
      const { path } = split(item.url);
      if (item.method === 'POST' && path === '/communications/getPresencesByUserId') {
        return { status: 200, body: { value: [
          { id: ANN.id, availability: 'Available', activity: 'Available' },
          { id: BOB.id, availability: 'Busy', activity: 'InACall' },
          { id: CAROL.id, availability: 'Available', activity: 'Available' },
        ] } };
      }
      if (item.method === 'GET' && path === '/me') return { status: 200, body: ANN };
      if (item.method === 'GET' && path === '/me/mailFolders/inbox') return { status: 200, body: { unreadItemCount: 5 } };
      if (item.method === 'GET' && path === `/users/${BOB.id}`) return { status: 200, body: BOB };
      if (item.method === 'GET' && path === `/users/${CAROL.id}`) return { status: 200, body: { ...CAROL, displayName: 'Carol Diaz-Moss' } };
      return unexpected(item);
    });

    await b.watcher.pollNow();

    expect(log).toEqual(['POST /v1.0/$batch']);
    const items = batches[0]!;
    expect(items).toHaveLength(5);
    expect(itemOf(items, 'POST', '/communications/getPresencesByUserId').body).toEqual({ ids: [ANN.id, BOB.id, CAROL.id] });
    expect(itemOf(items, 'GET', '/me').query).toEqual({ $select: USER_SELECT });
    expect(itemOf(items, 'GET', '/me/mailFolders/inbox').query).toEqual({ $select: 'unreadItemCount' });
    expect(itemOf(items, 'GET', `/users/${BOB.id}`).query).toEqual({ $select: USER_SELECT });
    expect(itemOf(items, 'GET', `/users/${CAROL.id}`).query).toEqual({ $select: USER_SELECT });
    expect(changes).toEqual(expect.arrayContaining([
      { type: 'contactStatus', signinName: 'bob@contoso.com', status: MISTATUS.MISTATUS_ON_THE_PHONE },
      { type: 'unreadEmail', folder: MUAFOLDER.MUAFOLDER_INBOX, count: 5 },
      { type: 'contactFriendlyName', signinName: 'carol@contoso.com', friendlyName: 'Carol Diaz-Moss' },
    ]));
    // The directory has no home phones: the Outlook contact's stays.
    expect((await b.ports.directory.listContacts()).find((c) => c.signinName === 'carol@contoso.com')?.phones).toEqual({ home: '+1 425 555 0177' });
    expect(log).toHaveLength(1);
  });

  test('pollNow() with 700 contacts: 2 presence items (650 + 51 ids), every $batch ≤ 20 items', async () => {
    const b = newBackend();
    const crowd = Array.from({ length: 700 }, (_, i) => user(guid(i + 1), `Crowd ${i}`, `crowd${i}@contoso.com`));
    await signIn(b, { contacts: crowd.map((u, i) => outlookContact(u, `AAMkCrowd${i}=`)), presenceCalls: 2 });
    const byId = new Map(crowd.map((u) => [u.id, u]));
    const total = 2 + 2 + 700;
    mockBatch((item) => {
      const { path } = split(item.url);
      if (path === '/communications/getPresencesByUserId') return { status: 200, body: { value: [] } };
      if (path === '/me') return { status: 200, body: ANN };
      if (path === '/me/mailFolders/inbox') return { status: 200, body: { unreadItemCount: 3 } };
      const u = byId.get(path.replace('/users/', ''));
      return u ? { status: 200, body: u } : unexpected(item);
    }, Math.ceil(total / 20));
    await b.watcher.pollNow();
    const items = batches.flat();
    expect(items).toHaveLength(total);
    for (const batch of batches) expect(batch.length).toBeLessThanOrEqual(20);
    const presence = items.filter((i) => i.url === '/communications/getPresencesByUserId');
    expect(presence.map((i) => (i.body as { ids: string[] }).ids.length)).toEqual([650, 51]);
  });
});

// ---- hostile names ---------------------------------------------------------------------------------

describe('hostile names reach Graph escaped (user-get.md, query-parameters.md)', () => {
  const ZOE = user('11111111-2222-4333-8444-555555555555', 'Zoë', "zoë#1%/x'y@contoso.com");
  const ZOE_SEGMENT = 'zo%C3%AB%231%25%2Fx%27y%40contoso.com';
  const DOLLAR = user('66666666-7777-4888-9999-000000000000', 'Adele', "$adele.o'neil@contoso.com");
  /** A UPN starting with '$' takes the users('…') form, the quote doubled inside the literal. */
  const DOLLAR_PATH = "/users('%24adele.o''neil%40contoso.com')";
  const SELECT_RAW = '$select=id%2CdisplayName%2CuserPrincipalName%2Cmail%2CbusinessPhones%2CmobilePhone';

  test("a UPN with quote, slash, '#', '%', unicode: one percent-encoded path segment", async () => {
    const b = newBackend();
    await signIn(b);
    mockUser(`/v1.0/users/${ZOE_SEGMENT}`, ZOE);
    mockBatch((item) => (item.url === '/me/contacts' ? { status: 201, body: outlookContact(ZOE, 'AAMkZOE=') }
      : item.url === '/communications/getPresencesByUserId' ? { status: 200, body: { value: [] } } : unexpected(item)));
    const record = await b.ports.directory.addContact(ZOE.userPrincipalName);
    expect(record.signinName).toBe(ZOE.userPrincipalName);
    expect(log[0]).toBe(`GET /v1.0/users/${ZOE_SEGMENT}?${SELECT_RAW}`);
  });

  test("a UPN starting with '$': GET /users('…') with the quote doubled", async () => {
    const b = newBackend();
    await signIn(b);
    mockUser(`/v1.0${DOLLAR_PATH}`, DOLLAR);
    expect(await b.ports.directory.lookup(DOLLAR.userPrincipalName)).toMatchObject({ signinName: DOLLAR.userPrincipalName });
    expect(log).toEqual([`GET /v1.0${DOLLAR_PATH}?${SELECT_RAW}`]);
  });

  test('several hostile UPNs are resolved in one $batch with the same escaping, then one presence call', async () => {
    const b = newBackend();
    await signIn(b);
    mockBatch((item) => {
      const { path } = split(item.url);
      if (path === `/users/${ZOE_SEGMENT}`) return { status: 200, body: ZOE };
      if (path === DOLLAR_PATH) return { status: 200, body: DOLLAR };
      if (path === '/users/nobody%40contoso.com') return notFound('user');
      return unexpected(item);
    });
    graph().post('/v1.0/communications/getPresencesByUserId', { ids: [ZOE.id, DOLLAR.id] }).reply(fixed(200, { value: [
      { id: ZOE.id, availability: 'Away', activity: 'Away' }, { id: DOLLAR.id, availability: 'DoNotDisturb', activity: 'Presenting' },
    ] }));
    const statuses = await b.ports.presence.statuses([ZOE.userPrincipalName, DOLLAR.userPrincipalName, 'nobody@contoso.com']);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((i) => `${i.method} ${i.url}`).sort()).toEqual([
      `GET ${DOLLAR_PATH}?$select=${USER_SELECT}`,
      `GET /users/${ZOE_SEGMENT}?$select=${USER_SELECT}`,
      `GET /users/nobody%40contoso.com?$select=${USER_SELECT}`,
    ].sort());
    expect([...statuses]).toEqual([[ZOE.userPrincipalName, MISTATUS.MISTATUS_AWAY], [DOLLAR.userPrincipalName, MISTATUS.MISTATUS_DO_NOT_DISTURB]]);
  });

  test("FindContact: the OData literal doubles quotes and the query value is percent-encoded ('&', '?', '#', '%')", async () => {
    const b = newBackend();
    await signIn(b);
    const name = "O'Brien & Co? #1 100%";
    graph().get('/v1.0/users').query({ $filter: "startswith(displayName,'O''Brien & Co? #1 100%')", $select: USER_SELECT, $top: '999' })
      .reply(fixed(200, { value: [user('77777777-8888-4999-8aaa-bbbbbbbbbbbb', name, 'obrien@contoso.com')] }));
    const found = await b.ports.directory.find({ firstName: "O'Brien & Co?", lastName: '#1 100%' });
    expect(found.map((c) => c.signinName)).toEqual(['obrien@contoso.com']);
    expect(log).toEqual([
      `GET /v1.0/users?$filter=startswith(displayName%2C%27O%27%27Brien%20%26%20Co%3F%20%231%20100%25%27)&${SELECT_RAW}&$top=999`,
    ]);
  });

  test("application mode acting as a '$' UPN: every 'me' path is users('…')", async () => {
    const upn = "$zoë'o#1@contoso.com";
    const mePath = "/users('%24zo%C3%AB''o%231%40contoso.com')";
    const me = user('99999999-aaaa-4bbb-8ccc-dddddddddddd', 'Zoë O', upn);
    const b = newBackend(upn, 'application');
    await signIn(b, { me, mePath, keepLog: true });
    expect(batches[0]!.map((i) => split(i.url).path).sort()).toEqual([
      mePath, `${mePath}/contacts`, `${mePath}/extensions/${PROFILE}`, `${mePath}/mailFolders/inbox`,
    ].sort());
    profilePatch((doc) => { expect(doc.contactsSortOrder).toBe(1); }, `/v1.0${mePath}/extensions/${PROFILE}`);
    await b.ports.preferences.setSortOrder(MUASORT.MUASORT_ONOFFLINE);
    graph().get(`/v1.0${mePath}/mailFolders/inbox`).query({ $select: 'unreadItemCount' }).reply(fixed(200, { unreadItemCount: 1 }));
    expect(await b.ports.mail.unreadCount(MUAFOLDER.MUAFOLDER_INBOX)).toBe(1);
    graph().get(`/v1.0${mePath}/chats`).query(({ $filter: "chatType eq 'group'", $expand: 'members', $top: '50' })).reply(fixed(200, { value: [] }));
    expect(await b.ports.groups.list()).toEqual([]);
    expect(log.slice(2)).toEqual([
      `PATCH /v1.0${mePath}/extensions/${PROFILE}`,
      `GET /v1.0${mePath}/mailFolders/inbox?$select=unreadItemCount`,
      `GET /v1.0${mePath}/chats?$filter=chatType%20eq%20%27group%27&$expand=members&$top=50`,
    ]);
  });

  test('group names with quotes, slashes, #, %, ?, &, unicode and ":" travel in the JSON topic only; ids in paths are encoded', async () => {
    const b = newBackend();
    await signIn(b);
    const name = "O'Brien's \"team\" / #1 100% ? & ü: ok";
    const topic = "O'Brien's \"team\" / #1 100% ? & ü\uFF1A ok";
    profilePatch((doc) => { expect(pendingGroupsOf(doc)[0]!.name).toBe(name); });
    const group = await b.ports.groups.create(name, `{${TENANT}}`);
    mockUser(`/v1.0/users/${ZOE_SEGMENT}`, ZOE);
    profilePatch(() => undefined);
    await b.ports.groups.addMember(group.id, ZOE.userPrincipalName);
    mockUser(`/v1.0${DOLLAR_PATH}`, DOLLAR);
    profilePatch(() => undefined);
    profilePatch((doc) => { expect(JSON.parse(doc.intents[0]!)).toMatchObject({ topic: name }); });
    graph().post('/v1.0/chats').reply(answer(({ body }) => {
      const chat = body as { topic: string; members: unknown[] };
      expect(chat.topic).toBe(topic);
      [ANN, ZOE, DOLLAR].forEach((u, i) => expectMember(chat.members[i], u.id));
      return { status: 201, body: { id: CHAT_B, topic, chatType: 'group' } };
    }));
    profilePatch((doc) => { expect(doc.aliases).toEqual([`${group.id}=${CHAT_B}`]); });
    await b.ports.groups.addMember(group.id, DOLLAR.userPrincipalName);
    graph().patch(`/v1.0/chats/${CHAT_B_SEGMENT}`, { topic: "a/b#c?d&e%f'g\uFF1Ah" }).reply(fixed(204));
    await b.ports.groups.rename(group.id, "a/b#c?d&e%f'g:h");
    expect(log.filter((l) => !l.includes('/extensions/'))).toEqual([
      `GET /v1.0/users/${ZOE_SEGMENT}?${SELECT_RAW}`,
      `GET /v1.0${DOLLAR_PATH}?${SELECT_RAW}`,
      'POST /v1.0/chats',
      `PATCH /v1.0/chats/${CHAT_B_SEGMENT}`,
    ]);
  });
});

// ---- ENDPOINTS.md --------------------------------------------------------------------------------

describe('ENDPOINTS.md', () => {
  // Runs last: by then the tests above have driven every request of the adapter (with the checks of
  // test/support/request-check.ts). UPDATE_ENDPOINTS=1 rewrites the generated list.
  test('its generated list is exactly the requests this file saw the adapter send, each one in permissions.ts', () => {
    const file = path.join(__dirname, '..', 'ENDPOINTS.md');
    const [begin, end] = ['<!-- generated: requests seen (test/endpoints.nock.test.ts) -->', '<!-- end of generated list -->'];
    const seen = [...seenTemplates].sort();
    for (const t of seen) {
      const [method, rest] = t.split(' ');
      expect([t, requestFor(method!, rest!.split('?')[0]!.replace(/\/users\/\{id\}/, '/users/{id}'))?.path]).toEqual([t, expect.any(String)]);
    }
    const list = seen.map((t) => `- \`${t}\``).join('\n');
    const text = fs.readFileSync(file, 'utf8');
    const at = text.indexOf(begin);
    const current = at < 0 ? undefined : text.slice(at + begin.length, text.indexOf(end)).trim();
    if (process.env['UPDATE_ENDPOINTS'] === '1') {
      fs.writeFileSync(file, `${at < 0 ? `${text.trimEnd()}\n\n` : text.slice(0, at)}${begin}\n${list}\n${end}\n${at < 0 ? '' : text.slice(text.indexOf(end) + end.length).replace(/^\n/, '')}`);
      return;
    }
    expect(current).toBe(list);
  });
});
