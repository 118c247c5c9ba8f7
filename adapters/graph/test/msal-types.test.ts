/**
 * The adapter's public API takes MSAL's cache plugin and option types in its own structural copies
 * (src/auth/msal-types.ts), so its declarations never name @azure/msal-node (TS1479 for CommonJS
 * consumers; test/packaging). Checked here against MSAL's own types, both ways: a host's MSAL
 * values (an ICachePlugin such as msal-node-extensions' PersistenceCachePlugin, an INetworkModule,
 * NodeAuthOptions) fit the adapter's types, and the adapter's fit MSAL's. The checks are compile-time
 * (tsconfig.spec.json type-checks this file): a `false` below does not compile.
 */
import {
  PublicClientApplication,
  type ICachePlugin, type INetworkModule, type NodeAuthOptions, type NodeSystemOptions, type TokenCacheContext,
} from '@azure/msal-node';
import type { MsalNetworkClient, MsalOverrides, TokenCacheAccess, TokenCachePlugin } from '../src/auth';

/** True when every From is a To. */
type Fits<From, To> = [From] extends [To] ? true : false;
type MsalAuth = Pick<NodeAuthOptions, 'authorityMetadata' | 'cloudDiscoveryMetadata' | 'knownAuthorities' | 'clientCapabilities' | 'azureCloudOptions'>;

test('MSAL\'s types fit the adapter\'s structural copies of them, and the reverse', () => {
  const msalPluginIsOurs: Fits<ICachePlugin, TokenCachePlugin> = true;
  const oursIsMsalPlugin: Fits<TokenCachePlugin, ICachePlugin> = true;
  const msalContextIsOurs: Fits<TokenCacheContext, TokenCacheAccess> = true;
  const msalNetworkIsOurs: Fits<INetworkModule, MsalNetworkClient> = true;
  const oursIsMsalNetwork: Fits<MsalNetworkClient, INetworkModule> = true;
  const msalAuthIsOurs: Fits<MsalAuth, NonNullable<MsalOverrides['auth']>> = true;
  const msalSystemIsOurs: Fits<Omit<NodeSystemOptions, 'loggerOptions'>, NonNullable<MsalOverrides['system']>> = true;
  expect([msalPluginIsOurs, oursIsMsalPlugin, msalContextIsOurs, msalNetworkIsOurs, oursIsMsalNetwork, msalAuthIsOurs, msalSystemIsOurs])
    .toEqual([true, true, true, true, true, true, true]);
});

test('a TokenCachePlugin is what MSAL calls: before and after a cache access, with its own cache', async () => {
  const calls: string[] = [];
  const plugin: TokenCachePlugin = {
    async beforeCacheAccess(context) { calls.push('before'); context.tokenCache.deserialize('{}'); },
    async afterCacheAccess(context) { calls.push(`after, changed ${context.cacheHasChanged}`); },
  };
  const pca = new PublicClientApplication({ auth: { clientId: '00000000-0000-0000-0000-000000000001' }, cache: { cachePlugin: plugin } });
  await expect(pca.getAllAccounts()).resolves.toEqual([]);
  expect(calls).toEqual(['before', 'after, changed false']);
});
