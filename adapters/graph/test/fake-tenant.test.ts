/**
 * The fake Graph tenant behaves like the Graph pages say on every point the adapter relies on.
 * Plain fetch against the loopback server; no adapter involved.
 */
import { HR, isMessengerError, MISTATUS, MPHONE_TYPE, MUAFOLDER } from '@imessenger/contract';
import { hresultFor } from '../src/errors';
import { statusFromGraph } from '../src/presence-map';
import { faultForHresult, FakeTenant, graphPresenceFor, guidFromUpn, STATUSES_WITH_GRAPH_PRESENCE } from '../src/testing';

const ANN = 'ann@contoso.com';
const BOB = 'bob@contoso.com';
const CAROL = 'carol@contoso.com';
const DAVE = 'dave@fabrikam.com';
const ERIN = 'erin@contoso.com';
const OBRIEN = 'sean@contoso.com';
/** 30 more directory users, for rosters above the 25-member expansion limit. */
const CROWD = Array.from({ length: 30 }, (_, i) => `user${String(i).padStart(2, '0')}@contoso.com`);

function seed(): unknown {
  return {
    signedIn: false,
    self: { signinName: ANN, friendlyName: 'Ann Lee', password: 'x', status: MISTATUS.MISTATUS_ONLINE, phones: { work: '+1 425 555 0100', home: '+1 425 555 0199' } },
    services: [{ id: '{9b017612-c9f1-11d2-8d9f-0000f875c541}', name: '.NET Messenger Service', primary: true }],
    contacts: [
      { signinName: BOB, friendlyName: 'Bob Kelly', status: MISTATUS.MISTATUS_ONLINE, canPage: true, phones: { mobile: '+1 425 555 0101' }, email: 'bob.kelly@contoso.com' },
      { signinName: CAROL, friendlyName: 'Carol Diaz', status: MISTATUS.MISTATUS_AWAY },
      { signinName: DAVE, friendlyName: 'Dave Park', status: MISTATUS.MISTATUS_OFFLINE, blocked: true },
    ],
    directory: [
      { signinName: ERIN, friendlyName: 'Erin Moss', status: MISTATUS.MISTATUS_ONLINE },
      { signinName: OBRIEN, friendlyName: "Sean O'Brien", status: MISTATUS.MISTATUS_BUSY },
      ...CROWD.map((signinName, i) => ({ signinName, friendlyName: `Crowd ${i}` })),
    ],
    groups: [
      { name: 'Coworkers', members: [BOB, CAROL] },
      { name: 'Friends', members: [] },
      { name: 'Pair', members: [ERIN] },
      { name: 'Everyone', members: CROWD },
    ],
    sortOrder: 1,
    unreadEmail: 3,
  };
}

interface Reply { status: number; headers: Headers; json: Record<string, unknown>; text: string }

let tenant: FakeTenant;
let ann: string;

beforeEach(async () => {
  tenant = new FakeTenant({ seed: seed() });
  await tenant.start();
  ann = tenant.tokenFor(ANN);
});
afterEach(() => tenant.stop());

/** One request; `token` null sends none. */
async function call(method: string, path: string, options: { body?: unknown; token?: string | null; signal?: AbortSignal } = {}): Promise<Reply> {
  const token = options.token === undefined ? ann : options.token;
  const res = await fetch(path.startsWith('http') ? path : `${tenant.baseUrl}${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try { json = text ? (JSON.parse(text) as Record<string, unknown>) : {}; } catch { /* malformed on purpose in some tests */ }
  return { status: res.status, headers: res.headers, json, text };
}

const errorCode = (r: Reply): unknown => (r.json['error'] as { code?: unknown } | undefined)?.code;
const values = (r: Reply): Record<string, unknown>[] => r.json['value'] as Record<string, unknown>[];
const bind = (upn: string): Record<string, unknown> => ({
  '@odata.type': '#microsoft.graph.aadUserConversationMember', roles: ['owner'], 'user@odata.bind': `https://graph.microsoft.com/v1.0/users('${tenant.userId(upn)}')`,
});
const groupChat = (topic: string, upns: string[]): Promise<Reply> => call('POST', '/chats', { body: { chatType: 'group', topic, members: upns.map(bind) } });

describe('users and the seed', () => {
  test('GET /me with $select returns the signed-in user with a deterministic object id', async () => {
    const r = await call('GET', '/me?$select=id,displayName,userPrincipalName,mail,businessPhones,mobilePhone');
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ id: guidFromUpn(ANN), displayName: 'Ann Lee', userPrincipalName: ANN, mail: ANN, businessPhones: ['+1 425 555 0100'], mobilePhone: null });
    expect(r.json['id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r.json).not.toHaveProperty('jobTitle');
    expect(tenant.userId(ANN)).toBe(r.json['id']);
  });

  test("users by id, by UPN and in users('{upn}') form; 404 Request_ResourceNotFound for nobody; a bare $-UPN is a 400", async () => {
    const byUpn = await call('GET', `/users/${encodeURIComponent(BOB)}?$select=id,displayName,mobilePhone`);
    expect(byUpn.json).toMatchObject({ id: tenant.userId(BOB), displayName: 'Bob Kelly', mobilePhone: '+1 425 555 0101' });
    expect((await call('GET', `/users/${tenant.userId(BOB)}`)).json['userPrincipalName']).toBe(BOB);
    expect((await call('GET', `/users('${encodeURIComponent(BOB)}')`)).json['id']).toBe(tenant.userId(BOB));
    const missing = await call('GET', `/users/${encodeURIComponent('nobody@nowhere.example')}`);
    expect([missing.status, errorCode(missing)]).toEqual([404, 'Request_ResourceNotFound']);
    expect(missing.json['error']).toMatchObject({ innerError: { 'request-id': expect.any(String), date: expect.any(String) } });
    expect((await call('GET', '/users/$x@contoso.com')).status).toBe(400);
    expect((await call('GET', '/me?$select=nope')).status).toBe(400);
  });

  test("startswith filter takes OData string literals with doubled quotes", async () => {
    const r = await call('GET', `/users?$filter=${encodeURIComponent("startswith(displayName,'Sean O''B')")}&$select=id,displayName&$top=999`);
    expect(r.status).toBe(200);
    expect(values(r)).toEqual([{ id: tenant.userId(OBRIEN), displayName: "Sean O'Brien" }]);
    expect((await call('GET', `/users?$filter=${encodeURIComponent("displayName eq 'x'")}`)).status).toBe(400);
  });

  test('the inbox unread count comes from the seed and from OtherSide.unreadEmail', async () => {
    const r = await call('GET', '/me/mailFolders/inbox?$select=unreadItemCount');
    expect(r.json).toMatchObject({ unreadItemCount: 3 });
    expect(r.json).not.toHaveProperty('totalItemCount');
    await tenant.otherSide(ANN).unreadEmail(MUAFOLDER.MUAFOLDER_INBOX, 7);
    expect((await call('GET', '/me/mailFolders/inbox?$select=unreadItemCount')).json['unreadItemCount']).toBe(7);
  });

  test('only the routes of ENDPOINTS.md answer: unknown segments are 400, other methods 405, other query options 400', async () => {
    const unknown = await call('GET', '/me/drive');
    expect([unknown.status, errorCode(unknown)]).toEqual([400, 'BadRequest']);
    expect((unknown.json['error'] as { message: string }).message).toBe("Resource not found for the segment 'drive'.");
    expect((await call('DELETE', '/me')).status).toBe(405);
    expect((await call('GET', '/chats/19:x@thread.v2')).status).toBe(405);
    expect((await call('GET', '/me/presence?$expand=x')).status).toBe(400);
    expect((await call('GET', '/me', { token: null })).status).toBe(401);
  });
});

describe('Outlook contacts with the com.imessenger.contact extension', () => {
  const LIST = `/me/contacts?$filter=${encodeURIComponent("Extensions/any(f:f/id eq 'com.imessenger.contact')")}`
    + `&$expand=${encodeURIComponent("Extensions($filter=id eq 'com.imessenger.contact')")}&$select=id,displayName,emailAddresses,businessPhones,mobilePhone,homePhones`;

  test('the exact query of ENDPOINTS #4 lists the seeded contacts with their extension, paged with absolute nextLinks', async () => {
    const first = await call('GET', `${LIST}&$top=2`);
    expect(first.status).toBe(200);
    expect(values(first)).toHaveLength(2);
    const bob = values(first)[0]!;
    expect(bob).toMatchObject({ displayName: 'Bob Kelly', mobilePhone: '+1 425 555 0101', emailAddresses: [{ address: 'bob.kelly@contoso.com' }] });
    expect(bob['extensions']).toEqual([expect.objectContaining({ extensionName: 'com.imessenger.contact', userId: tenant.userId(BOB), signinName: BOB })]);
    const next = first.json['@odata.nextLink'] as string;
    expect(next.startsWith(`${tenant.baseUrl}/me/contacts?`)).toBe(true);
    const second = await call('GET', next);
    expect(values(second).map((c) => c['displayName'])).toEqual(['Dave Park']);
    expect(second.json).not.toHaveProperty('@odata.nextLink');
    expect((await call('GET', `${LIST}&$top=1001`)).status).toBe(400);
  });

  test('POST /me/contacts with an inline extension answers 201 with the extension; DELETE removes it', async () => {
    const created = await call('POST', '/me/contacts', {
      body: {
        displayName: 'Erin Moss', emailAddresses: [{ address: ERIN, name: 'Erin Moss' }],
        extensions: [{ '@odata.type': 'microsoft.graph.openTypeExtension', extensionName: 'com.imessenger.contact', userId: tenant.userId(ERIN), signinName: ERIN }],
      },
    });
    expect(created.status).toBe(201);
    expect(created.json['extensions']).toEqual([expect.objectContaining({ extensionName: 'com.imessenger.contact', signinName: ERIN })]);
    expect(values(await call('GET', `${LIST}&$top=1000`))).toHaveLength(4);
    const id = created.json['id'] as string;
    expect((await call('DELETE', `/me/contacts/${encodeURIComponent(id)}`)).status).toBe(204);
    expect((await call('DELETE', `/me/contacts/${encodeURIComponent(id)}`)).status).toBe(404);
  });
});

describe('the profile extension and group chats from the seed', () => {
  test('groups with fewer than two other members wait in pendingGroups; sortOrder is contactsSortOrder', async () => {
    const r = await call('GET', '/me/extensions/com.imessenger.profile');
    expect(r.status).toBe(200);
    expect(r.json['contactsSortOrder']).toBe(1);
    expect((r.json['pendingGroups'] as string[]).map((s) => JSON.parse(s) as unknown)).toEqual([
      { id: 'pending-1', name: 'Friends', members: [] },
      { id: 'pending-2', name: 'Pair', members: [ERIN] },
    ]);
    expect(tenant.chats().map((c) => [c.topic, c.chatType, c.memberUpns.length])).toEqual([['Coworkers', 'group', 3], ['Everyone', 'group', 31]]);
  });

  test('extension PATCH replaces every custom property; POST of an existing name is 409; values must be primitives', async () => {
    const patched = await call('PATCH', '/me/extensions/com.imessenger.profile', {
      body: { '@odata.type': 'microsoft.graph.openTypeExtension', extensionName: 'com.imessenger.profile', hiddenChats: ['a', 'b'] },
    });
    expect(patched.status).toBe(200);
    const after = (await call('GET', '/me/extensions/com.imessenger.profile')).json;
    expect(after['hiddenChats']).toEqual(['a', 'b']);
    expect(after).not.toHaveProperty('contactsSortOrder');
    expect(after).not.toHaveProperty('pendingGroups');
    const nested = await call('PATCH', '/me/extensions/com.imessenger.profile', {
      body: { '@odata.type': 'microsoft.graph.openTypeExtension', extensionName: 'com.imessenger.profile', journal: { a: 1 } },
    });
    expect(nested.status).toBe(400);
    const again = await call('POST', '/me/extensions', { body: { '@odata.type': 'microsoft.graph.openTypeExtension', extensionName: 'com.imessenger.profile' } });
    expect([again.status, errorCode(again)]).toEqual([409, 'NameAlreadyExists']);
    expect((await call('GET', '/me/extensions/com.example.none')).status).toBe(404);
  });
});

describe('chats', () => {
  test('a oneOnOne chat is deduplicated per pair; a group chat is created again on every POST', async () => {
    const oneOnOne = { chatType: 'oneOnOne', members: [bind(ANN), bind(ERIN)] };
    const a = await call('POST', '/chats', { body: oneOnOne });
    const b = await call('POST', '/chats', { body: oneOnOne });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.json['id']).toBe(b.json['id']);
    expect(a.json).toMatchObject({ chatType: 'oneOnOne', topic: null, viewpoint: { isHidden: false }, webUrl: expect.stringMatching(/^https:\/\/teams\.microsoft\.com\//) });

    const g1 = await groupChat('Lunch', [ANN, BOB, ERIN]);
    const g2 = await groupChat('Lunch', [ANN, BOB, ERIN]);
    expect([g1.status, g2.status]).toEqual([201, 201]);
    expect(g1.json['id']).not.toBe(g2.json['id']);
    expect(tenant.chats().filter((c) => c.topic === 'Lunch')).toHaveLength(2);
  });

  test('group chat creation needs the caller, roles, existing users and three members', async () => {
    expect((await groupChat('x', [BOB, ERIN, CAROL])).status).toBe(403);
    expect((await groupChat('x', [ANN, BOB])).status).toBe(400);
    const noRoles = { ...bind(ERIN), roles: [] };
    expect((await call('POST', '/chats', { body: { chatType: 'group', members: [bind(ANN), bind(BOB), noRoles] } })).status).toBe(400);
    const ghost = { ...bind(ERIN), 'user@odata.bind': "https://graph.microsoft.com/v1.0/users('ghost@contoso.com')" };
    expect((await call('POST', '/chats', { body: { chatType: 'group', members: [bind(ANN), bind(BOB), ghost] } })).status).toBe(404);
  });

  test('$expand=members stops at 25 members; /chats/{id}/members has them all; $top > 50 is refused', async () => {
    const list = await call('GET', `/me/chats?$filter=${encodeURIComponent("chatType eq 'group'")}&$expand=members&$top=50`);
    expect(list.status).toBe(200);
    const everyone = values(list).find((c) => c['topic'] === 'Everyone')!;
    expect(everyone['members']).toHaveLength(25);
    const full = await call('GET', `/chats/${encodeURIComponent(everyone['id'] as string)}/members`);
    expect(values(full)).toHaveLength(31);
    const tooMany = await call('GET', `/me/chats?$filter=${encodeURIComponent("chatType eq 'group'")}&$expand=members&$top=51`);
    expect([tooMany.status, errorCode(tooMany)]).toEqual([400, 'BadRequest']);
  });

  test('chats page with $top and an absolute nextLink', async () => {
    const first = await call('GET', `/me/chats?$filter=${encodeURIComponent("chatType eq 'group'")}&$expand=members&$top=1`);
    expect(values(first)).toHaveLength(1);
    const next = first.json['@odata.nextLink'] as string;
    expect(next).toMatch(new RegExp(`^${tenant.baseUrl.replace(/[.]/g, '\\.')}/me/chats\\?`));
    const second = await call('GET', next);
    expect(values(second)).toHaveLength(1);
    expect(second.json).not.toHaveProperty('@odata.nextLink');
    expect(values(second)[0]!['id']).not.toBe(values(first)[0]!['id']);
  });

  test('topics: at most 250 characters, no colon, never on a 1:1 chat', async () => {
    const id = encodeURIComponent(tenant.chats()[0]!.id);
    expect((await call('PATCH', `/chats/${id}`, { body: { topic: 'x'.repeat(250) } })).status).toBe(200);
    expect((await call('PATCH', `/chats/${id}`, { body: { topic: 'x'.repeat(251) } })).status).toBe(400);
    expect((await call('PATCH', `/chats/${id}`, { body: { topic: 'a:b' } })).status).toBe(400);
    const renamed = await call('PATCH', `/chats/${id}`, { body: { topic: 'Team' } });
    expect(renamed.json).toMatchObject({ topic: 'Team', chatType: 'group' });
    const oneOnOne = await call('POST', '/chats', { body: { chatType: 'oneOnOne', members: [bind(ANN), bind(BOB)] } });
    const refused = await call('PATCH', `/chats/${encodeURIComponent(oneOnOne.json['id'] as string)}`, { body: { topic: 'Hi' } });
    expect(refused.status).toBe(400);
    expect((refused.json['error'] as { message: string }).message).toBe('Setting topic is not allowed for 1-on-1 chats.');
  });

  test('members are added with 201 + Location and removed by membership id, which is not the user id', async () => {
    const chat = tenant.chats()[0]!;
    const id = encodeURIComponent(chat.id);
    const added = await call('POST', `/chats/${id}/members`, { body: { ...bind(ERIN), 'user@odata.bind': `https://graph.microsoft.com/v1.0/users/${tenant.userId(ERIN)}` } });
    expect(added.status).toBe(201);
    expect(added.text).toBe('');
    const location = added.headers.get('location')!;
    expect(location.startsWith(`/chats/${chat.id}/members/`)).toBe(true);
    const membershipId = location.slice(location.lastIndexOf('/') + 1);
    expect(membershipId).not.toBe(tenant.userId(ERIN));
    const members = values(await call('GET', `/chats/${id}/members`));
    expect(members.find((m) => m['userId'] === tenant.userId(ERIN))).toMatchObject({ id: membershipId, email: ERIN, '@odata.type': '#microsoft.graph.aadUserConversationMember' });
    for (const m of members) expect(m['id']).not.toBe(m['userId']);

    const byUserId = await call('DELETE', `/chats/${id}/members/${tenant.userId(ERIN)}`);
    expect(byUserId.status).toBe(404);
    expect((await call('DELETE', `/chats/${id}/members/${encodeURIComponent(membershipId)}`)).status).toBe(204);
    expect(tenant.chats()[0]!.memberUpns).not.toContain(ERIN);
  });

  test('hideForUser hides the chat for the caller only until a message arrives', async () => {
    const chat = tenant.chats()[0]!;
    const id = encodeURIComponent(chat.id);
    const hidden = await call('POST', `/chats/${id}/hideForUser`, { body: { user: { id: tenant.userId(ANN), tenantId: tenant.tenantId } } });
    expect(hidden.status).toBe(204);
    expect(tenant.chats()[0]!.hiddenFor).toEqual([ANN]);
    const mine = async (): Promise<unknown> => values(await call('GET', '/me/chats?$top=50')).find((c) => c['id'] === chat.id)!['viewpoint'];
    expect(await mine()).toMatchObject({ isHidden: true });
    expect((await call('POST', `/chats/${id}/hideForUser`, { body: { user: { id: tenant.userId(BOB), tenantId: tenant.tenantId } } })).status).toBe(403);

    const bob = tenant.tokenFor(BOB);
    const posted = await call('POST', `/chats/${id}/messages`, { token: bob, body: { body: { contentType: 'html', content: '<p>back</p>' } } });
    expect(posted.status).toBe(201);
    expect(posted.json).toMatchObject({ chatId: chat.id, messageType: 'message', body: { contentType: 'html', content: '<p>back</p>' }, from: { user: { id: tenant.userId(BOB) } } });
    expect(await mine()).toMatchObject({ isHidden: false });
    expect(tenant.chats()[0]!.hiddenFor).toEqual([]);
    expect(tenant.messages(chat.id)).toEqual([{ from: BOB, content: '<p>back</p>' }]);
    const history = await call('GET', `/chats/${id}/messages?$top=50`);
    expect(values(history)).toHaveLength(1);
    expect((await call('GET', `/chats/${id}/messages?$top=51`)).status).toBe(400);
  });
});

describe('online meetings', () => {
  test('createOrGet is idempotent per organizer + externalId: 201, then 200 with the same meeting', async () => {
    const body = { externalId: 'ext-1', subject: 'Video call', participants: { attendees: [{ identity: { user: { id: tenant.userId(BOB) } }, upn: BOB }] } };
    const first = await call('POST', '/me/onlineMeetings/createOrGet', { body });
    const second = await call('POST', '/me/onlineMeetings/createOrGet', { body: { ...body, subject: 'ignored' } });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.json['id']).toBe(first.json['id']);
    expect(second.json['subject']).toBe('Video call');
    expect(first.json).toMatchObject({ externalId: 'ext-1', joinWebUrl: expect.stringMatching(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//), chatInfo: { threadId: expect.any(String) } });

    const bobs = await call('POST', '/me/onlineMeetings/createOrGet', { token: tenant.tokenFor(BOB), body });
    expect(bobs.status).toBe(201);
    expect(bobs.json['id']).not.toBe(first.json['id']);
    expect(tenant.meetings().map((m) => [m.organizerUpn, m.externalId])).toEqual([[ANN, 'ext-1'], [BOB, 'ext-1']]);
    expect((await call('POST', '/me/onlineMeetings/createOrGet', { body: { subject: 'no id' } })).status).toBe(400);
  });
});

describe('presence', () => {
  test('getPresencesByUserId takes at most 650 object ids', async () => {
    const ok = await call('POST', '/communications/getPresencesByUserId', { body: { ids: [tenant.userId(BOB), tenant.userId(CAROL)] } });
    expect(ok.status).toBe(200);
    expect(values(ok)).toEqual([
      { id: tenant.userId(BOB), availability: 'Available', activity: 'Available' },
      { id: tenant.userId(CAROL), availability: 'Away', activity: 'Away' },
    ]);
    const many = Array.from({ length: 650 }, (_, i) => guidFromUpn(`u${i}@x`));
    expect((await call('POST', '/communications/getPresencesByUserId', { body: { ids: many } })).status).toBe(200);
    expect((await call('POST', '/communications/getPresencesByUserId', { body: { ids: [...many, guidFromUpn('one-more@x')] } })).status).toBe(400);
    expect((await call('POST', '/communications/getPresencesByUserId', { body: { ids: [BOB] } })).status).toBe(400);
  });

  test('setUserPreferredPresence takes the six pairs, for the caller only; it shows only while a presence session exists', async () => {
    const me = tenant.userId(ANN);
    const set = (body: unknown, id = me): Promise<Reply> => call('POST', `/users/${id}/presence/setUserPreferredPresence`, { body });
    expect((await set({ availability: 'DoNotDisturb', activity: 'DoNotDisturb', expirationDuration: 'PT8H' })).status).toBe(200);
    // Ann runs no Teams client (the seed's signed-in user): no session, so Offline (docs/presence-setuserpreferredpresence.md).
    expect((await call('GET', '/me/presence')).json).toMatchObject({ id: me, availability: 'Offline', activity: 'Offline' });
    expect((await call('POST', `/users/${me}/presence/setPresence`, { body: { sessionId: FakeTenant.APP_ID, availability: 'Available', activity: 'Available' } })).status).toBe(200);
    expect((await call('GET', '/me/presence')).json).toMatchObject({ id: me, availability: 'DoNotDisturb', activity: 'DoNotDisturb' });
    expect((await set({ availability: 'Busy', activity: 'InACall' })).status).toBe(400);
    expect((await set({ availability: 'Away', activity: 'Away' }, tenant.userId(BOB))).status).toBe(403);
  });

  test('presence sessions: expiry, fading, precedence, the app id as sessionId, clearPresence (docs/presence-setpresence.md)', async () => {
    await tenant.stop();
    let now = Date.parse('2026-01-05T09:00:00Z');
    tenant = new FakeTenant({ seed: seed(), clock: () => now });
    await tenant.start();
    ann = tenant.tokenFor(ANN);
    const me = tenant.userId(ANN);
    const session = (body: Record<string, unknown>, token = ann): Promise<Reply> => call('POST', `/users/${me}/presence/setPresence`, { body: { sessionId: FakeTenant.APP_ID, ...body }, token });
    const shown = async (): Promise<string> => { const p = (await call('GET', '/me/presence')).json; return `${String(p['availability'])}/${String(p['activity'])}`; };
    // The seed's status of the signed-in user is their preferred presence: hidden until a session exists.
    expect(await shown()).toBe('Offline/Offline');
    expect((await session({ availability: 'Available', activity: 'Available' })).status).toBe(200);
    expect(await shown()).toBe('Available/Available'); // Ann's seeded preferred presence is Online
    expect((await call('POST', `/users/${me}/presence/setUserPreferredPresence`, { body: { availability: 'Busy', activity: 'Busy' } })).status).toBe(200);
    expect(await shown()).toBe('Busy/Busy'); // user-configured outranks app-configured
    now += 4 * 60_000;
    expect(await shown()).toBe('Busy/Busy');
    now += 1 * 60_000; // the default PT5M expiration: the only session is gone, so is the preferred presence's effect
    expect(await shown()).toBe('Offline/Offline');
    expect(tenant.presenceSessions(ANN)).toMatchObject({ apps: [], preferred: true });
    // Without a preferred presence an Available app session fades after 5 minutes, then 5 more.
    const other = tenant.tokenFor(ANN, { appId: '0b9f5b3a-1111-4aaa-8bbb-0123456789ab' });
    expect((await call('POST', `/users/${me}/presence/setUserPreferredPresence`, { body: { availability: 'Away', activity: 'Away', expirationDuration: 'PT1M' } })).status).toBe(200);
    now += 2 * 60_000; // the preferred presence has expired
    expect((await session({ availability: 'Available', activity: 'Available', expirationDuration: 'PT1H' })).status).toBe(200);
    expect(await shown()).toBe('Available/Available');
    now += 5 * 60_000;
    expect(await shown()).toBe('Available/AvailableInactive');
    now += 5 * 60_000;
    expect(await shown()).toBe('Away/Away');
    // Two apps' sessions: Busy outranks Available.
    expect((await session({ sessionId: '0b9f5b3a-1111-4aaa-8bbb-0123456789ab', availability: 'Busy', activity: 'InACall' }, other)).status).toBe(200);
    expect(await shown()).toBe('Busy/InACall');
    expect(tenant.presenceSessions(ANN).apps).toHaveLength(2);
    // The session id must be the calling app's; durations PT5M..PT4H; setPresence's four pairs only.
    expect((await session({ sessionId: '0b9f5b3a-1111-4aaa-8bbb-0123456789ab', availability: 'Away', activity: 'Away' })).status).toBe(400);
    expect((await session({ availability: 'Away', activity: 'Away', expirationDuration: 'PT4M' })).status).toBe(400);
    expect((await session({ availability: 'Away', activity: 'Away', expirationDuration: 'PT5H' })).status).toBe(400);
    expect((await session({ availability: 'DoNotDisturb', activity: 'DoNotDisturb' })).status).toBe(400);
    expect((await call('POST', `/users/${tenant.userId(BOB)}/presence/setPresence`, { body: { sessionId: FakeTenant.APP_ID, availability: 'Away', activity: 'Away' } })).status).toBe(403);
    // clearPresence ends this app's session only.
    expect((await call('POST', `/users/${me}/presence/clearPresence`, { body: { sessionId: FakeTenant.APP_ID }, token: ann })).status).toBe(200);
    expect(tenant.presenceSessions(ANN).apps).toEqual(['0b9f5b3a-1111-4aaa-8bbb-0123456789ab']);
    expect(await shown()).toBe('Busy/InACall');
  });

  test('graphPresenceFor reads back as the same status for every status statusFromGraph can produce', async () => {
    const availabilities = ['Available', 'AvailableIdle', 'Away', 'BeRightBack', 'Busy', 'BusyIdle', 'DoNotDisturb', 'Offline', 'PresenceUnknown', 'Focusing', 'Presenting', 'InACall', 'InAMeeting'];
    const activities = ['Available', 'Away', 'BeRightBack', 'Busy', 'DoNotDisturb', 'InACall', 'InAConferenceCall', 'Inactive', 'InAMeeting', 'Offline', 'OffWork', 'OutOfOffice', 'PresenceUnknown', 'Presenting', 'UrgentInterruptionsOnly', 'Whatever'];
    const producible = new Set<number>();
    for (const availability of [...availabilities, 'Unheard']) {
      for (const activity of activities) for (const self of [false, true]) producible.add(statusFromGraph({ availability, activity }, { self }));
    }
    expect([...producible].sort()).toEqual([...STATUSES_WITH_GRAPH_PRESENCE].sort());
    for (const status of STATUSES_WITH_GRAPH_PRESENCE) {
      expect(statusFromGraph(graphPresenceFor(status)!, { self: status === MISTATUS.MISTATUS_INVISIBLE })).toBe(status);
    }
    expect(graphPresenceFor(MISTATUS.MISTATUS_OUT_TO_LUNCH)).toBeUndefined();
  });
});

describe('$batch', () => {
  const item = (id: string, url: string): Record<string, unknown> => ({ id, method: 'GET', url });

  test('runs each item through the router: 200 outside, each item with its own status; the log holds one request', async () => {
    tenant.resetRequests();
    const r = await call('POST', '/$batch', { body: { requests: [item('1', `/users/${encodeURIComponent(BOB)}?$select=id`), item('2', '/users/nobody%40x.example')] } });
    expect(r.status).toBe(200);
    const responses = r.json['responses'] as { id: string; status: number; headers: Record<string, string>; body: Record<string, unknown> }[];
    expect(responses.map((x) => [x.id, x.status])).toEqual([['1', 200], ['2', 404]]);
    expect(responses[0]!.headers).toEqual({ 'Content-Type': 'application/json' });
    expect(responses[0]!.body).toMatchObject({ id: tenant.userId(BOB) });
    expect(responses[1]!.body).toMatchObject({ error: { code: 'Request_ResourceNotFound' } });
    expect(tenant.requests).toHaveLength(1);
    expect(tenant.requests[0]).toMatchObject({ method: 'POST', path: '/$batch', batchItems: 2 });
  });

  test('more than 20 requests, or a repeated id, is a 400 for the whole batch', async () => {
    const twenty = Array.from({ length: 20 }, (_, i) => item(String(i), '/me'));
    expect((await call('POST', '/$batch', { body: { requests: twenty } })).status).toBe(200);
    expect((await call('POST', '/$batch', { body: { requests: [...twenty, item('20', '/me')] } })).status).toBe(400);
    expect((await call('POST', '/$batch', { body: { requests: [item('a', '/me'), item('A', '/me')] } })).status).toBe(400);
    expect((await call('POST', '/$batch', { body: { requests: [{ id: '1', method: 'POST', url: '/chats', body: {} }] } })).status).toBe(400);
  });

  test('getPresencesByUserId inside $batch (JSON body with its Content-Type): 650 ids answered; 651 ids is that item\'s 400, the batch still 200', async () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => guidFromUpn(`p${i}@x`));
    const presence = (id: string, n: number): Record<string, unknown> => ({
      id, method: 'POST', url: '/communications/getPresencesByUserId', headers: { 'Content-Type': 'application/json' }, body: { ids: ids(n) },
    });
    const r = await call('POST', '/$batch', { body: { requests: [presence('0', 650), presence('1', 651), { ...presence('2', 1), body: { ids: [tenant.userId(BOB)] } }] } });
    expect(r.status).toBe(200);
    const responses = r.json['responses'] as { id: string; status: number; body: Record<string, unknown> }[];
    expect(responses.map((x) => [x.id, x.status])).toEqual([['0', 200], ['1', 400], ['2', 200]]);
    expect(responses[0]!.body['value']).toHaveLength(650);
    expect(responses[1]!.body).toMatchObject({ error: { code: 'BadRequest' } });
    expect(responses[2]!.body['value']).toEqual([expect.objectContaining({ id: tenant.userId(BOB), availability: 'Available' })]);
    // A body without its Content-Type, or 21 presence calls, fails the whole batch (json-batching.md).
    const bare = { id: '0', method: 'POST', url: '/communications/getPresencesByUserId', body: { ids: ids(1) } };
    expect((await call('POST', '/$batch', { body: { requests: [bare] } })).status).toBe(400);
    const twentyOne = Array.from({ length: 21 }, (_, i) => presence(String(i), 1));
    const tooMany = await call('POST', '/$batch', { body: { requests: twentyOne } });
    expect([tooMany.status, errorCode(tooMany)]).toEqual([400, 'BadRequest']);
    expect((await call('POST', '/$batch', { body: { requests: twentyOne.slice(0, 20) } })).status).toBe(200);
  });

  test('the tenant records when each request arrived and how many were in flight (the client\'s concurrency); latency may vary per request', async () => {
    const slow = new FakeTenant({ seed: seed(), latencyMs: (r) => (r.path === '/me' ? 100 : 0) });
    await slow.start();
    try {
      const token = slow.tokenFor(ANN);
      const get = (path: string) => fetch(`${slow.baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } }).then((res) => res.text());
      await Promise.all([get('/me'), get('/me'), get('/me')]);
      expect(slow.peakInFlight).toBe(3);
      expect(slow.requests.map((r) => r.inFlight).sort()).toEqual([1, 2, 3]);
      slow.resetRequests();
      expect(slow.peakInFlight).toBe(0);
      await get('/me/mailFolders/inbox?$select=unreadItemCount');
      await get('/me/mailFolders/inbox?$select=unreadItemCount');
      expect(slow.peakInFlight).toBe(1);
      expect(slow.requests[1]!.at).toBeGreaterThanOrEqual(slow.requests[0]!.at);
    } finally { await slow.stop(); }
  });

  test('items can be throttled individually: 429 with Retry-After inside a 200 batch', async () => {
    tenant.failNext({ status: 429, retryAfter: 2.128, match: { path: /^\/users\// } });
    const r = await call('POST', '/$batch', { body: { requests: [item('1', '/me'), item('2', `/users/${encodeURIComponent(BOB)}`), item('3', `/users/${encodeURIComponent(CAROL)}`)] } });
    expect(r.status).toBe(200);
    const responses = r.json['responses'] as { id: string; status: number; headers: Record<string, string> }[];
    expect(responses.map((x) => x.status)).toEqual([200, 429, 200]);
    expect(responses[1]!.headers['Retry-After']).toBe('2.128');
  });
});

describe('latency, faults and tokens', () => {
  test('latencyMs delays every response measurably', async () => {
    const slow = new FakeTenant({ seed: seed(), latencyMs: 150 });
    await slow.start();
    try {
      const started = Date.now();
      const res = await fetch(`${slow.baseUrl}/me`, { headers: { Authorization: `Bearer ${slow.tokenFor(ANN)}` } });
      await res.text();
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    } finally { await slow.stop(); }
  });

  test('http fault: the status, Graph error code and Retry-After, then normal answers again', async () => {
    tenant.failNext({ status: 503, retryAfter: 1, times: 2 });
    const first = await call('GET', '/me');
    expect([first.status, errorCode(first), first.headers.get('retry-after')]).toEqual([503, 'ServiceNotAvailable', '1']);
    expect((await call('GET', '/me')).status).toBe(503);
    expect((await call('GET', '/me')).status).toBe(200);
  });

  test('faults match by method and path, in order', async () => {
    tenant.failNext({ status: 404, code: 'itemNotFound', match: { method: 'POST', path: /^\/chats$/ } });
    expect((await call('GET', '/me')).status).toBe(200);
    const r = await groupChat('x', [ANN, BOB, ERIN]);
    expect([r.status, errorCode(r)]).toEqual([404, 'itemNotFound']);
    expect(tenant.chats().some((c) => c.topic === 'x')).toBe(false);
  });

  test('reset destroys the connection', async () => {
    tenant.failNext({ kind: 'reset' });
    await expect(call('GET', '/me')).rejects.toThrow();
    expect((await call('GET', '/me')).status).toBe(200);
  });

  test('timeout never answers (until the client gives up or the tenant stops)', async () => {
    tenant.failNext({ kind: 'timeout' });
    await expect(call('GET', '/me', { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    expect((await call('GET', '/me')).status).toBe(200);
    tenant.failNext({ kind: 'timeout' });
    const pending = call('GET', '/me');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await tenant.stop();
    await expect(pending).rejects.toThrow();
  });

  test('malformed answers 200 with a body that is not JSON', async () => {
    tenant.failNext({ kind: 'malformed' });
    const r = await call('GET', '/me');
    expect(r.status).toBe(200);
    expect(() => JSON.parse(r.text) as unknown).toThrow();
  });

  test('afterCommit performs the operation and then fails: a blind retry of POST /chats duplicates the group chat', async () => {
    tenant.failNext({ status: 504, afterCommit: true, match: { method: 'POST', path: /^\/chats$/ } });
    const lost = await groupChat('Retry me', [ANN, BOB, ERIN]);
    expect(lost.status).toBe(504);
    expect(tenant.chats().filter((c) => c.topic === 'Retry me')).toHaveLength(1);
    await groupChat('Retry me', [ANN, BOB, ERIN]);
    expect(tenant.chats().filter((c) => c.topic === 'Retry me')).toHaveLength(2);
  });

  test('an expired token gets 401 InvalidAuthenticationToken; a fresh one works', async () => {
    tenant.expireToken(ann);
    const r = await call('GET', '/me');
    expect([r.status, errorCode(r)]).toEqual([401, 'InvalidAuthenticationToken']);
    expect((await call('GET', '/me', { token: tenant.tokenFor(ANN) })).status).toBe(200);
    expect((await call('GET', '/me', { token: 'made-up' })).status).toBe(401);
  });
});

describe('OtherSide on the fake tenant', () => {
  test('contact status, name and phone changes show in Graph', async () => {
    const other = tenant.otherSide(ANN);
    await other.contactStatus(BOB, MISTATUS.MISTATUS_IN_A_MEETING);
    await other.contactFriendlyName(BOB, 'Robert Kelly');
    await other.contactPhone(BOB, MPHONE_TYPE.MPHONE_TYPE_WORK, '+1 425 555 0111');
    await other.myFriendlyName('Ann L.');
    const presence = values(await call('POST', '/communications/getPresencesByUserId', { body: { ids: [tenant.userId(BOB)] } }))[0]!;
    expect(statusFromGraph({ availability: presence['availability'] as string, activity: presence['activity'] as string })).toBe(MISTATUS.MISTATUS_IN_A_MEETING);
    expect((await call('GET', `/users/${encodeURIComponent(BOB)}`)).json).toMatchObject({ displayName: 'Robert Kelly', businessPhones: ['+1 425 555 0111'] });
    expect((await call('GET', '/me')).json['displayName']).toBe('Ann L.');
  });

  test('hooks without a Graph equivalent reject with E_NOTIMPL', async () => {
    const other = tenant.otherSide(ANN);
    for (const p of [other.contactPager(BOB, true), other.contactEmail(BOB, 'x@y.z'), other.contactLeavesConversations(BOB), other.appShutdown(),
      other.contactStatus(BOB, MISTATUS.MISTATUS_OUT_TO_LUNCH), other.myPhone(MPHONE_TYPE.MPHONE_TYPE_HOME, '1')]) {
      const error = await p.then(() => undefined, (e: unknown) => e);
      expect(isMessengerError(error, 'E_NOTIMPL')).toBe(true);
    }
  });

  test('signOut expires the user\'s tokens', async () => {
    await tenant.otherSide(ANN).signOut();
    expect((await call('GET', '/me')).status).toBe(401);
  });

  test('failNextCall fails the next request with a failure errors.ts maps to that HRESULT', async () => {
    const other = tenant.otherSide(ANN);
    other.failNextCall('MSGR_E_SERVER_TOO_BUSY');
    const busy = await call('GET', '/me');
    expect(hresultFor({ status: busy.status, code: errorCode(busy) as string })).toBe('MSGR_E_SERVER_TOO_BUSY');
    expect((await call('GET', '/me')).status).toBe(200);

    // A resource-specific HRESULT waits for a request about that resource.
    other.failNextCall('MSGR_E_GROUP_DOES_NOT_EXIST');
    expect((await call('GET', '/me')).status).toBe(200);
    const gone = await call('GET', `/chats/${encodeURIComponent(tenant.chats()[0]!.id)}/members`);
    expect(gone.status).toBe(404);
    expect(hresultFor({ status: gone.status }, 'chat')).toBe('MSGR_E_GROUP_DOES_NOT_EXIST');

    expect(() => other.failNextCall('MSGR_E_INVALID_PASSWORD')).toThrow(/no Graph failure/);
  });

  test('faultForHresult covers every HRESULT errors.ts can produce, and retries make it fail as often as the adapter tries', () => {
    for (const hr of ['E_FAIL', 'E_INVALIDARG', 'E_NOTIMPL', 'MSGR_E_CONNECT', 'MSGR_E_SESSION_TIMEOUT', 'MSGR_E_SERVER_PROTOCOL', 'MSGR_E_NOT_LOGGED_ON',
      'MSGR_E_POLICY_RESTRICTED', 'MSGR_E_USER_NOT_FOUND', 'MSGR_E_USER_NOT_GROUP_MEMBER', 'MSGR_E_GROUP_DOES_NOT_EXIST', 'MSGR_E_ALREADY_IN_LIST',
      'MSGR_E_GROUP_ALREADY_EXISTS', 'MSGR_E_SERVER_TOO_BUSY', 'MSGR_E_SERVER_ERROR'] as const) {
      expect(HR[hr]).toBeDefined();
      expect(faultForHresult(hr)).toBeDefined();
    }
    expect(faultForHresult('MSGR_E_NOT_LOGGED_ON', (f) => (f.status === 401 ? 1 : 0))).toMatchObject({ status: 401, times: 2 });
    expect(faultForHresult('MSGR_E_CONNECT')).toMatchObject({ kind: 'reset' });
  });
});

describe('subscriptions', () => {
  const inMinutes = (m: number): string => new Date(Date.now() + m * 60_000).toISOString();
  const presence = (): Record<string, unknown> => ({
    changeType: 'updated', notificationUrl: 'https://example.com/notify', resource: `/communications/presences?$filter=id in ('${tenant.userId(BOB)}')`,
    expirationDateTime: inMinutes(55), clientState: 'state', includeResourceData: true, encryptionCertificate: 'MIIB', encryptionCertificateId: 'c1',
  });

  test('presence subscriptions need a certificate and at most 60 minutes; clientState at most 128 characters', async () => {
    expect((await call('POST', '/subscriptions', { body: { ...presence(), encryptionCertificate: undefined } })).status).toBe(400);
    expect((await call('POST', '/subscriptions', { body: { ...presence(), expirationDateTime: inMinutes(61) } })).status).toBe(400);
    expect((await call('POST', '/subscriptions', { body: { ...presence(), clientState: 'x'.repeat(129) } })).status).toBe(400);
    expect((await call('POST', '/subscriptions', { body: { ...presence(), resource: `/communications/presences?$filter=id in (${tenant.userId(BOB)})` } })).status).toBe(400);
    const created = await call('POST', '/subscriptions', { body: presence() });
    expect(created.status).toBe(201);
    const id = created.json['id'] as string;
    expect((await call('PATCH', `/subscriptions/${id}`, { body: { expirationDateTime: inMinutes(59) } })).status).toBe(200);
    expect((await call('PATCH', `/subscriptions/${id}`, { body: { expirationDateTime: inMinutes(90) } })).status).toBe(400);
    expect((await call('DELETE', `/subscriptions/${id}`)).status).toBe(204);
    expect((await call('DELETE', `/subscriptions/${id}`)).status).toBe(404);
  });
});
