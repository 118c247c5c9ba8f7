/**
 * Microsoft Graph (Teams) as a migration provider: one graphBackend per user, signed in with that
 * user's tokens. Tokens come from `tokenFor(user)` (a host that already holds them, or the fake
 * tenant in tests and the bench) or from an `auth(user)` factory (e.g. ClientCredentialsAuth acting
 * as the user). Presence polling is off: a copy needs no status updates.
 */
import { createMessenger } from '@imessenger/core';
import { type GraphAuth, type GraphBackend, type GraphBackendOptions, graphBackend } from '@imessenger/adapter-graph';
import type { BackendProvider } from './providers';
import type { CopySession } from './copy';

export interface GraphProviderOptions {
  /** The Entra tenant id (a GUID). */
  readonly tenantId: string;
  /** Graph root with version (default https://graph.microsoft.com/v1.0; the fake tenant's in tests). */
  readonly baseUrl?: string;
  /** An access token for `user` (delegated). Called again after a 401. Give this or `auth`. */
  readonly tokenFor?: (user: string) => string | Promise<string>;
  /** A GraphAuth for `user` (e.g. ClientCredentialsAuth with actAs: user). Give this or `tokenFor`. */
  readonly auth?: (user: string) => GraphAuth;
  /** The users `users()` lists (Graph has no cheap "every user who has Messenger data" query). */
  readonly users?: readonly string[];
  /** The adapter's own retries of 429/503/504 (honouring Retry-After) before a step sees MSGR_E_SERVER_TOO_BUSY. */
  readonly retry?: GraphBackendOptions['retry'];
  readonly timeoutMs?: number;
  /** For reports (default "graph"). */
  readonly name?: string;
}

export interface GraphSession extends CopySession {
  readonly backend: GraphBackend;
}

export interface GraphProvider extends BackendProvider {
  open(user: string): Promise<GraphSession>;
}

/** A delegated GraphAuth over a token source: one token until Graph refuses it, then a fresh one. */
export function tokenAuth(user: string, tokenFor: (user: string) => string | Promise<string>): GraphAuth {
  let token = '';
  return {
    mode: 'delegated',
    async signin() { token = await tokenFor(user); return { username: user }; },
    async signout() { token = ''; },
    async getToken(options) {
      if (options?.forceRefresh || !token) token = await tokenFor(user);
      return token;
    },
  };
}

export function graphProvider(options: GraphProviderOptions): GraphProvider {
  if (!options.tokenFor === !options.auth) throw new TypeError('graphProvider: give exactly one of `tokenFor` and `auth`.');
  const authOf = (user: string): GraphAuth => (options.auth ? options.auth(user) : tokenAuth(user, options.tokenFor!));
  return {
    name: options.name ?? 'graph',
    ...(options.users ? { users: async () => [...options.users!] } : {}),

    async open(user: string): Promise<GraphSession> {
      const backend = graphBackend({
        auth: authOf(user), tenantId: options.tenantId, baseUrl: options.baseUrl,
        presence: { intervalMs: 0 }, retry: options.retry, timeoutMs: options.timeoutMs,
      });
      const messenger = createMessenger({ backend });
      try {
        await messenger.Signin(0, user, '');
      } catch (error) {
        messenger.dispose();
        throw error;
      }
      return {
        user,
        messenger,
        backend,
        async knows(signinName: string) { return (await backend.ports.directory.lookup(signinName)) !== null; },
        async close() {
          try { await messenger.Signout(); } finally { messenger.dispose(); }
        },
      };
    },
  };
}
