/**
 * The one Graph configuration of every command (`imessenger run --graph-config`, `migrate copy
 * --from/--to graph:`, `imessenger graph …`) and of hosts that want a file: one format, one loader.
 *
 * - The format is `graph-config.schema.json` (shipped in this package; `"$schema"` in a file gives
 *   editors completion). The loader checks a file's shape exactly as that schema does (a test feeds
 *   both the same documents), then what a schema cannot say (the environment, a secret in a file
 *   another key names, which keys a sign-in needs).
 * - The environment overrides the file, key by key (ENV_OVERRIDES, documented once in the README).
 * - Every error is a GraphConfigError naming the file (or the environment variable) and the key,
 *   with "did you mean" for an unknown key; commands print it and exit 2 before anything starts.
 * - Old formats: the flat keys of the old `run --graph-config` ("clientId", "accessToken", … at the
 *   top) are accepted with a deprecation warning saying where they go; `migrate copy`'s format is
 *   this one already.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { didYouMean } from '@imessenger/command-line';
import { GRAPH_CAPABILITIES, type GraphCapability } from './permissions';
import { registerSecret } from './secrets';

/**
 * Where the published JSON Schema is (also `require.resolve('@imessenger/adapter-graph/graph-config.schema.json')`).
 * A function, not a constant: an ES-module bundle of the adapter has no __dirname until this is asked.
 */
export function graphConfigSchemaPath(): string {
  return path.join(__dirname, '..', 'graph-config.schema.json');
}

export const AUTH_TYPES = ['device-code', 'client-credentials', 'azure-identity', 'access-token', 'tokens'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];
export const CACHE_PROTECTIONS = ['auto', 'encrypted', 'plain'] as const;
export const AZURE_CREDENTIALS = ['default', 'managed-identity', 'workload-identity'] as const;

export type GraphAuthSettings =
  | {
    readonly type: 'device-code'; readonly clientId: string; readonly authority?: string; readonly cacheFile?: string;
    readonly cacheProtection?: (typeof CACHE_PROTECTIONS)[number]; readonly scopes?: readonly string[];
  }
  | {
    readonly type: 'client-credentials'; readonly clientId: string; readonly authority?: string; readonly actAs?: string;
    readonly clientSecret?: string; readonly clientSecretEnv?: string;
    readonly certificate?: { readonly thumbprintSha256: string; readonly privateKeyFile: string; readonly x5c?: string };
  }
  | { readonly type: 'azure-identity'; readonly credential?: (typeof AZURE_CREDENTIALS)[number]; readonly managedIdentityClientId?: string; readonly actAs?: string }
  | { readonly type: 'access-token'; readonly accessToken?: string; readonly accessTokenEnv?: string; readonly username: string }
  | { readonly type: 'tokens'; readonly tokensFile: string };

/** A checked configuration: plain data (it crosses to the script host's worker thread). Paths are absolute. */
export interface GraphSettings {
  /** The tenant: its id (a GUID) or a domain it owns (contoso.onmicrosoft.com). */
  readonly tenantId: string;
  readonly baseUrl?: string;
  readonly auth: GraphAuthSettings;
  /** migrate copy: the users `--users` defaults to. */
  readonly users?: readonly string[];
  readonly presencePollMs?: number;
  readonly signedInAtStart?: boolean;
  readonly statusPolicy?: 'strict' | 'nearest';
  readonly retry?: { readonly maxRetries?: number; readonly delaySeconds?: number };
  readonly timeoutMs?: number;
  /** What the deployment uses (permissions.ts; default DEFAULT_CAPABILITIES): the permissions asked for and checked. */
  readonly capabilities?: readonly GraphCapability[];
  /** Where it came from, for messages: the file, or "the environment". */
  readonly source: string;
}

/** A configuration that is wrong: `where` is the file or environment variable, `key` the JSON path (`auth.clientId`). */
export class GraphConfigError extends Error {
  override readonly name = 'GraphConfigError';
  constructor(readonly where: string, readonly key: string | undefined, readonly problem: string) {
    super(`${where}${key ? `: "${key}"` : ''}: ${problem}`);
  }
}

/**
 * The environment variables, each overriding one key of the file (the file's value is used when the
 * variable is unset or empty). The one list: the README's table and `imessenger run --help` come from it.
 */
export const ENV_OVERRIDES: readonly (readonly [variable: string, key: string])[] = [
  ['IMESSENGER_GRAPH_TENANT_ID', 'tenantId'],
  ['IMESSENGER_GRAPH_BASE_URL', 'baseUrl'],
  ['IMESSENGER_GRAPH_AUTH', 'auth.type'],
  ['IMESSENGER_GRAPH_CLIENT_ID', 'auth.clientId'],
  ['IMESSENGER_GRAPH_AUTHORITY', 'auth.authority'],
  ['IMESSENGER_GRAPH_CACHE_FILE', 'auth.cacheFile'],
  ['IMESSENGER_GRAPH_CACHE_PROTECTION', 'auth.cacheProtection'],
  ['IMESSENGER_GRAPH_CLIENT_SECRET', 'auth.clientSecret'],
  ['IMESSENGER_GRAPH_ACT_AS', 'auth.actAs'],
  ['IMESSENGER_GRAPH_CREDENTIAL', 'auth.credential'],
  ['IMESSENGER_GRAPH_ACCESS_TOKEN', 'auth.accessToken'],
  ['IMESSENGER_GRAPH_USERNAME', 'auth.username'],
  ['IMESSENGER_GRAPH_PRESENCE_POLL_MS', 'presencePollMs'],
  ['IMESSENGER_GRAPH_SIGNED_IN_AT_START', 'signedInAtStart'],
  ['IMESSENGER_GRAPH_STATUS_POLICY', 'statusPolicy'],
  ['IMESSENGER_GRAPH_TIMEOUT_MS', 'timeoutMs'],
  ['IMESSENGER_GRAPH_CAPABILITIES', 'capabilities'],
];

type Env = Readonly<Record<string, string | undefined>>;

export interface LoadGraphConfigOptions {
  /** Default process.env. */
  readonly env?: Env;
  /** Relative paths in the environment resolve here (default process.cwd()); in a file, against the file. */
  readonly cwd?: string;
  /** A deprecation (an old format). Default: a process warning. */
  readonly onWarning?: (message: string) => void;
}

// ---- the shape (what graph-config.schema.json says) -----------------------------------------------

/** What one key's value must be (the loader's side of graph-config.schema.json). */
export type ConfigValueKind =
  | { t: 'string'; nonEmpty?: boolean; enum?: readonly string[]; check?: (s: string) => string | undefined }
  | { t: 'integer'; min: number }
  | { t: 'number'; min: number }
  | { t: 'boolean' }
  | { t: 'strings'; enum?: readonly string[] }
  | { t: 'object'; keys: Readonly<Record<string, ConfigValueKind>>; required?: readonly string[] };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A DNS name with at least one dot (contoso.onmicrosoft.com, contoso.com): MSAL takes it in the authority. */
const DOMAIN = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/i;
/** Authorities that are no tenant: a session needs one (the service id, hideForUser). */
const NOT_A_TENANT = ['common', 'organizations', 'consumers'];

/** The tenant as given is one MSAL accepts (a GUID or a verified domain), or what is wrong with it. */
export function tenantProblem(value: string): string | undefined {
  if (GUID.test(value) || DOMAIN.test(value)) return undefined;
  if (NOT_A_TENANT.includes(value.toLowerCase())) return `"${value}" is not one tenant: give the tenant's id (a GUID) or one of its domains (contoso.onmicrosoft.com)`;
  return `"${value}" is neither a tenant id (a GUID) nor a domain (contoso.onmicrosoft.com)`;
}

export const isTenantGuid = (value: string): boolean => GUID.test(value);

const httpUrl = (s: string): string | undefined => (/^https?:\/\/[^/\s]+/i.test(s) ? undefined : `"${s}" is not an http(s) URL`);
const str: ConfigValueKind = { t: 'string', nonEmpty: true };
const certificate: ConfigValueKind = { t: 'object', keys: { thumbprintSha256: str, privateKeyFile: str, x5c: str }, required: ['thumbprintSha256', 'privateKeyFile'] };

/** Each auth type's keys (`type` included). */
export const AUTH_KEYS: Readonly<Record<AuthType, Readonly<Record<string, ConfigValueKind>>>> = {
  'device-code': {
    clientId: str, authority: { t: 'string', nonEmpty: true, check: httpUrl }, cacheFile: str,
    cacheProtection: { t: 'string', enum: CACHE_PROTECTIONS }, scopes: { t: 'strings' },
  },
  'client-credentials': {
    clientId: str, authority: { t: 'string', nonEmpty: true, check: httpUrl }, actAs: str, clientSecret: str, clientSecretEnv: str, certificate,
  },
  'azure-identity': { credential: { t: 'string', enum: AZURE_CREDENTIALS }, managedIdentityClientId: str, actAs: str },
  'access-token': { accessToken: str, accessTokenEnv: str, username: str },
  tokens: { tokensFile: str },
};

/** The top-level keys (`auth` is checked by its type). */
export const TOP_KEYS: Readonly<Record<string, ConfigValueKind>> = {
  $schema: { t: 'string' },
  tenantId: { t: 'string', nonEmpty: true, check: tenantProblem },
  baseUrl: { t: 'string', nonEmpty: true, check: httpUrl },
  users: { t: 'strings' },
  presencePollMs: { t: 'integer', min: 1 },
  signedInAtStart: { t: 'boolean' },
  statusPolicy: { t: 'string', enum: ['strict', 'nearest'] },
  retry: { t: 'object', keys: { maxRetries: { t: 'integer', min: 0 }, delaySeconds: { t: 'number', min: 0 } } },
  timeoutMs: { t: 'integer', min: 1 },
  capabilities: { t: 'strings', enum: GRAPH_CAPABILITIES },
};

/** The old `imessenger run --graph-config` keys, which now live in "auth" (accepted with a warning). */
const OLD_RUN_KEYS = ['clientId', 'authority', 'cacheFile', 'accessToken', 'username'] as const;

const describe = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(v)?.slice(0, 60)}`;
};
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function unknownKey(where: string, at: string, key: string, known: readonly string[], extra = ''): GraphConfigError {
  const near = didYouMean(key, known);
  return new GraphConfigError(where, at ? `${at}.${key}` : key, `unknown key${near ? `: did you mean "${near}"?` : ''} (allowed here: ${known.join(', ')})${extra}`);
}

/** Check one value against its kind; throws naming `key`. */
function checkValue(where: string, key: string, value: unknown, kind: ConfigValueKind): void {
  const fail = (problem: string): never => { throw new GraphConfigError(where, key, problem); };
  switch (kind.t) {
    case 'string':
      if (typeof value !== 'string') fail(`expected a string, got ${describe(value)}`);
      if (kind.nonEmpty && !(value as string).trim()) fail('must not be empty');
      if (kind.enum && !kind.enum.includes(value as string)) fail(`expected ${kind.enum.map((e) => `"${e}"`).join(' or ')}, got "${String(value)}"`);
      if (kind.check) { const problem = kind.check(value as string); if (problem) fail(problem); }
      return;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value) || (kind.t === 'integer' && !Number.isInteger(value))) {
        fail(`expected ${kind.t === 'integer' ? 'a whole number' : 'a number'}, got ${describe(value)}`);
      }
      if ((value as number) < kind.min) fail(`must be at least ${kind.min}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail(`expected true or false, got ${describe(value)}`);
      return;
    case 'strings':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.trim())) fail(`expected an array of non-empty strings, got ${describe(value)}`);
      if (kind.enum) {
        for (const v of value as string[]) {
          if (!kind.enum.includes(v)) {
            const near = didYouMean(v, kind.enum);
            fail(`"${v}" is not one of ${kind.enum.join(', ')}${near ? `: did you mean "${near}"?` : ''}`);
          }
        }
      }
      return;
    case 'object': {
      if (!isObject(value)) fail(`expected an object, got ${describe(value)}`);
      const obj = value as Record<string, unknown>;
      for (const [k, v] of Object.entries(obj)) {
        if (!Object.hasOwn(kind.keys, k)) throw unknownKey(where, key, k, Object.keys(kind.keys));
        checkValue(where, `${key}.${k}`, v, kind.keys[k]!);
      }
      for (const k of kind.required ?? []) if (obj[k] === undefined) throw new GraphConfigError(where, `${key}.${k}`, 'is required');
    }
  }
}

/** The auth value's shape: a type name, or an object with "type" and that type's keys. */
function checkAuth(where: string, value: unknown): void {
  const typeError = (got: string): GraphConfigError =>
    new GraphConfigError(where, 'auth.type', `expected one of ${AUTH_TYPES.map((t) => `"${t}"`).join(', ')}, got ${got}`);
  if (typeof value === 'string') {
    if (!(AUTH_TYPES as readonly string[]).includes(value)) {
      const near = didYouMean(value, AUTH_TYPES);
      throw new GraphConfigError(where, 'auth', `expected one of ${AUTH_TYPES.map((t) => `"${t}"`).join(', ')}, got "${value}"${near ? `: did you mean "${near}"?` : ''}`);
    }
    return;
  }
  if (!isObject(value)) throw new GraphConfigError(where, 'auth', `expected an auth type ("device-code", …) or an object with "type", got ${describe(value)}`);
  const type = value['type'];
  if (type === undefined) throw new GraphConfigError(where, 'auth.type', `is required: one of ${AUTH_TYPES.map((t) => `"${t}"`).join(', ')}`);
  if (typeof type !== 'string' || !(AUTH_TYPES as readonly string[]).includes(type)) throw typeError(describe(type));
  const keys = AUTH_KEYS[type as AuthType];
  for (const [k, v] of Object.entries(value)) {
    if (k === 'type') continue;
    if (!Object.hasOwn(keys, k)) {
      const elsewhere = AUTH_TYPES.filter((t) => t !== type && Object.hasOwn(AUTH_KEYS[t], k));
      throw unknownKey(where, 'auth', k, ['type', ...Object.keys(keys)], elsewhere.length ? `; "${k}" belongs to "type": ${elsewhere.map((t) => `"${t}"`).join(' or ')}` : '');
    }
    checkValue(where, `auth.${k}`, v, keys[k]!);
  }
}

/**
 * Check a parsed file's shape (what graph-config.schema.json allows; no environment, no completeness:
 * a key the environment supplies may be missing). Returns the document with old-format keys moved
 * into "auth" and the warnings that says so. Throws GraphConfigError.
 */
export function checkGraphConfigDocument(doc: unknown, where: string): { readonly doc: Record<string, unknown>; readonly warnings: readonly string[] } {
  if (!isObject(doc)) throw new GraphConfigError(where, undefined, `expected a JSON object, got ${describe(doc)}`);
  const warnings: string[] = [];
  const out: Record<string, unknown> = {};
  const old: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    if ((OLD_RUN_KEYS as readonly string[]).includes(key)) { old[key] = value; continue; }
    if (key === 'auth') { checkAuth(where, value); out[key] = value; continue; }
    if (!Object.hasOwn(TOP_KEYS, key)) throw unknownKey(where, '', key, ['tenantId', 'auth', ...Object.keys(TOP_KEYS).filter((k) => k !== 'tenantId' && k !== '$schema')]);
    checkValue(where, key, value, TOP_KEYS[key]!);
    out[key] = value;
  }
  if (Object.keys(old).length > 0) {
    if (out['auth'] !== undefined) {
      const key = Object.keys(old)[0]!;
      throw new GraphConfigError(where, key, `belongs in "auth" (the old format had it at the top); this file has "auth" already: move "${key}" into it`);
    }
    const type: AuthType = old['accessToken'] !== undefined ? 'access-token' : 'device-code';
    const auth: Record<string, unknown> = { type };
    for (const [key, value] of Object.entries(old)) {
      if (!Object.hasOwn(AUTH_KEYS[type], key)) {
        throw new GraphConfigError(where, key, `belongs in "auth" with a "type" that takes it (the old format had it at the top; "accessToken" and "${key}" do not go together)`);
      }
      checkValue(where, key, value, AUTH_KEYS[type][key]!);
      auth[key] = value;
    }
    out['auth'] = auth;
    // The message shows the keys moved, never a token's value.
    const shown = { ...auth, ...(auth['accessToken'] !== undefined ? { accessToken: '…' } : {}) };
    warnings.push(`${where}: the keys ${Object.keys(old).map((k) => `"${k}"`).join(', ')} at the top are the old "imessenger run --graph-config" format (deprecated): `
      + `write them as "auth": ${JSON.stringify(shown)}`);
  }
  return { doc: out, warnings };
}

// ---- loading ------------------------------------------------------------------------------------

/** Read and parse a config file; GraphConfigError naming it. */
function readDocument(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new GraphConfigError(file, undefined, `cannot read the Graph configuration (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new GraphConfigError(file, undefined, `not valid JSON (${(e as Error).message})`);
  }
}

/** An environment value as the key's kind wants it (numbers and booleans are words there). */
function fromEnvironment(variable: string, raw: string, kind: ConfigValueKind): unknown {
  if (kind.t === 'strings') return raw.split(',').map((v) => v.trim()).filter(Boolean);
  if (kind.t === 'integer' || kind.t === 'number') {
    const n = /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
    if (Number.isNaN(n)) throw new GraphConfigError(variable, undefined, `expected a whole number, got "${raw}"`);
    return n;
  }
  if (kind.t === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw new GraphConfigError(variable, undefined, `expected true or false, got "${raw}"`);
    return raw === 'true';
  }
  return raw;
}

/** The kind of an `auth.x` key under any auth type (env values are checked before the type is known). */
const authKind = (key: string): ConfigValueKind => Object.values(AUTH_KEYS).find((keys) => Object.hasOwn(keys, key))![key]!;

/**
 * Load the configuration: `file` (optional when the environment says everything), then the
 * environment over it, then what a sign-in needs. Paths in the file resolve against the file.
 * Throws GraphConfigError.
 */
export function loadGraphConfig(file: string | undefined, options: LoadGraphConfigOptions = {}): GraphSettings {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const absolute = file === undefined ? undefined : path.resolve(cwd, file);
  const source = absolute ?? 'the environment (IMESSENGER_GRAPH_*)';
  let doc: Record<string, unknown> = {};
  /** Where each key's value came from: the file or an environment variable. */
  const origin = new Map<string, string>();
  if (absolute !== undefined) {
    const checked = checkGraphConfigDocument(readDocument(absolute), absolute);
    doc = { ...checked.doc };
    const warn = options.onWarning ?? ((message: string) => { process.emitWarning(message, { type: 'DeprecationWarning', code: 'IMESSENGER_GRAPH_CONFIG' }); });
    for (const warning of checked.warnings) warn(warning);
  }
  const where = (key: string): string => origin.get(key) ?? source;
  const base = absolute ? path.dirname(absolute) : cwd;
  const resolvePath = (p: string, key: string): string => path.resolve(origin.has(key) ? cwd : base, p);

  // The environment over the file.
  let auth: Record<string, unknown> = typeof doc['auth'] === 'string' ? { type: doc['auth'] } : { ...(doc['auth'] as Record<string, unknown> | undefined) };
  for (const [variable, key] of ENV_OVERRIDES) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    if (key.startsWith('auth.')) {
      const sub = key.slice(5);
      const kind: ConfigValueKind = sub === 'type' ? { t: 'string', enum: AUTH_TYPES } : authKind(sub);
      const value = fromEnvironment(variable, raw, kind);
      checkValue(variable, '', value, kind);
      auth[sub] = value;
    } else {
      const kind = TOP_KEYS[key]!;
      const value = fromEnvironment(variable, raw, kind);
      checkValue(variable, '', value, kind);
      doc[key] = value;
    }
    origin.set(key, variable);
  }
  // An auth built from the environment alone names no type: the keys say which.
  if (auth['type'] === undefined && Object.keys(auth).length > 0) {
    auth['type'] = auth['accessToken'] !== undefined ? 'access-token'
      : auth['clientSecret'] !== undefined ? 'client-credentials'
        : 'device-code';
  }
  // A type set by the environment over a file's other type keeps only the keys it takes.
  if (origin.has('auth.type') && typeof auth['type'] === 'string') {
    const keys = AUTH_KEYS[auth['type'] as AuthType];
    auth = Object.fromEntries(Object.entries(auth).filter(([k]) => k === 'type' || Object.hasOwn(keys, k)));
  }

  // Completeness.
  const tenantId = doc['tenantId'];
  if (tenantId === undefined) throw new GraphConfigError(source, 'tenantId', 'is required (or IMESSENGER_GRAPH_TENANT_ID): the tenant id (a GUID) or a domain of the tenant (contoso.onmicrosoft.com)');
  if (auth['type'] === undefined) {
    throw new GraphConfigError(source, 'auth', `is required (or IMESSENGER_GRAPH_AUTH / IMESSENGER_GRAPH_CLIENT_ID): one of ${AUTH_TYPES.map((t) => `"${t}"`).join(', ')}`);
  }
  const type = auth['type'] as AuthType;
  for (const [k, v] of Object.entries(auth)) {
    if (k !== 'type' && !Object.hasOwn(AUTH_KEYS[type], k)) throw unknownKey(where(`auth.${k}`), 'auth', k, ['type', ...Object.keys(AUTH_KEYS[type])]);
    if (k !== 'type') checkValue(where(`auth.${k}`), `auth.${k}`, v, AUTH_KEYS[type][k]!);
  }
  const need = (key: string, why: string): void => {
    if (auth[key] === undefined) throw new GraphConfigError(where('auth.type'), `auth.${key}`, `is required for "type": "${type}" (${why})`);
  };
  const oneOf = (keys: readonly string[]): void => {
    const given = keys.filter((k) => auth[k] !== undefined);
    if (given.length !== 1) {
      throw new GraphConfigError(where(`auth.${given[1] ?? 'type'}`), 'auth', `"type": "${type}" takes exactly one of ${keys.map((k) => `"${k}"`).join(', ')}${given.length ? `, not ${given.map((k) => `"${k}"`).join(' and ')}` : ''}`);
    }
  };
  /** `<key>Env` names the environment variable holding the secret `<key>`: read it now. */
  const fromVariable = (key: 'clientSecret' | 'accessToken'): void => {
    const named = `${key}Env`;
    if (auth[named] === undefined) return;
    const variable = auth[named] as string;
    const secret = env[variable];
    if (!secret) throw new GraphConfigError(where(`auth.${named}`), `auth.${named}`, `the environment variable ${variable} is not set`);
    auth = { ...auth, [key]: secret };
    delete auth[named];
  };
  switch (type) {
    case 'device-code':
      need('clientId', 'the app registration\'s Application (client) ID; IMESSENGER_GRAPH_CLIENT_ID');
      if (auth['cacheFile'] !== undefined) auth['cacheFile'] = resolvePath(auth['cacheFile'] as string, 'auth.cacheFile');
      break;
    case 'client-credentials':
      need('clientId', 'the app registration\'s Application (client) ID; IMESSENGER_GRAPH_CLIENT_ID');
      oneOf(['clientSecret', 'clientSecretEnv', 'certificate']);
      fromVariable('clientSecret');
      if (isObject(auth['certificate'])) {
        const cert = auth['certificate'];
        auth['certificate'] = { ...cert, privateKeyFile: resolvePath(cert['privateKeyFile'] as string, 'auth.certificate') };
      }
      registerSecret(auth['clientSecret']);
      break;
    case 'access-token':
      need('username', 'the user the token is for; IMESSENGER_GRAPH_USERNAME');
      oneOf(['accessToken', 'accessTokenEnv']);
      fromVariable('accessToken');
      registerSecret(auth['accessToken']);
      break;
    case 'tokens':
      need('tokensFile', 'a JSON file { "<upn>": "<access token>" }');
      auth['tokensFile'] = resolvePath(auth['tokensFile'] as string, 'auth.tokensFile');
      break;
    case 'azure-identity':
      break;
  }
  const { $schema: _schema, auth: _auth, ...rest } = doc;
  return { ...(rest as Omit<GraphSettings, 'auth' | 'source'>), tenantId: tenantId as string, auth: auth as unknown as GraphAuthSettings, source };
}

/** A short description of the settings for messages and `doctor` (no secret). */
export function describeSettings(settings: GraphSettings): string {
  const a = settings.auth;
  const who = a.type === 'access-token' ? ` for ${a.username}` : 'actAs' in a && a.actAs ? ` acting as ${a.actAs}` : '';
  return `tenant ${settings.tenantId}, ${a.type}${'clientId' in a ? ` (app ${a.clientId})` : ''}${who}`;
}

/**
 * A session of one user (`imessenger run`, `imessenger graph …`) from these settings: "tokens" (a
 * token per user) does not fit, and an application identity needs "actAs". Throws GraphConfigError.
 */
export function requireOneUser(settings: GraphSettings): void {
  const auth = settings.auth;
  if (auth.type === 'tokens') throw new GraphConfigError(settings.source, 'auth.type', '"tokens" holds a token per user (migrate copy); a session of one user takes "access-token"');
  if ((auth.type === 'client-credentials' || auth.type === 'azure-identity') && !auth.actAs) {
    throw new GraphConfigError(settings.source, 'auth.actAs', `is required for "type": "${auth.type}" here: the user (UPN or id) the application acts for (IMESSENGER_GRAPH_ACT_AS)`);
  }
}
