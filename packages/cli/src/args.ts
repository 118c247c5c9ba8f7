/**
 * The command line of `imessenger` and of `imessenger run`: parsed (the one parser of every
 * command, @imessenger/command-line: node:util parseArgs, strict) into what runScript needs, or a
 * UsageError that says exactly what is wrong (unknown option, missing script, bad --backend,
 * --timeout or --max-memory value, unreadable or invalid JSON or migration config, naming the path).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type CommandSpec, UsageError, defineCommand, formatHelp, parseCommandLine } from '@imessenger/command-line';
import type { BackendConfig, RoutingBackendConfig, SingleBackendConfig } from '@imessenger/shim';
import { MAX_TIMEOUT_SECONDS, MIN_MEMORY_MB } from './limits';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-depth';
import { notJScript } from './language';

export { UsageError } from '@imessenger/command-line';

export const BACKENDS = ['memory', 'com', 'graph', 'routing'] as const;
export type BackendKind = (typeof BACKENDS)[number];
/** What each side of `--backend routing` can be. */
const SIDE_KINDS = ['memory', 'com', 'graph'] as const;

/** The seed the CLI ships with (the same document as examples/legacy-jscript/seed.json). */
export const BUNDLED_SEED_PATH = path.join(__dirname, '..', 'seed.json');

/** This package's version (`imessenger --version`), from its package.json. */
export function version(): string {
  return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** The commands `imessenger --help` lists (their options: `imessenger <command> --help`). */
export const COMMANDS: readonly (readonly [string, string])[] = [
  ['run <script.js>', 'Run an unmodified legacy Messenger JScript/WSH script on any backend.'],
  ['serve', 'Serve one backend to native programs (the COM server) as a per-user local daemon; --status, --stop.'],
  ['com register|unregister|wine', 'Register the native COM server under the Messenger ProgIDs (any language, unchanged), or run a Windows program under Wine against it.'],
  ['migrate copy', 'Copy contact lists, groups and settings from one backend to another, resumably.'],
  ['migrate routes', 'Print where each capability is served from for one user, in which mode, and why.'],
  ['migrate report', 'Summarise the shadow mismatches recorded in a JSON-lines file.'],
  ['migrate reconcile', 'Make the secondary equal to the primary (in-memory backends from seed or state files).'],
  ['migrate retry', 'Apply the dual-write retry queue.'],
  ['graph login|whoami|logout|doctor', 'Sign in to Microsoft Graph once, show who is signed in, sign out, check a Graph configuration.'],
];

/** `imessenger` itself: its commands, --version and --help. */
export const MAIN_SPEC = defineCommand({
  name: '',
  synopsis: ['<command> [options]', '--version'],
  description: 'Runs legacy Messenger (IMessenger, Messenger.UIAutomation.1) scripts unchanged on any backend, and moves a Messenger deployment to another backend in phases.',
  options: { version: { type: 'boolean', short: 'V', help: 'Print the version.' } },
  sections: [{
    title: 'Commands',
    rows: COMMANDS,
    text: 'Run "imessenger <command> --help" for a command\'s options ("imessenger help <command>" too).',
  }],
});

/** The options that choose and set up the backend: `imessenger run`'s, and `imessenger serve`'s. */
export const BACKEND_OPTIONS = {
    backend: { type: 'string', value: 'memory|com|graph|routing', help: 'The backend (default: memory, the embedded in-memory backend). memory, graph and routing come with the CLI; com needs npm install @imessenger/adapter-com.' },
    seed: { type: 'string', value: 'file.json', help: 'Initial state for memory and com (default: the bundled seed).' },
    state: { type: 'string', value: 'file', help: 'memory: keep the state in this file across runs.' },
    'graph-config': {
      type: 'string', value: 'file.json',
      help: [
        'graph (and a routing side that is graph): the Graph configuration every command reads ({ "tenantId", "auth": { "type": "device-code", "clientId", "cacheFile" } | …, "presencePollMs", "signedInAtStart", "statusPolicy", … }; its JSON Schema is @imessenger/adapter-graph/graph-config.schema.json).',
        'IMESSENGER_GRAPH_* environment variables override its keys (IMESSENGER_GRAPH_TENANT_ID, _CLIENT_ID, _ACCESS_TOKEN, …: the adapter README lists them); without the file they are the configuration.',
        'The script starts signed in when the token or the token cache has an account, as Messenger was from logon ("signedInAtStart": false to start signed out); "statusPolicy": "nearest" sets the nearest Teams presence for a status Teams cannot show (default "strict": E_INVALIDARG). "imessenger graph doctor" checks it all.',
      ].join('\n'),
    },
    config: {
      type: 'string', value: 'plan.yaml',
      help: 'routing: the migration config (JSON or YAML, as "imessenger migrate routes" reads it): which backend serves each capability for each user, shadow reads, dual writes.',
    },
    stage: { type: 'string', value: 'name', help: 'routing: make this stage of the config\'s plan the active one.' },
    user: { type: 'string', value: 'upn', help: 'routing: whose routes apply (default: whoever the script signs in as).' },
    mismatches: {
      type: 'string', value: 'file.jsonl',
      help: 'routing: append the shadow mismatches to this JSON-lines file (default: the config\'s shadow.mismatches; "imessenger migrate report --mismatches <file>" summarises them).',
    },
    'old-seed': {
      type: 'string', value: 'file.json',
      help: 'routing: the old side is the in-memory backend on this seed (changes are not kept), standing in for the backend the config names. Without --old-seed or --old-state, the old side is the backend the config names as "old" (memory, com or graph).',
    },
    'old-state': { type: 'string', value: 'file', help: 'routing: the old side is the in-memory backend keeping its state in this file.' },
    'new-seed': { type: 'string', value: 'file.json', help: 'routing: the new side on this seed, as --old-seed.' },
    'new-state': { type: 'string', value: 'file', help: 'routing: the new side keeping its state in this file, as --old-state.' },
} as const;

export const RUN_SPEC = defineCommand({
  name: 'run',
  synopsis: '<script.js> [options] [-- script arguments...]',
  description: 'Runs an unmodified legacy Messenger JScript/WSH script (ActiveXObject("Messenger.UIAutomation.1"), WScript.*, Enumerator, function obj::Event handlers, /*@cc_on @*/ conditional compilation) and exits with its WScript.Quit code. JScript only: a .vbs, .vbe, .wsf, .jse, .hta, .ps1… file is refused (exit code 2) with what runs it instead.',
  positionals: { max: 1 },
  passThrough: 'script arguments',
  options: {
    ...BACKEND_OPTIONS,
    timeout: {
      type: 'string', value: 'seconds',
      help: 'End the script after this many seconds of its whole run (event handlers and WScript.Sleep included), as WSH\'s //T:nn did: "Script execution time was exceeded on script ...", exit code 124. 0: no limit (the default).',
    },
    'max-memory': {
      type: 'string', value: 'MB',
      help: `Cap the script's memory (its JavaScript heap, and what the process grows by while it runs); past it the script ends with a message and exit code 134, not a crash. At least ${MIN_MEMORY_MB}.`,
    },
    isolate: {
      type: 'boolean',
      help: 'Run the script in a child process under Node\'s permission model: it reads only the SDK and the script, writes only the --state file\'s directory, starts no process, and cannot reach this one.',
    },
  },
  sections: [
    { title: 'Script arguments', text: 'Everything after "--" becomes WScript.Arguments.' },
    {
      title: 'Trust',
      text: 'Like WSH, "imessenger run" is a trusted host. The script sees only the WScript objects, but it can reach this Node process (this.constructor.constructor("return process")()) and through it the files, the network and the programs of the user running it, as a WSH script could reach the machine. Run scripts you trust, or use --isolate.',
    },
  ],
  examples: [
    'imessenger run contacts.js --timeout 30',
    'imessenger run contacts.js --isolate --timeout 30 --max-memory 256 --state state.json',
    'imessenger run pilot.js --backend routing --config plan.yaml --user oscar@contoso.com',
  ],
});

export const SERVE_SPEC = defineCommand({
  name: 'serve',
  synopsis: ['[backend options] [--detach]', '--status', '--stop'],
  description: 'Runs the per-user local daemon that serves one backend (one sign-in, one state) to native programs: the COM server registered under the Messenger ProgIDs starts it on demand ("imessenger com register") and forwards every call to it, over loopback TCP, authenticated with a secret only this user can read (docs/protocol.md). Without --detach it runs in the foreground, its log on stderr, until Ctrl-C or "imessenger serve --stop".',
  options: {
    ...BACKEND_OPTIONS,
    detach: { type: 'boolean', help: 'Start the daemon in the background and exit once it listens (exit code 0 and one JSON line: {"pid","port","started"}); when one is already running, exit 0 at once ("started": false). What the COM server runs.' },
    status: { type: 'boolean', help: 'Say whether a daemon is running (pid, port, backend, connections); exit code 3 when none is.' },
    stop: { type: 'boolean', help: 'Stop the running daemon and wait until it is gone.' },
    'test-hooks': { type: 'boolean', help: 'Accept the test hooks of docs/protocol.md (HOOK: the backend\'s otherSide). For tests only.' },
  },
  sections: [{
    title: 'Files',
    text: 'The serve file (pid and port) is $IMESSENGER_SERVE_FILE, else $XDG_RUNTIME_DIR/imessenger/serve.json, else ~/.imessenger/serve.json (Windows: %LOCALAPPDATA%\\imessenger\\serve.json); the secret (serve.secret, 0600, made at the first start) and, with --detach, the log (serve.log) sit next to it.',
  }],
  examples: [
    'imessenger serve --detach --backend graph --graph-config teams.json',
    'imessenger serve --status',
    'imessenger serve --stop',
  ],
});

/** `imessenger serve --help`. */
export const SERVE_USAGE = formatHelp(SERVE_SPEC as CommandSpec).trimEnd();

/** `imessenger run --help`. */
export const USAGE = formatHelp(RUN_SPEC as CommandSpec).trimEnd();
/** `imessenger --help`. */
export const MAIN_USAGE = formatHelp(MAIN_SPEC as CommandSpec).trimEnd();

export interface RunCommand {
  readonly command: 'run';
  /** Absolute path of the script. */
  readonly file: string;
  readonly backend: BackendConfig;
  readonly args: readonly string[];
  /** --timeout, in milliseconds (absent: no limit). */
  readonly timeoutMs?: number;
  /** --max-memory, in megabytes (absent: no limit). */
  readonly maxMemoryMb?: number;
  /** --isolate: present (true) only when given. */
  readonly isolate?: true;
}
export interface ServeCommand {
  readonly command: 'serve';
  readonly mode: 'foreground' | 'detach' | 'status' | 'stop';
  /** The backend (foreground and detach). */
  readonly backend?: BackendConfig;
  /** The arguments after "serve" (detach re-runs them in the background). */
  readonly argv: readonly string[];
  readonly testHooks: boolean;
}
/**
 * What the command line asks for: run a script; serve; the help of imessenger (`of: ''`) or of a command;
 * the version; or a migrate command (its arguments, for @imessenger/migration to parse).
 */
export type Command =
  | RunCommand
  | ServeCommand
  | { readonly command: 'help'; readonly of: string }
  | { readonly command: 'version' }
  | { readonly command: 'migrate'; readonly argv: readonly string[] }
  | { readonly command: 'graph'; readonly argv: readonly string[] }
  | { readonly command: 'com'; readonly argv: readonly string[] };

/** The environment the command line reads (`IMESSENGER_*` settings): `process.env` by default. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * `argv` without node and the script path (process.argv.slice(2)); `cwd` resolves relative paths.
 * Throws UsageError (its `command` names the command whose --help to suggest).
 */
export function parseArgs(argv: readonly string[], env: Env = process.env, cwd: string = process.cwd()): Command {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('missing command: expected "run <script.js>", "serve" or "migrate <command>"');
  if (first === 'run') return parseRunArgs(rest, env, cwd);
  if (first === 'migrate') return { command: 'migrate', argv: rest };
  if (first === 'graph') return { command: 'graph', argv: rest };
  if (first === 'com') return { command: 'com', argv: rest };
  if (first === 'serve') return parseServeArgs(rest, env, cwd);
  if (first === 'help') return { command: 'help', of: rest.join(' ') };
  if (first.startsWith('-')) {
    const main = parseCommandLine(MAIN_SPEC, argv);
    if (main.help) return { command: 'help', of: '' };
    if (main.values.version) return { command: 'version' };
    throw new UsageError('missing command: expected "run <script.js>", "serve" or "migrate <command>"');
  }
  throw new UsageError(`unknown command "${first}" (the commands: run, serve, com, migrate, graph)`);
}

/** `imessenger run …` (the arguments after "run"). Throws UsageError. */
export function parseRunArgs(argv: readonly string[], env: Env = process.env, cwd: string = process.cwd()): Command {
  const line = parseCommandLine(RUN_SPEC, argv);
  if (line.help) return { command: 'help', of: 'run' };
  const values = line.values;
  const file = line.positionals[0];
  if (file === undefined) throw new UsageError('missing script: imessenger run <script.js>', 'run');
  try {
    return runCommand(file, values, line.rest, env, cwd);
  } catch (error) {
    if (error instanceof UsageError && !error.command) throw new UsageError(error.message, 'run');
    throw error;
  }
}

/** `imessenger serve …` (the arguments after "serve"). Throws UsageError. */
export function parseServeArgs(argv: readonly string[], env: Env = process.env, cwd: string = process.cwd()): Command {
  const line = parseCommandLine(SERVE_SPEC, argv);
  if (line.help) return { command: 'help', of: 'serve' };
  const values = line.values;
  const modes = (['detach', 'status', 'stop'] as const).filter((m) => values[m]);
  if (modes.length > 1) throw new UsageError(`give one of --${modes.join(', --')}`, 'serve');
  const mode = modes[0] ?? 'foreground';
  const testHooks = values['test-hooks'] === true;
  if (mode === 'status' || mode === 'stop') {
    const extra = (Object.keys(values) as (keyof typeof values)[]).filter((k) => k !== mode && values[k] !== undefined);
    if (extra.length > 0) throw new UsageError(`--${mode} takes no other option (got --${extra.join(', --')})`, 'serve');
    return { command: 'serve', mode, argv, testHooks };
  }
  try {
    return { command: 'serve', mode, backend: backendFromOptions(values, env, cwd), argv, testHooks };
  } catch (error) {
    if (error instanceof UsageError && !error.command) throw new UsageError(error.message, 'serve');
    throw error;
  }
}

type RunValues = ReturnType<typeof parseCommandLine<typeof RUN_SPEC.options>>['values'];

function runCommand(file: string, values: RunValues, scriptArgs: readonly string[], env: Env, cwd: string): RunCommand {
  const script = path.resolve(cwd, file);
  if (!isReadableFile(script)) throw new UsageError(`cannot read script ${script}`);
  const wrongKind = notJScript(script);
  if (wrongKind !== undefined) throw new UsageError(wrongKind);

  const backend = backendFromOptions(values, env, cwd);
  const kind = backend.kind;
  const timeoutMs = values.timeout === undefined ? undefined : parseTimeout(values.timeout);
  const maxMemoryMb = values['max-memory'] === undefined ? undefined : parseMemory(values['max-memory']);
  const isolate = values.isolate === true;
  if (isolate && kind === 'com' && process.platform === 'win32') {
    throw new UsageError('--isolate cannot run --backend com on Windows: the Messenger object is reached through a native addon (winax), which Node\'s permission model cannot confine (run it without --isolate)');
  }
  if (isolate && kind === 'routing') {
    throw new UsageError('--isolate cannot run --backend routing yet: the routing backend appends mismatches and queued writes with fsync, which Node 20\'s permission model refuses (run it without --isolate)');
  }
  return {
    command: 'run', file: script, backend, args: scriptArgs,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(maxMemoryMb !== undefined ? { maxMemoryMb } : {}),
    ...(isolate ? { isolate } : {}),
  };
}

/** The values of the backend options, as parsed. */
export type BackendValues = { readonly [K in keyof typeof BACKEND_OPTIONS]?: string | undefined };

/**
 * The BackendConfig the backend options describe (`--backend`, `--seed`, `--graph-config`, `--config`…),
 * files resolved against `cwd`. Throws UsageError naming the option.
 */
export function backendFromOptions(values: BackendValues, env: Env = process.env, cwd: string = process.cwd()): BackendConfig {
  const kind = values.backend ?? 'memory';
  if (!isBackendKind(kind)) throw new UsageError(`bad --backend value "${kind}": expected one of ${BACKENDS.join(', ')}`);
  const only = (option: keyof BackendValues, allowed: readonly BackendKind[]): void => {
    if (values[option] !== undefined && !allowed.includes(kind)) {
      throw new UsageError(`option --${option} applies to --backend ${allowed.join(' or ')}, not ${kind}`);
    }
  };
  only('seed', ['memory', 'com']);
  only('state', ['memory']);
  only('graph-config', ['graph', 'routing']);
  for (const option of ['config', 'stage', 'user', 'mismatches', 'old-seed', 'old-state', 'new-seed', 'new-state'] as const) only(option, ['routing']);

  const resolve = (value: string | undefined): string | undefined => (value === undefined ? undefined : path.resolve(cwd, value));
  // A backend that is not installed is said first (its settings would be checked for nothing).
  const notInstalled = (config: BackendConfig): void => {
    const { missingBackendPackage } = require('@imessenger/shim') as typeof import('@imessenger/shim');
    const missing = missingBackendPackage(config);
    if (missing) throw new UsageError(missing.message);
  };
  notInstalled({ kind } as BackendConfig);
  const backend = kind === 'routing'
    ? routingConfig(values, env, resolve)
    : singleBackend(kind, { seed: resolve(values.seed), state: resolve(values.state), graphConfig: resolve(values['graph-config']) }, env);
  notInstalled(backend);
  return backend;
}

/** One backend from its kind and the files that set it up. */
function singleBackend(
  kind: SingleBackendConfig['kind'], files: { seed?: string | undefined; state?: string | undefined; graphConfig?: string | undefined; seedOption?: string },
  env: Env,
): SingleBackendConfig {
  const seedPath = files.seed ?? BUNDLED_SEED_PATH;
  const seedOption = files.seedOption ?? '--seed';
  switch (kind) {
    case 'memory': {
      // A state file that exists is the state; the seed only starts a new one.
      const stateFile = files.state;
      const seed = stateFile && fs.existsSync(stateFile) ? readJson(seedPath, seedOption) : readSeed(seedPath, seedOption);
      return { kind, seed, seedFile: seedPath, ...(stateFile ? { stateFile } : {}) };
    }
    case 'com':
      return { kind, emulate: process.platform !== 'win32', seed: readSeed(seedPath, seedOption) };
    case 'graph':
      return graphConfig(files.graphConfig, env);
  }
}

/**
 * `--backend routing`: the config is loaded here too (from @imessenger/migration, only for this
 * backend), so that a bad config or stage is a usage error naming the file and line; the worker
 * loads it again to build the backend. Each side is the in-memory backend when its seed or state
 * is given (a stand-in, as in \`migrate reconcile\`), else the backend the config names.
 */
function routingConfig(values: BackendValues, env: Env, resolve: (value: string | undefined) => string | undefined): RoutingBackendConfig {
  const configFile = resolve(values.config);
  if (configFile === undefined) throw new UsageError('--backend routing needs the migration config: --config <plan.yaml>');
  const migration = require('@imessenger/migration') as typeof import('@imessenger/migration');
  let plan: import('@imessenger/migration').MigrationConfig;
  try {
    plan = migration.loadMigrationConfig(configFile);
    if (values.stage !== undefined) plan = migration.withStage(plan, values.stage);
  } catch (error) {
    if (!(error instanceof migration.MigrationConfigError)) throw error;
    throw new UsageError(values.stage !== undefined && error.path === 'stage' ? `--stage: ${error.message}` : `--config: ${error.message}`);
  }
  const side = (which: 'old' | 'new'): SingleBackendConfig => {
    const seed = resolve(values[`${which}-seed`]);
    const state = resolve(values[`${which}-state`]);
    if (seed !== undefined || state !== undefined) {
      // A state file alone needs no seed: the bundled one starts it when the file does not exist yet.
      return singleBackend('memory', { seed, state, seedOption: `--${which}-seed` }, env);
    }
    const named = plan[which];
    if (!(SIDE_KINDS as readonly string[]).includes(named)) {
      throw new UsageError(`--config: ${configFile} names ${which}: "${named}", which imessenger run cannot start: give --${which}-seed or --${which}-state (the in-memory backend standing in for it), or name ${SIDE_KINDS.join(', ')}`);
    }
    return singleBackend(named as SingleBackendConfig['kind'], { graphConfig: resolve(values['graph-config']) }, env);
  };
  const old = side('old');
  const neu = side('new');
  if (values['graph-config'] !== undefined && old.kind !== 'graph' && neu.kind !== 'graph') {
    throw new UsageError('option --graph-config applies to a routing side that is graph; neither is');
  }
  return {
    kind: 'routing', config: configFile, old, new: neu,
    ...(values.stage !== undefined ? { stage: values.stage } : {}),
    ...(values.user !== undefined ? { user: values.user } : {}),
    ...(values.mismatches !== undefined ? { mismatches: resolve(values.mismatches)! } : {}),
  };
}

/** --timeout: seconds (a fraction allowed) -> milliseconds; 0 is no limit, as WSH's //T:0. */
function parseTimeout(value: string): number | undefined {
  const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(seconds <= MAX_TIMEOUT_SECONDS)) {
    throw new UsageError(`bad --timeout value "${value}": expected a number of seconds from 0 (no limit) to ${MAX_TIMEOUT_SECONDS}, e.g. --timeout 30`);
  }
  return seconds === 0 ? undefined : Math.max(1, Math.round(seconds * 1000));
}

/** --max-memory: whole megabytes, at least MIN_MEMORY_MB. */
function parseMemory(value: string): number {
  const megabytes = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(megabytes >= MIN_MEMORY_MB && megabytes <= 2 ** 20)) {
    throw new UsageError(`bad --max-memory value "${value}": expected a whole number of megabytes, at least ${MIN_MEMORY_MB}, e.g. --max-memory 256`);
  }
  return megabytes;
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
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${option}: ${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (nestedDeeperThan(doc, MAX_JSON_DEPTH)) throw new UsageError(`${option}: ${file} nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels (the limit)`);
  return doc;
}

/**
 * A seed file, checked against the seed schema here (a usage error naming the file and the key, before
 * the script starts) rather than in the worker, where it became a runtime error at the script's first
 * Messenger call. The bundled seed is known good: not checked (the check loads the memory adapter).
 */
function readSeed(file: string, option: string): unknown {
  const doc = readJson(file, option);
  if (file === BUNDLED_SEED_PATH) return doc;
  const memory = require('@imessenger/adapter-memory') as typeof import('@imessenger/adapter-memory');
  try {
    memory.validateSeed(doc);
  } catch (error) {
    if (error instanceof memory.SeedError) throw new UsageError(`${option}: ${error.inFile(file).message}`);
    throw error;
  }
  return doc;
}

/**
 * The graph BackendConfig from --graph-config and IMESSENGER_GRAPH_* (the environment overrides the
 * file): the adapter's one loader (@imessenger/adapter-graph/config, which loads no Graph client),
 * so a bad configuration is a usage error naming the file and the key before the script starts.
 */
function graphConfig(file: string | undefined, env: Env): Extract<SingleBackendConfig, { kind: 'graph' }> {
  const config = require('@imessenger/adapter-graph/config') as typeof import('@imessenger/adapter-graph/config');
  try {
    const settings = config.loadGraphConfig(file, { env, onWarning: (message) => { process.stderr.write(`Warning: ${message}\n`); } });
    config.requireOneUser(settings);
    return { kind: 'graph', tenantId: settings.tenantId, settings };
  } catch (error) {
    if (error instanceof config.GraphConfigError) throw new UsageError(`--graph-config: ${error.message}`);
    throw error;
  }
}
