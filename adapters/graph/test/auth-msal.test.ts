/**
 * MSAL sign-in against a mocked identity platform (nock 15.0.0, no real network). The authority is
 * https://login.microsoftonline.com/<tenant-guid>, for which msal-common has hard-coded metadata,
 * so msal requests only POST /<tenant>/oauth2/v2.0/devicecode and POST /<tenant>/oauth2/v2.0/token
 * (both with ?client-request-id=..., hence `.query(true)`).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import nock from 'nock';
import {
  ClientCredentialsAuth, DeviceCodeAuth, GRAPH_APPLICATION_SCOPE, GRAPH_DELEGATED_SCOPES, GraphAuthError,
  type DeviceCodeAuthOptions, type DeviceCodeInfo, type GraphAuthLogLevel,
} from '../src/auth';
import { DEFAULT_DELEGATED_SCOPES } from '../src/permissions';

const LOGIN = 'https://login.microsoftonline.com';
const TENANT = '3f6d2a9c-1b4e-4c8d-9a7f-2e5b6c8d0f11';
const CLIENT_ID = '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
const USER = 'Ada.Lovelace@contoso.example';
const OID = '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d';

const DEVICE_CODE = 'DAQABAAEAAAD-device-code-3kq9x7ZP';
const USER_CODE = 'QWERT-ZUIOP';
const VERIFICATION_URI = 'https://microsoft.com/devicelogin';
const AT1 = 'at-one-SECRET-8f2k1m0q';
const AT2 = 'at-two-SECRET-7d1j0l9p';
const RT1 = 'rt-one-SECRET-5b9h8k7n';
const RT2 = 'rt-two-SECRET-4a8g7j6m';
const CLIENT_SECRET = 'cs~Q8x.SECRET_vA1b2C3d4E5f6G7h8I9j';
const SENSITIVE = [DEVICE_CODE, USER_CODE, AT1, AT2, RT1, RT2, CLIENT_SECRET];

const b64url = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
/** An unsigned JWT (msal does not check id_token signatures). */
const idToken = (username = USER, oid = OID): string => {
  const now = Math.floor(Date.now() / 1000);
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({
    aud: CLIENT_ID, iss: `${LOGIN}/${TENANT}/v2.0`, iat: now, nbf: now, exp: now + 3600,
    name: 'Ada Lovelace', oid, preferred_username: username, sub: `sub-${oid}`, tid: TENANT, ver: '2.0',
  })}.`;
};
const clientInfo = (oid = OID): string => b64url({ uid: oid, utid: TENANT });
const GRAPH_SCOPES = GRAPH_DELEGATED_SCOPES.filter((s) => s !== 'offline_access');

type Form = Record<string, string | string[] | undefined>;

/** Every form body msal posted, in order, with the endpoint. */
let posted: Array<{ endpoint: 'devicecode' | 'token'; body: Form }> = [];
let unmatched: string[] = [];
let tmp: string;

beforeAll(() => {
  nock.disableNetConnect();
  nock.emitter.on('no match', (req: { method?: string; path?: string; href?: string }) => {
    unmatched.push(`${req.method ?? ''} ${req.href ?? req.path ?? ''}`);
  });
});
// Remove nock's interceptors: they patch Node's http for the whole worker, past this file's module registry.
afterAll(() => { nock.enableNetConnect(); nock.emitter.removeAllListeners('no match'); nock.restore(); });
beforeEach(async () => {
  posted = [];
  unmatched = [];
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'graph-auth-'));
});
afterEach(async () => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  await fs.rm(tmp, { recursive: true, force: true });
  expect(pending).toEqual([]);
  expect(unmatched).toEqual([]);
});

const record = (endpoint: 'devicecode' | 'token') => (body: Form): boolean => { posted.push({ endpoint, body }); return true; };

function mockDeviceCode(interval = 5): void {
  nock(LOGIN).post(`/${TENANT}/oauth2/v2.0/devicecode`, record('devicecode')).query(true).reply(200, {
    user_code: USER_CODE, device_code: DEVICE_CODE, verification_uri: VERIFICATION_URI, expires_in: 900, interval,
    message: `To sign in, use a web browser to open the page ${VERIFICATION_URI} and enter the code ${USER_CODE} to authenticate.`,
  });
}
function tokenResponse(accessToken: string, refreshToken: string, expiresIn = 3599, username = USER): object {
  return {
    token_type: 'Bearer', scope: [...GRAPH_SCOPES, 'openid', 'profile', 'email'].join(' '),
    expires_in: expiresIn, ext_expires_in: expiresIn, access_token: accessToken, refresh_token: refreshToken,
    id_token: idToken(username), client_info: clientInfo(),
  };
}
function mockToken(status: number, body: object): void {
  nock(LOGIN).post(`/${TENANT}/oauth2/v2.0/token`, record('token')).query(true).reply(status, body);
}
function mockDeviceCodeSignin(accessToken = AT1, refreshToken = RT1, expiresIn = 3599): void {
  mockDeviceCode();
  mockToken(200, tokenResponse(accessToken, refreshToken, expiresIn));
}

const cacheFile = (): string => path.join(tmp, 'msal-cache.json');
function deviceAuth(extra: Partial<DeviceCodeAuthOptions> = {}): { auth: DeviceCodeAuth; codes: DeviceCodeInfo[] } {
  const codes: DeviceCodeInfo[] = [];
  const auth = new DeviceCodeAuth({ clientId: CLIENT_ID, tenantId: TENANT, cacheFile: cacheFile(), onDeviceCode: (i) => codes.push(i), ...extra });
  return { auth, codes };
}
const mode = async (file: string): Promise<number> => (await fs.stat(file)).mode & 0o777;
const scopesOf = (body: Form): string[] => String(body.scope ?? '').split(' ');

async function rejection(p: Promise<unknown>): Promise<GraphAuthError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(GraphAuthError);
  return e as GraphAuthError;
}
/** The error's message, stack, JSON and every own property hold none of the sensitive values. */
function expectClean(e: Error, extra: readonly string[] = []): void {
  const own = Object.getOwnPropertyNames(e).map((k) => String((e as unknown as Record<string, unknown>)[k]));
  const texts = [e.message, String(e.stack), JSON.stringify(e), ...own, String(e)];
  for (const secret of [...SENSITIVE, ...extra]) for (const t of texts) expect(t).not.toContain(secret);
}

describe('DeviceCodeAuth', () => {
  test('device code flow: shows the verification URL and user code, posts the delegated scopes, returns the username', async () => {
    mockDeviceCodeSignin();
    const { auth, codes } = deviceAuth();
    await expect(auth.signin('ada.lovelace@CONTOSO.example')).resolves.toEqual({ username: USER });
    expect(codes).toEqual([{
      verificationUri: VERIFICATION_URI, userCode: USER_CODE, expiresIn: 900,
      message: expect.stringContaining(USER_CODE) as unknown as string,
    }]);
    expect(posted.map((p) => p.endpoint)).toEqual(['devicecode', 'token']);
    const [dc, token] = posted.map((p) => p.body);
    expect(dc.client_id).toBe(CLIENT_ID);
    expect(scopesOf(dc)).toEqual(expect.arrayContaining([...GRAPH_DELEGATED_SCOPES, 'openid', 'profile']));
    // Least privilege: exactly the default capabilities' set, none another already covers (issue 14).
    expect(scopesOf(dc).filter((s) => !['openid', 'profile'].includes(s)).sort()).toEqual([...DEFAULT_DELEGATED_SCOPES].sort());
    expect(scopesOf(dc)).not.toEqual(expect.arrayContaining(['User.Read']));
    expect(dc.login_hint).toBe('ada.lovelace@CONTOSO.example');
    expect(token).toMatchObject({ grant_type: 'device_code', client_id: CLIENT_ID, device_code: DEVICE_CODE });
    expect(scopesOf(token)).toEqual(expect.arrayContaining([...GRAPH_DELEGATED_SCOPES]));
    await expect(auth.getToken()).resolves.toBe(AT1); // from the cache: no request
    expect(posted).toHaveLength(2);
  });

  test('the default onDeviceCode prints the message (URL and user code) to stderr', async () => {
    mockDeviceCodeSignin();
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const auth = new DeviceCodeAuth({ clientId: CLIENT_ID, tenantId: TENANT });
      await auth.signin('');
      const out = write.mock.calls.map((c) => String(c[0])).join('');
      expect(out).toContain(VERIFICATION_URI);
      expect(out).toContain(USER_CODE);
    } finally {
      write.mockRestore();
    }
  });

  test('the cache file is created with mode 0600 (directory created too)', async () => {
    mockDeviceCodeSignin();
    const file = path.join(tmp, 'nested', 'dir', 'cache.json');
    const { auth } = deviceAuth({ cacheFile: file });
    await auth.signin(USER);
    expect(await mode(file)).toBe(0o600);
    const cache = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, Record<string, unknown>>;
    expect(Object.keys(cache.Account)).toHaveLength(1);
    expect(Object.keys(cache.RefreshToken)).toHaveLength(1);
    expect((await fs.readdir(path.dirname(file))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('a cache file that existed with mode 0644 is fixed to 0600', async () => {
    await fs.writeFile(cacheFile(), '', { mode: 0o644 });
    await fs.chmod(cacheFile(), 0o644);
    expect(await mode(cacheFile())).toBe(0o644);
    mockDeviceCodeSignin();
    await deviceAuth().auth.signin(USER);
    expect(await mode(cacheFile())).toBe(0o600);
  });

  test('a second instance on the same cache file signs in silently with no network call', async () => {
    mockDeviceCodeSignin();
    await deviceAuth().auth.signin(USER);
    expect(posted).toHaveLength(2);

    const { auth: second, codes } = deviceAuth();
    await expect(second.signin(USER.toUpperCase())).resolves.toEqual({ username: USER });
    await expect(second.signin('')).resolves.toEqual({ username: USER }); // empty name: the only account
    await expect(second.getToken()).resolves.toBe(AT1);
    expect(codes).toEqual([]);
    expect(posted).toHaveLength(2);
  });

  test('signinSilently (signed in at start): the cached account, with no network call and no device code', async () => {
    mockDeviceCodeSignin();
    await deviceAuth().auth.signin(USER);
    const { auth, codes } = deviceAuth();
    await expect(auth.signinSilently()).resolves.toEqual({ username: USER });
    await expect(auth.getToken()).resolves.toBe(AT1);
    expect(codes).toEqual([]);
    expect(posted).toHaveLength(2);
  });

  test('signinSilently with an empty cache: undefined, no request, never a device code', async () => {
    const { auth, codes } = deviceAuth();
    await expect(auth.signinSilently()).resolves.toBeUndefined();
    expect(codes).toEqual([]);
    expect(posted).toEqual([]);
    expect((await rejection(auth.getToken())).reason).toBe('no-account');
  });

  test('signinSilently when the cached refresh token is refused: undefined (the user must sign in), no device code', async () => {
    mockDeviceCodeSignin(AT1, RT1, 60);
    await deviceAuth().auth.signin(USER);
    mockToken(400, { error: 'invalid_grant', error_description: 'AADSTS700082: The refresh token has expired due to inactivity.', error_codes: [700082] });
    const { auth, codes } = deviceAuth();
    await expect(auth.signinSilently()).resolves.toBeUndefined();
    expect(codes).toEqual([]);
    expect(posted.map((p) => `${p.endpoint}:${p.body.grant_type ?? ''}`)).toEqual(['devicecode:', 'token:device_code', 'token:refresh_token']);
  });

  test('a different sign-in name does not use the cached account: device code again', async () => {
    mockDeviceCodeSignin();
    await deviceAuth().auth.signin(USER);
    mockDeviceCode();
    mockToken(200, { ...tokenResponse(AT2, RT2), id_token: idToken('grace@contoso.example', 'aaaaaaaa-0000-4000-8000-000000000002'), client_info: clientInfo('aaaaaaaa-0000-4000-8000-000000000002') });
    const { auth, codes } = deviceAuth();
    await expect(auth.signin('grace@contoso.example')).resolves.toEqual({ username: 'grace@contoso.example' });
    expect(codes).toHaveLength(1);
  });

  test('an expired access token is refreshed silently with the refresh token', async () => {
    mockDeviceCodeSignin(AT1, RT1, 60); // inside msal's 5 minute renewal window: already "expired"
    const { auth } = deviceAuth();
    await auth.signin(USER);
    mockToken(200, tokenResponse(AT2, RT2));
    await expect(auth.getToken()).resolves.toBe(AT2);
    const refresh = posted[posted.length - 1].body;
    expect(refresh).toMatchObject({ grant_type: 'refresh_token', refresh_token: RT1, client_id: CLIENT_ID });
    await expect(auth.getToken()).resolves.toBe(AT2); // new token cached
    expect(posted).toHaveLength(3);
  });

  test('401 with a token msal still thinks valid: getToken({ forceRefresh: true }) redeems the refresh token', async () => {
    mockDeviceCodeSignin();
    const { auth } = deviceAuth();
    await auth.signin(USER);
    await expect(auth.getToken()).resolves.toBe(AT1);
    mockToken(200, tokenResponse(AT2, RT2));
    await expect(auth.getToken({ forceRefresh: true })).resolves.toBe(AT2);
    expect(posted[2].body).toMatchObject({ grant_type: 'refresh_token', refresh_token: RT1 });
    // The new tokens are persisted: a new instance gets AT2 with no request.
    const { auth: second } = deviceAuth();
    await second.signin(USER);
    await expect(second.getToken()).resolves.toBe(AT2);
    expect(posted).toHaveLength(3);
  });

  test('concurrent getToken calls are serialised: one refresh request', async () => {
    mockDeviceCodeSignin(AT1, RT1, 60);
    const { auth } = deviceAuth();
    await auth.signin(USER);
    mockToken(200, tokenResponse(AT2, RT2));
    await expect(Promise.all([auth.getToken(), auth.getToken(), auth.getToken()])).resolves.toEqual([AT2, AT2, AT2]);
    expect(posted).toHaveLength(3);
  });

  test('a refused refresh token at sign-in falls back to the device code flow', async () => {
    mockDeviceCodeSignin(AT1, RT1, 60);
    await deviceAuth().auth.signin(USER);
    mockToken(400, { error: 'invalid_grant', error_description: 'AADSTS700082: The refresh token has expired due to inactivity.', error_codes: [700082] });
    mockDeviceCodeSignin(AT2, RT2);
    const { auth, codes } = deviceAuth();
    await expect(auth.signin(USER)).resolves.toEqual({ username: USER });
    expect(codes).toHaveLength(1);
    expect(posted.map((p) => `${p.endpoint}:${p.body.grant_type ?? ''}`)).toEqual([
      'devicecode:', 'token:device_code', 'token:refresh_token', 'devicecode:', 'token:device_code']);
    await expect(auth.getToken()).resolves.toBe(AT2);
  });

  test('a refused refresh in getToken: GraphAuthError invalid-grant with no token in it', async () => {
    mockDeviceCodeSignin();
    const { auth } = deviceAuth();
    await auth.signin(USER);
    mockToken(400, {
      error: 'invalid_grant', error_codes: [50173],
      error_description: `AADSTS50173: The provided grant has expired due to it being revoked. refresh_token=${RT1} access_token ${AT1}`,
    });
    const e = await rejection(auth.getToken({ forceRefresh: true }));
    expect(e.reason).toBe('invalid-grant');
    expect(e.message).toContain('invalid_grant');
    expect(e.message).toContain('AADSTS50173');
    expectClean(e);
  });

  test('interaction required (bad_token) in getToken: reason no-account', async () => {
    mockDeviceCodeSignin();
    const { auth } = deviceAuth();
    await auth.signin(USER);
    mockToken(400, { error: 'invalid_grant', suberror: 'bad_token', error_description: `AADSTS70000: bad ${RT1}`, error_codes: [70000] });
    const e = await rejection(auth.getToken({ forceRefresh: true }));
    expect(e.reason).toBe('no-account');
    expectClean(e);
  });

  test('signout removes the account from the cache file; a new instance needs the device code again', async () => {
    mockDeviceCodeSignin();
    const { auth } = deviceAuth();
    await auth.signin(USER);
    await auth.signout();
    const cache = JSON.parse(await fs.readFile(cacheFile(), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(cache.Account).toEqual({});
    expect(cache.RefreshToken).toEqual({});
    expect(cache.AccessToken).toEqual({});
    expect(await mode(cacheFile())).toBe(0o600);
    for (const s of [AT1, RT1]) expect(await fs.readFile(cacheFile(), 'utf8')).not.toContain(s);
    const e = await rejection(auth.getToken());
    expect(e.reason).toBe('no-account');

    mockDeviceCodeSignin(AT2, RT2);
    const { auth: second, codes } = deviceAuth();
    await second.signin(USER);
    expect(codes).toHaveLength(1);
  });

  test('getToken before signin: no-account, no request', async () => {
    const e = await rejection(deviceAuth().auth.getToken());
    expect(e.reason).toBe('no-account');
  });

  test('a corrupt cache file: a clear error naming the path, not the content', async () => {
    await fs.writeFile(cacheFile(), `{"Account": ${RT1}`, { mode: 0o600 });
    const e = await rejection(deviceAuth().auth.signin(USER));
    expect(e.reason).toBe('failed');
    expect(e.message).toContain(cacheFile());
    expect(e.message).toMatch(/corrupt/);
    expectClean(e);
  });

  test('device code failure (invalid_grant echoing the codes): GraphAuthError without the device code or user code', async () => {
    mockDeviceCode();
    mockToken(400, { error: 'invalid_grant', error_description: `AADSTS70000: bad device_code=${DEVICE_CODE} user code ${USER_CODE}`, error_codes: [70000] });
    const e = await rejection(deviceAuth().auth.signin(USER));
    expect(e.reason).toBe('invalid-grant');
    expect(e.message).toContain('invalid_grant');
    expectClean(e);
  });

  test('the user declines the device code sign-in: reason cancelled', async () => {
    mockDeviceCode();
    mockToken(400, { error: 'authorization_declined', error_description: `The user declined ${USER_CODE}` });
    const e = await rejection(deviceAuth().auth.signin(USER));
    expect(e.reason).toBe('cancelled');
    expectClean(e);
  });

  test('cancelSignin stops the polling: reason cancelled', async () => {
    mockDeviceCode(1);
    mockToken(400, { error: 'authorization_pending', error_description: 'AADSTS70016: pending' });
    const { auth } = deviceAuth({ onDeviceCode: () => setTimeout(() => auth.cancelSignin(), 50) });
    const e = await rejection(auth.signin(USER));
    expect(e.reason).toBe('cancelled');
    expect(e.message).toContain('device_code_polling_cancelled');
    expectClean(e);
  });

  test('network failure: reason network', async () => {
    nock(LOGIN).post(`/${TENANT}/oauth2/v2.0/devicecode`).query(true).replyWithError('socket hang up');
    const e = await rejection(deviceAuth().auth.signin(USER));
    expect(e.reason).toBe('network');
    expect(e.message).toContain('network_error');
  });

  test('default authority is /organizations; a second instance still signs in silently', async () => {
    nock(LOGIN).post('/organizations/oauth2/v2.0/devicecode', record('devicecode')).query(true).reply(200, {
      user_code: USER_CODE, device_code: DEVICE_CODE, verification_uri: VERIFICATION_URI, expires_in: 900, interval: 5, message: 'm',
    });
    nock(LOGIN).post('/organizations/oauth2/v2.0/token', record('token')).query(true).reply(200, tokenResponse(AT1, RT1));
    const make = () => new DeviceCodeAuth({ clientId: CLIENT_ID, cacheFile: cacheFile(), onDeviceCode: () => undefined });
    expect(make().authority).toBe(`${LOGIN}/organizations`);
    await make().signin(USER);
    const second = make();
    await expect(second.signin(USER)).resolves.toEqual({ username: USER });
    await expect(second.getToken()).resolves.toBe(AT1);
    expect(posted).toHaveLength(2);
  });

  test('the logger never receives a token, secret or code, even at trace level', async () => {
    const lines: Array<[GraphAuthLogLevel, string]> = [];
    const logger = (level: GraphAuthLogLevel, message: string): void => { lines.push([level, message]); };
    mockDeviceCodeSignin(AT1, RT1, 60);
    const { auth } = deviceAuth({ logger, logLevel: 'trace' });
    await auth.signin(USER);
    mockToken(200, tokenResponse(AT2, RT2));
    await auth.getToken();
    mockToken(400, { error: 'invalid_grant', error_description: `AADSTS50173: revoked ${RT2} ${AT2}`, error_codes: [50173] });
    await rejection(auth.getToken({ forceRefresh: true }));
    await auth.signout();

    mockToken(400, { error: 'invalid_client', error_description: `AADSTS7000215: Invalid client secret provided: ${CLIENT_SECRET}`, error_codes: [7000215] });
    const daemon = new ClientCredentialsAuth({ clientId: CLIENT_ID, tenantId: TENANT, clientSecret: CLIENT_SECRET, actAs: USER, logger, logLevel: 'trace' });
    await rejection(daemon.signin(''));

    expect(lines.length).toBeGreaterThan(20);
    expect(lines.some(([level]) => level === 'verbose')).toBe(true);
    for (const [, line] of lines) for (const s of SENSITIVE) expect(line).not.toContain(s);
  });
});

describe('ClientCredentialsAuth', () => {
  const daemon = (extra: { clientSecret?: string } = {}) => new ClientCredentialsAuth({
    clientId: CLIENT_ID, tenantId: TENANT, clientSecret: CLIENT_SECRET, actAs: USER, ...extra,
  });

  test('client secret: posts client_credentials with the secret and /.default; token cached; skipCache on forceRefresh', async () => {
    mockToken(200, { token_type: 'Bearer', expires_in: 3599, access_token: AT1 });
    const auth = daemon();
    expect(auth.mode).toBe('application');
    expect(auth.actAs).toBe(USER);
    await expect(auth.signin(USER.toLowerCase())).resolves.toEqual({ username: USER });
    await expect(auth.getToken()).resolves.toBe(AT1);
    expect(posted).toHaveLength(1);
    expect(posted[0].body).toMatchObject({
      grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, scope: GRAPH_APPLICATION_SCOPE,
    });
    mockToken(200, { token_type: 'Bearer', expires_in: 3599, access_token: AT2 });
    await expect(auth.getToken({ forceRefresh: true })).resolves.toBe(AT2);
    expect(posted).toHaveLength(2);
  });

  test('a sign-in name other than actAs: invalid-grant, no request', async () => {
    const e = await rejection(daemon().signin('grace@contoso.example'));
    expect(e.reason).toBe('invalid-grant');
  });

  test('signout: getToken says no-account until the next signin', async () => {
    mockToken(200, { token_type: 'Bearer', expires_in: 3599, access_token: AT1 });
    const auth = daemon();
    await auth.signin('');
    await auth.signout();
    expect((await rejection(auth.getToken())).reason).toBe('no-account');
    mockToken(200, { token_type: 'Bearer', expires_in: 3599, access_token: AT2 });
    await auth.signin('');
    await expect(auth.getToken()).resolves.toBe(AT2);
  });

  test.each([
    ['invalid_client', 401, 7000215, 'Invalid client secret provided'],
    ['invalid_grant', 400, 70000, 'The provided grant is invalid'],
  ])('%s with the secret echoed in the body: GraphAuthError without the secret', async (error, status, no, text) => {
    mockToken(status, {
      error, error_codes: [no], trace_id: 't', correlation_id: 'c',
      error_description: `AADSTS${no}: ${text}. client_secret=${CLIENT_SECRET} secret ${CLIENT_SECRET} token ${AT1}`,
    });
    const e = await rejection(daemon().signin(''));
    expect(e.reason).toBe('invalid-grant');
    expect(e.name).toBe('GraphAuthError');
    expect(e.message).toContain(error);
    expect(e.message).toContain(`AADSTS${no}`);
    expectClean(e);
  });

  test('a failed proactive refresh (refresh_in passed) is logged by msal with the server description: the secret is scrubbed', async () => {
    const lines: string[] = [];
    mockToken(200, { token_type: 'Bearer', expires_in: 3599, refresh_in: 5, access_token: AT1 });
    const auth = new ClientCredentialsAuth({
      clientId: CLIENT_ID, tenantId: TENANT, clientSecret: CLIENT_SECRET, actAs: USER, logLevel: 'warning',
      logger: (_level, message) => { lines.push(message); },
    });
    await auth.signin('');
    const refresh = nock(LOGIN).post(`/${TENANT}/oauth2/v2.0/token`, record('token')).query(true).reply(401, {
      error: 'invalid_client', error_codes: [7000215], error_description: `AADSTS7000215: Invalid client secret provided: ${CLIENT_SECRET}`,
    });
    // Ten seconds later refresh_in has passed: msal refreshes, the refresh fails, msal logs a warning
    // (with the server's error_description) and still returns the cached token.
    jest.useFakeTimers({ doNotFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate',
      'clearImmediate', 'nextTick', 'queueMicrotask', 'hrtime', 'performance', 'requestAnimationFrame', 'cancelAnimationFrame',
      'requestIdleCallback', 'cancelIdleCallback'] });
    try {
      jest.setSystemTime(Date.now() + 10_000);
      await expect(auth.getToken()).resolves.toBe(AT1);
    } finally {
      jest.useRealTimers();
    }
    expect(refresh.isDone()).toBe(true);
    const warning = lines.find((l) => l.includes('unable to refresh the access token'));
    expect(warning).toContain('AADSTS7000215');
    expect(warning).toContain('[redacted]');
    for (const line of lines) expect(line).not.toContain(CLIENT_SECRET);
  });

  test('configuration errors never echo the secret', async () => {
    expect(() => new ClientCredentialsAuth({ clientId: CLIENT_ID, tenantId: TENANT, actAs: USER })).toThrow(GraphAuthError);
    expect(() => new ClientCredentialsAuth({ clientId: CLIENT_ID, tenantId: TENANT, actAs: USER, clientSecret: CLIENT_SECRET,
      clientCertificate: { thumbprintSha256: 'ab', privateKey: 'k' } })).toThrow(/exactly one/);
    // msal checks the authority only when it first needs it (the first token request), with no request made.
    const bad = new ClientCredentialsAuth({ clientId: CLIENT_ID, tenantId: TENANT, actAs: USER, clientSecret: CLIENT_SECRET,
      authority: `http://login.microsoftonline.com/${CLIENT_SECRET}` });
    const e = await rejection(bad.signin(''));
    expect(e.reason).toBe('failed');
    expectClean(e);
  });
});
