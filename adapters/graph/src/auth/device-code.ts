/**
 * Delegated sign-in for people: silently from the persistent token cache first, then the device
 * code flow (the verification URL and user code go to `onDeviceCode`). PITFALLS E2: the cache is
 * loaded with getAllAccounts() before acquireTokenSilent, and every token acquisition of one
 * instance runs in a single promise chain.
 */
import {
  PublicClientApplication,
  type AccountInfo,
  type Configuration,
  type DeviceCodeRequest,
} from '@azure/msal-node';
import { GraphAuthError, type GraphAuth } from './auth';
import {
  AuthLog, Scrubber, SerialQueue, msalErrorCode, msalOverrides, needsInteraction, toGraphAuthError,
} from './msal-support';
import type { GraphAuthLogLevel, GraphAuthLogger, MsalOverrides, TokenCachePlugin } from './msal-types';
import { TokenCacheFile } from './token-cache-file';
import { DEFAULT_DELEGATED_SCOPES } from '../permissions';
import { registerCacheSecrets, registerSecret } from '../secrets';

/**
 * The delegated Graph permissions a device-code sign-in asks for by default: the least set for the
 * default capabilities (permissions.ts; offline_access for the refresh token). A configuration's
 * `capabilities` narrows it (config-build.ts).
 */
export const GRAPH_DELEGATED_SCOPES: readonly string[] = DEFAULT_DELEGATED_SCOPES;

/** The default authority: any work or school account. */
export const DEFAULT_DELEGATED_AUTHORITY = 'https://login.microsoftonline.com/organizations';

/** What the user needs to finish a device code sign-in. */
export interface DeviceCodeInfo {
  /** The page to open, e.g. https://microsoft.com/devicelogin. */
  readonly verificationUri: string;
  /** The code to enter there. */
  readonly userCode: string;
  /** The identity platform's instruction text (contains both). */
  readonly message: string;
  /** Seconds until the code expires. */
  readonly expiresIn: number;
}

export interface DeviceCodeAuthOptions {
  readonly clientId: string;
  /** Full authority URL; wins over `tenantId`. Default: https://login.microsoftonline.com/organizations. */
  readonly authority?: string;
  /** Tenant id or domain: the authority becomes https://login.microsoftonline.com/<tenantId>. */
  readonly tenantId?: string;
  /** Default GRAPH_DELEGATED_SCOPES. */
  readonly scopes?: readonly string[];
  /** Persistent token cache file (mode 0600). Without it the cache lives in memory only. */
  readonly cacheFile?: string;
  /**
   * A token cache plugin of the host's own (wins over `cacheFile`): an encrypted store such as
   * ProtectedTokenCache or @azure/msal-node-extensions' PersistenceCachePlugin.
   */
  readonly cachePlugin?: TokenCachePlugin;
  /** Shows the verification URL and user code. Default: writes `info.message` to stderr. */
  readonly onDeviceCode?: (info: DeviceCodeInfo) => void;
  /** Give up on a device code sign-in after this many seconds (default: when the code expires). */
  readonly deviceCodeTimeoutSeconds?: number;
  /** Receives MSAL's log lines (and this class's), redacted. No logger: MSAL logs nothing. */
  readonly logger?: GraphAuthLogger;
  /** Default 'info'. */
  readonly logLevel?: GraphAuthLogLevel;
  /** MSAL overrides, mostly for tests (authorityMetadata, cloudDiscoveryMetadata, knownAuthorities, networkClient). */
  readonly msalConfig?: MsalOverrides;
}

const defaultOnDeviceCode = (info: DeviceCodeInfo): void => { process.stderr.write(`${info.message}\n`); };

export class DeviceCodeAuth implements GraphAuth {
  readonly mode = 'delegated' as const;
  readonly scopes: readonly string[];
  readonly authority: string;
  /** The persistent cache, when `cacheFile` was given. */
  readonly cache?: TokenCacheFile;
  private readonly pca: PublicClientApplication;
  private readonly queue = new SerialQueue();
  private readonly scrub = new Scrubber();
  private readonly log: AuthLog;
  private readonly onDeviceCode: (info: DeviceCodeInfo) => void;
  private readonly timeout?: number;
  private account?: AccountInfo;
  private pending?: DeviceCodeRequest;
  /** The last access token handed out: a new one means new secrets in the cache to register. */
  private lastToken?: string;

  constructor(options: DeviceCodeAuthOptions) {
    if (!options.clientId) throw new GraphAuthError('device code auth: clientId is required', 'failed');
    const scopes = options.scopes ?? GRAPH_DELEGATED_SCOPES;
    if (scopes.length === 0) throw new GraphAuthError('device code auth: scopes must not be empty', 'failed');
    this.scopes = Object.freeze([...scopes]);
    this.authority = options.authority
      ?? (options.tenantId ? `https://login.microsoftonline.com/${encodeURIComponent(options.tenantId)}` : DEFAULT_DELEGATED_AUTHORITY);
    this.log = new AuthLog(options.logger, this.scrub);
    this.onDeviceCode = options.onDeviceCode ?? defaultOnDeviceCode;
    this.timeout = options.deviceCodeTimeoutSeconds;
    if (options.cacheFile && !options.cachePlugin) this.cache = new TokenCacheFile(options.cacheFile);
    const cachePlugin = options.cachePlugin ?? this.cache;
    const loggerOptions = this.log.msalOptions(options.logLevel);
    const overrides = msalOverrides(options.msalConfig);
    const config: Configuration = {
      auth: { ...overrides.auth, clientId: options.clientId, authority: this.authority },
      ...(cachePlugin ? { cache: { cachePlugin } } : {}),
      system: { ...overrides.system, ...(loggerOptions ? { loggerOptions } : {}) },
    };
    try {
      this.pca = new PublicClientApplication(config);
    } catch (e) {
      throw toGraphAuthError(e, 'device code auth configuration', this.scrub);
    }
  }

  /** The signed-in user's name, if signed in. */
  get username(): string | undefined { return this.account?.username; }

  signin(signinName: string): Promise<{ readonly username: string }> {
    return this.queue.run(() => this.doSignin((signinName ?? '').trim()));
  }

  getToken(options?: { readonly forceRefresh?: boolean }): Promise<string> {
    return this.queue.run(async () => {
      const account = this.account;
      if (!account) throw new GraphAuthError('get token: not signed in', 'no-account');
      try {
        const result = await this.pca.acquireTokenSilent({ account, scopes: [...this.scopes], forceRefresh: options?.forceRefresh === true });
        if (!result.accessToken) throw new GraphAuthError('get token: the identity platform returned no access token', 'failed');
        if (result.account) this.account = result.account;
        this.holdSecrets(result);
        return result.accessToken;
      } catch (e) {
        throw toGraphAuthError(e, 'get token', this.scrub);
      }
    });
  }

  signout(): Promise<void> {
    return this.queue.run(async () => {
      const account = this.account;
      this.account = undefined;
      if (!account) return;
      try {
        const cached = await this.pca.getTokenCache().getAllAccounts();
        for (const a of cached.filter((c) => c.homeAccountId === account.homeAccountId)) await this.pca.signOut({ account: a });
        this.log.log('info', 'signed out; the account was removed from the token cache');
      } catch (e) {
        throw toGraphAuthError(e, 'sign-out', this.scrub);
      }
    });
  }

  /** The user names of the accounts in the token cache (no network). */
  cachedAccounts(): Promise<string[]> {
    return this.queue.run(async () => {
      try {
        return (await this.pca.getTokenCache().getAllAccounts()).map((a) => a.username);
      } catch (e) {
        throw toGraphAuthError(e, 'token cache', this.scrub);
      }
    });
  }

  /** Removes every account (and its tokens) from the token cache, signed in or not; how many there were. No network. */
  forgetAll(): Promise<number> {
    return this.queue.run(async () => {
      this.account = undefined;
      try {
        const accounts = await this.pca.getTokenCache().getAllAccounts();
        for (const account of accounts) await this.pca.signOut({ account });
        this.log.log('info', `signed out; ${accounts.length} account(s) removed from the token cache`);
        return accounts.length;
      } catch (e) {
        throw toGraphAuthError(e, 'sign-out', this.scrub);
      }
    });
  }

  /** Cancels a device code sign-in in progress (it rejects with reason 'cancelled' at the next poll). */
  cancelSignin(): void {
    if (this.pending) this.pending.cancel = true;
  }

  /**
   * Registers the secrets MSAL handed out (secrets.ts): the access and id tokens, and — when the
   * access token is new — every token in the cache, refresh tokens included, which MSAL never returns.
   */
  private holdSecrets(result: { readonly accessToken?: string; readonly idToken?: string }): void {
    registerSecret(result.idToken);
    if (!result.accessToken || result.accessToken === this.lastToken) return;
    this.lastToken = result.accessToken;
    registerSecret(result.accessToken);
    try { registerCacheSecrets(this.pca.getTokenCache().serialize()); } catch { /* nothing to register */ }
  }

  /**
   * The cached account (the first one, as AutoSignin takes), signed in silently; undefined when the
   * cache holds none or its tokens need the user again. Never starts a device code sign-in.
   */
  signinSilently(): Promise<{ readonly username: string } | undefined> {
    return this.queue.run(() => this.silentSignin(''));
  }

  private async doSignin(name: string): Promise<{ readonly username: string }> {
    return (await this.silentSignin(name)) ?? this.deviceCodeSignin(name);
  }

  private async silentSignin(name: string): Promise<{ readonly username: string } | undefined> {
    let accounts: AccountInfo[];
    try {
      // PITFALLS E2: load the persistent cache through getAllAccounts before acquireTokenSilent.
      accounts = await this.pca.getTokenCache().getAllAccounts();
    } catch (e) {
      throw toGraphAuthError(e, 'sign-in', this.scrub);
    }
    const wanted = name.toLowerCase();
    const account = wanted ? accounts.find((a) => a.username.toLowerCase() === wanted) : accounts[0];
    if (!account) return undefined;
    try {
      const result = await this.pca.acquireTokenSilent({ account, scopes: [...this.scopes] });
      this.holdSecrets(result);
      this.account = result.account ?? account;
      this.log.log('info', 'signed in silently from the token cache');
      return { username: this.account.username };
    } catch (e) {
      if (!needsInteraction(e)) throw toGraphAuthError(e, 'sign-in', this.scrub);
      this.log.log('info', `silent sign-in not possible (${msalErrorCode(e) ?? 'unknown'}); the user must sign in (device code)`);
      return undefined;
    }
  }

  private async deviceCodeSignin(loginHint: string): Promise<{ readonly username: string }> {
    const codes: string[] = [];
    const request: DeviceCodeRequest = {
      scopes: [...this.scopes],
      deviceCodeCallback: (response) => {
        codes.push(response.deviceCode, response.userCode);
        this.scrub.add(response.deviceCode);
        this.scrub.add(response.userCode);
        try {
          this.onDeviceCode({
            verificationUri: response.verificationUri, userCode: response.userCode,
            message: response.message, expiresIn: response.expiresIn,
          });
        } catch (e) {
          this.log.log('warning', `onDeviceCode threw: ${e instanceof Error ? e.message : 'unknown error'}`);
        }
      },
      // msal-node's DeviceCodeRequest has no loginHint; the hint goes to the device code endpoint as login_hint.
      ...(loginHint ? { extraQueryParameters: { login_hint: loginHint } } : {}),
      ...(this.timeout !== undefined ? { timeout: this.timeout } : {}),
    };
    this.pending = request;
    try {
      const result = await this.pca.acquireTokenByDeviceCode(request);
      if (!result?.account) throw new GraphAuthError('device code sign-in: the identity platform returned no account', 'failed');
      this.holdSecrets(result);
      this.account = result.account;
      if (loginHint && result.account.username.toLowerCase() !== loginHint.toLowerCase()) {
        this.log.log('warning', 'device code sign-in: the user signed in with a different account than the sign-in name');
      }
      return { username: result.account.username };
    } catch (e) {
      throw toGraphAuthError(e, 'device code sign-in', this.scrub);
    } finally {
      this.pending = undefined;
      for (const c of codes) this.scrub.delete(c);
    }
  }
}
