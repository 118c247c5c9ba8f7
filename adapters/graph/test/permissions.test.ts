/**
 * Permissions (issue 14 item 2): the table of src/permissions.ts against Microsoft's permission map
 * (test/fixtures/graph-v1.0/permissions.json), the least-privilege plan per capability, the fake
 * tenant's enforcement (Graph's 403 bodies), other users' phones under User.ReadBasic.All, and what
 * an application sign-in cannot do, refused before any write. Also the request checker itself
 * (test/support/graph-schema.ts): it must catch what Graph would refuse.
 */
import { MISTATUS, MPHONE_TYPE, isMessengerError, type RemoteChange } from '@imessenger/contract';
import { KIT_SELF, kitSeed } from '@imessenger/contract-tests';
import { type GraphBackend, type GraphBackendOptions, graphBackend, StaticTokenAuth, testing } from '../src';
import {
  DEFAULT_CAPABILITIES, DEFAULT_DELEGATED_SCOPES, GRAPH_CAPABILITIES, GRAPH_REQUESTS, graphPermissions, requestsOf, UNUSABLE_PERMISSIONS, unsupportedIn,
} from '../src/permissions';
import { checkGraphRequest, mappedPermissions } from './support/graph-schema';

const BOB = 'bob@contoso.com';

describe('the permission table is Microsoft\'s permission map', () => {
  test.each(Object.entries(GRAPH_REQUESTS))('%s: every permission listed allows the request in the map; none listed where the map has none', (_, q) => {
    // /me has no application meaning (docs/user-get.md: application permissions are not supported with /me), whatever the map lists.
    for (const mode of q.path.startsWith('/me') ? (['delegated'] as const) : (['delegated', 'application'] as const)) {
      const mapped = mappedPermissions(q.path, q.method, mode)?.filter((p) => !UNUSABLE_PERMISSIONS.includes(p));
      if (q.page) {
        // Not in the map (open extensions, subscriptions: by resource); the page named says.
        expect(mapped === undefined || mapped.length === 0 || q[mode].every((p) => mapped.includes(p))).toBe(true);
        continue;
      }
      expect(mapped).toBeDefined();
      for (const p of q[mode]) expect(mapped).toContain(p);
      if (q[mode].length === 0) expect(mapped).toEqual([]);
    }
  });
});

describe('least privilege by capability', () => {
  test('the default delegated scopes: one permission per need, redundant ones dropped', () => {
    expect(DEFAULT_DELEGATED_SCOPES).toEqual([
      'Chat.ReadWrite', 'ChatMember.ReadWrite', 'Contacts.ReadWrite', 'Mail.ReadBasic', 'OnlineMeetings.ReadWrite', 'Presence.Read.All',
      'Presence.ReadWrite', 'User.ReadBasic.All', 'User.ReadWrite', 'offline_access',
    ]);
    // Chat.ReadWrite covers POST /chats and the messages: Chat.Create, ChatMessage.Send are redundant; User.ReadWrite covers User.Read.
    for (const redundant of ['Chat.Create', 'ChatMessage.Send', 'User.Read']) expect(DEFAULT_DELEGATED_SCOPES).not.toContain(redundant);
  });

  test('fewer capabilities ask for less: messages alone needs Chat.Create and Chat.Read, not Chat.ReadWrite', () => {
    expect(graphPermissions(['signin', 'messages']).permissions).toEqual(['Chat.Create', 'Chat.Read', 'User.Read', 'offline_access']);
    expect(graphPermissions(['signin', 'contacts', 'presence']).permissions).toEqual(['Contacts.ReadWrite', 'Presence.Read.All', 'User.Read', 'offline_access']);
  });

  test('directoryPhones asks for User.Read.All, which then covers User.ReadBasic.All', () => {
    const plan = graphPermissions([...DEFAULT_CAPABILITIES, 'directoryPhones']).permissions;
    expect(plan).toContain('User.Read.All');
    expect(plan).not.toContain('User.ReadBasic.All');
  });

  test('application: meetings and hideGroups cannot be served (a request with no application permission)', () => {
    const plan = graphPermissions(GRAPH_CAPABILITIES, 'application');
    expect(plan.unsupported.map((u) => `${u.capability}: ${u.request.method} ${u.request.path}`)).toEqual([
      'hideGroups: POST /chats/{id}/hideforuser', 'meetings: POST /chats/{id}/messages', 'webhook: POST /subscriptions',
    ]);
    expect(plan.permissions).not.toContain('offline_access');
    expect(unsupportedIn('delegated', 'meetings')).toBeUndefined();
    expect(requestsOf('signin', 'application').map((q) => q.path)).toEqual(['/users/{id}']);
  });

  test('an unknown capability is refused by name', () => {
    expect(() => graphPermissions(['signin', 'telepathy' as never])).toThrow(/Unknown Graph capability "telepathy"/);
    expect(() => graphBackend({ auth: new StaticTokenAuth({ username: 'a@b.c', token: () => 't' }), tenantId: 'c0ffee00-0000-4000-8000-00000000f00d', capabilities: ['nope' as never] })).toThrow(/nope/);
  });
});

describe('the fake tenant enforces the token\'s permissions with Graph\'s 403 bodies', () => {
  let tenant: testing.FakeTenant;
  beforeEach(async () => { tenant = new testing.FakeTenant({ seed: kitSeed() }); await tenant.start(); });
  afterEach(() => tenant.stop());

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${tenant.baseUrl}${path}`, {
      method, headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : {}) as { error?: { code: string; message: string }; value?: unknown[] } & Record<string, unknown> };
  };

  test('a missing scope: Forbidden (presence), ErrorAccessDenied (Outlook), Authorization_RequestDenied (directory)', async () => {
    const token = tenant.tokenFor(KIT_SELF, { scopes: ['User.Read'] });
    const presence = await call('POST', '/communications/getPresencesByUserId', token, { ids: [tenant.userId(BOB)] });
    expect(presence.status).toBe(403);
    expect(presence.json.error).toMatchObject({ code: 'Forbidden', message: expect.stringMatching(/Presence\.Read\.All/) });
    expect((await call('GET', '/me/contacts', token)).json.error?.code).toBe('ErrorAccessDenied');
    expect((await call('GET', `/users/${tenant.userId(BOB)}`, token)).json.error?.code).toBe('Authorization_RequestDenied');
    expect((await call('GET', '/me', token)).status).toBe(200);
  });

  test('tokens carry their scopes or roles as claims (scp / roles, appid, tid)', () => {
    const claims = (t: string) => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims(tenant.tokenFor(KIT_SELF, { scopes: ['User.Read', 'Presence.ReadWrite'] }))).toMatchObject({ scp: 'User.Read Presence.ReadWrite', appid: testing.FakeTenant.APP_ID, tid: tenant.tenantId, upn: KIT_SELF });
    expect(claims(tenant.tokenFor(KIT_SELF, { mode: 'application', roles: ['User.Read.All'] }))).toMatchObject({ roles: ['User.Read.All'] });
  });

  test('with User.ReadBasic.All another user\'s phones come back blank; with User.Read.All as they are; one\'s own always', async () => {
    const basic = tenant.tokenFor(KIT_SELF, { scopes: ['User.Read', 'User.ReadBasic.All'] });
    const full = tenant.tokenFor(KIT_SELF, { scopes: ['User.Read', 'User.Read.All'] });
    const select = '?$select=id,businessPhones,mobilePhone';
    expect((await call('GET', `/users/${BOB}${select}`, basic)).json).toMatchObject({ businessPhones: [], mobilePhone: null });
    expect((await call('GET', `/users/${BOB}${select}`, full)).json).toMatchObject({ mobilePhone: '+1 425 555 0101' });
    expect((await call('GET', `/me${select}`, basic)).json).toMatchObject({ businessPhones: ['+1 425 555 0100'], mobilePhone: '+1 425 555 0199' });
  });

  test('an app-only token: no /me; /users/{id}/… reaches the mailbox; no application permission for a chat message', async () => {
    const app = tenant.tokenFor(KIT_SELF, { mode: 'application' });
    expect((await call('GET', '/me', app)).json.error?.message).toMatch(/only valid with delegated/);
    expect((await call('GET', `/users/${KIT_SELF}/contacts`, app)).status).toBe(200);
    const chat = (await call('POST', '/chats', app, { chatType: 'oneOnOne', members: [KIT_SELF, BOB].map((u) => ({ '@odata.type': '#microsoft.graph.aadUserConversationMember', roles: ['owner'], 'user@odata.bind': `https://graph.microsoft.com/v1.0/users('${tenant.userId(u)}')` })) })).json;
    const posted = await call('POST', `/chats/${encodeURIComponent(String(chat['id']))}/messages`, app, { body: { contentType: 'text', content: 'hi' } });
    expect(posted.status).toBe(403);
    expect(posted.json.error?.message).toMatch(/not supported with application permissions/);
  });
});

describe('the adapter under least privilege', () => {
  let tenant: testing.FakeTenant;
  let backend: GraphBackend;
  const start = async (token: () => string, options: Partial<GraphBackendOptions> = {}, mode?: 'application'): Promise<void> => {
    tenant = new testing.FakeTenant({ seed: kitSeed() });
    await tenant.start();
    backend = graphBackend({
      auth: new StaticTokenAuth({ username: KIT_SELF, token, ...(mode ? { mode } : {}) }),
      tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, presence: { intervalMs: 0 }, retry: { delaySeconds: 0 }, signedInAtStart: false, ...options,
    });
    await backend.ports.session.signin({ signinName: KIT_SELF, password: '' });
  };
  afterEach(() => tenant.stop());

  test('default scopes (User.ReadBasic.All): a directory round keeps the contacts\' phones and reports no phone change', async () => {
    await start(() => tenant.tokenFor(KIT_SELF, { scopes: DEFAULT_DELEGATED_SCOPES }));
    const changes: RemoteChange[] = [];
    backend.ports.events.watch((c) => changes.push(c));
    await backend.watcher.pollNow({ directory: true });
    expect(changes.filter((c) => c.type === 'contactPhone')).toEqual([]);
    expect((await backend.ports.directory.listContacts()).find((c) => c.signinName === BOB)?.phones).toEqual({ mobile: '+1 425 555 0101' });
    // Read without the phones it may not see: $select leaves them out.
    expect(tenant.requests.some((r) => (r.body as { requests?: { url: string }[] } | undefined)?.requests?.some((i) => /^\/users\/.*businessPhones/.test(i.url)))).toBe(false);
    // My own phones are mine to read.
    expect((await backend.ports.session.self()).phones).toEqual({ work: '+1 425 555 0100', mobile: '+1 425 555 0199' });
  });

  test('with directoryPhones (User.Read.All) a contact\'s changed phone is reported', async () => {
    const capabilities = [...DEFAULT_CAPABILITIES, 'directoryPhones' as const];
    await start(() => tenant.tokenFor(KIT_SELF, { scopes: graphPermissions(capabilities).permissions }), { capabilities });
    const changes: RemoteChange[] = [];
    backend.ports.events.watch((c) => changes.push(c));
    await tenant.otherSide(KIT_SELF).contactPhone(BOB, MPHONE_TYPE.MPHONE_TYPE_MOBILE, '+1 425 555 0199');
    await backend.watcher.pollNow({ directory: true });
    expect(changes).toContainEqual({ type: 'contactPhone', signinName: BOB, phoneType: MPHONE_TYPE.MPHONE_TYPE_MOBILE, number: '+1 425 555 0199' });
  });

  test('application sign-in: StartVideo and StartVoice fail with E_NOTIMPL before any write (no orphan meeting, no chat)', async () => {
    await start(() => tenant.tokenFor(KIT_SELF, { mode: 'application' }), {}, 'application');
    tenant.resetRequests();
    for (const kind of ['video', 'voice'] as const) {
      const failure = await backend.ports.conversations.open(kind, BOB).catch((e: unknown) => e);
      expect(isMessengerError(failure, 'E_NOTIMPL')).toBe(true);
    }
    expect(tenant.meetings()).toEqual([]);
    expect(tenant.requests).toEqual([]);
    expect((await backend.ports.session.self()).status).toBe(MISTATUS.MISTATUS_ONLINE);
  });
});

describe('the request checker catches what Graph would refuse', () => {
  const d = (method: string, path: string, query = '', body?: unknown, permissions?: string[]) => checkGraphRequest({ method, path, query, body, mode: 'delegated', ...(permissions ? { permissions } : {}) });

  test('valid requests pass', () => {
    expect(d('POST', '/users/abc/presence/setPresence', '', { sessionId: 's', availability: 'Available', activity: 'Available', expirationDuration: 'PT5M' }, ['Presence.ReadWrite'])).toEqual([]);
    expect(d('GET', "/users('%24x%40y.com')", '$select=id,displayName')).toEqual([]);
  });

  test.each([
    ['an unknown path', d('GET', '/me/buddies'), /no navigation property or bound action 'buddies'/],
    ['a method the place does not take', d('POST', '/me'), /POST is not allowed/],
    ['an unknown property in $select', d('GET', '/me', '$select=id,shoeSize'), /no property 'shoeSize'/],
    ['an unknown query option', d('GET', '/me', '$frobnicate=1'), /unknown query option/],
    ['an unknown action parameter', d('POST', '/users/a/presence/setUserPreferredPresence', '', { availability: 'Busy', activity: 'Busy', mood: 'x' }), /no parameter 'mood'/],
    ['a missing required parameter', d('POST', '/users/a/presence/setPresence', '', { sessionId: 's', availability: 'Available' }), /'activity' is missing/],
    ['a wrong type', d('POST', '/communications/getPresencesByUserId', '', { ids: 'a,b' }), /must be an array/],
    ['a bad duration', d('POST', '/users/a/presence/setPresence', '', { availability: 'Away', activity: 'Away', expirationDuration: '5 minutes' }), /ISO 8601 duration/],
    ['an unknown body property', d('PATCH', '/chats/19:a', '', { topic: 't', colour: 'red' }), /no property 'colour'/],
    ['a scope that does not cover it', d('POST', '/chats/19:a/messages', '', { body: { content: 'x' } }, ['Chat.Read']), /do not cover/],
  ])('%s', (_, problems, pattern) => {
    expect(problems.join('\n')).toMatch(pattern);
  });
});
