/**
 * The Graph backend as core consumes it: `graphBackend({ auth, tenantId })` gives a backend
 * definition whose inversify module binds every SPI port, plus the watcher and launcher it uses.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { ContainerModule } from 'inversify';
import { type BackendInfo, type BackendPorts, type HResultName, PORT_TOKENS, TOKENS } from '@imessenger/contract';
import type { GraphAuth } from './auth/auth';
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
import { SubscriptionManager, type WebhookOptions } from './webhook';

export interface GraphBackendOptions {
  /** How tokens are obtained: DeviceCodeAuth, ClientCredentialsAuth or StaticTokenAuth. */
  readonly auth: GraphAuth;
  /** The Entra tenant (directory) id: the service id, and hideForUser's tenantId. */
  readonly tenantId: string;
  /** Graph root with version (default https://graph.microsoft.com/v1.0). */
  readonly baseUrl?: string;
  readonly timeoutMs?: GraphHttpOptions['timeoutMs'];
  readonly retry?: GraphHttpOptions['retry'];
  /** `$batch` requests in flight at once (default 4, BATCH_CONCURRENCY: README "Efficiency"). */
  readonly batchConcurrency?: GraphHttpOptions['batchConcurrency'];
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
};

export interface GraphBackend {
  readonly name: 'graph';
  readonly module: ContainerModule;
  /** Presence polling: `pollNow()` runs one round at once (tests, or after a webhook said something changed). */
  readonly watcher: PresenceWatcher;
  readonly launcher: Launcher;
  readonly http: GraphHttp;
  readonly ports: Required<BackendPorts>;
  /** The presence subscriptions, when `webhook` was given: pass it to createWebhookHandler. */
  readonly webhook?: SubscriptionManager;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function graphBackend(options: GraphBackendOptions): GraphBackend {
  if (!options?.auth) throw new TypeError('graphBackend: `auth` is required (DeviceCodeAuth, ClientCredentialsAuth or StaticTokenAuth).');
  if (!GUID.test(options.tenantId ?? '')) throw new TypeError(`graphBackend: \`tenantId\` must be the tenant's GUID, got ${JSON.stringify(options.tenantId)}.`);
  const launcher = options.launcher ?? new RecordingLauncher();
  const http = new GraphHttp({ auth: options.auth, baseUrl: options.baseUrl, timeoutMs: options.timeoutMs, retry: options.retry, batchConcurrency: options.batchConcurrency });
  const ctx = new GraphContext({
    http, auth: options.auth, tenantId: options.tenantId, launcher,
    serviceName: options.serviceName ?? 'Microsoft Teams',
    receiveFileDirectory: options.receiveFileDirectory ?? path.join(os.homedir(), 'Downloads'),
  });
  const watcher = new PresenceWatcher(ctx, options.presence);
  const conversations = graphConversations(ctx);
  const webhook = options.webhook ? new SubscriptionManager(ctx, watcher, options.webhook) : undefined;
  const unwired: Required<BackendPorts> = {
    session: graphSession(ctx, watcher),
    directory: graphDirectory(ctx),
    presence: graphPresence(ctx, watcher),
    groups: graphGroups(ctx),
    conversations,
    mail: graphMail(ctx),
    preferences: graphPreferences(ctx),
    shell: graphShell(ctx, conversations.chatUrl),
    events: graphEvents(ctx),
  };
  // With a webhook, subscriptions follow sign-in, sign-out and contact list changes.
  const ports = webhook ? webhook.wire(unwired) : unwired;
  const info: BackendInfo = { name: 'graph', unsupported: GRAPH_UNSUPPORTED };
  const module = new ContainerModule(({ bind }) => {
    bind<BackendInfo>(TOKENS.BackendInfo).toConstantValue(info);
    for (const [capability, token] of Object.entries(PORT_TOKENS)) bind(token).toConstantValue(ports[capability as keyof typeof ports]);
  });
  return { name: 'graph', module, watcher, launcher, http, ports, ...(webhook ? { webhook } : {}) };
}
