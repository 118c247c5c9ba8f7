/**
 * Application sign-in for daemons (client credentials with a secret or a certificate). There is no
 * /me: the adapter acts as `actAs`, and only Graph operations that allow application permissions work.
 */
import { ConfidentialClientApplication, type Configuration, type NodeAuthOptions } from '@azure/msal-node';
import { GraphAuthError, type GraphAuth } from './auth';
import { registerSecret } from '../secrets';
import { AuthLog, Scrubber, SerialQueue, msalOverrides, toGraphAuthError } from './msal-support';
import type { GraphAuthLogLevel, GraphAuthLogger, MsalOverrides } from './msal-types';

/** The one scope of the client credentials flow: every application permission granted to the app. */
export const GRAPH_APPLICATION_SCOPE = 'https://graph.microsoft.com/.default';

export interface ClientCredentialsAuthOptions {
  readonly clientId: string;
  /** Tenant id or domain (client credentials need a tenant, not common/organizations). */
  readonly tenantId: string;
  /** Exactly one of clientSecret and clientCertificate. */
  readonly clientSecret?: string;
  readonly clientCertificate?: { readonly thumbprintSha256: string; readonly privateKey: string; readonly x5c?: string };
  /** The user (id or UPN) the daemon acts for. */
  readonly actAs: string;
  /** Full authority URL; default https://login.microsoftonline.com/<tenantId>. */
  readonly authority?: string;
  readonly logger?: GraphAuthLogger;
  readonly logLevel?: GraphAuthLogLevel;
  readonly msalConfig?: MsalOverrides;
}

export class ClientCredentialsAuth implements GraphAuth {
  readonly mode = 'application' as const;
  readonly actAs: string;
  readonly authority: string;
  private readonly cca: ConfidentialClientApplication;
  private readonly queue = new SerialQueue();
  private readonly scrub: Scrubber;
  private readonly log: AuthLog;
  private signedOut = false;

  constructor(options: ClientCredentialsAuthOptions) {
    this.scrub = new Scrubber(options.clientSecret, options.clientCertificate?.privateKey);
    if (!options.clientId) throw new GraphAuthError('client credentials auth: clientId is required', 'failed');
    if (!options.tenantId && !options.authority) throw new GraphAuthError('client credentials auth: tenantId is required', 'failed');
    if (!options.actAs?.trim()) throw new GraphAuthError('client credentials auth: actAs (the user the daemon acts for) is required', 'failed');
    if (!options.clientSecret === !options.clientCertificate) {
      throw new GraphAuthError('client credentials auth: give exactly one of clientSecret and clientCertificate', 'failed');
    }
    this.actAs = options.actAs.trim();
    this.authority = options.authority ?? `https://login.microsoftonline.com/${encodeURIComponent(options.tenantId)}`;
    this.log = new AuthLog(options.logger, this.scrub);
    const credential: Pick<NodeAuthOptions, 'clientSecret' | 'clientCertificate'> = options.clientSecret
      ? { clientSecret: options.clientSecret }
      : { clientCertificate: { ...options.clientCertificate! } };
    const loggerOptions = this.log.msalOptions(options.logLevel);
    const overrides = msalOverrides(options.msalConfig);
    const config: Configuration = {
      auth: { ...overrides.auth, clientId: options.clientId, authority: this.authority, ...credential },
      system: { ...overrides.system, ...(loggerOptions ? { loggerOptions } : {}) },
    };
    try {
      this.cca = new ConfidentialClientApplication(config);
    } catch (e) {
      throw toGraphAuthError(e, 'client credentials auth configuration', this.scrub);
    }
  }

  /** Checks the sign-in name is empty or `actAs`, then gets a token (so bad credentials fail here). */
  async signin(signinName: string): Promise<{ readonly username: string }> {
    const name = (signinName ?? '').trim();
    if (name && name.toLowerCase() !== this.actAs.toLowerCase()) {
      throw new GraphAuthError(`sign-in: this application acts as ${this.actAs}, not ${name}`, 'invalid-grant');
    }
    this.signedOut = false;
    await this.acquire(false);
    return { username: this.actAs };
  }

  /** The configured `actAs`: always at hand (a token is fetched, so bad credentials fail here). */
  async signinSilently(): Promise<{ readonly username: string }> { return this.signin(''); }

  async signout(): Promise<void> {
    this.signedOut = true;
    await this.queue.run(async () => { this.cca.clearCache(); });
  }

  async getToken(options?: { readonly forceRefresh?: boolean }): Promise<string> {
    if (this.signedOut) throw new GraphAuthError('get token: signed out', 'no-account');
    return this.acquire(options?.forceRefresh === true);
  }

  private acquire(forceRefresh: boolean): Promise<string> {
    return this.queue.run(async () => {
      try {
        const result = await this.cca.acquireTokenByClientCredential({ scopes: [GRAPH_APPLICATION_SCOPE], skipCache: forceRefresh });
        if (!result?.accessToken) throw new GraphAuthError('get token: the identity platform returned no access token', 'failed');
        registerSecret(result.accessToken);
        return result.accessToken;
      } catch (e) {
        throw toGraphAuthError(e, 'client credentials token', this.scrub);
      }
    });
  }
}
