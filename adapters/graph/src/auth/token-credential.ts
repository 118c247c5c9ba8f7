/**
 * A GraphAuth over an `@azure/identity` TokenCredential (DefaultAzureCredential, ManagedIdentityCredential,
 * WorkloadIdentityCredential, or any object with the same `getToken`): daemons and migration jobs on
 * Azure sign in as the workload's own identity, with no secret in a file. The credential is typed
 * structurally (as @azure/core-auth declares it), so the adapter does not depend on @azure/identity;
 * `"auth": "azure-identity"` in a configuration loads it when installed (azureIdentityCredential).
 *
 * Such identities hold application permissions: the session acts as `actAs` (application mode), as
 * ClientCredentialsAuth does. Tokens are cached until 5 minutes before they expire.
 */
import { GraphAuthError, type GraphAuth } from './auth';
import { optionalPeer } from './optional-peer';
import { GRAPH_APPLICATION_SCOPE } from './client-credentials';
import { redact } from '../errors';
import { registerSecret } from '../secrets';

/** @azure/core-auth's TokenCredential, as far as the adapter uses it. */
export interface TokenCredential {
  getToken(scopes: string | string[], options?: { readonly abortSignal?: AbortSignal }): Promise<{ readonly token: string; readonly expiresOnTimestamp: number } | null>;
}

export interface TokenCredentialAuthOptions {
  readonly credential: TokenCredential;
  /** The user (id or UPN) the workload acts for. */
  readonly actAs: string;
  /** Default GRAPH_APPLICATION_SCOPE (every application permission granted to the identity). */
  readonly scopes?: readonly string[];
  /** Default 'application'. 'delegated' for a credential that signs a user in (InteractiveBrowserCredential…): then paths start at /me. */
  readonly mode?: 'application' | 'delegated';
  /** Give up on one getToken after this long (default 60 s: managed identity endpoints can hang). */
  readonly timeoutMs?: number;
}

/** Refresh a cached token this long before it expires. */
const EARLY_MS = 5 * 60_000;

export class TokenCredentialAuth implements GraphAuth {
  readonly mode: 'application' | 'delegated';
  readonly actAs?: string;
  private readonly scopes: string[];
  private cached?: { readonly token: string; readonly expiresAt: number };
  private signedOut = false;

  constructor(private readonly options: TokenCredentialAuthOptions) {
    if (typeof options?.credential?.getToken !== 'function') throw new GraphAuthError('token credential auth: `credential` must have getToken (an @azure/identity TokenCredential)', 'failed');
    if (!options.actAs?.trim()) throw new GraphAuthError('token credential auth: actAs (the user the workload acts for) is required', 'failed');
    this.mode = options.mode ?? 'application';
    if (this.mode === 'application') this.actAs = options.actAs.trim();
    this.scopes = [...(options.scopes ?? [GRAPH_APPLICATION_SCOPE])];
  }

  async signin(signinName: string): Promise<{ readonly username: string }> {
    const name = (signinName ?? '').trim();
    const actAs = this.options.actAs.trim();
    if (name && name.toLowerCase() !== actAs.toLowerCase()) throw new GraphAuthError(`sign-in: this identity acts as ${actAs}, not ${name}`, 'invalid-grant');
    this.signedOut = false;
    await this.getToken();
    return { username: actAs };
  }

  async signinSilently(): Promise<{ readonly username: string }> { return this.signin(''); }

  async signout(): Promise<void> { this.signedOut = true; this.cached = undefined; }

  async getToken(options?: { readonly forceRefresh?: boolean }): Promise<string> {
    if (this.signedOut) throw new GraphAuthError('get token: signed out', 'no-account');
    if (!options?.forceRefresh && this.cached && this.cached.expiresAt - EARLY_MS > Date.now()) return this.cached.token;
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    let result: Awaited<ReturnType<TokenCredential['getToken']>>;
    try {
      result = await this.options.credential.getToken(this.scopes, { abortSignal: AbortSignal.timeout(timeoutMs) });
    } catch (e) {
      const message = redact(e instanceof Error ? e.message : String(e)).split('\n')[0];
      throw new GraphAuthError(`get token: the credential failed (${(e as Error)?.name ?? 'Error'}: ${message})`, 'failed');
    }
    if (!result?.token) throw new GraphAuthError('get token: the credential returned no token', 'failed');
    registerSecret(result.token);
    this.cached = { token: result.token, expiresAt: result.expiresOnTimestamp };
    return result.token;
  }
}

/** Which @azure/identity credential `"auth": { "type": "azure-identity", "credential": … }` names. */
export type AzureCredentialKind = 'default' | 'managed-identity' | 'workload-identity';

/**
 * The @azure/identity credential of that kind (the package is an optional peer: installed by the
 * host). Throws GraphAuthError saying how to install it when it is not there.
 */
export function azureIdentityCredential(kind: AzureCredentialKind = 'default', managedIdentityClientId?: string): TokenCredential {
  let identity: Record<string, new (...args: unknown[]) => TokenCredential>;
  try {
    identity = optionalPeer<typeof identity>('@azure/identity');
  } catch {
    throw new GraphAuthError('"auth": "azure-identity" needs the @azure/identity package, which is not installed: npm install @azure/identity (4.12 or older on Node 20; 4.13 and later need Node 22)', 'failed');
  }
  const clientId = managedIdentityClientId ? { managedIdentityClientId } : {};
  switch (kind) {
    case 'default': return new identity['DefaultAzureCredential']!(clientId);
    case 'managed-identity': return new identity['ManagedIdentityCredential']!(managedIdentityClientId ? { clientId: managedIdentityClientId } : {});
    case 'workload-identity': return new identity['WorkloadIdentityCredential']!({});
  }
}
