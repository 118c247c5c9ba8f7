/**
 * Hostile or broken Graph servers (issue 10, item 2), each on a small HTTP server on loopback
 * written for the test (or the fake tenant behind it): README "Hostile servers".
 *
 * 1. paging: a nextLink seen before, or more pages than `maxPages`, ends the call with
 *    MSGR_E_SERVER_PROTOCOL (the old code followed them forever);
 * 2. origin: redirects and nextLinks off the Graph origin are not followed, nothing reaches the
 *    other origin (the old code followed a redirect and took the foreign body as Graph's answer);
 * 3. secrets: a token (opaque, `x7Qp`-short, matching no pattern), refresh token, device and user
 *    code or client secret echoed by a server reaches no error and no log line;
 * 4. paths: no request path carries a dot segment, whatever the name (fast-check), and names that
 *    would make one are refused with E_INVALIDARG before any request;
 * 5. resets: a reset connection is reported at once as a reset, told apart from a refused one.
 *
 * Every server below ends what it does after a bound, so the old code fails these tests instead of
 * running forever.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { INetworkModule, NetworkResponse } from '@azure/msal-node';
import fc from 'fast-check';
import { type HResultName, isMessengerError, type MessengerError, MISTATUS } from '@imessenger/contract';
import {
  ClientCredentialsAuth, DeviceCodeAuth, type GraphAuth, type GraphBackend, graphBackend, GraphHttp, type GraphHttpOptions,
  GRAPH_DELEGATED_SCOPES, StaticTokenAuth,
} from '../src';
import * as httpModule from '../src/http';
import { segment, userPath } from '../src/http';
import { FakeTenant } from '../src/testing';

jest.setTimeout(15_000);

const TENANT_ID = 'c0ffee00-0000-4000-8000-00000000f00d';
const ANN = 'ann@contoso.com';
const BOB = 'bob@contoso.com';
const CAROL = 'carol@contoso.com';
const ERIN = 'erin@contoso.com';

/** A short random token that no redaction pattern recognises (like `x7Qp`). */
const opaque = (): string => randomBytes(3).toString('base64url');

// ---- a hostile server on loopback ---------------------------------------------------------------

interface Seen { readonly method: string; readonly url: string; readonly authorization?: string; readonly body: string }
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string, seen: readonly Seen[]) => void;
interface Hostile { readonly origin: string; readonly base: string; readonly port: number; readonly seen: Seen[]; close(): Promise<void> }

const running: Hostile[] = [];
afterEach(async () => { await Promise.all(running.splice(0).map((s) => s.close())); });

async function hostile(handler: Handler): Promise<Hostile> {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}), body });
      handler(req, res, body, seen);
    });
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const h: Hostile = {
    origin, base: `${origin}/v1.0`, port, seen,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
  running.push(h);
  return h;
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

const graphErrorBody = (code: string, message: string) => ({ error: { code, message, innerError: { 'request-id': 'r', date: '2024-01-01T00:00:00' } } });

const tokenAuth = (token: string): StaticTokenAuth => new StaticTokenAuth({ username: ANN, token: () => token });

function client(h: Hostile, auth: GraphAuth, extra: Record<string, unknown> = {}): GraphHttp {
  return new GraphHttp({ auth, baseUrl: h.base, timeoutMs: 3000, retry: { maxRetries: 0, delaySeconds: 0 }, ...extra } as GraphHttpOptions);
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  let outcome: { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };
  try { outcome = { ok: true, value: await p }; } catch (error) { outcome = { ok: false, error }; }
  if (outcome.ok) throw new Error(`expected a rejection, got ${String(JSON.stringify(outcome.value)).slice(0, 300)}`);
  return outcome.error;
}

async function expectHr(p: Promise<unknown>, hr: HResultName): Promise<MessengerError> {
  const e = await rejection(p);
  expect(isMessengerError(e) ? e.code : `${(e as Error)?.name}: ${(e as Error)?.message}`).toBe(hr);
  return e as MessengerError;
}

/** Every text an error carries: message, description, stack, JSON, own properties, causes. */
function texts(e: unknown): string[] {
  const out: string[] = [];
  for (let x: unknown = e, depth = 0; x !== undefined && x !== null && depth < 5; depth++) {
    out.push(String(x), JSON.stringify(x) ?? '');
    if (typeof x === 'object') {
      for (const k of Object.getOwnPropertyNames(x)) out.push(String((x as Record<string, unknown>)[k]));
      x = (x as { cause?: unknown }).cause;
    } else x = undefined;
  }
  return out;
}

function expectClean(e: unknown, secrets: readonly string[]): void {
  const all = texts(e).join('\n');
  for (const secret of secrets) expect(all.includes(secret) ? `leaks ${secret}` : 'clean').toBe('clean');
}

// ---- 1. paging ----------------------------------------------------------------------------------

describe('1. paging is bounded and loops are detected (MSGR_E_SERVER_PROTOCOL)', () => {
  test('a nextLink seen before (a -> b -> a) fails after 3 pages instead of paging forever', async () => {
    const h: Hostile = await hostile((req, res, _body, seen) => {
      if (seen.length > 200) { json(res, 200, { value: [seen.length] }); return; } // the old code: stop it somewhere
      const next = req.url!.includes('page=b') ? `${h.base}/items?page=a` : `${h.base}/items?page=b`;
      json(res, 200, { value: [seen.length], '@odata.nextLink': next });
    });
    const e = await expectHr(client(h, tokenAuth(opaque())).all('/items'), 'MSGR_E_SERVER_PROTOCOL');
    expect(h.seen.map((s) => s.url)).toEqual(['/v1.0/items', '/v1.0/items?page=b', '/v1.0/items?page=a']);
    expect(e.description).toMatch(/GET \/items: paging .*loop/);
  });

  test('a server that pages on and on stops at maxPages (5 here): 5 requests, then the error', async () => {
    const h: Hostile = await hostile((_req, res, _body, seen) => {
      if (seen.length >= 50) { json(res, 200, { value: [seen.length] }); return; }
      json(res, 200, { value: [seen.length], '@odata.nextLink': `${h.base}/items?page=${seen.length + 1}` });
    });
    const e = await expectHr(client(h, tokenAuth(opaque()), { maxPages: 5 }).all('/items'), 'MSGR_E_SERVER_PROTOCOL');
    expect(h.seen).toHaveLength(5);
    expect(e.description).toContain('5 pages (maxPages)');
  });

  test('the default bound is MAX_PAGES, 1,000 pages, documented and exported', async () => {
    const h: Hostile = await hostile((_req, res, _body, seen) => {
      if (seen.length >= 1200) { json(res, 200, { value: [] }); return; }
      json(res, 200, { value: [], '@odata.nextLink': `${h.base}/items?page=${seen.length + 1}` });
    });
    await expectHr(client(h, tokenAuth(opaque())).all('/items'), 'MSGR_E_SERVER_PROTOCOL');
    expect(h.seen).toHaveLength(1000);
    expect(httpModule.MAX_PAGES).toBe(1000);
  });

  test('graphBackend passes maxPages on; a legitimate collection within it is read whole', async () => {
    const h: Hostile = await hostile((req, res) => {
      const page = Number(/page=(\d+)/.exec(req.url!)?.[1] ?? 1);
      json(res, 200, { value: [page], ...(page < 3 ? { '@odata.nextLink': `${h.base}/items?page=${page + 1}` } : {}) });
    });
    const backend = (maxPages: number) => graphBackend({
      auth: tokenAuth(opaque()), tenantId: TENANT_ID, baseUrl: h.base, presence: { intervalMs: 0 },
      retry: { maxRetries: 0, delaySeconds: 0 }, timeoutMs: 3000, maxPages,
    });
    await expect(backend(3).http.all('/items')).resolves.toEqual([1, 2, 3]);
    await expectHr(backend(2).http.all('/items'), 'MSGR_E_SERVER_PROTOCOL');
  });

  test.each<[string, unknown]>([
    ['no value', {}],
    ['value not an array', { value: 'x' }],
    ['a nextLink that is not a string', { value: [], '@odata.nextLink': 42 }],
  ])('a page with %s is MSGR_E_SERVER_PROTOCOL, not a TypeError', async (_, page) => {
    const h: Hostile = await hostile((_req, res, _body, seen) => {
      if (seen.length === 1) json(res, 200, { value: [1], '@odata.nextLink': `${h.base}/items?page=2` });
      else json(res, 200, page);
    });
    await expectHr(client(h, tokenAuth(opaque())).all('/items'), 'MSGR_E_SERVER_PROTOCOL');
  });
});

// ---- 2. the Graph origin ------------------------------------------------------------------------

describe('2. nothing leaves the Graph origin (scheme, host and port of the base URL)', () => {
  test.each([301, 302, 303, 307, 308])('HTTP %d to another port: not followed, nothing reaches it, MSGR_E_SERVER_PROTOCOL naming it', async (status) => {
    const foreign = await hostile((_req, res) => json(res, 200, { id: 'evil', displayName: 'Not Graph', value: [] }));
    const h = await hostile((_req, res) => { res.writeHead(status, { Location: `${foreign.base}/me` }); res.end('moved'); });
    const g = client(h, tokenAuth(opaque()));
    const e = await expectHr(g.get('/me'), 'MSGR_E_SERVER_PROTOCOL');
    expect(e.description).toContain(foreign.origin);
    await expectHr(g.post('/chats', { chatType: 'group' }, { retry: false }), 'MSGR_E_SERVER_PROTOCOL');
    expect(foreign.seen).toHaveLength(0);
    expect(h.seen).toHaveLength(2);
  });

  test('another host on the same port (localhost for 127.0.0.1) and another scheme are other origins too', async () => {
    let target = '';
    const h = await hostile((req, res) => {
      if (req.url === '/v1.0/me') { res.writeHead(302, { Location: target }); res.end(); return; }
      json(res, 200, { id: 'evil' });
    });
    const g = client(h, tokenAuth(opaque()));
    for (const t of [`http://localhost:${h.port}/v1.0/stolen`, `https://127.0.0.1:${h.port}/v1.0/stolen`]) {
      target = t;
      await expectHr(g.get('/me'), 'MSGR_E_SERVER_PROTOCOL');
    }
    expect(h.seen.map((s) => s.url)).toEqual(['/v1.0/me', '/v1.0/me']);
  });

  test('a redirect on the Graph origin is followed with the token; a redirect loop stops after MAX_REDIRECTS', async () => {
    const token = opaque();
    const h = await hostile((req, res) => {
      if (req.url === '/v1.0/me') { res.writeHead(302, { Location: '/v1.0/me2' }); res.end(); return; }
      if (req.url === '/v1.0/me2') { json(res, 200, { id: 'me' }); return; }
      res.writeHead(307, { Location: req.url! }); res.end(); // forever
    });
    const g = client(h, tokenAuth(token));
    await expect(g.get('/me')).resolves.toEqual({ id: 'me' });
    expect(h.seen.map((s) => [s.url, s.authorization])).toEqual([['/v1.0/me', `Bearer ${token}`], ['/v1.0/me2', `Bearer ${token}`]]);
    await expectHr(g.get('/loop'), 'MSGR_E_SERVER_PROTOCOL');
    expect(h.seen.filter((s) => s.url === '/v1.0/loop')).toHaveLength(1 + 5);
    expect(httpModule.MAX_REDIRECTS).toBe(5);
  });

  test('a nextLink to another origin is not followed: the token never goes there', async () => {
    const foreign = await hostile((_req, res) => json(res, 200, { value: ['evil'] }));
    const h = await hostile((_req, res) => json(res, 200, { value: [1], '@odata.nextLink': `${foreign.base}/items?page=2` }));
    const e = await expectHr(client(h, tokenAuth(opaque())).all('/items'), 'MSGR_E_SERVER_PROTOCOL');
    expect(e.description).toContain(foreign.origin);
    expect(foreign.seen).toHaveLength(0);
  });
});

// ---- 3. secrets echoed by a server ----------------------------------------------------------------

describe('3. secrets the process holds never reach an error or a log, however opaque', () => {
  test('an opaque token echoed in error messages (4xx, 5xx, a $batch item, a nextLink path) reaches no error', async () => {
    const token = opaque();
    const echo = (req: http.IncomingMessage) => `The token ${req.headers.authorization?.replace(/^Bearer /, '')} is not valid here`;
    const h: Hostile = await hostile((req, res) => {
      const url = req.url!;
      if (url.startsWith('/v1.0/$batch')) {
        json(res, 200, { responses: [{ id: '0', status: 400, body: graphErrorBody('BadRequest', echo(req)) }] });
      } else if (url.startsWith('/v1.0/bad')) json(res, 400, graphErrorBody('BadRequest', echo(req)));
      else if (url.startsWith('/v1.0/forbidden')) json(res, 403, graphErrorBody('Forbidden', echo(req)));
      else if (url.startsWith('/v1.0/broken')) json(res, 500, graphErrorBody('generalException', echo(req)));
      else if (url === '/v1.0/items') json(res, 200, { value: [], '@odata.nextLink': `${h.base}/items/${req.headers.authorization?.slice(7)}/next` });
      else json(res, 404, graphErrorBody('itemNotFound', echo(req)));
    });
    const g = client(h, tokenAuth(token));
    const check = (e: MessengerError) => {
      expect(e.description).toContain('is not valid here'); // the server's message is kept ...
      expectClean(e, [token]);                                // ... without the token
    };
    check(await expectHr(g.get('/bad'), 'E_INVALIDARG'));
    check(await expectHr(g.get('/forbidden'), 'MSGR_E_POLICY_RESTRICTED'));
    check(await expectHr(g.get('/broken'), 'MSGR_E_SERVER_ERROR'));
    check(await expectHr(g.all('/items'), 'E_FAIL'));
    const [item] = await g.batch([{ method: 'GET', url: '/me' }]);
    const batchItemError = (httpModule as unknown as { batchItemError: (i: unknown, w: string) => MessengerError }).batchItemError;
    check(batchItemError(item, 'GET /me'));
  });

  test('what MSAL handed out (access, refresh and id tokens), the device and user codes, and a configured client secret', async () => {
    const AT = opaque();
    const RT = opaque();
    const DEVICE_CODE = opaque();
    const USER_CODE = opaque();
    const CLIENT_SECRET = opaque();
    const GRAPH_TENANT = '3f6d2a9c-1b4e-4c8d-9a7f-2e5b6c8d0f11';
    const CLIENT_ID = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
    const OID = '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d';
    const b64url = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const idToken = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({
      aud: CLIENT_ID, iss: `https://login.microsoftonline.com/${GRAPH_TENANT}/v2.0`, iat: now, nbf: now, exp: now + 3600,
      name: 'Ann Lee', oid: OID, preferred_username: ANN, sub: `sub-${OID}`, tid: GRAPH_TENANT, ver: '2.0',
    })}.`;
    const respond = <T>(body: unknown): NetworkResponse<T> => ({ status: 200, headers: { 'content-type': 'application/json' }, body: body as T });
    const networkClient: INetworkModule = {
      async sendGetRequestAsync<T>(): Promise<NetworkResponse<T>> { return { status: 404, headers: {}, body: {} as T }; },
      async sendPostRequestAsync<T>(url: string): Promise<NetworkResponse<T>> {
        if (url.includes('/devicecode')) {
          return respond<T>({
            user_code: USER_CODE, device_code: DEVICE_CODE, verification_uri: 'https://microsoft.com/devicelogin', expires_in: 900, interval: 1,
            message: `To sign in, open https://microsoft.com/devicelogin and enter the code ${USER_CODE}.`,
          });
        }
        return respond<T>({
          token_type: 'Bearer', scope: [...GRAPH_DELEGATED_SCOPES.filter((s) => s !== 'offline_access'), 'openid', 'profile', 'email'].join(' '),
          expires_in: 3599, ext_expires_in: 3599, access_token: AT, refresh_token: RT, id_token: idToken,
          client_info: b64url({ uid: OID, utid: GRAPH_TENANT }),
        });
      },
    };
    // A daemon's configuration holds a client secret: it is a secret of the process from then on.
    void new ClientCredentialsAuth({ clientId: CLIENT_ID, tenantId: GRAPH_TENANT, clientSecret: CLIENT_SECRET, actAs: ANN });
    const auth = new DeviceCodeAuth({ clientId: CLIENT_ID, tenantId: GRAPH_TENANT, onDeviceCode: () => undefined, msalConfig: { system: { networkClient } } });
    await auth.signin('');
    const h = await hostile((req, res) => json(res, 400, graphErrorBody('BadRequest',
      `echo ${req.headers.authorization} refresh=${RT} id=${idToken} device=${DEVICE_CODE} user=${USER_CODE} secret=${CLIENT_SECRET}`)));
    const e = await expectHr(client(h, auth).get('/me'), 'E_INVALIDARG');
    expect(h.seen[0]!.authorization).toBe(`Bearer ${AT}`);
    expect(e.description).toContain('refresh=[redacted]');
    expectClean(e, [AT, RT, idToken, DEVICE_CODE, USER_CODE, CLIENT_SECRET]);
  });

  test('a log line (the presence watcher\'s warning) carries no echoed token either', async () => {
    const token = opaque();
    const me = { id: '5f3c1a2b-0d4e-4f6a-8b9c-1d2e3f405161', displayName: 'Ann Lee', userPrincipalName: ANN, mail: ANN, businessPhones: [], mobilePhone: null };
    let turned = false;
    const h = await hostile((req, res, body) => {
      if (turned) { json(res, 500, graphErrorBody('generalException', `bad token ${req.headers.authorization?.slice('Bearer '.length)}`)); return; }
      if (req.url === '/v1.0/$batch') {
        const requests = (JSON.parse(body) as { requests: { id: string; url: string }[] }).requests;
        json(res, 200, {
          responses: requests.map((r) => (
            r.url.startsWith('/me?') ? { id: r.id, status: 200, body: me }
              : r.url.startsWith('/me/contacts') ? { id: r.id, status: 200, body: { value: [] } }
                : r.url.startsWith('/me/mailFolders') ? { id: r.id, status: 200, body: { unreadItemCount: 0 } }
                  : { id: r.id, status: 404, body: graphErrorBody('itemNotFound', 'no') })),
        });
        return;
      }
      json(res, 200, { value: [{ id: me.id, availability: 'Available', activity: 'Available' }] });
    });
    const backend = graphBackend({ auth: tokenAuth(token), tenantId: TENANT_ID, baseUrl: h.base, presence: { intervalMs: 0 }, retry: { maxRetries: 0, delaySeconds: 0 }, timeoutMs: 3000 });
    await backend.ports.session.signin({ signinName: ANN, password: '' });
    const warnings: string[] = [];
    const spy = jest.spyOn(process, 'emitWarning').mockImplementation(((w: string | Error) => { warnings.push(String(w)); }) as typeof process.emitWarning);
    try {
      turned = true;
      await backend.watcher.pollNow();
    } finally {
      spy.mockRestore();
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Graph presence poll failed');
    expect(warnings[0]).not.toContain(token);
  });
});

// ---- 4. no dot segment in any request path ------------------------------------------------------

/** A part of a name (between slashes or backslashes, as given or decoded once) that is '.' or '..'. */
function hasDotPart(name: string): boolean {
  let decoded = name;
  try { decoded = decodeURIComponent(name); } catch { /* not percent-encoded */ }
  return [name, decoded].some((form) => form.split(/[\\/]/).some((p) => p === '.' || p === '..'));
}

/**
 * What a URL parser (fetch) or a server decoding the path once would resolve in this request path:
 * the parser must leave it unchanged, and no segment, decoded, may hold a '.' or '..' part.
 */
function dotSegments(path: string): string[] {
  const p = path.split('?')[0]!;
  const found: string[] = [];
  const parsed = new URL(`http://graph.test/v1.0${p}`).pathname;
  if (parsed !== `/v1.0${p}`) found.push(`fetch would send ${parsed}`);
  for (const s of p.split('/').slice(1)) if (s !== '' && hasDotPart(s)) found.push(s);
  return found;
}

const NAME_PARTS = ['.', '.', '..', '/', '\\', '%', '%2e', '%2E', '%2f', '%5C', '2', 'e', 'a', '@', '$', "'", '#', '?', ' ', 'é', 'ß', '😀', '\u200b', ':', '𝔘'];
const names: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('.', '..', '...', '%2e', '%2E%2e', '.%2E', '%252e', 'a/..', '../b', 'a\\..\\b', 'a%2F..%2Fb', '$..', '$.', '.a', 'a.', '', ANN),
  fc.array(fc.constantFrom(...NAME_PARTS), { maxLength: 10 }).map((parts) => parts.join('')),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);

describe('4. no request path carries a dot segment', () => {
  test('segment and userPath: a name that would form a dot segment is refused with E_INVALIDARG, any other is encoded losslessly', () => {
    fc.assert(fc.property(names, (name) => {
      const builders: [string, () => string][] = [
        ['userPath', () => userPath(name)],
        ['segment', () => `/chats/${segment(name)}/members`],
      ];
      for (const [what, build] of builders) {
        let path: string;
        try {
          path = build();
        } catch (e) {
          expect(isMessengerError(e, 'E_INVALIDARG') ? 'E_INVALIDARG' : String(e)).toBe('E_INVALIDARG');
          expect(`${what} refused ${JSON.stringify(name)}: ${name === '' || hasDotPart(name)}`).toBe(`${what} refused ${JSON.stringify(name)}: true`);
          continue;
        }
        expect([what, name, dotSegments(path)]).toEqual([what, name, []]);
        if (what === 'segment') expect(decodeURIComponent(path.split('/')[2]!)).toBe(name);
      }
    }), { numRuns: 2000 });
  });

  describe('through the ports that put a sign-in name in a path (fake tenant, fetch watched)', () => {
    let tenant: FakeTenant;
    let sent: string[];
    let fetchSpy: jest.SpyInstance;

    /** A backend signed in as Ann, with nothing resolved yet: each call below builds its own paths. */
    async function fresh(): Promise<GraphBackend> {
      let token = '';
      const auth: GraphAuth = {
        mode: 'delegated',
        async signin() { token = tenant.tokenFor(ANN); return { username: ANN }; },
        async signout() { token = ''; },
        async getToken() { return token; },
      };
      const backend = graphBackend({ auth, tenantId: TENANT_ID, baseUrl: tenant.baseUrl, presence: { intervalMs: 0 }, retry: { maxRetries: 0, delaySeconds: 0 }, timeoutMs: 3000 });
      await backend.ports.session.signin({ signinName: ANN, password: '' });
      return backend;
    }

    beforeAll(async () => {
      tenant = new FakeTenant({
        tenantId: TENANT_ID,
        seed: {
          self: { signinName: ANN, friendlyName: 'Ann Lee', status: MISTATUS.MISTATUS_ONLINE },
          contacts: [{ signinName: BOB, friendlyName: 'Bob Kelly', status: MISTATUS.MISTATUS_ONLINE }],
          directory: [{ signinName: ERIN, friendlyName: 'Erin Moss', status: MISTATUS.MISTATUS_ONLINE }, { signinName: CAROL, friendlyName: 'Carol Diaz', status: MISTATUS.MISTATUS_AWAY }],
          groups: [{ name: 'Coworkers', members: [BOB, CAROL] }],
          sortOrder: 0,
          unreadEmail: 0,
        },
      });
      await tenant.start();
      sent = [];
      const realFetch = globalThis.fetch;
      // Every URL handed to fetch, as given (before fetch's parser could resolve a dot segment), and every $batch item's.
      fetchSpy = jest.spyOn(globalThis, 'fetch').mockImplementation((input: string | URL | Request, init?: RequestInit) => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        sent.push(url.replace(/^https?:\/\/[^/]+\/v1\.0/, ''));
        if (url.endsWith('/$batch') && typeof init?.body === 'string') {
          for (const item of (JSON.parse(init.body) as { requests: { url: string }[] }).requests) sent.push(item.url);
        }
        return realFetch(input, init);
      });
    });
    afterAll(async () => { fetchSpy.mockRestore(); await tenant.stop(); });

    test('lookup, lookupMany, addContact, presence, video, group AddContact: no dot segment goes out; "." and ".." fail with E_INVALIDARG before any request', async () => {
      type Call = (backend: GraphBackend, name: string, groupId: string) => Promise<unknown>;
      const calls: [string, Call][] = [
        ['lookup', (b, n) => b.ports.directory.lookup(n)],
        ['lookupMany', (b, n) => (b.ports.directory as unknown as { lookupMany(ns: string[]): Promise<unknown> }).lookupMany([n, ERIN])],
        ['addContact', (b, n) => b.ports.directory.addContact(n)],
        ['presence', (b, n) => b.ports.presence.statuses([n])],
        ['video', (b, n) => b.ports.conversations.open('video', n)],
        ['group AddContact', (b, n, groupId) => b.ports.groups.addMember(groupId, n)],
      ];
      // Names with nothing to refuse: each call must send them to the tenant.
      const PLAIN = ['dora@contoso.example', 'Someone.New@contoso.example', 'x.y@fabrikam.example'];
      let requests = 0;
      let refused = 0;
      await fc.assert(fc.asyncProperty(names, async (name) => {
        for (const [what, call] of calls) {
          const backend = await fresh();
          const groupId = what === 'group AddContact' ? (await backend.ports.groups.list()).find((g) => g.name === 'Coworkers')!.id : '';
          sent.length = 0;
          let error: unknown;
          try { await call(backend, name, groupId); } catch (e) { error = e; }
          requests += sent.length;
          if (isMessengerError(error, 'E_INVALIDARG') && sent.length === 0) refused++;
          expect([what, name, sent.flatMap(dotSegments)]).toEqual([what, name, []]);
          if (error !== undefined) expect([what, name, isMessengerError(error) ? 'MessengerError' : String(error)]).toEqual([what, name, 'MessengerError']);
          if (hasDotPart(name)) {
            expect([what, name, isMessengerError(error, 'E_INVALIDARG'), sent]).toEqual([what, name, true, []]);
          }
        }
      }), { numRuns: 30, examples: [['.'], ['..'], ['a/../b'], ['%2e%2e'], ['$..'], ...PLAIN.map((n) => [n] as [string])] });
      // Not vacuous: names went out to the tenant (at least the plain examples', through every port;
      // how many random names are refused before any request varies from run to run), and the dot
      // names were refused by every port.
      expect(requests).toBeGreaterThanOrEqual(PLAIN.length * calls.length);
      expect(refused).toBeGreaterThanOrEqual(5 * calls.length);
    });
  });
});

// ---- 5. connection resets -----------------------------------------------------------------------

describe('5. a reset connection is reported at once, as a reset', () => {
  test.each<[string, Handler]>([
    ['reset (RST) before any answer', (req) => { req.socket.resetAndDestroy(); }],
    ['closed before any answer', (req) => { req.socket.destroy(); }],
    ['reset in the middle of the body', (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
      res.write('{"value":[');
      setTimeout(() => req.socket.resetAndDestroy(), 20);
    }],
  ])('%s: MSGR_E_CONNECT "connection reset" within a second, with timeoutMs 30 s', async (_, handler) => {
    const h = await hostile(handler);
    const g = client(h, tokenAuth(opaque()), { timeoutMs: 30_000 });
    const started = performance.now();
    const e = await expectHr(g.get('/me/chats'), 'MSGR_E_CONNECT');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(e.description).toMatch(/^GET \/me\/chats: connection reset \((ECONNRESET|UND_ERR_SOCKET): the server reset or closed the connection/);
    expect(h.seen).toHaveLength(1); // not retried
  });

  test('a refused connection is told apart: MSGR_E_CONNECT "could not connect", not a reset', async () => {
    const h = await hostile(() => undefined);
    await h.close();
    const e = await expectHr(client(h, tokenAuth(opaque()), { timeoutMs: 30_000 }).get('/me'), 'MSGR_E_CONNECT');
    expect(e.description).toBe('GET /me: network (could not connect: ECONNREFUSED)');
  });

  test('through the backend with its default 30 s timeout: a reset of GET /me/chats fails MyGroups at once', async () => {
    const tenant = new FakeTenant({ seed: { self: { signinName: ANN, friendlyName: 'Ann Lee', status: MISTATUS.MISTATUS_ONLINE }, contacts: [], directory: [], groups: [], sortOrder: 0, unreadEmail: 0 } });
    await tenant.start();
    try {
      const auth: GraphAuth = { mode: 'delegated', signin: async () => ({ username: ANN }), signout: async () => undefined, getToken: async () => tenant.tokenFor(ANN) };
      const backend = graphBackend({ auth, tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, presence: { intervalMs: 0 }, retry: { maxRetries: 0, delaySeconds: 0 } });
      await backend.ports.session.signin({ signinName: ANN, password: '' });
      tenant.failNext({ kind: 'reset', match: { method: 'GET', path: /^\/me\/chats$/ } });
      const started = performance.now();
      const e = await expectHr(backend.ports.groups.list(), 'MSGR_E_CONNECT');
      expect(performance.now() - started).toBeLessThan(1000);
      expect(e.description).toContain('connection reset');
    } finally {
      await tenant.stop();
    }
  });
});
