/**
 * The one Graph configuration (src/config.ts, graph-config.schema.json): the shipped schema and the
 * loader agree on every document below; errors name the file and the key, with "did you mean";
 * the environment overrides the file; the old `run --graph-config` format is converted with a
 * warning; a tenant given as a domain is accepted where MSAL accepts it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import {
  AUTH_TYPES, ENV_OVERRIDES, graphConfigSchemaPath, GraphConfigError, checkGraphConfigDocument, graphAuthFromSettings,
  graphBackend, loadGraphConfig, requireOneUser, StaticTokenAuth, TokenCredentialAuth,
} from '../src';
import { AUTH_KEYS, TOP_KEYS } from '../src/config';
import { GRAPH_CAPABILITIES } from '../src/permissions';

const GUID = '00000000-0000-4000-8000-000000000001';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graph-config-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: a JSON Schema document, walked by key in a test
type Json = any;
const schema = JSON.parse(fs.readFileSync(graphConfigSchemaPath(), 'utf8')) as Json;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

function write(name: string, doc: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return file;
}
const loaderAccepts = (doc: unknown): boolean => {
  try { checkGraphConfigDocument(doc, 'x.json'); return true; } catch (e) { if (e instanceof GraphConfigError) return false; throw e; }
};
const errorOf = (f: () => unknown): GraphConfigError => {
  try { f(); } catch (e) { if (e instanceof GraphConfigError) return e; throw e; }
  throw new Error('no GraphConfigError');
};

describe('the shipped JSON Schema and the loader agree', () => {
  const dc = { type: 'device-code', clientId: 'c' };
  const documents: [string, unknown][] = [
    ['minimal device code', { tenantId: GUID, auth: dc }],
    ['a domain tenant', { tenantId: 'contoso.onmicrosoft.com', auth: dc }],
    ['a custom domain', { tenantId: 'contoso.com', auth: 'device-code' }],
    ['$schema', { $schema: './node_modules/@imessenger/adapter-graph/graph-config.schema.json', tenantId: GUID, auth: dc }],
    ['everything', {
      tenantId: GUID, baseUrl: 'http://127.0.0.1:1/v1.0', users: ['a@contoso.com'], presencePollMs: 500, signedInAtStart: false,
      statusPolicy: 'nearest', retry: { maxRetries: 0, delaySeconds: 0.5 }, timeoutMs: 1000,
      auth: { type: 'device-code', clientId: 'c', authority: 'https://login.microsoftonline.com/x', cacheFile: 'c.json', cacheProtection: 'plain', scopes: ['User.Read'] },
    }],
    ['client credentials, certificate', { tenantId: GUID, auth: { type: 'client-credentials', clientId: 'c', certificate: { thumbprintSha256: 'ab', privateKeyFile: 'k.pem' }, actAs: 'a@b.c' } }],
    ['azure identity (string)', { tenantId: GUID, auth: 'azure-identity' }],
    ['azure identity (object)', { tenantId: GUID, auth: { type: 'azure-identity', credential: 'managed-identity', managedIdentityClientId: 'x', actAs: 'a' } }],
    ['access token', { tenantId: GUID, auth: { type: 'access-token', accessTokenEnv: 'TOKEN', username: 'a@b.c' } }],
    ['migrate copy tokens', { tenantId: GUID, auth: { type: 'tokens', tokensFile: 't.json' } }],
    ['env supplies the rest', {}],
    // refused
    ['a top-level array', []],
    ['an unknown key', { tenantId: GUID, tenantID: GUID }],
    ['a non-GUID, non-domain tenant', { tenantId: 'contoso' }],
    ['a tenant with a space', { tenantId: 'contoso .com' }],
    ['an empty tenant', { tenantId: '' }],
    ['a number as tenant', { tenantId: 5 }],
    ['a bad auth type', { auth: 'password' }],
    ['an auth object without type', { auth: { clientId: 'c' } }],
    ['a key of another auth type', { auth: { type: 'device-code', clientSecret: 's' } }],
    ['an unknown auth key', { auth: { type: 'device-code', clientID: 'c' } }],
    ['a bad cache protection', { auth: { type: 'device-code', cacheProtection: 'strong' } }],
    ['a bad credential', { auth: { type: 'azure-identity', credential: 'cli' } }],
    ['an incomplete certificate', { auth: { type: 'client-credentials', certificate: { thumbprintSha256: 'ab' } } }],
    ['a non-URL baseUrl', { baseUrl: 'graph.microsoft.com' }],
    ['a fractional poll', { presencePollMs: 1.5 }],
    ['a zero poll', { presencePollMs: 0 }],
    ['a string boolean', { signedInAtStart: 'false' }],
    ['a bad status policy', { statusPolicy: 'closest' }],
    ['an unknown retry key', { retry: { retries: 1 } }],
    ['a negative retry', { retry: { maxRetries: -1 } }],
    ['users not strings', { users: [1] }],
    ['capabilities', { capabilities: ['signin', 'contacts', 'directoryPhones'] }],
    ['an unknown capability', { capabilities: ['contact'] }],
    ['an empty user', { users: [' '] }],
  ];
  it.each(documents)('%s', (_name, doc) => {
    expect(loaderAccepts(doc)).toBe(validate(doc));
  });

  it('has exactly the keys the loader knows, at the top and in each auth type', () => {
    expect(Object.keys(schema['properties']).sort()).toEqual([...Object.keys(TOP_KEYS), 'auth'].sort());
    const variants = schema['properties']['auth']['oneOf'] as Json[];
    expect(variants[0]!['enum']).toEqual([...AUTH_TYPES]);
    for (const type of AUTH_TYPES) {
      const variant = variants.find((v) => v['properties']?.['type']?.['const'] === type)!;
      expect(Object.keys(variant['properties']).filter((k) => k !== 'type').sort()).toEqual(Object.keys(AUTH_KEYS[type]).sort());
    }
  });

  it('lists the capabilities permissions.ts knows', () => {
    expect(schema['properties']['capabilities']['items']['enum']).toEqual([...GRAPH_CAPABILITIES]);
    expect(errorOf(() => checkGraphConfigDocument({ capabilities: ['contact'] }, 'x.json')).message).toMatch(/"capabilities": "contact" is not one of .*: did you mean "contacts"\?/);
  });

  it('names each environment variable in the description of its key', () => {
    for (const [variable, key] of ENV_OVERRIDES) {
      if (key === 'auth.type') continue;
      const [first, second] = key.split('.') as [string, string?];
      const descriptions = second === undefined
        ? [schema['properties'][first]['description']]
        : (schema['properties']['auth']['oneOf'] as Json[]).slice(1).map((v) => v['properties'][second]?.['description']).filter(Boolean);
      expect(descriptions.length).toBeGreaterThan(0);
      for (const d of descriptions) expect(d).toContain(variable);
    }
  });
});

describe('loadGraphConfig', () => {
  it('loads a file; relative paths are relative to it; secrets stay out of the description', () => {
    const file = write('ok.json', { tenantId: 'contoso.onmicrosoft.com', auth: { type: 'device-code', clientId: 'app', cacheFile: 'cache/msal.json' }, presencePollMs: 1000 });
    const settings = loadGraphConfig(file, { env: {} });
    expect(settings).toEqual({
      tenantId: 'contoso.onmicrosoft.com', presencePollMs: 1000, source: file,
      auth: { type: 'device-code', clientId: 'app', cacheFile: path.join(dir, 'cache', 'msal.json') },
    });
  });

  it('names the file and the key, and suggests the key meant', () => {
    const file = write('typo.json', { tenantId: GUID, auth: { type: 'device-code', clientID: 'app' } });
    const error = errorOf(() => loadGraphConfig(file, { env: {} }));
    expect(error.message).toBe(`${file}: "auth.clientID": unknown key: did you mean "clientId"? (allowed here: type, clientId, authority, cacheFile, cacheProtection, scopes)`);
    expect(error.where).toBe(file);
    expect(error.key).toBe('auth.clientID');
    const top = write('typo2.json', { tenantID: GUID });
    expect(errorOf(() => loadGraphConfig(top, { env: {} })).message).toMatch(/"tenantID": unknown key: did you mean "tenantId"\?/);
    const elsewhere = write('typo3.json', { tenantId: GUID, auth: { type: 'device-code', clientId: 'c', clientSecret: 's' } });
    expect(errorOf(() => loadGraphConfig(elsewhere, { env: {} })).message).toMatch(/"auth.clientSecret": unknown key .*"clientSecret" belongs to "type": "client-credentials"/);
  });

  it.each([
    ['not a tenant', { tenantId: 'contoso' }, '"tenantId": "contoso" is neither a tenant id (a GUID) nor a domain (contoso.onmicrosoft.com)'],
    ['no one tenant', { tenantId: 'organizations' }, '"tenantId": "organizations" is not one tenant'],
    ['no tenant', { auth: { type: 'device-code', clientId: 'c' } }, '"tenantId": is required'],
    ['no client id', { tenantId: GUID, auth: 'device-code' }, '"auth.clientId": is required for "type": "device-code"'],
    ['two secrets', { tenantId: GUID, auth: { type: 'client-credentials', clientId: 'c', clientSecret: 's', clientSecretEnv: 'S' } }, '"auth": "type": "client-credentials" takes exactly one of'],
    ['bad JSON', '{ "tenantId": ', 'not valid JSON'],
  ])('refuses %s, naming the file', (_name, doc, message) => {
    const file = write('bad.json', doc);
    const error = errorOf(() => loadGraphConfig(file, { env: {} }));
    expect(error.message.startsWith(file)).toBe(true);
    expect(error.message).toContain(message);
  });

  it('takes the environment over the file, key by key, naming the variable in errors', () => {
    const file = write('env.json', { tenantId: GUID, auth: { type: 'device-code', clientId: 'file-app' }, presencePollMs: 1000 });
    const settings = loadGraphConfig(file, { env: { IMESSENGER_GRAPH_CLIENT_ID: 'env-app', IMESSENGER_GRAPH_PRESENCE_POLL_MS: '250', IMESSENGER_GRAPH_SIGNED_IN_AT_START: 'false' } });
    expect(settings.auth).toEqual({ type: 'device-code', clientId: 'env-app' });
    expect(settings.presencePollMs).toBe(250);
    expect(settings.signedInAtStart).toBe(false);
    expect(errorOf(() => loadGraphConfig(file, { env: { IMESSENGER_GRAPH_PRESENCE_POLL_MS: 'soon' } })).message).toBe('IMESSENGER_GRAPH_PRESENCE_POLL_MS: expected a whole number, got "soon"');
    expect(errorOf(() => loadGraphConfig(file, { env: { IMESSENGER_GRAPH_TENANT_ID: 'common' } })).message).toMatch(/^IMESSENGER_GRAPH_TENANT_ID: "common" is not one tenant/);
    // An auth type from the environment keeps only the file's keys it takes.
    const switched = loadGraphConfig(file, { env: { IMESSENGER_GRAPH_AUTH: 'access-token', IMESSENGER_GRAPH_ACCESS_TOKEN: 'tok', IMESSENGER_GRAPH_USERNAME: 'ann@contoso.com' } });
    expect(switched.auth).toEqual({ type: 'access-token', accessToken: 'tok', username: 'ann@contoso.com' });
  });

  it('needs no file when the environment says everything (the auth type from the keys)', () => {
    expect(loadGraphConfig(undefined, { env: { IMESSENGER_GRAPH_TENANT_ID: GUID, IMESSENGER_GRAPH_CLIENT_ID: 'app' } }).auth).toEqual({ type: 'device-code', clientId: 'app' });
    expect(loadGraphConfig(undefined, { env: { IMESSENGER_GRAPH_TENANT_ID: GUID, IMESSENGER_GRAPH_ACCESS_TOKEN: 't', IMESSENGER_GRAPH_USERNAME: 'u@c' } }).auth.type).toBe('access-token');
    expect(loadGraphConfig(undefined, { env: { IMESSENGER_GRAPH_TENANT_ID: GUID, IMESSENGER_GRAPH_CLIENT_ID: 'a', IMESSENGER_GRAPH_CLIENT_SECRET: 's', IMESSENGER_GRAPH_ACT_AS: 'u@c' } }).auth.type).toBe('client-credentials');
    expect(errorOf(() => loadGraphConfig(undefined, { env: { IMESSENGER_GRAPH_TENANT_ID: GUID } })).message).toMatch(/^the environment \(IMESSENGER_GRAPH_\*\): "auth": is required/);
  });

  it('converts the old `run --graph-config` format with a deprecation warning', () => {
    const warnings: string[] = [];
    const file = write('old.json', { tenantId: GUID, clientId: 'app', cacheFile: 'c.json', presencePollMs: 500 });
    const settings = loadGraphConfig(file, { env: {}, onWarning: (m) => warnings.push(m) });
    expect(settings.auth).toEqual({ type: 'device-code', clientId: 'app', cacheFile: path.join(dir, 'c.json') });
    expect(warnings).toEqual([`${file}: the keys "clientId", "cacheFile" at the top are the old "imessenger run --graph-config" format (deprecated): write them as "auth": {"type":"device-code","clientId":"app","cacheFile":"c.json"}`]);
    const tokenWarnings: string[] = [];
    const token = loadGraphConfig(write('old2.json', { tenantId: GUID, accessToken: 'tok-secret-42', username: 'ann@contoso.com' }), { env: {}, onWarning: (m) => tokenWarnings.push(m) });
    expect(token.auth).toEqual({ type: 'access-token', accessToken: 'tok-secret-42', username: 'ann@contoso.com' });
    // The warning shows where the token goes, never the token.
    expect(tokenWarnings[0]).toContain('"auth": {"type":"access-token","accessToken":"…","username":"ann@contoso.com"}');
    expect(tokenWarnings[0]).not.toContain('tok-secret-42');
    const both = write('old3.json', { tenantId: GUID, clientId: 'app', auth: 'device-code' });
    expect(errorOf(() => loadGraphConfig(both, { env: {} })).message).toMatch(/"clientId": belongs in "auth".*move "clientId" into it/);
  });

  it('takes the old `migrate copy` format as it is, reading the secret from the variable it names', () => {
    const file = write('migrate.json', { tenantId: GUID, users: ['ann@contoso.com'], auth: { type: 'client-credentials', clientId: 'app', clientSecretEnv: 'MY_SECRET' }, retry: { maxRetries: 1 } });
    const settings = loadGraphConfig(file, { env: { MY_SECRET: 'shh-very-secret' } });
    expect(settings.auth).toEqual({ type: 'client-credentials', clientId: 'app', clientSecret: 'shh-very-secret' });
    expect(errorOf(() => loadGraphConfig(file, { env: {} })).message).toBe(`${file}: "auth.clientSecretEnv": the environment variable MY_SECRET is not set`);
  });

  it('says when a session of one user cannot come from the settings', () => {
    const tokens = loadGraphConfig(write('tokens.json', { tenantId: GUID, auth: { type: 'tokens', tokensFile: 't.json' } }), { env: {} });
    expect(errorOf(() => requireOneUser(tokens)).message).toMatch(/"auth.type": "tokens" holds a token per user/);
    const daemon = loadGraphConfig(write('daemon.json', { tenantId: GUID, auth: 'azure-identity' }), { env: {} });
    expect(errorOf(() => requireOneUser(daemon)).message).toMatch(/"auth.actAs": is required for "type": "azure-identity"/);
    expect(() => requireOneUser(loadGraphConfig(write('daemon2.json', { tenantId: GUID, auth: 'azure-identity' }), { env: { IMESSENGER_GRAPH_ACT_AS: 'ann@contoso.com' } }))).not.toThrow();
  });
});

describe('auth from the settings', () => {
  it('"azure-identity" uses the host\'s TokenCredential when given, else says how to install @azure/identity', async () => {
    const settings = loadGraphConfig(write('azure.json', { tenantId: GUID, auth: { type: 'azure-identity', actAs: 'ann@contoso.com' } }), { env: {} });
    const credential = { getToken: jest.fn(async () => ({ token: 'azure-token-1', expiresOnTimestamp: Date.now() + 3_600_000 })) };
    const auth = graphAuthFromSettings(settings, { credential });
    expect(auth).toBeInstanceOf(TokenCredentialAuth);
    expect(auth.mode).toBe('application');
    expect(await auth.signin('')).toEqual({ username: 'ann@contoso.com' });
    expect(await auth.getToken()).toBe('azure-token-1');
    expect(credential.getToken).toHaveBeenCalledTimes(1);
    expect(credential.getToken).toHaveBeenCalledWith(['https://graph.microsoft.com/.default'], expect.objectContaining({ abortSignal: expect.anything() }));
    let installed = true;
    try { require.resolve('@azure/identity'); } catch { installed = false; }
    if (!installed) expect(() => graphAuthFromSettings(settings)).toThrow(/needs the @azure\/identity package, which is not installed: npm install @azure\/identity/);
  });

  it('"tokens" signs in the user migrate copy names', async () => {
    const tokens = write('t.json', { 'Ann@contoso.com': 'tok-ann' });
    const settings = loadGraphConfig(write('tok.json', { tenantId: GUID, auth: { type: 'tokens', tokensFile: path.basename(tokens) } }), { env: {} });
    const auth = graphAuthFromSettings(settings, { user: 'ann@contoso.com' });
    expect(await auth.signin('ann@contoso.com')).toEqual({ username: 'ann@contoso.com' });
    expect(await auth.getToken()).toBe('tok-ann');
    await expect(graphAuthFromSettings(settings, { user: 'bob@contoso.com' }).signin('')).rejects.toThrow(/no token for bob@contoso.com/);
  });

  it('a backend takes a tenant given as a domain; "common" is refused', () => {
    const auth = new StaticTokenAuth({ username: 'ann@contoso.com', token: () => 't' });
    expect(() => graphBackend({ auth, tenantId: 'contoso.onmicrosoft.com' })).not.toThrow();
    expect(() => graphBackend({ auth, tenantId: 'common' })).toThrow(/`tenantId` must be the tenant's id \(a GUID\) or one of its domains/);
  });
});
