/**
 * The MSAL types the adapter's public API takes, in the adapter's own words: they mirror MSAL's
 * (ICachePlugin, TokenCacheContext, the option types) structurally, so MSAL's own values fit (an
 * MSAL plugin such as @azure/msal-node-extensions' PersistenceCachePlugin is a TokenCachePlugin) and
 * these are handed to MSAL as they are. Only this file and the classes taking these types are
 * reachable from the public declarations: they never name @azure/msal-node, whose typings re-export
 * ES-module declarations that CommonJS consumers on module node16/nodenext cannot type-check
 * (TS1479; docs/decisions.md, "Packaging"). test/msal-types.test.ts checks the mirror against MSAL's types.
 */

/** What a plugin sees of MSAL's token cache during one access (MSAL's TokenCacheContext). */
export interface TokenCacheAccess {
  /** True when MSAL changed the cache during this access: write it back. */
  readonly cacheHasChanged: boolean;
  /** MSAL's in-memory cache, as one JSON text. */
  readonly tokenCache: {
    serialize(): string;
    deserialize(cache: string): void;
  };
}

/** A persistent store for MSAL's token cache (MSAL's ICachePlugin): load before each access, save after. */
export interface TokenCachePlugin {
  beforeCacheAccess(context: TokenCacheAccess): Promise<void>;
  afterCacheAccess(context: TokenCacheAccess): Promise<void>;
}

export type GraphAuthLogLevel = 'error' | 'warning' | 'info' | 'verbose' | 'trace';

/** Receives MSAL's and the auth classes' log lines; every line has been through `redact` first. */
export type GraphAuthLogger = (level: GraphAuthLogLevel, message: string) => void;

/**
 * MSAL configuration a caller (mostly a test) may override. Credentials and the logger are not
 * overridable. The types mirror MSAL's (NodeAuthOptions, NodeSystemOptions, INetworkModule)
 * structurally, so MSAL's own values fit, without the adapter's public declarations naming
 * @azure/msal-node (see above for why); MSAL checks the string values itself.
 */
export interface MsalOverrides {
  readonly auth?: {
    readonly authorityMetadata?: string;
    readonly cloudDiscoveryMetadata?: string;
    readonly knownAuthorities?: readonly string[];
    readonly clientCapabilities?: readonly string[];
    /** `azureCloudInstance`: one of MSAL's AzureCloudInstance values, e.g. https://login.microsoftonline.us. */
    readonly azureCloudOptions?: { readonly azureCloudInstance: string; readonly tenant?: string };
  };
  readonly system?: {
    /** The HTTP client MSAL uses (MSAL's INetworkModule). */
    readonly networkClient?: MsalNetworkClient;
    readonly disableInternalRetries?: boolean;
    /** One of MSAL's ProtocolMode values ('AAD', 'OIDC', …). */
    readonly protocolMode?: string;
  };
}

/** An HTTP request MSAL makes (MSAL's NetworkRequestOptions). */
export interface MsalNetworkRequest {
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly correlationId?: string;
}

/** The answer to one (MSAL's NetworkResponse). */
export interface MsalNetworkResponse<T> {
  headers: Record<string, string>;
  body: T;
  status: number;
}

/** MSAL's INetworkModule. */
export interface MsalNetworkClient {
  sendGetRequestAsync<T>(url: string, options?: MsalNetworkRequest, timeout?: number): Promise<MsalNetworkResponse<T>>;
  sendPostRequestAsync<T>(url: string, options?: MsalNetworkRequest): Promise<MsalNetworkResponse<T>>;
}
