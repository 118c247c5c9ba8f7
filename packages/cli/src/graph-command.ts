/**
 * `imessenger graph login | whoami | logout | doctor`: the Graph sign-in as commands, on the one
 * Graph configuration (--graph-config and IMESSENGER_GRAPH_*, @imessenger/adapter-graph's loader).
 *
 * - login: a device code sign-in kept in the configuration's token cache ("auth.cacheFile"), so
 *   `imessenger run --backend graph` and `migrate copy` start signed in.
 * - whoami: the account, tenant, app and the token's scopes or roles, read from its claims (the
 *   token itself is never printed).
 * - logout: every account removed from the token cache.
 * - doctor: the configuration, the sign-in endpoint, a token, its permissions against what the
 *   enabled capabilities need (permissions.ts), Graph itself, and the presence others see; each
 *   network step bounded by --timeout, with the waiting line on stderr; what to fix. Exit 0 when
 *   nothing failed (warnings allowed), 1 when a check failed, 2 for a bad configuration.
 */
import {
  type CommandLine, EXIT, UsageError, createWaitingLine, defineCommand, messageOf, runCommand, type WaitingLine, type WaitingStream,
} from '@imessenger/command-line';
import type {
  DeviceCodeAuth as DeviceCodeAuthType, GraphAuth, GraphSettings, TokenClaims,
} from '@imessenger/adapter-graph';

const SUBCOMMANDS = ['login', 'whoami', 'logout', 'doctor'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];
/** Each doctor step's bound (seconds) unless --timeout says otherwise. */
export const DOCTOR_TIMEOUT_S = 10;

export const GRAPH_SPEC = defineCommand({
  name: 'graph',
  synopsis: ['login|whoami|logout|doctor [--graph-config <file.json>] [--json]'],
  description: 'Signs in to Microsoft Graph and checks a Graph configuration: the one every command reads (--graph-config, else IMESSENGER_GRAPH_* alone; the environment overrides the file).',
  positionals: { max: 1 },
  options: {
    'graph-config': { type: 'string', value: 'file.json', help: 'The Graph configuration (schema: @imessenger/adapter-graph/graph-config.schema.json).' },
    json: { type: 'boolean', help: 'whoami, doctor: print JSON on stdout (progress and device codes stay on stderr).' },
    timeout: { type: 'string', value: 'seconds', help: `doctor: give up on each network step after this long (default ${DOCTOR_TIMEOUT_S}).` },
  },
  sections: [{
    title: 'Commands',
    rows: [
      ['login', 'Sign in with a device code ("auth": "device-code"); the tokens are kept in "auth.cacheFile".'],
      ['whoami', 'Who is signed in: account, tenant, app, and the token\'s scopes (delegated) or roles (application). Exit 1 when nobody is.'],
      ['logout', 'Remove every account from the token cache.'],
      ['doctor', 'Check the configuration, the sign-in, the token\'s permissions against the enabled capabilities, Graph\'s reachability and presence; print what to fix. Exit 1 when a check failed.'],
    ],
  }],
  examples: [
    'imessenger graph login --graph-config tenant.json',
    'imessenger graph whoami --graph-config tenant.json --json',
    'imessenger graph doctor --graph-config tenant.json',
  ],
});

export interface GraphCommandIo {
  readonly stdout: WaitingStream;
  readonly stderr: WaitingStream;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

type Adapter = typeof import('@imessenger/adapter-graph');

/** `imessenger graph …` (the arguments after "graph"); the exit code. */
export async function graphCommand(argv: readonly string[], io: GraphCommandIo): Promise<number> {
  // Loaded here: `imessenger run` and --help need no Graph client.
  const graph = require('@imessenger/adapter-graph') as Adapter;
  return runCommand(GRAPH_SPEC, argv, io, (line) => graphBody(graph, line, io), {
    usageErrors: (error) => error instanceof graph.GraphConfigError,
  });
}

async function graphBody(graph: Adapter, line: CommandLine<typeof GRAPH_SPEC.options>, io: GraphCommandIo): Promise<number> {
  const sub = line.positionals[0];
  if (sub === undefined) throw new UsageError(`missing command: expected ${SUBCOMMANDS.join(', ')}`, 'graph');
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) throw new UsageError(`unknown command "graph ${sub}" (the commands: ${SUBCOMMANDS.join(', ')})`, 'graph');
  const timeout = line.values.timeout;
  if (timeout !== undefined && !(/^\d+(\.\d+)?$/.test(timeout) && Number(timeout) > 0)) throw new UsageError(`bad --timeout value "${timeout}": expected a number of seconds above 0`, 'graph');
  const out = (text: string): void => { io.stdout.write(text); };
  const err = (text: string): void => { io.stderr.write(text); };
  const settings = graph.loadGraphConfig(line.values['graph-config'], {
    env: io.env ?? process.env, cwd: io.cwd ?? process.cwd(), onWarning: (message) => err(`Warning: ${message}\n`),
  });
  graph.requireOneUser(settings);
  const auth = graph.graphAuthFromSettings(settings, {
    onDeviceCode: (info) => err(`${info.message}\n`),
    onWarning: (message) => err(`Warning: ${message}\n`),
  });
  const json = line.values.json === true;
  switch (sub as Subcommand) {
    case 'login': return login(graph, settings, auth, out);
    case 'whoami': return whoami(graph, auth, json, out, err);
    case 'logout': return logout(graph, settings, auth, out);
    case 'doctor': {
      const waiting = createWaitingLine({ stream: io.stderr });
      try {
        return await doctor(graph, settings, auth, { json, out, err, waiting, timeoutMs: (timeout === undefined ? DOCTOR_TIMEOUT_S : Number(timeout)) * 1000 });
      } finally {
        waiting.close();
      }
    }
  }
}

function deviceCode(graph: Adapter, settings: GraphSettings, auth: GraphAuth, what: string): DeviceCodeAuthType {
  if (!(auth instanceof graph.DeviceCodeAuth)) {
    throw new UsageError(`graph ${what}: "auth" is "${settings.auth.type}" in ${settings.source}, which keeps no token cache (login and logout are for "device-code"; "imessenger graph whoami" shows who this identity is)`, 'graph');
  }
  if (settings.auth.type === 'device-code' && !settings.auth.cacheFile) {
    throw new UsageError(`graph ${what}: ${settings.source} has no "auth.cacheFile" (IMESSENGER_GRAPH_CACHE_FILE): where the sign-in is kept`, 'graph');
  }
  return auth;
}

async function login(graph: Adapter, settings: GraphSettings, auth: GraphAuth, out: (t: string) => void): Promise<number> {
  const device = deviceCode(graph, settings, auth, 'login');
  const { username } = await device.signin('');
  out(`Signed in as ${username}; the sign-in is kept in ${settings.auth.type === 'device-code' ? settings.auth.cacheFile : ''}.\n`);
  return EXIT.OK;
}

async function logout(graph: Adapter, settings: GraphSettings, auth: GraphAuth, out: (t: string) => void): Promise<number> {
  const device = deviceCode(graph, settings, auth, 'logout');
  const removed = await device.forgetAll();
  out(removed === 0 ? 'Nobody was signed in.\n' : `Signed out: ${removed} account${removed === 1 ? '' : 's'} removed from the token cache.\n`);
  return EXIT.OK;
}

/** Who the configuration signs in as, without asking the user: undefined when nobody is at hand. */
async function silently(auth: GraphAuth): Promise<string | undefined> {
  if (auth.signinSilently) return (await auth.signinSilently())?.username;
  return (await auth.signin('')).username;
}

interface Identity {
  readonly account: string;
  readonly mode: 'delegated' | 'application';
  readonly claims?: TokenClaims;
}

/** The identity's description: what whoami prints, and doctor's token line. */
function identityLines(identity: Identity): string[] {
  const c = identity.claims;
  const lines = [`account:     ${identity.account}${identity.mode === 'application' ? ' (application acting as this user)' : ''}`];
  if (!c) return [...lines, 'token:       not a JWT: its claims (scopes, roles, tenant) cannot be read'];
  if (c.tenantId) lines.push(`tenant:      ${c.tenantId}`);
  if (c.appId) lines.push(`app:         ${c.appId}${c.appName ? ` (${c.appName})` : ''}`);
  if (c.scopes.length) lines.push(`scopes:      ${c.scopes.join(' ')}`);
  if (c.roles.length) lines.push(`roles:       ${c.roles.join(' ')}`);
  if (c.expiresAt !== undefined) lines.push(`expires:     ${new Date(c.expiresAt).toISOString()}`);
  return lines;
}

async function identityOf(graph: Adapter, auth: GraphAuth): Promise<Identity | undefined> {
  const account = await silently(auth);
  if (account === undefined) return undefined;
  const claims = graph.tokenClaims(await auth.getToken());
  return { account, mode: auth.mode, ...(claims ? { claims } : {}) };
}

async function whoami(graph: Adapter, auth: GraphAuth, json: boolean, out: (t: string) => void, err: (t: string) => void): Promise<number> {
  const identity = await identityOf(graph, auth);
  if (!identity) {
    if (json) out(`${JSON.stringify({ signedIn: false }, null, 2)}\n`);
    err('imessenger: nobody is signed in: run "imessenger graph login"\n');
    return EXIT.FAILED;
  }
  if (json) {
    const c = identity.claims;
    out(`${JSON.stringify({
      signedIn: true, account: identity.account, mode: identity.mode,
      ...(c ? { tenantId: c.tenantId, appId: c.appId, scopes: c.scopes, roles: c.roles, expiresAt: c.expiresAt && new Date(c.expiresAt).toISOString() } : { claims: null }),
    }, null, 2)}\n`);
  } else {
    out(`${identityLines(identity).join('\n')}\n`);
  }
  return EXIT.OK;
}

// ---- doctor ---------------------------------------------------------------------------------------

export interface DoctorCheck {
  readonly check: string;
  readonly status: 'ok' | 'warn' | 'fail' | 'skip';
  readonly detail: string;
  /** What to do about it (warn, fail). */
  readonly fix?: string;
}

interface DoctorOptions {
  readonly json: boolean;
  readonly out: (t: string) => void;
  readonly err: (t: string) => void;
  readonly waiting: WaitingLine;
  readonly timeoutMs: number;
}

class TimedOut extends Error {}

/** `work`, shown on the waiting line while it runs and given up after `ms`. */
async function bounded<T>(waiting: WaitingLine, what: string, ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const done = waiting.begin(what);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(controller.signal),
      new Promise<never>((_, reject) => { timer = setTimeout(() => { controller.abort(); reject(new TimedOut(`no answer within ${ms / 1000} s`)); }, ms); }),
    ]);
  } finally {
    clearTimeout(timer);
    done();
  }
}

const MARK = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' } as const;

async function doctor(graph: Adapter, settings: GraphSettings, auth: GraphAuth, o: DoctorOptions): Promise<number> {
  const checks: DoctorCheck[] = [];
  const report = (c: DoctorCheck): void => {
    checks.push(c);
    o.waiting.activity();
    if (!o.json) o.err(`${MARK[c.status]}  ${c.check}: ${c.detail}${c.fix ? `\n      fix: ${c.fix}` : ''}\n`);
  };
  const bound = <T>(what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> => bounded(o.waiting, what, o.timeoutMs, work);
  const base = (settings.baseUrl ?? graph.GRAPH_BASE_URL).replace(/\/$/, '');
  const mode = auth.mode;

  report({ check: 'configuration', status: 'ok', detail: `${graph.describeSettings(settings)} (${settings.source})` });

  // The sign-in endpoint, for the auth types that talk to one.
  const authority = 'authority' in auth && typeof auth.authority === 'string' ? auth.authority : undefined;
  if (authority) {
    const url = `${authority.replace(/\/$/, '')}/v2.0/.well-known/openid-configuration`;
    try {
      const response = await bound(`the sign-in endpoint ${new URL(authority).host}`, (signal) => fetch(url, { signal, redirect: 'manual' }));
      if (response.ok) report({ check: 'sign-in endpoint', status: 'ok', detail: `${new URL(authority).origin} answers for ${authority}` });
      else report({ check: 'sign-in endpoint', status: 'fail', detail: `${url}: HTTP ${response.status}`, fix: 'check "tenantId" (the tenant\'s id or a domain it owns) and "auth.authority"' });
    } catch (e) {
      report({ check: 'sign-in endpoint', status: 'fail', detail: `${new URL(authority).origin} cannot be reached (${reason(graph, e)})`, fix: 'check the network, a proxy, or "auth.authority"' });
    }
  }

  // A token, without asking the user.
  let identity: Identity | undefined;
  try {
    identity = await bound('a token', () => identityOf(graph, auth));
  } catch (e) {
    report({ check: 'sign-in', status: 'fail', detail: reason(graph, e), fix: fixForSignin(settings) });
  }
  if (!identity && checks.at(-1)?.check !== 'sign-in') {
    report({ check: 'sign-in', status: 'fail', detail: 'nobody is signed in (the token cache has no account)', fix: 'run "imessenger graph login" with this configuration' });
  }
  if (identity) {
    report({ check: 'sign-in', status: 'ok', detail: `${identity.account} (${identity.mode})` });
    permissions(graph, settings, identity, mode, report);
    const who = mode === 'application' ? `/users/${encodeURIComponent(auth.actAs ?? identity.account)}` : '/me';
    const token = await auth.getToken();
    const get = (path: string, what: string) => bound(what, (signal) => fetch(`${base}${path}`, { signal, redirect: 'manual', headers: { authorization: `Bearer ${token}` } }));
    // Graph itself.
    let reachable = false;
    try {
      const response = await get(`${who}?$select=id,userPrincipalName`, `Microsoft Graph (${new URL(base).host})`);
      reachable = true;
      if (response.ok) report({ check: 'graph', status: 'ok', detail: `${base} answers GET ${who}` });
      else report({ check: 'graph', status: 'fail', detail: `GET ${who}: HTTP ${response.status}${await errorCode(response)}`, fix: response.status === 401 ? 'sign in again: "imessenger graph login"' : 'grant the permissions above, or check "baseUrl"' });
    } catch (e) {
      report({ check: 'graph', status: 'fail', detail: `${base} cannot be reached (${reason(graph, e)})`, fix: 'check the network, a proxy, or "baseUrl"' });
    }
    // The presence others see (the app presence session keeps a signed-in user present).
    if (reachable) {
      try {
        const response = await get(`${who}/presence`, 'the presence others see');
        if (!response.ok) {
          report({ check: 'presence', status: 'warn', detail: `GET ${who}/presence: HTTP ${response.status}${await errorCode(response)}`, fix: 'Presence.Read (delegated) or Presence.Read.All shows it; not needed to run' });
        } else {
          const p = (await response.json()) as { availability?: string; activity?: string };
          const offline = p.availability === 'Offline' || p.availability === 'PresenceUnknown';
          report({
            check: 'presence', status: offline ? 'warn' : 'ok',
            detail: `others see ${p.availability ?? '?'} / ${p.activity ?? '?'}${offline ? ' (no presence session: no Teams client and no app session right now)' : ''}`,
            ...(offline ? { fix: 'normal while nothing runs: a signed-in session keeps an application presence session (capability myStatus, Presence.ReadWrite); if a script is running, check its warnings' } : {}),
          });
        }
      } catch (e) {
        report({ check: 'presence', status: 'warn', detail: `no answer (${reason(graph, e)})` });
      }
    }
  }

  const failed = checks.filter((c) => c.status === 'fail').length;
  const warned = checks.filter((c) => c.status === 'warn').length;
  if (o.json) o.out(`${JSON.stringify({ ok: failed === 0, checks }, null, 2)}\n`);
  else o.out(failed === 0 ? `Graph is ready${warned ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}.\n` : `${failed} check${failed === 1 ? '' : 's'} failed: fix ${failed === 1 ? 'it' : 'them'} and run "imessenger graph doctor" again.\n`);
  return failed === 0 ? EXIT.OK : EXIT.FAILED;
}

/** The token's permissions against what the enabled capabilities send (permissions.ts). */
function permissions(graph: Adapter, settings: GraphSettings, identity: Identity, mode: 'delegated' | 'application', report: (c: DoctorCheck) => void): void {
  const claims = identity.claims;
  if (!claims) {
    report({ check: 'permissions', status: 'skip', detail: 'the token is not a JWT: its permissions cannot be read' });
    return;
  }
  if (claims.tenantId && graph.isTenantGuid(settings.tenantId) && claims.tenantId.toLowerCase() !== settings.tenantId.toLowerCase()) {
    report({ check: 'tenant', status: 'fail', detail: `the token is for tenant ${claims.tenantId}, the configuration says ${settings.tenantId}`, fix: 'sign in with an account of the configured tenant, or correct "tenantId"' });
  }
  const granted = mode === 'delegated' ? claims.scopes : claims.roles;
  const capabilities = settings.capabilities ?? graph.DEFAULT_CAPABILITIES;
  const missing = new Map<string, string[]>();
  const unsupported: string[] = [];
  for (const capability of capabilities) {
    const impossible = graph.unsupportedIn(mode, capability);
    if (impossible) { unsupported.push(`${capability} (${impossible.method} ${impossible.path})`); continue; }
    for (const request of graph.requestsOf(capability, mode)) {
      if (graph.allows(request, mode, granted)) continue;
      const least = request[mode][0]!;
      missing.set(least, [...(missing.get(least) ?? []), capability]);
    }
  }
  const kind = mode === 'delegated' ? 'delegated scopes' : 'application roles';
  if (missing.size === 0) {
    report({ check: 'permissions', status: 'ok', detail: `the token's ${kind} cover ${capabilities.length} capabilit${capabilities.length === 1 ? 'y' : 'ies'}: ${capabilities.join(', ')}` });
  } else {
    const list = [...missing].map(([permission, caps]) => `${permission} (${[...new Set(caps)].join(', ')})`).join(', ');
    report({
      check: 'permissions', status: 'fail', detail: `the token lacks ${kind}: ${list}`,
      fix: `Entra admin center → App registrations → your app → API permissions → Microsoft Graph → ${mode === 'delegated' ? 'Delegated' : 'Application'}: add ${[...missing.keys()].join(', ')}, grant admin consent${mode === 'delegated' ? ', then "imessenger graph login" again' : ''}; or leave those capabilities out of "capabilities"`,
    });
  }
  if (unsupported.length) {
    report({ check: 'capabilities', status: 'warn', detail: `Graph has no ${mode} permission for: ${unsupported.join(', ')} (those members answer E_NOTIMPL)`, fix: mode === 'application' ? 'sign in as the user (device-code) for them, or leave them out of "capabilities"' : 'leave them out of "capabilities"' });
  }
}

function fixForSignin(settings: GraphSettings): string {
  switch (settings.auth.type) {
    case 'device-code': return 'run "imessenger graph login" with this configuration';
    case 'client-credentials': return 'check "auth.clientId", the secret or certificate, and that the app has admin consent';
    case 'azure-identity': return 'check the workload\'s identity (managed identity assigned, AZURE_* variables for workload identity) and that it has the Graph application roles';
    default: return 'give a fresh token';
  }
}

/** An error's text for a check line: redacted of every secret the process holds. */
function reason(graph: Adapter, e: unknown): string {
  const cause = (e as { cause?: { code?: unknown } } | null)?.cause?.code;
  return graph.redact(`${messageOf(e)}${typeof cause === 'string' ? ` (${cause})` : ''}`);
}

async function errorCode(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { code?: unknown } };
    return typeof body.error?.code === 'string' ? ` ${body.error.code}` : '';
  } catch {
    return '';
  }
}
