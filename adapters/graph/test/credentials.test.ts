/**
 * Enterprise credentials and a host's own plumbing (README "Credentials"): a tenant given as a
 * domain learns its id from the token; the token cache is encrypted through
 * @azure/msal-node-extensions when it can be used, else a plain file with a warning saying why; a
 * TokenCredential signs in a workload; a host's middleware sees every request and a host's own
 * Graph client is used as given. On the fake tenant on loopback.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, type Context, HTTPMessageHandler, type Middleware } from '@microsoft/microsoft-graph-client';
import { createMessenger } from '@imessenger/core';
import { FakeTenant } from '../src/testing';
import {
  type GraphSettings, graphBackendFromSettings, ProtectedTokenCache, registerSecret, StaticTokenAuth, TokenCredentialAuth, TokenCacheFile, type TokenCacheAccess,
} from '../src';

const ANN = 'ann@contoso.com';
let tenant: FakeTenant;
let dir: string;
beforeEach(async () => {
  tenant = new FakeTenant({ seed: { self: { signinName: ANN }, directory: [{ signinName: 'bob@contoso.com' }] } });
  await tenant.start();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graph-credentials-'));
});
afterEach(async () => {
  await tenant.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const settings = (extra: Partial<GraphSettings> = {}): GraphSettings => ({
  tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, presencePollMs: 0, source: 'test', signedInAtStart: false,
  auth: { type: 'access-token', accessToken: tenant.tokenFor(ANN), username: ANN }, ...extra,
});

it('a tenant given as a domain: the service id is the tenant id from the token\'s tid claim', async () => {
  const backend = graphBackendFromSettings(settings({ tenantId: 'contoso.onmicrosoft.com' }));
  const msn = createMessenger({ backend });
  try {
    await msn.Signin(0, ANN, '');
    expect(await msn.get_MyServiceId()).toBe(`{${tenant.tenantId}}`);
  } finally {
    msn.dispose();
  }
});

it('a host\'s middleware runs after the token is set, for every request', async () => {
  const seen: string[] = [];
  class Recorder implements Middleware {
    private next?: Middleware;
    async execute(context: Context): Promise<void> {
      const headers = new Headers((context.options?.headers ?? {}) as HeadersInit);
      seen.push(`${context.options?.method ?? 'GET'} ${new URL(String(context.request)).pathname} ${headers.has('authorization') ? 'with' : 'without'} token`);
      await this.next!.execute(context);
    }
    setNext(next: Middleware): void { this.next = next; }
  }
  const backend = graphBackendFromSettings(settings(), { middleware: [new Recorder()] });
  const msn = createMessenger({ backend });
  try {
    await msn.Signin(0, ANN, '');
  } finally {
    msn.dispose();
  }
  expect(seen.length).toBe(backend.http.requestCount);
  expect(seen.length).toBeGreaterThan(0);
  expect(seen.every((s) => s.endsWith('with token'))).toBe(true);
});

it('a host\'s own Graph client is used as given', async () => {
  const token = tenant.tokenFor(ANN);
  let calls = 0;
  // The host's chain: its own token step, then fetch. (Client.init's AuthenticationHandler sends a
  // token only to https hosts: Graph's, or customHosts.)
  class HostAuth implements Middleware {
    private next?: Middleware;
    async execute(context: Context): Promise<void> {
      calls++;
      context.options = { ...context.options, headers: { ...(context.options?.headers as Record<string, string>), Authorization: `Bearer ${token}` } };
      await this.next!.execute(context);
    }
    setNext(next: Middleware): void { this.next = next; }
  }
  const hostAuth = new HostAuth();
  hostAuth.setNext(new HTTPMessageHandler());
  const client = Client.initWithMiddleware({ middleware: hostAuth, baseUrl: `${new URL(tenant.baseUrl).origin}/`, defaultVersion: 'v1.0' });
  const backend = graphBackendFromSettings(settings(), { client });
  const msn = createMessenger({ backend });
  try {
    await msn.Signin(0, ANN, '');
    expect(await msn.get_MySigninName()).toBe(ANN);
  } finally {
    msn.dispose();
  }
  expect(calls).toBeGreaterThan(0);
});

it('a TokenCredential (what @azure/identity gives) signs in an application acting as a user; its token is cached until near expiry', async () => {
  let issued = 0;
  const credential = {
    async getToken(scopes: string | string[]) {
      expect(scopes).toEqual(['https://graph.microsoft.com/.default']);
      issued++;
      return { token: tenant.tokenFor(ANN, { mode: 'application' }), expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
  const auth = new TokenCredentialAuth({ credential, actAs: ANN });
  const backend = graphBackendFromSettings(settings(), { auth });
  const msn = createMessenger({ backend });
  try {
    await msn.Signin(0, '', '');
    expect(await msn.get_MySigninName()).toBe(ANN);
  } finally {
    msn.dispose();
  }
  expect(issued).toBe(1);
  const failing = new TokenCredentialAuth({ credential: { getToken: async () => { throw new Error('ManagedIdentityCredential: no managed identity endpoint found. secret-value-123'); } }, actAs: ANN });
  registerSecret('secret-value-123');
  await expect(failing.signin('')).rejects.toThrow('get token: the credential failed (Error: ManagedIdentityCredential: no managed identity endpoint found. [redacted])');
});

describe('the token cache: encrypted when @azure/msal-node-extensions can be used', () => {
  const context = (serialized = '{}'): TokenCacheAccess => {
    let data = serialized;
    return {
      cacheHasChanged: true,
      tokenCache: { serialize: () => data, deserialize: (d: string) => { data = d; } },
    };
  };

  it('auto: a plain file (mode 0600) with a warning saying why, when the package cannot be loaded', async () => {
    const warnings: string[] = [];
    const file = path.join(dir, 'cache.json');
    const cache = new ProtectedTokenCache(file, { onWarning: (m) => warnings.push(m), load: () => { throw new Error("Cannot find module '../build/Release/keytar.node'"); } });
    const c = context('{"Account":{}}');
    await cache.beforeCacheAccess(c);
    await cache.afterCacheAccess(c);
    expect(cache.store).toBe('plain');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(warnings).toEqual([`the token cache ${file} is a plain file (mode 0600), not encrypted: @azure/msal-node-extensions cannot be used (Cannot find module '../build/Release/keytar.node'); "cacheProtection": "plain" says so without this warning`]);
  });

  it('auto on this machine: whatever require gives (the package is not a dependency)', async () => {
    const warnings: string[] = [];
    const cache = new ProtectedTokenCache(path.join(dir, 'real.json'), { onWarning: (m) => warnings.push(m) });
    const c = context();
    await cache.beforeCacheAccess(c);
    await cache.afterCacheAccess(c);
    let installed = true;
    try { require.resolve('@azure/msal-node-extensions'); } catch { installed = false; }
    if (!installed) {
      expect(cache.store).toBe('plain');
      expect(warnings[0]).toMatch(/cannot be used \(.*Cannot find module '@azure\/msal-node-extensions'/);
    }
  });

  it('encrypted: refuses instead of falling back', async () => {
    const cache = new ProtectedTokenCache(path.join(dir, 'x.json'), { protection: 'encrypted', load: () => { throw new Error('libsecret-1.so.0: cannot open shared object file'); } });
    await expect(cache.beforeCacheAccess(context())).rejects.toThrow('token cache: "cacheProtection": "encrypted" but @azure/msal-node-extensions cannot be used (libsecret-1.so.0: cannot open shared object file)');
  });

  it('uses the package\'s persistence and plugin when it loads', async () => {
    const created: unknown[] = [];
    const calls: string[] = [];
    const ext = {
      DataProtectionScope: { CurrentUser: 'CurrentUser' },
      PersistenceCreator: { createPersistence: async (config: unknown) => { created.push(config); return { kind: 'keyring' }; } },
      PersistenceCachePlugin: class {
        constructor(readonly persistence: unknown) {}
        async beforeCacheAccess() { calls.push('before'); }
        async afterCacheAccess() { calls.push('after'); }
      },
    };
    const file = path.join(dir, 'enc.json');
    const cache = new ProtectedTokenCache(file, { protection: 'encrypted', load: () => ext });
    await cache.beforeCacheAccess(context());
    await cache.afterCacheAccess(context());
    expect(cache.store).toBe('encrypted');
    expect(calls).toEqual(['before', 'after']);
    expect(created).toEqual([{ cachePath: file, dataProtectionScope: 'CurrentUser', serviceName: 'imessenger', accountName: 'graph-token-cache', usePlaintextFileOnLinux: false }]);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('plain: the TokenCacheFile with its lock, no warning', async () => {
    const warnings: string[] = [];
    const cache = new ProtectedTokenCache(path.join(dir, 'p.json'), { protection: 'plain', onWarning: (m) => warnings.push(m), load: () => { throw new Error('never loaded'); } });
    await cache.beforeCacheAccess(context());
    await cache.afterCacheAccess(context());
    expect(cache.store).toBe('plain');
    expect(warnings).toEqual([]);
    expect(TokenCacheFile).toBeDefined();
  });
});

it('a StaticTokenAuth still works unchanged beside them', () => {
  expect(new StaticTokenAuth({ username: ANN, token: () => 't' }).mode).toBe('delegated');
});
