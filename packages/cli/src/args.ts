/**
 * The command line of `imessenger`: parsed into what runScript needs, or a UsageError that says
 * exactly what is wrong (unknown option, missing script, bad --backend value, unreadable or
 * invalid JSON file, naming the path).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackendConfig } from '@imessenger/shim';

export const BACKENDS = ['memory', 'com', 'graph'] as const;
export type BackendKind = (typeof BACKENDS)[number];

/** The seed the CLI ships with (the same document as examples/legacy-jscript/seed.json). */
export const BUNDLED_SEED_PATH = path.join(__dirname, '..', 'seed.json');

export const USAGE = `Usage: imessenger run <script.js> [options] [-- script arguments...]
       imessenger migrate copy|routes|report|reconcile|retry …   (imessenger migrate <command> --help)

Runs an unmodified legacy Messenger JScript/WSH script (ActiveXObject("Messenger.UIAutomation.1"),
WScript.*, Enumerator, function obj::Event handlers) and exits with its WScript.Quit code.

Options:
  --backend <memory|com|graph>  The backend (default: memory, the embedded in-memory backend).
  --seed <file.json>            Initial state for memory and com (default: the bundled seed).
  --state <file>                memory: keep the state in this file across runs.
  --graph-config <file.json>    graph: { "tenantId", "clientId", "authority", "cacheFile",
                                "accessToken", "username", "baseUrl", "presencePollMs" }.
                                Each key can also come from the environment:
                                IMESSENGER_GRAPH_TENANT_ID, _CLIENT_ID, _AUTHORITY, _CACHE_FILE,
                                _ACCESS_TOKEN, _USERNAME, _BASE_URL, _PRESENCE_POLL_MS
                                (the file wins over the environment).
  -h, --help                    Show this help.

Everything after "--" becomes WScript.Arguments.

Exit code: the script's WScript.Quit code (0 when it ends normally); 1 after an uncaught error
(printed like cscript: file(line, col), description, error number); 2 for a usage error.`;

/** A mistake on the command line; the message is shown with a pointer to --help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface RunCommand {
  readonly command: 'run';
  /** Absolute path of the script. */
  readonly file: string;
  readonly backend: BackendConfig;
  readonly args: readonly string[];
}
export type Command = RunCommand | { readonly command: 'help' };

type Env = Readonly<Record<string, string | undefined>>;

/** Graph settings: JSON key, environment suffix, and whether the value is a number. */
const GRAPH_KEYS = [
  ['tenantId', 'TENANT_ID'], ['clientId', 'CLIENT_ID'], ['authority', 'AUTHORITY'], ['cacheFile', 'CACHE_FILE'],
  ['accessToken', 'ACCESS_TOKEN'], ['username', 'USERNAME'], ['baseUrl', 'BASE_URL'], ['presencePollMs', 'PRESENCE_POLL_MS'],
] as const;
type GraphKey = (typeof GRAPH_KEYS)[number][0];

/** Options that take a value, and what that value is called in messages. */
const VALUE_OPTIONS: Readonly<Record<string, string>> = {
  '--backend': 'memory|com|graph', '--seed': 'file.json', '--state': 'file', '--graph-config': 'file.json',
};

/**
 * `argv` without node and the script path (process.argv.slice(2)); `cwd` resolves relative paths.
 * Throws UsageError.
 */
export function parseArgs(argv: readonly string[], env: Env = process.env, cwd: string = process.cwd()): Command {
  const dash = argv.indexOf('--');
  const own = dash < 0 ? [...argv] : argv.slice(0, dash);
  const scriptArgs = dash < 0 ? [] : argv.slice(dash + 1);

  if (own.length === 0) throw new UsageError('missing command: expected "run <script.js>"');
  if (own.includes('-h') || own.includes('--help') || own[0] === 'help') return { command: 'help' };
  const [command, ...rest] = own;
  if (command !== 'run') {
    throw new UsageError(command!.startsWith('-') ? `unknown option "${command!}"` : `unknown command "${command!}" (the command is "run")`);
  }

  const values = new Map<string, string>();
  let file: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg.startsWith('-') && arg !== '-') {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg : arg.slice(0, eq);
      if (!(name in VALUE_OPTIONS)) throw new UsageError(`unknown option "${name}"`);
      const value = eq < 0 ? rest[++i] : arg.slice(eq + 1);
      if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) {
        throw new UsageError(`option ${name} needs a value: ${name} <${VALUE_OPTIONS[name]!}>`);
      }
      if (values.has(name)) throw new UsageError(`option ${name} given twice`);
      values.set(name, value);
    } else if (file === undefined) {
      file = arg;
    } else {
      throw new UsageError(`unexpected argument "${arg}": script arguments go after "--" (imessenger run ${file} -- ${arg})`);
    }
  }
  if (file === undefined) throw new UsageError('missing script: imessenger run <script.js>');
  const script = path.resolve(cwd, file);
  if (!isReadableFile(script)) throw new UsageError(`cannot read script ${script}`);

  const kind = values.get('--backend') ?? 'memory';
  if (!isBackendKind(kind)) throw new UsageError(`bad --backend value "${kind}": expected one of ${BACKENDS.join(', ')}`);
  const only = (option: string, allowed: readonly BackendKind[]): void => {
    if (values.has(option) && !allowed.includes(kind)) {
      throw new UsageError(`option ${option} applies to --backend ${allowed.join(' or ')}, not ${kind}`);
    }
  };
  only('--seed', ['memory', 'com']);
  only('--state', ['memory']);
  only('--graph-config', ['graph']);

  const resolve = (option: string): string | undefined => {
    const value = values.get(option);
    return value === undefined ? undefined : path.resolve(cwd, value);
  };
  const seedPath = resolve('--seed');
  let backend: BackendConfig;
  switch (kind) {
    case 'memory': {
      const stateFile = resolve('--state');
      backend = { kind, seed: readJson(seedPath ?? BUNDLED_SEED_PATH, '--seed'), ...(stateFile ? { stateFile } : {}) };
      break;
    }
    case 'com':
      backend = { kind, emulate: process.platform !== 'win32', seed: readJson(seedPath ?? BUNDLED_SEED_PATH, '--seed') };
      break;
    case 'graph':
      backend = graphConfig(resolve('--graph-config'), env);
      break;
  }
  return { command: 'run', file: script, backend, args: scriptArgs };
}

function isBackendKind(value: string): value is BackendKind {
  return (BACKENDS as readonly string[]).includes(value);
}

function isReadableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The parsed JSON of a file named by an option; UsageError naming the path otherwise. */
function readJson(file: string, option: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${option}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${option}: ${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The graph BackendConfig from --graph-config and IMESSENGER_GRAPH_* (the file wins). */
function graphConfig(file: string | undefined, env: Env): BackendConfig {
  const fromFile: Record<string, unknown> = {};
  if (file !== undefined) {
    const json = readJson(file, '--graph-config');
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new UsageError(`--graph-config: ${file} must hold a JSON object`);
    const known = new Set<string>(GRAPH_KEYS.map(([key]) => key));
    for (const [key, value] of Object.entries(json)) {
      if (!known.has(key)) throw new UsageError(`--graph-config: ${file}: unknown key "${key}" (allowed: ${[...known].join(', ')})`);
      fromFile[key] = value;
    }
  }
  const settings: Partial<Record<GraphKey, string | number>> = {};
  for (const [key, suffix] of GRAPH_KEYS) {
    const where = key in fromFile ? `${file!}: "${key}"` : `IMESSENGER_GRAPH_${suffix}`;
    const raw = key in fromFile ? fromFile[key] : env[`IMESSENGER_GRAPH_${suffix}`];
    if (raw === undefined || raw === '') continue;
    if (key === 'presencePollMs') {
      const ms = typeof raw === 'number' ? raw : Number(raw);
      if (!Number.isInteger(ms) || ms <= 0) throw new UsageError(`${where} must be a positive whole number of milliseconds`);
      settings[key] = ms;
    } else {
      if (typeof raw !== 'string') throw new UsageError(`${where} must be a string`);
      settings[key] = raw;
    }
  }
  const str = (key: Exclude<GraphKey, 'presencePollMs'>): string | undefined => settings[key] as string | undefined;
  const tenantId = str('tenantId');
  if (!tenantId) throw new UsageError('--backend graph needs a tenant id: "tenantId" in --graph-config or IMESSENGER_GRAPH_TENANT_ID');
  if (!str('clientId') && !str('accessToken')) {
    throw new UsageError('--backend graph needs "clientId" (device-code sign-in) or "accessToken" with "username" (--graph-config or IMESSENGER_GRAPH_*)');
  }
  if (str('accessToken') && !str('username')) throw new UsageError('--backend graph: "accessToken" needs "username" (the user the token is for)');
  const optional = Object.fromEntries(Object.entries(settings).filter(([key]) => key !== 'tenantId'));
  return { kind: 'graph', tenantId, ...optional };
}
