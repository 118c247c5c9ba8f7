/**
 * Presence change notifications (src/webhook.ts): the subscriptions against a Graph mocked with
 * nock 15 (no real network but the loopback server the handler runs on), and the handler as Graph
 * calls it: validation handshake, clientState, encrypted resource data, lifecycle notifications.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  constants, createCipheriv, createHmac, generateKeyPairSync, type KeyObject, publicEncrypt, randomBytes,
} from 'node:crypto';
import nock from 'nock';
import { MISTATUS, type RemoteChange } from '@imessenger/contract';
import {
  createWebhookHandler, graphBackend, type GraphBackend, type RejectedNotification, StaticTokenAuth, SubscriptionManager,
  type WebhookHandler, type WebhookOptions,
} from '@imessenger/adapter-graph';
import { CONTACT_EXTENSION, GraphContext, type OutlookContact } from '../src/context';
import { GraphHttp } from '../src/http';
import { RecordingLauncher } from '../src/launcher';
import { PresenceWatcher } from '../src/ports/events';
import { checkRequest } from './support/request-check';

const GRAPH = 'https://graph.test';
const BASE_URL = `${GRAPH}/v1.0`;
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const ME = { id: 'aaaaaaaa-0000-4000-8000-000000000001', displayName: 'Ann Lee', userPrincipalName: 'ann@contoso.com', businessPhones: [], mobilePhone: null };
const NOTIFY_URL = 'https://hooks.contoso.com/graph';
const LIFECYCLE_URL = 'https://hooks.contoso.com/graph/lifecycle';
const CLIENT_STATE = 'the-secret-client-state';
const CERT_ID = 'imessenger-cert-1';
const HOUR = 60 * 60_000;

const userId = (i: number): string => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
const upn = (i: number): string => `user${i}@contoso.com`;

function outlookContacts(count: number): OutlookContact[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `contact-${i}`, displayName: `User ${i}`, emailAddresses: [{ address: upn(i) }],
    extensions: [{ id: `Microsoft.OutlookServices.OpenTypeExtension.${CONTACT_EXTENSION}`, userId: userId(i), signinName: upn(i) }],
  }));
}

let keys: { publicKey: KeyObject; privateKeyPem: string; certificate: string };

beforeAll(() => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  keys = {
    publicKey: pair.publicKey,
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    // Graph wants the certificate's DER; the mock never reads it, so the key's DER stands in.
    certificate: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
// Remove nock's interceptors: they patch Node's http for the whole worker, past this file's module registry.
afterAll(() => { nock.enableNetConnect(); nock.restore(); });

// nock 15 hands reply functions the fetch Request.
/** The body, after checking the request against Graph's v1.0 metadata and permission map (test/support; counted and reported after the file). */
const bodyOf = async (request: Request): Promise<Record<string, unknown>> => {
  const body = await request.json() as Record<string, unknown>;
  seen(request, body);
  return body;
};
function seen(request: Request, body?: unknown): void {
  const url = new URL(request.url);
  checkRequest({ method: request.method, path: url.pathname.replace(/^\/v1\.0/, ''), query: decodeURIComponent(url.search.slice(1)), body, mode: 'delegated' });
}
const idOf = (request: Request): string => decodeURIComponent(new URL(request.url).pathname.split('/').pop()!);

/** Graph's /subscriptions as nock routes over a map, with every request recorded. */
class FakeSubscriptions {
  readonly created: Record<string, unknown>[] = [];
  readonly renewed: { id: string; expirationDateTime: string }[] = [];
  readonly deleted: string[] = [];
  readonly live = new Map<string, Record<string, unknown>>();
  private next = 1;

  install(): void {
    nock(GRAPH).persist()
      .post('/v1.0/subscriptions').reply(async (req) => {
        const request = await bodyOf(req);
        this.created.push(request);
        const id = `sub-${this.next++}`;
        const entity = { ...request, id, encryptionCertificate: null };
        this.live.set(id, entity);
        return [201, entity] as const;
      })
      .patch(/^\/v1\.0\/subscriptions\/[^/]+$/).reply(async (req) => {
        const id = idOf(req);
        const request = await bodyOf(req);
        this.renewed.push({ id, expirationDateTime: String(request['expirationDateTime']) });
        const entity = this.live.get(id);
        if (!entity) return [404, { error: { code: 'ResourceNotFound', message: `subscription '${id}'` } }] as const;
        entity['expirationDateTime'] = request['expirationDateTime'];
        return [200, entity] as const;
      })
      .delete(/^\/v1\.0\/subscriptions\/[^/]+$/).reply((req) => {
        seen(req);
        const id = idOf(req);
        this.deleted.push(id);
        return this.live.delete(id) ? [204, ''] as const : [404, { error: { code: 'ResourceNotFound', message: 'gone' } }] as const;
      });
  }
}

/** Sign-in's $batch (me, profile, contacts, inbox) and getPresencesByUserId, alone or in a $batch: everyone Available. */
function mockSignin(contacts: readonly OutlookContact[]): { presenceCalls: number } {
  const seen = { presenceCalls: 0 };
  const available = (ids: readonly string[]) => ({ value: ids.map((id) => ({ id, availability: 'Available', activity: 'Available' })) });
  nock(GRAPH).persist().post('/v1.0/$batch').reply(async (req) => {
    const { requests } = await bodyOf(req) as { requests: { id: string; url: string; body?: { ids: string[] } }[] };
    return [200, {
      responses: requests.map((r) => {
        if (r.url === '/communications/getPresencesByUserId') {
          seen.presenceCalls++;
          return { id: r.id, status: 200, body: available(r.body?.ids ?? []) };
        }
        if (r.url.startsWith('/me?')) return { id: r.id, status: 200, body: ME };
        if (r.url.startsWith('/me/extensions/')) return { id: r.id, status: 404, body: { error: { code: 'ResourceNotFound', message: 'none' } } };
        if (r.url.startsWith('/me/contacts?')) return { id: r.id, status: 200, body: { value: contacts } };
        if (r.url.startsWith('/me/mailFolders/inbox')) return { id: r.id, status: 200, body: { unreadItemCount: 0 } };
        return { id: r.id, status: 404, body: { error: { code: 'ResourceNotFound', message: r.url } } };
      }),
    }] as const;
  });
  nock(GRAPH).persist().post('/v1.0/communications/getPresencesByUserId').reply(async (req) => {
    seen.presenceCalls++;
    const { ids } = await bodyOf(req) as { ids: string[] };
    return [200, available(ids)] as const;
  });
  return seen;
}

function webhookOptions(extra: Partial<WebhookOptions> = {}): WebhookOptions {
  return {
    notificationUrl: NOTIFY_URL, lifecycleNotificationUrl: LIFECYCLE_URL, clientState: CLIENT_STATE,
    encryptionCertificate: keys.certificate, encryptionCertificateId: CERT_ID, privateKeyPem: keys.privateKeyPem,
    onError: (e: unknown) => { errors.push(e); },
    ...extra,
  };
}

let fake: FakeSubscriptions;
let errors: unknown[];

beforeEach(() => {
  fake = new FakeSubscriptions();
  fake.install();
  errors = [];
});
afterEach(() => {
  nock.cleanAll();
});

/** A context signed in as ME with `count` contacts, without any request. */
function signedInContext(count: number): GraphContext {
  const auth = new StaticTokenAuth({ username: ME.userPrincipalName, token: () => 'token' });
  const ctx = new GraphContext({
    http: new GraphHttp({ auth, baseUrl: BASE_URL, retry: { maxRetries: 0 } }), auth, tenantId: TENANT, serviceName: 'Teams',
    launcher: new RecordingLauncher(), receiveFileDirectory: '/tmp',
  });
  ctx.me = ME;
  ctx.signedIn = true;
  ctx.setContacts(outlookContacts(count));
  return ctx;
}

interface Session { backend: GraphBackend; manager: SubscriptionManager; changes: RemoteChange[] }

async function signedIn(contactCount: number, extra: Partial<WebhookOptions> = {}): Promise<Session> {
  mockSignin(outlookContacts(contactCount));
  const backend = graphBackend({
    auth: new StaticTokenAuth({ username: ME.userPrincipalName, token: () => 'token' }),
    tenantId: TENANT, baseUrl: BASE_URL, retry: { maxRetries: 0 }, presence: { intervalMs: 0 },
    webhook: webhookOptions(extra),
  });
  const manager = backend.webhook!;
  const changes: RemoteChange[] = [];
  backend.ports.events.watch((c) => changes.push(c));
  await backend.ports.session.signin({ signinName: ME.userPrincipalName, password: '' });
  await manager.settled();
  return { backend, manager, changes };
}

const idsOf = (resource: unknown): string[] => {
  const m = /^\/communications\/presences\?\$filter=id in \((.*)\)$/.exec(String(resource));
  if (!m) throw new Error(`not a bulk presence resource: ${String(resource)}`);
  return m[1]!.split(',').map((quoted) => {
    expect(quoted).toMatch(/^'[0-9a-f-]{36}'$/);
    return quoted.slice(1, -1);
  });
};

describe('SubscriptionManager', () => {
  test('after sign-in: one subscription per 650 ids (me + 700 contacts -> 2), quoted ids, ≤ 60 min, encrypted, clientState', async () => {
    const before = Date.now();
    const { manager, backend } = await signedIn(700);
    expect(errors).toEqual([]);
    expect(fake.created).toHaveLength(2);
    const ids = fake.created.flatMap((body) => idsOf(body['resource']));
    expect(fake.created.map((body) => idsOf(body['resource']).length)).toEqual([650, 51]);
    expect(new Set(ids)).toEqual(new Set([ME.id, ...Array.from({ length: 700 }, (_, i) => userId(i))]));
    for (const body of fake.created) {
      expect(body).toMatchObject({
        changeType: 'updated', notificationUrl: NOTIFY_URL, lifecycleNotificationUrl: LIFECYCLE_URL, includeResourceData: true,
        encryptionCertificate: keys.certificate, encryptionCertificateId: CERT_ID, clientState: CLIENT_STATE,
      });
      const expires = Date.parse(String(body['expirationDateTime']));
      expect(expires).toBeGreaterThan(before + 50 * 60_000);
      expect(expires).toBeLessThanOrEqual(Date.now() + HOUR);
    }
    expect(manager.subscriptions.map((s) => s.id)).toEqual(['sub-1', 'sub-2']);
    await backend.ports.session.signout();
  });

  test('the default clientState is random, and at most 128 characters', () => {
    const ctx = new GraphContext({
      http: new GraphHttp({ auth: new StaticTokenAuth({ username: 'x', token: () => 't' }), baseUrl: BASE_URL }),
      auth: new StaticTokenAuth({ username: 'x', token: () => 't' }), tenantId: TENANT, serviceName: 'Teams', launcher: new RecordingLauncher(), receiveFileDirectory: '/tmp',
    });
    const make = () => new SubscriptionManager(ctx, new PresenceWatcher(ctx), webhookOptions({ clientState: undefined }));
    const [a, b] = [make().clientState, make().clientState];
    expect(a).not.toEqual(b);
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(a.length).toBeLessThanOrEqual(128);
    expect(() => new SubscriptionManager(ctx, new PresenceWatcher(ctx), webhookOptions({ clientState: 'x'.repeat(129) }))).toThrow(TypeError);
    expect(() => new SubscriptionManager(ctx, new PresenceWatcher(ctx), webhookOptions({ notificationUrl: 'http://plain.example' }))).toThrow(/https/);
  });

  test('renewNow() PATCHes every subscription with a new expiry ≤ 60 minutes ahead', async () => {
    const { manager, backend } = await signedIn(700);
    await manager.renewNow();
    expect(fake.renewed.map((r) => r.id)).toEqual(['sub-1', 'sub-2']);
    for (const r of fake.renewed) expect(Date.parse(r.expirationDateTime)).toBeLessThanOrEqual(Date.now() + HOUR);
    expect(fake.created).toHaveLength(2);
    await backend.ports.session.signout();
  });

  test('the timer renews renewBeforeMs ahead of expiry by itself', async () => {
    // Expiry is 58 minutes out; renewing 58 minutes less 100 ms before it puts the renewal 100 ms away.
    const { manager, backend } = await signedIn(3, { renewBeforeMs: 58 * 60_000 - 100 });
    expect(fake.renewed).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await manager.settled();
    expect(fake.renewed.length).toBeGreaterThanOrEqual(1);
    expect(fake.renewed[0]!.id).toBe('sub-1');
    await backend.ports.session.signout();
  });

  test('a subscription Graph no longer knows (404 on renew) is created again for the same users', async () => {
    const { manager, backend } = await signedIn(700);
    const second = fake.created[1]!['resource'];
    fake.live.delete('sub-2');
    await manager.renewNow();
    expect(errors).toEqual([]);
    expect(fake.created).toHaveLength(3);
    expect(fake.created[2]!['resource']).toBe(second);
    expect(manager.subscriptions.map((s) => s.id).sort()).toEqual(['sub-1', 'sub-3']);
    await backend.ports.session.signout();
  });

  test('sign-out deletes every subscription before the session ends', async () => {
    const { manager, backend } = await signedIn(700);
    await backend.ports.session.signout();
    expect(fake.deleted.sort()).toEqual(['sub-1', 'sub-2']);
    expect(fake.live.size).toBe(0);
    expect(manager.subscriptions).toEqual([]);
    expect(errors).toEqual([]);
  });

  test('refresh() follows the contact list: nothing when unchanged; a changed list replaces the subscription', async () => {
    const ctx = signedInContext(3);
    const manager = new SubscriptionManager(ctx, new PresenceWatcher(ctx, { intervalMs: 0 }), webhookOptions());
    await manager.start();
    expect(idsOf(fake.created[0]!['resource'])).toEqual([ME.id, userId(0), userId(1), userId(2)]);
    await manager.refresh();
    expect(fake.created).toHaveLength(1);
    expect(fake.deleted).toEqual([]);
    // user1 removed, user3 added.
    ctx.setContacts(outlookContacts(4).filter((_, i) => i !== 1));
    await manager.refresh();
    expect(fake.created).toHaveLength(2);
    expect(idsOf(fake.created[1]!['resource']).sort()).toEqual([ME.id, userId(0), userId(2), userId(3)].sort());
    expect(fake.deleted).toEqual(['sub-1']);
    expect(manager.subscriptions.map((s) => s.id)).toEqual(['sub-2']);
    await manager.stop();
    expect(fake.live.size).toBe(0);
    expect(errors).toEqual([]);
  });

  test('wire(): adding or removing a contact through the directory port refreshes the subscriptions', async () => {
    const ctx = signedInContext(2);
    const manager = new SubscriptionManager(ctx, new PresenceWatcher(ctx, { intervalMs: 0 }), webhookOptions());
    const unwired = graphBackend({ auth: ctx.options.auth, tenantId: TENANT, baseUrl: BASE_URL }).ports;
    const ports = manager.wire({
      ...unwired,
      directory: {
        ...unwired.directory,
        addContact: async (name) => {
          ctx.setContacts(outlookContacts(3));
          return { signinName: name, friendlyName: name, status: MISTATUS.MISTATUS_UNKNOWN, blocked: false, canPage: false, phones: {}, serviceId: ctx.serviceId };
        },
        removeContact: async () => { ctx.setContacts(outlookContacts(3).slice(1)); },
      },
    });
    await manager.start();
    expect(idsOf(fake.created[0]!['resource'])).toHaveLength(3);
    await ports.directory.addContact(upn(2));
    await manager.settled();
    expect(idsOf(fake.created[1]!['resource'])).toEqual([ME.id, userId(0), userId(1), userId(2)]);
    expect(fake.deleted).toEqual(['sub-1']);
    await ports.directory.removeContact(upn(0));
    await manager.settled();
    expect(idsOf(fake.created[2]!['resource'])).toEqual([ME.id, userId(1), userId(2)]);
    expect(manager.subscriptions.map((s) => s.id)).toEqual(['sub-3']);
    await manager.stop();
    expect(errors).toEqual([]);
  });
});

// ---- the handler ---------------------------------------------------------------------------------

/** What Graph does with resource data: AES-256-CBC (IV = key[0..16)), HMAC-SHA256, key under RSA-OAEP-SHA1. */
function encryptLikeGraph(resource: Record<string, unknown>, publicKey: KeyObject): Record<string, string> {
  const key = randomBytes(32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  const data = Buffer.concat([cipher.update(JSON.stringify(resource), 'utf8'), cipher.final()]);
  return {
    data: data.toString('base64'),
    dataSignature: createHmac('sha256', key).update(data).digest('base64'),
    dataKey: publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, key).toString('base64'),
    encryptionCertificateId: CERT_ID,
    encryptionCertificateThumbprint: 'AB'.repeat(20),
  };
}

function presenceNotification(subscriptionId: string, id: string, availability: string, activity: string, clientState = CLIENT_STATE): Record<string, unknown> {
  return {
    subscriptionId, clientState, changeType: 'updated', tenantId: TENANT, resource: `communications/presences/${id}`,
    subscriptionExpirationDateTime: new Date(Date.now() + HOUR).toISOString(),
    resourceData: { '@odata.id': `users/${id}/presence`, '@odata.type': '#microsoft.graph.presence', id },
    organizationId: TENANT,
    encryptedContent: encryptLikeGraph({ '@odata.type': '#microsoft.graph.presence', id, availability, activity }, keys.publicKey),
  };
}

const lifecycle = (subscriptionId: string, lifecycleEvent: string): Record<string, unknown> => ({
  subscriptionId, subscriptionExpirationDateTime: new Date(Date.now() + HOUR).toISOString(), tenantId: TENANT, clientState: CLIENT_STATE, lifecycleEvent,
});

interface Reply { status: number; headers: http.IncomingHttpHeaders; text: string }

/** One request to the loopback server (node:http: nock lets it through to 127.0.0.1). */
function send(target: string, method: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(target, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('createWebhookHandler', () => {
  let session: Session;
  let handler: WebhookHandler;
  let rejected: RejectedNotification[];
  let server: http.Server;
  let url: string;

  beforeEach(async () => {
    session = await signedIn(3);
    rejected = [];
    handler = createWebhookHandler(session.manager, { onRejected: (r) => rejected.push(r) });
    server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graph`;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await session.backend.ports.session.signout();
  });

  const post = async (body: unknown): Promise<Reply> => {
    const response = await send(url, 'POST', typeof body === 'string' ? body : JSON.stringify(body), { 'Content-Type': 'application/json' });
    await handler.idle();
    return response;
  };

  test('the validation handshake echoes the decoded token as text/plain 200 (POST and GET)', async () => {
    const token = 'Validation: Testing client application reachability for subscription Request-Id: 4e4a0d2a-9a43-4b0c-a5bb-b4c4a1a0c5e3';
    for (const method of ['POST', 'GET']) {
      const response = await send(`${url}?validationToken=${encodeURIComponent(token)}`, method, undefined, method === 'POST' ? { 'Content-Type': 'text/plain' } : {});
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.text).toBe(token);
    }
    expect(session.changes).toEqual([]);
  });

  test('an encrypted presence change raises exactly one contactStatus; the same notification again raises none', async () => {
    const n = presenceNotification('sub-1', userId(1), 'Busy', 'InACall');
    const response = await post({ value: [n], validationTokens: ['jwt'] });
    expect(response.status).toBe(202);
    expect(session.changes).toEqual([{ type: 'contactStatus', signinName: upn(1), status: MISTATUS.MISTATUS_ON_THE_PHONE }]);
    await post({ value: [presenceNotification('sub-1', userId(1), 'Busy', 'InACall')] });
    expect(session.changes).toHaveLength(1);
    expect(rejected).toEqual([]);
    expect(handler.stats).toEqual({ accepted: 2, rejected: 0 });
    expect(errors).toEqual([]);
    expect((await session.backend.ports.directory.lookup(upn(1)))?.status).toBe(MISTATUS.MISTATUS_ON_THE_PHONE);
  });

  test('my own presence raises myStatus (Offline while signed in reads as Invisible)', async () => {
    await post({ value: [presenceNotification('sub-1', ME.id, 'Offline', 'OffWork')] });
    expect(session.changes).toEqual([{ type: 'myStatus', status: MISTATUS.MISTATUS_INVISIBLE }]);
  });

  test('a wrong clientState or an unknown subscription is answered 202, ignored and reported', async () => {
    const response = await post({
      value: [
        presenceNotification('sub-1', userId(0), 'Away', 'Away', 'forged-state'),
        presenceNotification('sub-999', userId(0), 'Away', 'Away'),
      ],
    });
    expect(response.status).toBe(202);
    expect(session.changes).toEqual([]);
    expect(rejected.map((r) => [r.reason, r.subscriptionId])).toEqual([['clientState', 'sub-1'], ['unknownSubscription', 'sub-999']]);
    expect(handler.stats.rejected).toBe(2);
  });

  test('a tampered dataSignature is rejected and nothing changes', async () => {
    const n = presenceNotification('sub-1', userId(2), 'DoNotDisturb', 'Presenting');
    const content = n['encryptedContent'] as Record<string, string>;
    const signature = Buffer.from(content['dataSignature']!, 'base64');
    signature[0] = signature[0]! ^ 0xff;
    content['dataSignature'] = signature.toString('base64');
    await post({ value: [n] });
    expect(session.changes).toEqual([]);
    expect(rejected.map((r) => r.reason)).toEqual(['signature']);
  });

  test("a presence for a user the subscription does not cover is rejected", async () => {
    await post({ value: [presenceNotification('sub-1', userId(42), 'Busy', 'Busy')] });
    expect(session.changes).toEqual([]);
    expect(rejected.map((r) => r.reason)).toEqual(['resource']);
  });

  test("lifecycle 'missed' polls once; 'reauthorizationRequired' renews; 'subscriptionRemoved' re-creates", async () => {
    const poll = jest.spyOn(session.backend.watcher, 'pollNow').mockResolvedValue();
    await post({ value: [lifecycle('sub-1', 'missed')] });
    expect(poll).toHaveBeenCalledTimes(1);
    await post({ value: [lifecycle('sub-1', 'reauthorizationRequired')] });
    expect(fake.renewed.map((r) => r.id)).toEqual(['sub-1']);
    fake.live.delete('sub-1');
    await post({ value: [lifecycle('sub-1', 'subscriptionRemoved')] });
    expect(fake.created).toHaveLength(2);
    expect(fake.created[1]!['resource']).toBe(fake.created[0]!['resource']);
    expect(session.manager.subscriptions.map((s) => s.id)).toEqual(['sub-2']);
    expect(rejected).toEqual([]);
    expect(errors).toEqual([]);
    poll.mockRestore();
  });

  test('a body that is not a notification collection gets 400; other methods 405', async () => {
    expect((await post('{not json')).status).toBe(400);
    expect((await post({ nothing: true })).status).toBe(400);
    expect((await send(url, 'PUT', '{}')).status).toBe(405);
    expect(session.changes).toEqual([]);
  });
});
