export { GraphAuthError, type GraphAuth } from './auth';
export {
  DeviceCodeAuth, GRAPH_DELEGATED_SCOPES, DEFAULT_DELEGATED_AUTHORITY,
  type DeviceCodeAuthOptions, type DeviceCodeInfo,
} from './device-code';
export { ClientCredentialsAuth, GRAPH_APPLICATION_SCOPE, type ClientCredentialsAuthOptions } from './client-credentials';
export { StaticTokenAuth, type StaticTokenAuthOptions } from './static-token';
export { TokenCacheFile, TOKEN_CACHE_FILE_MODE } from './token-cache-file';
export type {
  GraphAuthLogLevel, GraphAuthLogger, MsalOverrides, MsalNetworkClient, MsalNetworkRequest, MsalNetworkResponse,
  TokenCacheAccess, TokenCachePlugin,
} from './msal-types';
export { TokenCredentialAuth, azureIdentityCredential, type TokenCredential, type TokenCredentialAuthOptions, type AzureCredentialKind } from './token-credential';
export { ProtectedTokenCache, type CacheProtection, type CachePluginOptions } from './cache-persistence';
