/**
 * Presence sessions (issue 14 item 1; src/presence-session.ts, src/testing/fake-presence.ts).
 *
 * Graph shows a preferred presence only while the user has a presence session, else Offline
 * (docs/presence-setuserpreferredpresence.md); an app session expires after its
 * expirationDuration and an Available one fades after 5 minutes (docs/presence-setpresence.md).
 * The fake tenant implements that on a clock the tests move; the adapter holds an app session from
 * sign-in to sign-out, renewed before it lapses. Before this, the adapter held none: others saw a
 * signed-in user without a Teams client Offline, and MyStatus read Online forever.
 */
import { MISTATUS, type RemoteChange } from '@imessenger/contract';
import { KIT_SELF, kitSeed } from '@imessenger/contract-tests';
import { type GraphBackend, graphBackend, StaticTokenAuth, testing } from '../src';

const MINUTE = 60_000;
const OTHER = 'bob@contoso.com';

let now = Date.parse('2026-01-05T09:00:00Z');
let tenant: testing.FakeTenant;
let backend: GraphBackend;
let changes: RemoteChange[];
const warnings: unknown[] = [];

/** What another user reads of the signed-in user's presence (getPresencesByUserId with their own token). */
async function seenByOthers(): Promise<string> {
  const res = await fetch(`${tenant.baseUrl}/communications/getPresencesByUserId`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${tenant.tokenFor(OTHER)}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ ids: [tenant.userId(KIT_SELF)] }),
  });
  const { value } = (await res.json()) as { value: { availability: string; activity: string }[] };
  return `${value[0]!.availability}/${value[0]!.activity}`;
}

/** The POSTs of a presence action, alone or as items of a $batch (sign-in opens the session in the $batch that reads presence). */
const posts = (action: string): { body?: unknown }[] => tenant.requests.flatMap((r): { body?: unknown }[] => {
  if (r.method === 'POST' && r.path === '/$batch') {
    return ((r.body as { requests?: { method: string; url: string; body?: unknown }[] }).requests ?? [])
      .filter((item) => item.method === 'POST' && item.url.split('?')[0]!.endsWith(`/presence/${action}`));
  }
  return r.method === 'POST' && r.path.endsWith(`/presence/${action}`) ? [r] : [];
});

beforeEach(async () => {
  now = Date.parse('2026-01-05T09:00:00Z');
  tenant = new testing.FakeTenant({ seed: kitSeed(), clock: () => now });
  await tenant.start();
  warnings.length = 0;
  backend = graphBackend({
    auth: new StaticTokenAuth({ username: KIT_SELF, token: () => tenant.tokenFor(KIT_SELF) }),
    tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, presence: { intervalMs: 0 }, retry: { delaySeconds: 0 },
    signedInAtStart: false, presenceSession: { renewMs: 0, onError: (e) => warnings.push(e) },
  });
  changes = [];
  backend.ports.events.watch((c) => changes.push(c));
  await backend.ports.session.signin({ signinName: KIT_SELF, password: '' });
});
afterEach(() => tenant.stop());

describe('the fake tenant, as the presence pages say', () => {
  test("the seed's other users run a Teams client; the signed-in user none: only the adapter's session", () => {
    expect(tenant.presenceSessions(OTHER)).toMatchObject({ client: true, apps: [] });
    expect(tenant.presenceSessions(KIT_SELF)).toMatchObject({ client: false, apps: [testing.FakeTenant.APP_ID] });
  });
});

describe('the adapter holds an app presence session while signed in', () => {
  test('sign-in opens it with the app id as sessionId: others see the user Available, MyStatus reads Online', async () => {
    expect(posts('setPresence').map((r) => r.body)).toEqual([
      { sessionId: testing.FakeTenant.APP_ID, availability: 'Available', activity: 'Available', expirationDuration: 'PT5M' },
    ]);
    expect(tenant.presenceSessions(KIT_SELF)).toMatchObject({ client: false, apps: [testing.FakeTenant.APP_ID], preferred: true }); // seeded: Online
    // Two requests, as before the session: the first $batch gives the user's id; the session opens in
    // the $batch that reads presence, ahead of the read, which depends on it.
    expect(tenant.requests.map((r) => `${r.method} ${r.path} ${r.batchItems ?? ''}`.trim())).toEqual(['POST /$batch 4', 'POST /$batch 2']);
    const second = (tenant.requests[1]!.body as { requests: { id: string; url: string; dependsOn?: string[] }[] }).requests;
    expect(second.map((r) => [r.url.split('/').pop(), r.dependsOn])).toEqual([['setPresence', undefined], ['getPresencesByUserId', [second[0]!.id]]]);
    expect(await seenByOthers()).toBe('Available/Available');
    expect((await backend.ports.session.self()).status).toBe(MISTATUS.MISTATUS_ONLINE);
  });

  test('MyStatus put shows to others and the poll agrees (no event, nothing ignored)', async () => {
    await backend.ports.presence.setMyStatus(MISTATUS.MISTATUS_BUSY);
    expect(await seenByOthers()).toBe('Busy/Busy');
    await backend.watcher.pollNow({ directory: false });
    expect((await backend.ports.session.self()).status).toBe(MISTATUS.MISTATUS_BUSY);
    expect(changes.filter((c) => c.type === 'myStatus')).toEqual([]);
  });

  test('an Away-like status moves the session to Away/Away; On The Phone (nearest) needs no new pair', async () => {
    await backend.ports.presence.setMyStatus(MISTATUS.MISTATUS_AWAY);
    expect(posts('setPresence').map((r) => (r.body as { availability: string }).availability)).toEqual(['Available', 'Away']);
    await backend.ports.presence.setMyStatus(MISTATUS.MISTATUS_BE_RIGHT_BACK);
    expect(posts('setPresence')).toHaveLength(2); // same session state: nothing sent
    expect(await seenByOthers()).toBe('BeRightBack/BeRightBack');
  });

  test('renewed in time it never lapses; left alone it expires: others see Offline and MyStatus reports it', async () => {
    await backend.ports.presence.setMyStatus(MISTATUS.MISTATUS_BUSY);
    for (let i = 0; i < 5; i++) {
      now += 3 * MINUTE;
      await backend.presenceSession.renew();
      expect(await seenByOthers()).toBe('Busy/Busy');
    }
    now += 5 * MINUTE; // no renewal: the PT5M session expires, and with it the preferred presence's effect
    expect(await seenByOthers()).toBe('Offline/Offline');
    await backend.watcher.pollNow({ directory: false });
    expect(changes.filter((c) => c.type === 'myStatus')).toEqual([{ type: 'myStatus', status: MISTATUS.MISTATUS_INVISIBLE }]);
    expect((await backend.ports.session.self()).status).toBe(MISTATUS.MISTATUS_INVISIBLE);
  });

  test('sign-out clears the session (clearPresence) and stops renewing: others see Offline at once', async () => {
    await backend.ports.session.signout();
    expect(posts('clearPresence').map((r) => r.body)).toEqual([{ sessionId: testing.FakeTenant.APP_ID }]);
    expect(tenant.presenceSessions(KIT_SELF).apps).toEqual([]);
    expect(await seenByOthers()).toBe('Offline/Offline');
    const sent = posts('setPresence').length;
    await backend.presenceSession.renew();
    expect(posts('setPresence')).toHaveLength(sent);
  });

  test('a host dropping the backend without Signout closes the session itself (close)', async () => {
    await backend.presenceSession.close();
    expect(backend.presenceSession.open).toBe(false);
    expect(posts('clearPresence')).toHaveLength(1);
    expect(await seenByOthers()).toBe('Offline/Offline');
  });

  test('the renewal timer runs every renewMs and stops at sign-out', async () => {
    await tenant.stop();
    tenant = new testing.FakeTenant({ seed: kitSeed() });
    await tenant.start();
    const timed = graphBackend({
      auth: new StaticTokenAuth({ username: KIT_SELF, token: () => tenant.tokenFor(KIT_SELF) }),
      tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, presence: { intervalMs: 0 }, signedInAtStart: false, presenceSession: { renewMs: 20 },
    });
    await timed.ports.session.signin({ signinName: KIT_SELF, password: '' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(posts('setPresence').length).toBeGreaterThanOrEqual(3);
    await timed.ports.session.signout();
    const sent = posts('setPresence').length;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(posts('setPresence')).toHaveLength(sent);
  });

  test('without Presence.ReadWrite the session cannot open: sign-in still succeeds and says why', async () => {
    await tenant.stop();
    tenant = new testing.FakeTenant({ seed: kitSeed() });
    await tenant.start();
    const scopes = ['User.ReadWrite', 'User.ReadBasic.All', 'Contacts.ReadWrite', 'Presence.Read.All', 'Mail.ReadBasic'];
    const limited = graphBackend({
      auth: new StaticTokenAuth({ username: KIT_SELF, token: () => tenant.tokenFor(KIT_SELF, { scopes }) }),
      tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, presence: { intervalMs: 0 }, retry: { delaySeconds: 0 }, signedInAtStart: false,
      presenceSession: { onError: (e) => warnings.push(e) },
    });
    expect((await limited.ports.session.signin({ signinName: KIT_SELF, password: '' })).status).toBe(MISTATUS.MISTATUS_INVISIBLE);
    expect(String(warnings[0])).toMatch(/setPresence/);
    // The read that depended on the refused session (424) is made again, alone.
    expect(tenant.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /$batch', 'POST /$batch', 'POST /communications/getPresencesByUserId']);
  });
});
