/**
 * The Graph backend as core consumes it: `graphBackend({ auth, tenantId })` gives a backend
 * definition (a plain object of every SPI port), plus the watcher and launcher it uses.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { BackendDefinition, BackendInfo, BackendPorts, HResultName } from '@imessenger/contract';
import type { Client, Middleware } from '@microsoft/microsoft-graph-client';
import type { GraphAuth } from './auth/auth';
import { tokenClaims } from './auth/claims';
import { isTenantGuid, tenantProblem } from './config';
import { GraphContext } from './context';
import { GraphHttp, type GraphHttpOptions } from './http';
import { type Launcher, RecordingLauncher } from './launcher';
import { graphConversations } from './ports/conversations';
import { graphDirectory } from './ports/directory';
import { graphEvents, PresenceWatcher, type WatcherOptions } from './ports/events';
import { graphGroups } from './ports/groups';
import { graphMail } from './ports/mail';
import { graphPreferences } from './ports/preferences';
import { graphPresence } from './ports/presence';
import { graphSession } from './ports/session';
import { graphShell } from './ports/shell';
import { STATUS_POLICIES, type StatusPolicy } from './presence-map';
import { DEFAULT_CAPABILITIES, type GraphCapability, graphPermissions } from './permissions';
import { type GraphPresenceSession, PresenceSession, type PresenceSessionOptions } from './presence-session';
import { StartupSignin } from './startup';
import { SubscriptionManager, type WebhookOptions } from './webhook';

export interface GraphBackendOptions {
  /** How tokens are obtained: DeviceCodeAuth, ClientCredentialsAuth or StaticTokenAuth. */
  readonly auth: GraphAuth;
  /**
   * The Entra tenant: its id (a GUID), or a domain it owns (contoso.onmicrosoft.com), as MSAL takes
   * it. The id is the service id and hideForUser's tenantId; given a domain, the adapter reads the
   * id from its tokens' `tid` claim.
   */
  readonly tenantId: string;
  /** Graph root with version (default https://graph.microsoft.com/v1.0). */
  readonly baseUrl?: string;
  readonly timeoutMs?: GraphHttpOptions['timeoutMs'];
  readonly retry?: GraphHttpOptions['retry'];
  /** `$batch` requests in flight at once (default 4, BATCH_CONCURRENCY: README "Efficiency"). */
  readonly batchConcurrency?: GraphHttpOptions['batchConcurrency'];
  /** Pages followed for one collection before MSGR_E_SERVER_PROTOCOL (default 1,000, MAX_PAGES: README "Hostile servers"). */
  readonly maxPages?: GraphHttpOptions['maxPages'];
  /** Opens the links that stand for Messenger's own windows (default: records them). */
  readonly launcher?: Launcher;
  /** Presence polling (default every 30 s). */
  readonly presence?: WatcherOptions;
  /** IMessengerService.ServiceName (default "Microsoft Teams"). */
  readonly serviceName?: string;
  /** IMessenger.ReceiveFileDirectory (default ~/Downloads). */
  readonly receiveFileDirectory?: string;
  /** Presence change notifications through a public HTTPS webhook (webhook.ts); polling stays on as the fallback. */
  readonly webhook?: WebhookOptions;
  /**
   * Start signed in, as the Messenger client was from logon (README "Signed in at start"). Default:
   * yes when the auth has an account at hand (a configured token or actAs, an account in the MSAL
   * cache), quietly no otherwise; `true` also warns when there is none; `false`: start signed out.
   * The first call waits for it; it raises no OnSignin; a failure warns and leaves the session signed out.
   */
  readonly signedInAtStart?: boolean;
  /** Where a failed start-up sign-in is reported (default: a process warning, GraphStartupWarning). */
  readonly onStartupWarning?: (message: string) => void;
  /**
   * MyStatus put of a status Teams cannot express: 'strict' (default) -> E_INVALIDARG; 'nearest' ->
   * the nearest Teams presence, which MyStatus then reads back (README "Statuses Teams cannot express").
   */
  readonly statusPolicy?: StatusPolicy;
  /**
   * Extra Graph client middleware of the host's (logging, telemetry, a proxy's headers), run after
   * the adapter's token middleware and before its retries and transport guard, so it sees every
   * attempt and the token is already set. Each must call its next middleware.
   */
  readonly middleware?: readonly Middleware[];
  /**
   * The host's own Graph `Client` (Client.init / initWithMiddleware), used instead of the adapter's.
   * It brings its own authentication and transport: the adapter's token refresh on 401, retries,
   * timeout and redirect guard are then the host's business (README "A host's own Graph client").
   * `auth` still signs in (who the session is).
   */
  readonly client?: Client;
  /**
   * What this deployment uses (permissions.ts; default DEFAULT_CAPABILITIES): decides which
   * permissions to ask for (`graphPermissions`), and what the adapter reads — other users' phones
   * only with 'directoryPhones' (User.Read.All).
   */
  readonly capabilities?: readonly GraphCapability[];
  /**
   * The application presence session that keeps the signed-in user visibly present
   * (presence-session.ts): its sessionId (default the auth's clientId), renewal period, or `false`.
   */
  readonly presenceSession?: PresenceSessionOptions | false;
}

/**
 * Members Teams cannot do, with the HRESULT each returns (also what the conformance kit checks and
 * docs/compatibility.md prints). Reasons in the package README.
 */
export const GRAPH_UNSUPPORTED: Readonly<Record<string, HResultName>> = {
  'IMessengerContact.Blocked': 'E_NOTIMPL',
  // Teams has no paging: CanPage is always FALSE, and Page fails as documented for such contacts.
  'IMessengerContact.CanPage': 'S_OK',
  'IMessenger.Page': 'MSGR_E_PAGING_UNAVAILABLE',
  'IMessenger.Phone': 'MSGR_E_PHONESERVICE_UNAVAILABLE',
  'IMessenger.SendFile': 'E_NOTIMPL',
  'IMessenger.InviteApp': 'E_NOTIMPL',
  // MSAL signs in interactively or from its cache: Signin's password is not used.
  'IMessenger.Signin (password)': 'S_OK',
  // Teams has no main window a program can reach, and no window geometry.
  'IMessenger.Window': 'E_NOTIMPL',
  'IMessengerWindow.HWND (main)': 'E_NOTIMPL',
  'IMessengerWindow.Property (main)': 'E_NOTIMPL',
  'IMessengerWindow.Show (main)': 'E_NOTIMPL',
  'IMessengerWindow.Close (main)': 'E_NOTIMPL',
  'IMessengerWindow.IsClosed (main)': 'E_NOTIMPL',
  'IMessengerWindow.Left': 'E_NOTIMPL',
  'IMessengerWindow.Top': 'E_NOTIMPL',
  'IMessengerWindow.Width': 'E_NOTIMPL',
  'IMessengerWindow.Height': 'E_NOTIMPL',
  'DMessengerEvents.OnContactPagerChange': 'E_NOTIMPL',
  'DMessengerEvents.OnContactPropertyChange': 'E_NOTIMPL',
  'DMessengerEvents.OnIMWindowContactRemoved': 'E_NOTIMPL',
  'DMessengerEvents.OnAppShutdown': 'E_NOTIMPL',
  // Changes made elsewhere that the adapter does not watch (it polls presence and profiles, not chat
  // rosters, chat windows or the contact folder); the caller's own changes raise these events.
  // One service, the tenant: any other service id is unknown.
  'IMessenger.Services (second service)': 'MSGR_E_INVALID_SERVICE',
  'DMessengerEvents.OnContactListAdd (remote)': 'E_NOTIMPL',
  'DMessengerEvents.OnContactListRemove (remote)': 'E_NOTIMPL',
  'DMessengerEvents.OnIMWindowContactAdded (remote)': 'E_NOTIMPL',
  'DMessengerEvents.OnIMWindowDestroyed (remote)': 'E_NOTIMPL',
};

/**
 * What an application (client credentials) sign-in cannot do on top of GRAPH_UNSUPPORTED, each
 * refused before any request (ctx.requireCapability; permissions.ts says why: a request with no
 * application permission). The kit's application run checks these HRESULTs.
 */
export const GRAPH_APPLICATION_UNSUPPORTED: Readonly<Record<string, HResultName>> = {
  // The invitation (POST /chats/{id}/messages) has no application permission: no meeting is made.
  'IMessenger2.StartVideo': 'E_NOTIMPL',
  'IMessenger.StartVoice': 'E_NOTIMPL',
  // hideForUser has no application permission.
  'IMessengerGroups.Remove': 'E_NOTIMPL',
};

export interface GraphBackend extends BackendDefinition {
  readonly name: 'graph';
  readonly info: BackendInfo;
  /** Presence polling: `pollNow()` runs one round at once (tests, or after a webhook said something changed). */
  readonly watcher: PresenceWatcher;
  /** The app presence session (presence-session.ts): `renew()` runs one renewal at once (tests). */
  readonly presenceSession: GraphPresenceSession;
  readonly launcher: Launcher;
  readonly http: GraphHttp;
  readonly ports: Required<BackendPorts>;
  /** The presence subscriptions, when `webhook` was given: pass it to createWebhookHandler. */
  readonly webhook?: SubscriptionManager;
}

/** The auth, reading the tenant id from each new token's `tid` claim (a tenant configured by its domain). */
function learningTenant(auth: GraphAuth, learn: (tenantId: string) => void): GraphAuth {
  let last: string | undefined;
  return {
    get mode() { return auth.mode; },
    get actAs() { return auth.actAs; },
    signin: (name) => auth.signin(name),
    signout: () => auth.signout(),
    ...(auth.signinSilently ? { signinSilently: () => auth.signinSilently!() } : {}),
    async getToken(options) {
      const token = await auth.getToken(options);
      if (token !== last) {
        last = token;
        const tid = tokenClaims(token)?.tenantId;
        if (tid && isTenantGuid(tid)) learn(tid);
      }
      return token;
    },
  };
}

/** setPresence's sessionId: as configured, else the auth's clientId (DeviceCodeAuth, ClientCredentialsAuth); none with `false`. */
function sessionIdOf(options: GraphBackendOptions): string | false | undefined {
  if (options.presenceSession === false) return false;
  const clientId = (options.auth as { readonly clientId?: unknown }).clientId;
  return options.presenceSession?.sessionId || (typeof clientId === 'string' && clientId ? clientId : undefined);
}

export function graphBackend(options: GraphBackendOptions): GraphBackend {
  if (!options?.auth) throw new TypeError('graphBackend: `auth` is required (DeviceCodeAuth, ClientCredentialsAuth or StaticTokenAuth).');
  const tenant = typeof options.tenantId === 'string' ? tenantProblem(options.tenantId) : 'missing';
  if (tenant) throw new TypeError(`graphBackend: \`tenantId\` must be the tenant's id (a GUID) or one of its domains, got ${JSON.stringify(options.tenantId)}.`);
  const statusPolicy = options.statusPolicy ?? 'strict';
  if (!STATUS_POLICIES.includes(statusPolicy)) throw new TypeError(`graphBackend: \`statusPolicy\` must be ${STATUS_POLICIES.map((p) => `'${p}'`).join(' or ')}, got ${JSON.stringify(options.statusPolicy)}.`);
  if (options.signedInAtStart !== undefined && typeof options.signedInAtStart !== 'boolean') {
    throw new TypeError(`graphBackend: \`signedInAtStart\` must be true or false, got ${JSON.stringify(options.signedInAtStart)}.`);
  }
  const capabilities = options.capabilities ?? DEFAULT_CAPABILITIES;
  graphPermissions(capabilities); // refuses an unknown capability by name
  const launcher = options.launcher ?? new RecordingLauncher();
  let ctx: GraphContext | undefined;
  const auth = isTenantGuid(options.tenantId) ? options.auth : learningTenant(options.auth, (tid) => { if (ctx) ctx.learnedTenantId = tid; });
  const http = new GraphHttp({
    auth, baseUrl: options.baseUrl, timeoutMs: options.timeoutMs, retry: options.retry, batchConcurrency: options.batchConcurrency, maxPages: options.maxPages,
    middleware: options.middleware, client: options.client,
  });
  ctx = new GraphContext({
    http, auth, tenantId: options.tenantId, launcher,
    serviceName: options.serviceName ?? 'Microsoft Teams',
    receiveFileDirectory: options.receiveFileDirectory ?? path.join(os.homedir(), 'Downloads'),
    capabilities: new Set(capabilities),
  });
  const presenceSession = new PresenceSession(ctx, sessionIdOf(options), options.presenceSession || {});
  const watcher = new PresenceWatcher(ctx, options.presence);
  const conversations = graphConversations(ctx);
  const webhook = options.webhook ? new SubscriptionManager(ctx, watcher, options.webhook) : undefined;
  const unwired: Required<BackendPorts> = {
    session: graphSession(ctx, watcher, presenceSession),
    directory: graphDirectory(ctx),
    presence: graphPresence(ctx, presenceSession, statusPolicy),
    groups: graphGroups(ctx),
    conversations,
    mail: graphMail(ctx),
    preferences: graphPreferences(ctx),
    shell: graphShell(ctx, conversations.chatUrl),
    events: graphEvents(ctx),
  };
  // With a webhook, subscriptions follow sign-in, sign-out and contact list changes.
  const wired = webhook ? webhook.wire(unwired) : unwired;
  // Every call waits for the start-up sign-in (startup.ts), which signs in through the wired session.
  const startup = new StartupSignin(auth, wired.session, { signedInAtStart: options.signedInAtStart, onWarning: options.onStartupWarning });
  const ports = startup.gate(wired);
  const info: BackendInfo = { name: 'graph', unsupported: GRAPH_UNSUPPORTED };
  return { name: 'graph', ports, info, watcher, presenceSession, launcher, http, ...(webhook ? { webhook } : {}) };
}
