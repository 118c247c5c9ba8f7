/**
 * `imessenger migrate copy --from <spec> --to <spec> [--users a,b] [--dry-run] [--journal file]
 * [--report prefix] [--concurrency n] …`: the data copy as a command. The CLI passes the arguments
 * after `migrate copy` and its streams; the exit code says whether anything failed.
 *
 * A spec is `memory:<dir>` (memoryProvider: `<dir>/<user>.json` state files, `<user>.seed.json`
 * seeds) or `graph:<config.json>` (GraphConfig below; relative paths in it are relative to the file).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  EXIT, UsageError, createWaitingLine, defineCommand, failureText, formatHelp, parseCommandLine, usageErrorText,
} from '@imessenger/command-line';
import { DEFAULT_CONCURRENCY, copyUsers } from './copy';
import { Journal, JournalError } from './journal';
import { createProgress, type ProgressStream } from './progress';
import { memoryProvider } from './providers-memory';
import type { BackendProvider } from './providers';
import { hasFailures, renderPlan, renderSummary, writeReport } from './report';
import type { BackoffOptions } from './throttle';

export interface CopyCommandIo {
  readonly stdout: ProgressStream;
  /** Progress goes here (a bar when it is a terminal), the waiting line, and errors. */
  readonly stderr: ProgressStream;
  /** Relative paths are resolved against this (default process.cwd()). */
  readonly cwd?: string;
  /** For `clientSecretEnv` (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Aborting stops the copy after the steps in flight (the CLI wires SIGINT/SIGTERM here). */
  readonly signal?: AbortSignal;
}

/** Exit codes: every imessenger command's table (0 done, 1 failed, 2 usage, 130 stopped, …). */
export { EXIT } from '@imessenger/command-line';

export const DEFAULT_JOURNAL = 'migration-copy.journal.jsonl';
export const DEFAULT_REPORT = 'migration-copy-report';

export const COPY_SPEC = defineCommand({
  name: 'migrate copy',
  synopsis: '--from <spec> --to <spec> [options]',
  description: 'Copies each user\'s contact list, groups with their members, contact sort order and (where the target allows) friendly name. Safe to run again: what the target has is not written twice, and a run that was stopped or killed is finished by the next one (same --journal).',
  options: {
    from: { type: 'string', value: 'spec', help: 'The source (read only): memory:<dir> or graph:<config.json>.' },
    to: { type: 'string', value: 'spec', help: 'The target: memory:<dir> or graph:<config.json>.' },
    users: { type: 'string', value: 'a,b', multiple: true, help: 'Users to copy (repeatable; default: every user the source lists).' },
    'dry-run': { type: 'boolean', help: 'Print the plan; write nothing.' },
    journal: {
      type: 'string', value: 'file',
      help: `Durable journal of the steps (default ${DEFAULT_JOURNAL}); one copy at a time per journal: another copy on it is refused.`,
    },
    report: { type: 'string', value: 'prefix', help: `Write <prefix>.json, .md and .html (default ${DEFAULT_REPORT}; dry run: only if given).` },
    json: { type: 'boolean', help: 'Print the report (as <prefix>.json holds it) on stdout instead of the summary; other lines go to stderr.' },
    concurrency: { type: 'string', value: 'n', help: `Users copied at once, and writes in flight at once (default ${DEFAULT_CONCURRENCY}).` },
    'backoff-initial': { type: 'string', value: 'ms', help: 'First wait after the target throttles (default 1000).' },
    'backoff-max': { type: 'string', value: 'ms', help: 'Longest wait (default 60000).' },
    'max-retries': { type: 'string', value: 'n', help: 'Retries of one throttled step before it fails (default 8).' },
    progress: {
      type: 'string', value: 'mode',
      help: 'auto | bar | plain | none (default auto: a bar on a terminal). A wait over a second (a sign-in, a slow answer, a backoff) is shown as "waiting for … (n s)…", except with none.',
    },
    'no-probe': { type: 'boolean', help: 'Dry run: do not ask the target\'s directory about unknown users.' },
  },
  sections: [{
    title: 'Specs',
    rows: [
      ['memory:<dir>', 'in-memory backend, one state file per user: <dir>/<user>.json (first state from <dir>/<user>.seed.json)'],
      ['graph:<config.json>', 'Microsoft Graph (Teams): the Graph configuration every imessenger command reads (tenantId, auth, users, baseUrl, retry, timeoutMs; schema: @imessenger/adapter-graph/graph-config.schema.json); "auth" may be device-code ("imessenger graph login" first), tokens, client-credentials or azure-identity'],
    ],
  }],
  examples: [
    'imessenger migrate copy --from memory:./legacy --to graph:tenant.json --dry-run',
    'imessenger migrate copy --from memory:./legacy --to graph:tenant.json --users alice@contoso.com --json',
  ],
});

/** `imessenger migrate copy --help`. */
export const COPY_USAGE = formatHelp(COPY_SPEC);

export { UsageError } from '@imessenger/command-line';

export interface CopyArgs {
  readonly from: string;
  readonly to: string;
  readonly users?: readonly string[];
  readonly dryRun: boolean;
  readonly journal?: string;
  readonly report?: string;
  readonly json: boolean;
  readonly concurrency: number;
  readonly backoff: BackoffOptions;
  readonly progress: 'auto' | 'bar' | 'plain' | 'none';
  readonly probe: boolean;
  readonly help: boolean;
}

/** Parse the arguments after `migrate copy` (a leading `migrate` and/or `copy` is tolerated). Throws UsageError. */
export function parseCopyArgs(argv: readonly string[]): CopyArgs {
  const args = [...argv];
  if (args[0] === 'migrate') args.shift();
  if (args[0] === 'copy') args.shift();
  const line = parseCommandLine(COPY_SPEC, args);
  const usage = (message: string): UsageError => new UsageError(message, COPY_SPEC.name);
  const off: CopyArgs = {
    from: '', to: '', dryRun: false, json: false, concurrency: DEFAULT_CONCURRENCY, backoff: {}, progress: 'auto', probe: true, help: true,
  };
  if (line.help) return off;
  const v = line.values;
  const int = (name: 'concurrency' | 'backoff-initial' | 'backoff-max' | 'max-retries', min: number): number | undefined => {
    const text = v[name];
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text) || Number(text) < min) throw usage(`bad --${name} value "${text}": expected a whole number ≥ ${min}`);
    return Number(text);
  };
  if (!v.from) throw usage('--from <spec> is required (memory:<dir> or graph:<config.json>)');
  if (!v.to) throw usage('--to <spec> is required (memory:<dir> or graph:<config.json>)');
  const users = v.users?.flatMap((u) => u.split(',')).map((u) => u.trim()).filter(Boolean);
  if (v.users && !users?.length) throw usage('--users names no user');
  const progress = v.progress ?? 'auto';
  if (!['auto', 'bar', 'plain', 'none'].includes(progress)) throw usage(`bad --progress value "${progress}": expected auto, bar, plain or none`);
  const initialMs = int('backoff-initial', 0);
  const maxMs = int('backoff-max', 0);
  const maxRetries = int('max-retries', 0);
  return {
    from: v.from, to: v.to, ...(users ? { users } : {}),
    dryRun: v['dry-run'] === true,
    ...(v.journal !== undefined ? { journal: v.journal } : {}),
    ...(v.report !== undefined ? { report: v.report } : {}),
    json: v.json === true,
    concurrency: int('concurrency', 1) ?? DEFAULT_CONCURRENCY,
    backoff: { ...(initialMs !== undefined ? { initialMs } : {}), ...(maxMs !== undefined ? { maxMs } : {}), ...(maxRetries !== undefined ? { maxRetries } : {}) },
    progress: progress as CopyArgs['progress'],
    probe: v['no-probe'] !== true,
    help: false,
  };
}

// ---- specs ----------------------------------------------------------------------------------

/**
 * The file behind `graph:<config.json>` is the one Graph configuration of every command
 * (@imessenger/adapter-graph's loadGraphConfig and graph-config.schema.json; relative paths in it
 * are relative to the file; IMESSENGER_GRAPH_* override its keys). For a copy, "auth" is per user:
 * "tokens" (a token per user from a file), "client-credentials" or "azure-identity" (the
 * application acts as each user), "device-code" (each user signs in, or is in the token cache:
 * `imessenger graph login`), "access-token" (one user). "users" lists who `--users` defaults to.
 */
export class SpecError extends Error {
  override readonly name = 'SpecError';
}

export interface ProviderForOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readOnly: boolean;
  /** Shows a device code sign-in's instructions, `message` (the identity platform's text; default: stderr). */
  readonly onDeviceCode?: (info: { readonly message: string }) => void;
  /** A deprecated format or a plain token cache (default: stderr). */
  readonly onWarning?: (message: string) => void;
}

/** The provider a spec names. `role` is "--from" or "--to" (for messages); a source is never written. */
export function providerFor(spec: string, role: string, options: ProviderForOptions): BackendProvider {
  const colon = spec.indexOf(':');
  const scheme = colon > 0 ? spec.slice(0, colon) : '';
  const rest = colon > 0 ? spec.slice(colon + 1) : '';
  const where = `${role} ${spec}`;
  if (scheme === 'memory') {
    if (!rest) throw new SpecError(`${where}: give the directory of the state files, e.g. memory:./users.`);
    const dir = path.resolve(options.cwd, rest);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new SpecError(`${where}: ${dir} is not a directory.`);
    return memoryProvider({ dir, readOnly: options.readOnly });
  }
  if (scheme === 'graph') {
    if (!rest) throw new SpecError(`${where}: give the config file, e.g. graph:./tenant.json.`);
    const warn = options.onWarning ?? ((message: string) => { process.stderr.write(`Warning: ${message}\n`); });
    return loadGraphProviders(where).graphProviderFromConfig(path.resolve(options.cwd, rest), {
      env: options.env, cwd: options.cwd, onWarning: warn, ...(options.onDeviceCode ? { onDeviceCode: options.onDeviceCode } : {}),
      usageError: (message) => new SpecError(`${where}: ${message}`),
    });
  }
  throw new SpecError(`${where}: unknown backend "${scheme || spec}": expected memory:<dir> or graph:<config.json>.`);
}

/** The Graph adapter, an optional peer: loaded by name (./providers-graph imports it) when a spec asks for it. */
const GRAPH_ADAPTER = '@imessenger/adapter-graph';

function loadGraphProviders(where: string): typeof import('./providers-graph') {
  try {
    require.resolve(GRAPH_ADAPTER);
  } catch {
    throw new SpecError(`${where}: graph needs ${GRAPH_ADAPTER}, which is not installed: npm install ${GRAPH_ADAPTER}`);
  }
  return require('./providers-graph') as typeof import('./providers-graph');
}

/** A spec with its path made absolute: the identity of a source or target in the journal. */
export function normalSpec(spec: string, cwd: string): string {
  const colon = spec.indexOf(':');
  return `${spec.slice(0, colon)}:${path.resolve(cwd, spec.slice(colon + 1))}`;
}

// ---- the command ----------------------------------------------------------------------------

export async function copyCommand(argv: readonly string[], io: CopyCommandIo): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const env = io.env ?? process.env;
  const usageError = (message: string): number => {
    io.stderr.write(usageErrorText(message, COPY_SPEC.name));
    return EXIT.USAGE;
  };
  let args: CopyArgs;
  let from: BackendProvider;
  let to: BackendProvider;
  try {
    args = parseCopyArgs(argv);
    if (args.help) { io.stdout.write(COPY_USAGE); return EXIT.OK; }
    const hooks = {
      onDeviceCode: (info: { readonly message: string }) => { io.stderr.write(`${info.message}\n`); },
      onWarning: (message: string) => { io.stderr.write(`Warning: ${message}\n`); },
    };
    from = providerFor(args.from, '--from', { cwd, env, readOnly: true, ...hooks });
    to = providerFor(args.to, '--to', { cwd, env, readOnly: args.dryRun, ...hooks });
    if (!args.users && !from.users) throw new UsageError(`--users is required: ${args.from} cannot list its users (add "users" to its config)`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof SpecError) return usageError(error.message);
    throw error;
  }

  const journalFile = path.resolve(cwd, args.journal ?? DEFAULT_JOURNAL);
  let journal: Journal | undefined;
  try {
    // A dry run reads the journal (to show what earlier runs did) but never creates or writes it.
    if (!args.dryRun || fs.existsSync(journalFile)) journal = Journal.open(journalFile, { readOnly: args.dryRun });
  } catch (error) {
    return usageError(`--journal ${journalFile}: ${(error as Error).message}`);
  }

  // With --json, stdout holds the report alone; what a person reads goes to stderr.
  const say = (text: string): void => { (args.json ? io.stderr : io.stdout).write(text); };
  const mode = args.progress === 'auto' ? (io.stderr.isTTY ? 'bar' : 'plain') : args.progress;
  // A wait over a second (a sign-in whose identity platform does not answer, a slow write, a backoff)
  // is said, once the progress has shown nothing for a second.
  const waiting = mode === 'none' ? undefined : createWaitingLine({ stream: io.stderr, tty: mode === 'bar' });
  const drawn: ProgressStream = {
    write: (text: string) => { waiting?.activity(); return io.stderr.write(text); },
    get isTTY() { return io.stderr.isTTY; },
    get columns() { return io.stderr.columns; },
  };
  const progress = mode === 'none' ? undefined : createProgress({ stream: drawn, tty: mode === 'bar' });
  let report;
  try {
    report = await copyUsers({
      from, to, ...(args.users ? { users: args.users } : {}), dryRun: args.dryRun, ...(journal ? { journal } : {}),
      concurrency: args.concurrency, backoff: args.backoff, probe: args.probe,
      endpoints: { from: normalSpec(args.from, cwd), to: normalSpec(args.to, cwd) },
      ...(progress ? { onProgress: (s) => progress.update(s) } : {}),
      ...(waiting ? { onWait: (what) => waiting.begin(what) } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
    });
  } catch (error) {
    if (error instanceof JournalError) return usageError((error as Error).message);
    io.stderr.write(failureText((error as Error).message));
    return EXIT.FAILED;
  } finally {
    waiting?.close();
    journal?.close();
  }
  progress?.finish({
    stepsDone: report.users.reduce((n, u) => n + u.items.length, 0), stepsTotal: report.users.reduce((n, u) => n + u.items.length, 0),
    usersDone: report.users.filter((u) => u.status !== 'incomplete').length, usersPlanned: report.users.length, usersTotal: report.users.length,
    failures: report.totals.failed + report.users.filter((u) => u.error).length, throttles: report.totals.throttles, elapsedMs: report.durationMs,
  });

  if (args.dryRun && !args.json) io.stdout.write(renderPlan(report));
  const prefix = args.report ?? (args.dryRun ? undefined : DEFAULT_REPORT);
  if (prefix !== undefined) {
    const written = writeReport(report, path.resolve(cwd, prefix));
    say(`Report: ${written.markdown}, ${written.html} and ${written.json}\n`);
  }
  if (args.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout.write(`${renderSummary(report)}\n`);
  if (!args.dryRun) say(`Journal: ${journalFile}${hasFailures(report) || report.aborted ? ' (run the same command again to retry or finish)' : ''}\n`);
  if (report.aborted) return EXIT.STOPPED;
  return hasFailures(report) ? EXIT.FAILED : EXIT.OK;
}
