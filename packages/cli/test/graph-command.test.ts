/**
 * `imessenger graph login | whoami | logout | doctor` (src/graph-command.ts) on the fake tenant on
 * loopback (Graph) and nock (the identity platform), and the one Graph configuration reaching
 * `imessenger run` and `migrate copy`: a bad one is exit 2 naming the file and key before any
 * script line runs (it was a JScript runtime error at the script's first Messenger call).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import nock from 'nock';
import { FakeTenant } from '@imessenger/adapter-graph/testing';
import { main } from '../src/main';

jest.setTimeout(30_000);

const ANN = 'ann@contoso.com';
const seed = { self: { signinName: ANN, friendlyName: 'Ann' }, directory: [{ signinName: 'bob@contoso.com' }] };
let tenant: FakeTenant;
let dir: string;

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1/);
});
afterAll(() => { nock.enableNetConnect(); nock.restore(); });
beforeEach(async () => {
  tenant = new FakeTenant({ seed });
  await tenant.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-graph-cmd-'));
});
afterEach(async () => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  await tenant.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  expect(pending).toEqual([]);
});

async function imessenger(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, cwd: dir, env });
  return { code, out, err };
}

/** A configuration file signing in with the token in ANN_TOKEN (one the fake tenant minted). */
function tokenConfig(extra: Record<string, unknown> = {}): string {
  const file = path.join(dir, 'tenant.json');
  fs.writeFileSync(file, JSON.stringify({
    $schema: '../node_modules/@imessenger/adapter-graph/graph-config.schema.json',
    tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, auth: { type: 'access-token', accessTokenEnv: 'ANN_TOKEN', username: ANN }, ...extra,
  }));
  return file;
}

describe('imessenger graph whoami', () => {
  it('shows the account and the token\'s scopes, never the token', async () => {
    const token = tenant.tokenFor(ANN, { scopes: ['User.Read', 'Contacts.ReadWrite'] });
    const r = await imessenger(['graph', 'whoami', '--graph-config', tokenConfig()], { ANN_TOKEN: token });
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain(`account:     ${ANN}`);
    expect(r.out).toContain('scopes:      User.Read Contacts.ReadWrite');
    expect(r.out).toContain(`tenant:      ${tenant.tenantId}`);
    const json = await imessenger(['graph', 'whoami', '--graph-config', tokenConfig(), '--json'], { ANN_TOKEN: token });
    expect(JSON.parse(json.out)).toMatchObject({ signedIn: true, account: ANN, mode: 'delegated', scopes: ['User.Read', 'Contacts.ReadWrite'], roles: [] });
    expect(r.out + r.err + json.out + json.err).not.toContain(token);
  });
});

describe('imessenger graph doctor', () => {
  it('is green on a token with every permission the capabilities need, with a line per check', async () => {
    const token = tenant.tokenFor(ANN);
    const r = await imessenger(['graph', 'doctor', '--graph-config', tokenConfig()], { ANN_TOKEN: token });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^ok {4}configuration: tenant .*, access-token for ann@contoso.com/m);
    expect(r.err).toMatch(/^ok {4}sign-in: ann@contoso.com \(delegated\)/m);
    expect(r.err).toMatch(/^ok {4}permissions: the token's delegated scopes cover \d+ capabilities/m);
    expect(r.err).toMatch(/^ok {4}graph: http:\/\/127\.0\.0\.1:\d+\/v1\.0 answers GET \/me/m);
    // Nobody runs Teams or a session: others see Offline, said as a warning (not a failure).
    expect(r.err).toMatch(/^WARN {2}presence: others see Offline/m);
    expect(r.out).toBe('Graph is ready (1 warning).\n');
    expect(r.err).not.toContain(token);
  });

  it('fails on missing permissions, saying which capability needs which and how to grant it; --json', async () => {
    const token = tenant.tokenFor(ANN, { scopes: ['User.Read', 'Contacts.ReadWrite', 'offline_access'] });
    const file = tokenConfig({ capabilities: ['signin', 'contacts', 'groups'] });
    const r = await imessenger(['graph', 'doctor', '--graph-config', file], { ANN_TOKEN: token });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^FAIL {2}permissions: the token lacks delegated scopes: Chat\.ReadBasic \(groups\)/m);
    expect(r.err).toMatch(/fix: Entra admin center → App registrations → your app → API permissions → Microsoft Graph → Delegated: add Chat\.ReadBasic/);
    const json = await imessenger(['graph', 'doctor', '--graph-config', file, '--json'], { ANN_TOKEN: token });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.out) as { ok: boolean; checks: { check: string; status: string }[] };
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.check === 'permissions')?.status).toBe('fail');
  });

  it('gives up on a Graph that does not answer within --timeout, with the waiting line meanwhile', async () => {
    const silent = http.createServer(() => { /* never answers */ });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const token = tenant.tokenFor(ANN);
      const port = (silent.address() as { port: number }).port;
      const started = Date.now();
      const r = await imessenger(['graph', 'doctor', '--timeout', '1.5', '--graph-config', tokenConfig({ baseUrl: `http://127.0.0.1:${port}/v1.0` })], { ANN_TOKEN: token });
      const seconds = (Date.now() - started) / 1000;
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^FAIL {2}graph: http:\/\/127\.0\.0\.1:\d+\/v1\.0 cannot be reached \(no answer within 1\.5 s\)/m);
      expect(r.err).toMatch(/waiting for Microsoft Graph \(127\.0\.0\.1:\d+\) \(1 s\)…/);
      expect(seconds).toBeLessThan(5);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('exits 2 on a bad configuration, naming the file and the key', async () => {
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ tenantId: tenant.tenantId, auth: { type: 'device-code', clientID: 'x' } }));
    const r = await imessenger(['graph', 'doctor', '--graph-config', file]);
    expect(r).toEqual({ code: 2, out: '', err: `imessenger: ${file}: "auth.clientID": unknown key: did you mean "clientId"? (allowed here: type, clientId, authority, cacheFile, cacheProtection, scopes)\nRun "imessenger graph --help" for usage.\n` });
  });
});

describe('imessenger graph login / whoami / logout with a device code', () => {
  const LOGIN = 'https://login.microsoftonline.com';
  const CLIENT_ID = '11111111-2222-4333-8444-555555555555';
  const b64 = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');

  /** The identity platform's answers to one device code sign-in of Ann (nock), granting what was asked for. */
  function mockDeviceCodeSignin(): string {
    const tid = tenant.tenantId;
    const oid = '9a8b7c6d-5e4f-4a3b-8c1d-0e9f8a7b6c5d';
    const access = tenant.tokenFor(ANN);
    const now = Math.floor(Date.now() / 1000);
    const idToken = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ aud: CLIENT_ID, iss: `${LOGIN}/${tid}/v2.0`, iat: now, nbf: now, exp: now + 3600, oid, preferred_username: ANN, sub: 's', tid, ver: '2.0' })}.`;
    let asked = '';
    nock(LOGIN).post(`/${tid}/oauth2/v2.0/devicecode`, (body: { scope?: string }) => { asked = body.scope ?? ''; return true; }).query(true).reply(200, {
      user_code: 'QWERT-ZUIOP', device_code: 'device-code-secret-1', verification_uri: 'https://microsoft.com/devicelogin', expires_in: 900, interval: 1,
      message: 'To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code QWERT-ZUIOP to authenticate.',
    });
    // The identity platform grants what was asked for (so the cached token serves later silent calls).
    nock(LOGIN).post(`/${tid}/oauth2/v2.0/token`).query(true).reply(200, () => ({
      token_type: 'Bearer', scope: asked, expires_in: 3599, ext_expires_in: 3599, access_token: access,
      refresh_token: 'refresh-token-secret-1', id_token: idToken, client_info: b64({ uid: oid, utid: tid }),
    }));
    return access;
  }

  it('signs in once, keeps the sign-in in the cache file, shows it, and clears it', async () => {
    const tid = tenant.tenantId;
    const access = mockDeviceCodeSignin();
    const file = path.join(dir, 'tenant.json');
    fs.writeFileSync(file, JSON.stringify({ tenantId: tid, baseUrl: tenant.baseUrl, auth: { type: 'device-code', clientId: CLIENT_ID, cacheFile: 'msal.json', cacheProtection: 'plain' } }));

    const login = await imessenger(['graph', 'login', '--graph-config', file]);
    expect(login.err).toContain('enter the code QWERT-ZUIOP');
    expect(login).toMatchObject({ code: 0, out: `Signed in as ${ANN}; the sign-in is kept in ${path.join(dir, 'msal.json')}.\n` });
    expect(fs.statSync(path.join(dir, 'msal.json')).mode & 0o777).toBe(0o600);

    // whoami: from the cache alone (no identity platform mock left).
    const who = await imessenger(['graph', 'whoami', '--graph-config', file]);
    expect(who.code).toBe(0);
    expect(who.out).toContain(`account:     ${ANN}`);
    expect(who.out).not.toContain(access);

    // doctor: the sign-in endpoint answers, the cached sign-in serves, Graph answers.
    nock(LOGIN).get(`/${tid}/v2.0/.well-known/openid-configuration`).reply(200, { issuer: `${LOGIN}/${tid}/v2.0` });
    const doctor = await imessenger(['graph', 'doctor', '--graph-config', file]);
    expect(doctor.err).toMatch(new RegExp(`^ok {4}sign-in endpoint: ${LOGIN} answers for ${LOGIN}/${tid}$`, 'm'));
    expect(doctor.err).toMatch(/^ok {4}sign-in: ann@contoso\.com \(delegated\)$/m);
    expect(doctor.code).toBe(0);

    const out = await imessenger(['graph', 'logout', '--graph-config', file]);
    expect(out).toEqual({ code: 0, out: 'Signed out: 1 account removed from the token cache.\n', err: '' });
    const nobody = await imessenger(['graph', 'whoami', '--graph-config', file]);
    expect(nobody).toEqual({ code: 1, out: '', err: 'imessenger: nobody is signed in: run "imessenger graph login"\n' });
  });

  it('migrate copy signs in from the cache "imessenger graph login" filled (the same configuration)', async () => {
    mockDeviceCodeSignin();
    const file = path.join(dir, 'tenant.json');
    fs.writeFileSync(file, JSON.stringify({
      tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, users: [ANN],
      auth: { type: 'device-code', clientId: CLIENT_ID, cacheFile: 'msal.json', cacheProtection: 'plain' }, retry: { maxRetries: 1, delaySeconds: 0 },
    }));
    expect((await imessenger(['graph', 'login', '--graph-config', file])).code).toBe(0);
    fs.mkdirSync(path.join(dir, 'old'));
    fs.writeFileSync(path.join(dir, 'old', `${ANN}.seed.json`), JSON.stringify({ self: { signinName: ANN }, contacts: [{ signinName: 'bob@contoso.com' }] }));
    // The copy needs no identity platform (the cached token serves): nock's interception off, as its
    // pass-through of POST bodies to loopback does not reach the fake tenant.
    nock.restore();
    let copy: Awaited<ReturnType<typeof imessenger>>;
    try {
      copy = await imessenger(['migrate', 'copy', '--from', 'memory:old', '--to', 'graph:tenant.json', '--progress', 'none']);
    } finally {
      nock.activate();
    }
    expect(copy!.err).toBe('');
    expect(copy!.code).toBe(0);
    // Bob became Ann's contact on Graph (an Outlook contact, perhaps inside a $batch).
    const posted = tenant.requests.flatMap((r) => (r.path === '/$batch' ? ((r.body as { requests: { method: string; url: string }[] }).requests) : [r]).map((q) => `${q.method} ${'url' in q ? q.url : (q as { path: string }).path}`));
    expect(posted.filter((q) => /^POST \/(me|users\/[^/]+)\/contacts$/.test(q))).toHaveLength(1);
  });

  it('login needs a device-code configuration with a cache file', async () => {
    const file = path.join(dir, 'tenant.json');
    fs.writeFileSync(file, JSON.stringify({ tenantId: tenant.tenantId, auth: { type: 'device-code', clientId: CLIENT_ID } }));
    const r = await imessenger(['graph', 'login', '--graph-config', file]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('has no "auth.cacheFile" (IMESSENGER_GRAPH_CACHE_FILE): where the sign-in is kept');
  });
});

describe('the one configuration in run and migrate copy', () => {
  it('run: a tenant that is no tenant is exit 2 naming the file and key, before any script line (was a JScript runtime error at line 45)', async () => {
    const walkthrough = path.join(__dirname, '..', '..', '..', 'examples', 'legacy-jscript', 'walkthrough.js');
    const file = path.join(dir, 'graph.json');
    fs.writeFileSync(file, JSON.stringify({ tenantId: 'contoso', auth: { type: 'access-token', accessToken: 'x', username: ANN } }));
    const r = await imessenger(['run', walkthrough, '--backend', 'graph', '--graph-config', file]);
    expect(r).toEqual({
      code: 2, out: '',
      err: `imessenger: --graph-config: ${file}: "tenantId": "contoso" is neither a tenant id (a GUID) nor a domain (contoso.onmicrosoft.com)\nRun "imessenger run --help" for usage.\n`,
    });
  });

  it('run: a seed that fails its schema is exit 2 before any script line', async () => {
    const walkthrough = path.join(__dirname, '..', '..', '..', 'examples', 'legacy-jscript', 'walkthrough.js');
    const bad = path.join(dir, 'seed.json');
    fs.writeFileSync(bad, JSON.stringify({ contacts: [] }));
    const r = await imessenger(['run', walkthrough, '--seed', bad]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`imessenger: --seed: Invalid seed in ${bad} at $: missing required key "self"\nRun "imessenger run --help" for usage.\n`);
  });

  it('graph doctor takes a tenant given as a domain', async () => {
    const token = tenant.tokenFor(ANN);
    const file = tokenConfig({ tenantId: 'contoso.onmicrosoft.com' });
    const r = await imessenger(['graph', 'doctor', '--graph-config', file], { ANN_TOKEN: token });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^ok {4}configuration: tenant contoso\.onmicrosoft\.com/m);
  });
});
