/**
 * Presence at scale, on the fake tenant: sign-in costs the contact listing plus ⌈⌈(N+1)/650⌉/20⌉
 * $batch requests (one getPresencesByUserId per 650 ids of me and my N contacts, 20 to a batch), a
 * light poll round one $batch while it fits, every request within Graph's limits (≤ 20 items per
 * batch, ≤ 650 ids per call, which the fake enforces); statuses reach the right contacts through the
 * contact list's user-id index (ContactList).
 */
import { MISTATUS, type RemoteChange } from '@imessenger/contract';
import { type GraphAuth, type GraphBackend, graphBackend } from '../src';
import { ContactList, type ListedContact } from '../src/context';
import { FakeTenant, type RecordedRequest } from '../src/testing';

jest.setTimeout(60_000);

const ANN = 'ann@contoso.com';
const upn = (i: number) => `contact${i}@contoso.com`;
const STATUSES = [MISTATUS.MISTATUS_ONLINE, MISTATUS.MISTATUS_BUSY, MISTATUS.MISTATUS_AWAY, MISTATUS.MISTATUS_OFFLINE];

let tenant: FakeTenant | undefined;
afterEach(async () => { await tenant?.stop(); tenant = undefined; });

async function signedIn(contacts: number): Promise<{ tenant: FakeTenant; backend: GraphBackend }> {
  const t = new FakeTenant({
    seed: {
      self: { signinName: ANN, friendlyName: 'Ann Lee', status: MISTATUS.MISTATUS_BUSY },
      contacts: Array.from({ length: contacts }, (_, i) => ({ signinName: upn(i), friendlyName: `Contact ${i}`, status: STATUSES[i % 4] })),
      directory: [],
    },
  });
  tenant = t;
  await t.start();
  let token = '';
  const auth: GraphAuth = {
    mode: 'delegated',
    async signin() { token = t.tokenFor(ANN); return { username: ANN }; },
    async signout() { token = ''; },
    async getToken() { return (token ||= t.tokenFor(ANN)); },
  };
  const backend = graphBackend({ auth, tenantId: t.tenantId, baseUrl: t.baseUrl, presence: { intervalMs: 0 }, retry: { delaySeconds: 0 } });
  await backend.ports.session.signin({ signinName: ANN, password: '' });
  return { tenant: t, backend };
}

const isBatch = (r: RecordedRequest) => r.method === 'POST' && r.path === '/$batch';
type Item = { method: string; url: string; body?: { ids?: string[] } };
const itemsOf = (r: RecordedRequest): Item[] => (r.body as { requests: Item[] }).requests;
const presenceItems = (requests: readonly RecordedRequest[]) =>
  requests.filter(isBatch).flatMap(itemsOf).filter((i) => i.method === 'POST' && i.url === '/communications/getPresencesByUserId');

describe.each([
  // contacts, listing requests (1,000 per page, the first in the sign-in $batch), presence calls, presence $batch requests
  [1_300, 2, 3, 1],
  [14_000, 14, 22, 2],
])('sign-in with %i contacts', (contacts, listing, calls, presenceBatches) => {
  test(`the listing (${listing}) + the presence session and ${calls} presence calls in ${presenceBatches} $batch request(s): ${listing + presenceBatches} requests`, async () => {
    const { tenant: t, backend } = await signedIn(contacts);
    const sent = t.requests;
    expect(sent).toHaveLength(listing + presenceBatches);
    // The listing: the sign-in $batch, then one GET per further page of 1,000.
    expect(isBatch(sent[0]!)).toBe(true);
    expect(itemsOf(sent[0]!).map((i) => i.url.split('?')[0])).toEqual(['/me', '/me/extensions/com.imessenger.profile', '/me/contacts', '/me/mailFolders/inbox']);
    expect(sent.slice(1, listing).every((r) => r.method === 'GET' && r.path === '/me/contacts')).toBe(true);
    // Presence: only inside $batch requests of ≤ 20 items, ≤ 650 ids each, me and every contact once,
    // after the presence session (presence-session.ts) opened ahead of them in the first.
    const presence = sent.slice(listing);
    expect(presence.every(isBatch)).toBe(true);
    expect(itemsOf(presence[0]!)[0]!.url).toMatch(/\/presence\/setPresence$/);
    expect(presence.map((r) => r.batchItems)).toEqual(Array.from({ length: presenceBatches }, (_, k) => Math.min(20, calls + 1 - 20 * k)));
    expect(sent.filter((r) => r.path === '/communications/getPresencesByUserId')).toEqual([]);
    const ids = presenceItems(presence).map((i) => i.body?.ids ?? []);
    expect(ids).toHaveLength(calls);
    expect(ids.every((chunk) => chunk.length <= 650)).toBe(true);
    expect(ids.flat()[0]).toBe(t.userId(ANN));
    expect(new Set(ids.flat()).size).toBe(contacts + 1);
    // The statuses are the tenant's.
    expect((await backend.ports.session.self()).status).toBe(MISTATUS.MISTATUS_BUSY);
    const list = await backend.ports.directory.listContacts();
    expect(list).toHaveLength(contacts);
    for (const i of [0, 1, 2, 3, contacts - 1]) expect(list.find((c) => c.signinName === upn(i))?.status).toBe(STATUSES[i % 4]);
    expect(t.requests).toHaveLength(listing + presenceBatches); // the list came with the sign-in
  });

  test(`a light poll round: ${calls} presence calls, /me and the inbox in ${Math.ceil((calls + 2) / 20)} $batch request(s); a change reaches its contact`, async () => {
    const { tenant: t, backend } = await signedIn(contacts);
    const changes: RemoteChange[] = [];
    backend.ports.events.watch((c) => changes.push(c));
    const last = upn(contacts - 1);
    await t.otherSide(ANN).contactStatus(last, MISTATUS.MISTATUS_BE_RIGHT_BACK);
    t.resetRequests();
    await backend.watcher.pollNow({ directory: false });
    expect(t.requests.every(isBatch)).toBe(true);
    // The two batches go out together: either may arrive first.
    expect(t.requests.map((r) => r.batchItems).sort((a, b) => (b ?? 0) - (a ?? 0))).toEqual(contacts === 1_300 ? [5] : [20, 4]);
    expect(presenceItems(t.requests)).toHaveLength(calls);
    expect(changes).toEqual([{ type: 'contactStatus', signinName: last, status: MISTATUS.MISTATUS_BE_RIGHT_BACK }]);
  });
});

describe('ContactList: by sign-in name, indexed by user id', () => {
  const contact = (name: string, userId: string): ListedContact => ({ contactId: `c-${name}`, userId, signinName: name, friendlyName: name, phones: {} });

  test('set, replace and delete keep the user-id index in step', () => {
    const list = new ContactList();
    list.set('bob', contact('bob', 'u-bob')).set('carol', contact('carol', 'u-carol'));
    expect(list.byUserId('u-bob')?.signinName).toBe('bob');
    expect(list.byUserId('u-carol')?.signinName).toBe('carol');
    // Replaced under the same name by a contact of another user: the old user is no longer listed.
    list.set('bob', contact('bob', 'u-bob2'));
    expect(list.byUserId('u-bob')).toBeUndefined();
    expect(list.byUserId('u-bob2')?.contactId).toBe('c-bob');
    expect(list.delete('carol')).toBe(true);
    expect(list.delete('carol')).toBe(false);
    expect(list.byUserId('u-carol')).toBeUndefined();
    list.clear();
    expect(list.byUserId('u-bob2')).toBeUndefined();
    expect(list.size).toBe(0);
  });

  test('two Outlook contacts naming one user: the first listed answers; when it goes, the other does', () => {
    const list = new ContactList();
    list.set('old@contoso.com', contact('old@contoso.com', 'u-1'));
    list.set('new@contoso.com', contact('new@contoso.com', 'u-1'));
    expect(list.byUserId('u-1')?.signinName).toBe('old@contoso.com');
    list.delete('old@contoso.com');
    expect(list.byUserId('u-1')?.signinName).toBe('new@contoso.com');
  });
});
