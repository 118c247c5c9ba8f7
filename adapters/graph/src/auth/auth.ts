/**
 * How the Graph adapter gets tokens. Three implementations: device code with a persistent cache
 * (people), client credentials (daemons), and a static token source (hosts that already hold
 * tokens, and the fake tenant in tests). Tokens never leave this interface except in the
 * Authorization header; no implementation logs them or puts them in an error.
 */
export interface GraphAuth {
  /**
   * 'delegated': Graph paths start at /me. 'application': there is no /me; the adapter acts as
   * `actAs` (a user id or UPN) and operations Graph allows for delegated tokens only are unsupported.
   */
  readonly mode: 'delegated' | 'application';
  /** The user an application token acts as (application mode only). */
  readonly actAs?: string;
  /**
   * Sign in: silently from the token cache first, then interactively (device code). `signinName`
   * (may be empty) selects the cached account and is the login hint. Resolves the account's user name.
   */
  signin(signinName: string): Promise<{ readonly username: string }>;
  /**
   * Optional. Sign in without the user, if an account is at hand: a configured token's user, an
   * application's `actAs`, an account in the persistent cache whose tokens refresh silently. Resolves
   * undefined when there is none (or the cached one needs the user again); never interactive.
   * graphBackend's `signedInAtStart` uses it: an auth without it never signs in at start.
   */
  signinSilently?(): Promise<{ readonly username: string } | undefined>;
  /** Forget the signed-in account (removes it from the persistent cache). */
  signout(): Promise<void>;
  /** An access token for Graph; `forceRefresh` after a 401 (an expired or revoked token). */
  getToken(options?: { readonly forceRefresh?: boolean }): Promise<string>;
}

/** Thrown by GraphAuth implementations; carries no token, secret, code or user code. */
export class GraphAuthError extends Error {
  override readonly name = 'GraphAuthError';
  constructor(message: string, readonly reason: 'no-account' | 'cancelled' | 'invalid-grant' | 'network' | 'failed') { super(message); }
}
