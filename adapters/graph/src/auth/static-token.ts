/**
 * A GraphAuth over tokens the host already holds (and the fake tenant in tests): `token()` gives
 * the current access token, `refresh()` (if any) a new one after a 401.
 */
import { GraphAuthError, type GraphAuth } from './auth';
import { Scrubber, toGraphAuthError } from './msal-support';
import { registerSecret } from '../secrets';

export interface StaticTokenAuthOptions {
  /** The signed-in user's name (the account the tokens belong to). */
  readonly username: string;
  readonly token: () => string | Promise<string>;
  /** Called for getToken({ forceRefresh: true }); without it, `token()` is called again. */
  readonly refresh?: () => string | Promise<string>;
  /** Default 'delegated'. 'application' makes `actAs` the username. */
  readonly mode?: 'delegated' | 'application';
}

export class StaticTokenAuth implements GraphAuth {
  readonly mode: 'delegated' | 'application';
  readonly actAs?: string;
  readonly username: string;
  private signedOut = false;
  private readonly scrub = new Scrubber();

  constructor(private readonly options: StaticTokenAuthOptions) {
    this.username = options.username;
    this.mode = options.mode ?? 'delegated';
    if (this.mode === 'application') this.actAs = options.username;
  }

  async signin(signinName: string): Promise<{ readonly username: string }> {
    const name = (signinName ?? '').trim();
    if (name && name.toLowerCase() !== this.username.toLowerCase()) {
      throw new GraphAuthError(`sign-in: the token belongs to ${this.username}, not ${name}`, 'invalid-grant');
    }
    this.signedOut = false;
    return { username: this.username };
  }

  /** The configured token's user: always at hand. */
  async signinSilently(): Promise<{ readonly username: string }> { return this.signin(''); }

  async signout(): Promise<void> { this.signedOut = true; }

  async getToken(options?: { readonly forceRefresh?: boolean }): Promise<string> {
    if (this.signedOut) throw new GraphAuthError('get token: signed out', 'no-account');
    const source = options?.forceRefresh && this.options.refresh ? this.options.refresh : this.options.token;
    let token: string;
    try {
      token = await source();
    } catch (e) {
      throw toGraphAuthError(e, 'get token', this.scrub);
    }
    if (typeof token !== 'string' || token === '') throw new GraphAuthError('get token: the token source returned no token', 'failed');
    registerSecret(token);
    return token;
  }
}
