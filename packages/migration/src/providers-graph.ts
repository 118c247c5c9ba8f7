/**
 * `@imessenger/migration/graph`: Microsoft Graph (Teams) as a migration provider (the Graph adapter is an
 * optional peer of migration: this entry needs it installed). One graphBackend per user, signed in with that
 * user's tokens. Tokens come from `tokenFor(user)` (a host that already holds them, or the fake
 * tenant in tests and the bench) or from an `auth(user)` factory (e.g. ClientCredentialsAuth acting
 * as the user). Presence polling is off: a copy needs no status updates.
 *
 * Besides core's async face, a session offers the copy the adapter's two bulk members: `lookUp`
 * (the directory's lookupMany: 20 users per `$batch`, kept for the session) and
 * `createGroupWithMembers` (the groups port's createWithMembers: one POST /chats with every member).
 */
import { createMessenger } from '@imessenger/core';
import {
  type DeviceCodeInfo, type GraphAuth, type GraphBackend, type GraphBackendOptions, GraphAuthError, GraphConfigError,
  graphAuthFromSettings, graphBackend, loadGraphConfig,
} from '@imessenger/adapter-graph';
import type { ContactRecord } from '@imessenger/contract';
import type { BackendProvider } from './providers';
import type { CopySession, GroupWritten } from './copy';

/** The Graph adapter's bulk members (GraphDirectoryPort.lookupMany, GraphGroupsPort.createWithMembers), when it has them. */
interface BulkDirectory { lookupMany?(signinNames: readonly string[]): Promise<ReadonlyMap<string, ContactRecord | null>> }
interface BulkGroups {
  createWithMembers?(name: string, serviceId: string, members: readonly string[]): Promise<{ readonly record: { readonly members: readonly string[] }; readonly unknown: readonly string[] }>;
}

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
        // The copy signs in itself, below: an auth with an account at hand (a token cache, an
        // application's actAs) would otherwise start signed in and Signin answer ALREADY_LOGGED_ON.
        signedInAtStart: false,
        // A copy writes on the user's behalf; it must not make them look present (presence-session.ts).
        presenceSession: false,
      });
      // The copy reads the service's answers as rejections (ALREADY_IN_LIST -> present, throttling -> retry).
      const messenger = createMessenger({ backend, outcomes: 'reject' });
      try {
        await messenger.Signin(0, user, '');
      } catch (error) {
        messenger.dispose();
        throw error;
      }
      const directory = backend.ports.directory as typeof backend.ports.directory & BulkDirectory;
      const groups = backend.ports.groups as typeof backend.ports.groups & BulkGroups;
      const lookupMany = directory.lookupMany?.bind(directory);
      const createWithMembers = groups.createWithMembers?.bind(groups);
      let serviceId: string | undefined;
      return {
        user,
        messenger,
        backend,
        async knows(signinName: string) { return (await backend.ports.directory.lookup(signinName)) !== null; },
        ...(lookupMany ? {
          async lookUp(signinNames: readonly string[]) {
            return new Map([...(await lookupMany(signinNames))].map(([name, record]) => [name, record !== null]));
          },
        } : {}),
        ...(createWithMembers ? {
          async createGroupWithMembers(name: string, members: readonly string[]): Promise<GroupWritten> {
            serviceId ??= await messenger.get_MyServiceId();
            const created = await createWithMembers(name, serviceId, members);
            return { members: created.record.members, unknown: created.unknown };
          },
        } : {}),
        async close() {
          try { await messenger.Signout(); } finally { messenger.dispose(); }
        },
      };
    },
  };
}

export interface GraphProviderFromConfigOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative paths in the file are relative to the file; this is for the rest (e.g. a tokens file given by env). */
  readonly cwd: string;
  readonly onWarning: (message: string) => void;
  /** Shows a device code sign-in's instructions (default: the adapter's, stderr). */
  readonly onDeviceCode?: (info: DeviceCodeInfo) => void;
  /** The error a bad file or sign-in setting becomes (the command's usage error). */
  readonly usageError: (message: string) => Error;
}

/**
 * The provider of `migrate copy`'s `graph:<config.json>`: the one Graph configuration every command
 * reads (the adapter's loadGraphConfig). What the sign-in needs from files and packages (a tokens
 * file, a key, @azure/identity) is read now, so that a problem is a usage error before the copy
 * starts; the user named here only selects.
 */
export function graphProviderFromConfig(file: string, options: GraphProviderFromConfigOptions): GraphProvider {
  const authOptions = { onWarning: options.onWarning, ...(options.onDeviceCode ? { onDeviceCode: options.onDeviceCode } : {}) };
  try {
    const settings = loadGraphConfig(file, { env: options.env, cwd: options.cwd, onWarning: options.onWarning });
    graphAuthFromSettings(settings, { ...authOptions, user: settings.users?.[0] ?? 'check@invalid' });
    return graphProvider({
      tenantId: settings.tenantId, ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}), ...(settings.users ? { users: settings.users } : {}),
      ...(settings.retry ? { retry: settings.retry } : {}), ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}),
      auth: (user) => graphAuthFromSettings(settings, { ...authOptions, user }),
    });
  } catch (error) {
    if (error instanceof GraphConfigError || error instanceof GraphAuthError) throw options.usageError(error.message);
    throw error;
  }
}
