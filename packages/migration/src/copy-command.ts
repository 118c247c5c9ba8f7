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
import { ClientCredentialsAuth, GraphAuthError } from '@imessenger/adapter-graph';
import { DEFAULT_CONCURRENCY, copyUsers } from './copy';
import { Journal, JournalError } from './journal';
import { createProgress, type ProgressStream } from './progress';
import { memoryProvider } from './providers-memory';
import { graphProvider } from './providers-graph';
import type { BackendProvider } from './providers';
import { hasFailures, renderPlan, renderSummary, writeReport } from './report';
import type { BackoffOptions } from './throttle';

export interface CopyCommandIo {
  readonly stdout: ProgressStream;
  /** Progress goes here (a bar when it is a terminal), and errors. */
  readonly stderr: ProgressStream;
  /** Relative paths are resolved against this (default process.cwd()). */
  readonly cwd?: string;
  /** For `clientSecretEnv` (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Aborting stops the copy after the steps in flight (the CLI wires SIGINT/SIGTERM here). */
  readonly signal?: AbortSignal;
}

/** Exit codes. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, STOPPED: 130 } as const;

export const DEFAULT_JOURNAL = 'migration-copy.journal.jsonl';
export const DEFAULT_REPORT = 'migration-copy-report';

export const COPY_USAGE = `Usage: imessenger migrate copy --from <spec> --to <spec> [options]

Copies each user's contact list, groups with their members, contact sort order and (where the
target allows) friendly name. Safe to run again: what the target has is not written twice, and a
run that was stopped or killed is finished by the next one (same --journal).

Specs:
  memory:<dir>            in-memory backend, one state file per user: <dir>/<user>.json
                          (first state from <dir>/<user>.seed.json)
  graph:<config.json>     Microsoft Graph (Teams); config keys: tenantId, baseUrl, users, auth, retry, timeoutMs

Options:
  --users a,b             users to copy (repeatable; default: every user the source lists)
  --dry-run               print the plan; write nothing
  --journal <file>        durable journal of the steps (default ${DEFAULT_JOURNAL})
  --report <prefix>       write <prefix>.json and <prefix>.md (default ${DEFAULT_REPORT}; dry run: only if given)
  --concurrency <n>       users copied at once, and writes in flight at once (default ${DEFAULT_CONCURRENCY})
  --backoff-initial <ms>  first wait after the target throttles (default 1000)
  --backoff-max <ms>      longest wait (default 60000)
  --max-retries <n>       retries of one throttled step before it fails (default 8)
  --progress <mode>       auto | bar | plain | none (default auto: a bar on a terminal)
  --no-probe              dry run: do not ask the target's directory about unknown users
  -h, --help              this text

Exit code: 0 all done, 1 something failed (see the report), 2 bad arguments, 130 stopped.
`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CopyArgs {
  readonly from: string;
  readonly to: string;
  readonly users?: readonly string[];
  readonly dryRun: boolean;
  readonly journal?: string;
  readonly report?: string;
  readonly concurrency: number;
  readonly backoff: BackoffOptions;
  readonly progress: 'auto' | 'bar' | 'plain' | 'none';
  readonly probe: boolean;
  readonly help: boolean;
}

const VALUE_OPTIONS = ['--from', '--to', '--users', '--journal', '--report', '--concurrency', '--backoff-initial', '--backoff-max', '--max-retries', '--progress'];

/** Parse the arguments after `migrate copy` (a leading `migrate` and/or `copy` is tolerated). */
export function parseCopyArgs(argv: readonly string[]): CopyArgs {
  const args = [...argv];
  if (args[0] === 'migrate') args.shift();
  if (args[0] === 'copy') args.shift();
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (VALUE_OPTIONS.includes(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new UsageError(`${name} needs a value.`);
      values.set(name, [...(values.get(name) ?? []), value]);
    } else if (['--dry-run', '--no-probe', '--help', '-h'].includes(arg)) {
      flags.add(arg === '-h' ? '--help' : arg);
    } else {
      throw new UsageError(arg.startsWith('-') ? `Unknown option ${arg}.` : `Unexpected argument "${arg}".`);
    }
  }
  const one = (name: string): string | undefined => {
    const v = values.get(name);
    if (v && v.length > 1) throw new UsageError(`${name} is given more than once.`);
    return v?.[0];
  };
  const int = (name: string, min: number): number | undefined => {
    const v = one(name);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`${name} must be a whole number ≥ ${min}, got "${v}".`);
    return Number(v);
  };
  const help = flags.has('--help');
  const from = one('--from');
  const to = one('--to');
  if (!help && !from) throw new UsageError('--from <spec> is required (memory:<dir> or graph:<config.json>).');
  if (!help && !to) throw new UsageError('--to <spec> is required (memory:<dir> or graph:<config.json>).');
  const users = values.get('--users')?.flatMap((v) => v.split(',')).map((u) => u.trim()).filter(Boolean);
  if (values.has('--users') && !users?.length) throw new UsageError('--users names no user.');
  const progress = one('--progress') ?? 'auto';
  if (!['auto', 'bar', 'plain', 'none'].includes(progress)) throw new UsageError(`--progress must be auto, bar, plain or none, got "${progress}".`);
  const initialMs = int('--backoff-initial', 0);
  const maxMs = int('--backoff-max', 0);
  const maxRetries = int('--max-retries', 0);
  return {
    from: from ?? '', to: to ?? '', ...(users ? { users } : {}),
    dryRun: flags.has('--dry-run'),
    ...(one('--journal') !== undefined ? { journal: one('--journal') } : {}),
    ...(one('--report') !== undefined ? { report: one('--report') } : {}),
    concurrency: int('--concurrency', 1) ?? DEFAULT_CONCURRENCY,
    backoff: { ...(initialMs !== undefined ? { initialMs } : {}), ...(maxMs !== undefined ? { maxMs } : {}), ...(maxRetries !== undefined ? { maxRetries } : {}) },
    progress: progress as CopyArgs['progress'],
    probe: !flags.has('--no-probe'),
    help,
  };
}

// ---- specs ----------------------------------------------------------------------------------

/**
 * The file behind `graph:<config.json>`. Relative paths in it are relative to the file.
 *
 *   { "tenantId": "<GUID>",                                  required
 *     "baseUrl": "https://graph.microsoft.com/v1.0",         optional
 *     "users": ["alice@contoso.com"],                        optional: the users --users defaults to
 *     "auth": { "type": "tokens", "tokensFile": "tokens.json" }          { "<upn>": "<access token>" }
 *           | { "type": "client-credentials", "clientId": "…",
 *               "clientSecretEnv": "VAR" | "clientSecret": "…" | "certificate": { "thumbprintSha256": "…", "privateKeyFile": "key.pem" },
 *               "authority": "…" },                                      the app acts as each user
 *     "retry": { "maxRetries": 3, "delaySeconds": 3 },       optional: the adapter's own 429/503/504 retries
 *     "timeoutMs": 30000 }                                   optional
 */
export interface GraphConfig {
  readonly tenantId: string;
  readonly baseUrl?: string;
  readonly users?: readonly string[];
  readonly auth: GraphAuthConfig;
  readonly retry?: { readonly maxRetries?: number; readonly delaySeconds?: number };
  readonly timeoutMs?: number;
}

export type GraphAuthConfig =
  | { readonly type: 'tokens'; readonly tokensFile: string }
  | {
    readonly type: 'client-credentials'; readonly clientId: string; readonly clientSecret?: string; readonly clientSecretEnv?: string;
    readonly certificate?: { readonly thumbprintSha256: string; readonly privateKeyFile: string; readonly x5c?: string }; readonly authority?: string;
  };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class SpecError extends Error {
  override readonly name = 'SpecError';
}

function keysOnly(obj: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(obj)) if (!allowed.includes(key)) throw new SpecError(`${where}: unknown key "${key}" (allowed: ${allowed.join(', ')}).`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Read and check a graph config file; `where` names the option for messages. */
export function readGraphConfig(file: string, where: string): GraphConfig {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch {
    throw new SpecError(`${where}: cannot read the Graph config file ${file}.`);
  }
  let doc: unknown;
  try { doc = JSON.parse(text); } catch (error) {
    throw new SpecError(`${where}: ${file} is not valid JSON (${(error as Error).message}).`);
  }
  const at = `${where} (${path.basename(file)})`;
  if (!isObject(doc)) throw new SpecError(`${at}: the config must be a JSON object.`);
  keysOnly(doc, ['tenantId', 'baseUrl', 'users', 'auth', 'retry', 'timeoutMs'], at);
  if (typeof doc['tenantId'] !== 'string' || !GUID.test(doc['tenantId'])) throw new SpecError(`${at}: "tenantId" must be the tenant's GUID.`);
  if (doc['baseUrl'] !== undefined && (typeof doc['baseUrl'] !== 'string' || !/^https?:\/\//.test(doc['baseUrl']))) throw new SpecError(`${at}: "baseUrl" must be an http(s) URL.`);
  if (doc['users'] !== undefined && (!Array.isArray(doc['users']) || !doc['users'].every((u) => typeof u === 'string' && u.trim()))) {
    throw new SpecError(`${at}: "users" must be an array of sign-in names.`);
  }
  if (doc['timeoutMs'] !== undefined && !(typeof doc['timeoutMs'] === 'number' && doc['timeoutMs'] > 0)) throw new SpecError(`${at}: "timeoutMs" must be a positive number.`);
  const retry = doc['retry'];
  if (retry !== undefined) {
    if (!isObject(retry)) throw new SpecError(`${at}: "retry" must be an object.`);
    keysOnly(retry, ['maxRetries', 'delaySeconds'], `${at} retry`);
    for (const k of ['maxRetries', 'delaySeconds']) {
      if (retry[k] !== undefined && !(typeof retry[k] === 'number' && retry[k] >= 0)) throw new SpecError(`${at}: "retry.${k}" must be a number ≥ 0.`);
    }
  }
  const auth = doc['auth'];
  if (!isObject(auth)) throw new SpecError(`${at}: "auth" is required: { "type": "tokens", … } or { "type": "client-credentials", … }.`);
  if (auth['type'] === 'tokens') {
    keysOnly(auth, ['type', 'tokensFile'], `${at} auth`);
    if (typeof auth['tokensFile'] !== 'string') throw new SpecError(`${at}: "auth.tokensFile" must name a JSON file of { "<upn>": "<token>" }.`);
  } else if (auth['type'] === 'client-credentials') {
    keysOnly(auth, ['type', 'clientId', 'clientSecret', 'clientSecretEnv', 'certificate', 'authority'], `${at} auth`);
    if (typeof auth['clientId'] !== 'string' || !auth['clientId']) throw new SpecError(`${at}: "auth.clientId" is required.`);
    const given = ['clientSecret', 'clientSecretEnv', 'certificate'].filter((k) => auth[k] !== undefined);
    if (given.length !== 1) throw new SpecError(`${at}: give exactly one of "auth.clientSecret", "auth.clientSecretEnv" and "auth.certificate".`);
    const cert = auth['certificate'];
    if (cert !== undefined && (!isObject(cert) || typeof cert['thumbprintSha256'] !== 'string' || typeof cert['privateKeyFile'] !== 'string')) {
      throw new SpecError(`${at}: "auth.certificate" needs "thumbprintSha256" and "privateKeyFile".`);
    }
  } else {
    throw new SpecError(`${at}: "auth.type" must be "tokens" or "client-credentials".`);
  }
  return doc as unknown as GraphConfig;
}

/** The provider a spec names. `role` is "--from" or "--to" (for messages); a source is never written. */
export function providerFor(spec: string, role: string, options: { cwd: string; env: Readonly<Record<string, string | undefined>>; readOnly: boolean }): BackendProvider {
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
    const file = path.resolve(options.cwd, rest);
    const config = readGraphConfig(file, where);
    const base = path.dirname(file);
    const common = {
      tenantId: config.tenantId, ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}), ...(config.users ? { users: config.users } : {}),
      ...(config.retry ? { retry: config.retry } : {}), ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
    };
    const auth = config.auth;
    if (auth.type === 'tokens') {
      const tokensFile = path.resolve(base, auth.tokensFile);
      let tokens: unknown;
      try { tokens = JSON.parse(fs.readFileSync(tokensFile, 'utf8')); } catch {
        throw new SpecError(`${where}: cannot read the tokens file ${tokensFile} (a JSON object { "<upn>": "<access token>" }).`);
      }
      if (!isObject(tokens) || !Object.values(tokens).every((t) => typeof t === 'string')) throw new SpecError(`${where}: ${tokensFile} must be a JSON object { "<upn>": "<access token>" }.`);
      const byUser = new Map(Object.entries(tokens as Record<string, string>).map(([u, t]) => [u.toLowerCase(), t]));
      return graphProvider({
        ...common,
        tokenFor: (user) => {
          const token = byUser.get(user.toLowerCase());
          if (!token) throw new GraphAuthError(`no token for ${user} in ${path.basename(tokensFile)}`, 'no-account');
          return token;
        },
      });
    }
    let secret: { clientSecret: string } | { clientCertificate: { thumbprintSha256: string; privateKey: string; x5c?: string } };
    if (auth.clientSecretEnv !== undefined) {
      const value = options.env[auth.clientSecretEnv];
      if (!value) throw new SpecError(`${where}: the environment variable ${auth.clientSecretEnv} (auth.clientSecretEnv) is not set.`);
      secret = { clientSecret: value };
    } else if (auth.clientSecret !== undefined) {
      secret = { clientSecret: auth.clientSecret };
    } else {
      const cert = auth.certificate!;
      const keyFile = path.resolve(base, cert.privateKeyFile);
      let privateKey: string;
      try { privateKey = fs.readFileSync(keyFile, 'utf8'); } catch { throw new SpecError(`${where}: cannot read the private key ${keyFile}.`); }
      secret = { clientCertificate: { thumbprintSha256: cert.thumbprintSha256, privateKey, ...(cert.x5c ? { x5c: cert.x5c } : {}) } };
    }
    return graphProvider({
      ...common,
      auth: (user) => new ClientCredentialsAuth({
        clientId: auth.clientId, tenantId: config.tenantId, actAs: user, ...secret, ...(auth.authority ? { authority: auth.authority } : {}),
      }),
    });
  }
  throw new SpecError(`${where}: unknown backend "${scheme || spec}": expected memory:<dir> or graph:<config.json>.`);
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
  let args: CopyArgs;
  let from: BackendProvider;
  let to: BackendProvider;
  try {
    args = parseCopyArgs(argv);
    if (args.help) { io.stdout.write(COPY_USAGE); return EXIT.OK; }
    from = providerFor(args.from, '--from', { cwd, env, readOnly: true });
    to = providerFor(args.to, '--to', { cwd, env, readOnly: args.dryRun });
    if (!args.users && !from.users) throw new UsageError(`--users is required: ${args.from} cannot list its users (add "users" to its config).`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof SpecError) {
      io.stderr.write(`imessenger migrate copy: ${error.message}\n${error instanceof UsageError ? 'Run with --help for the options.\n' : ''}`);
      return EXIT.USAGE;
    }
    throw error;
  }

  const journalFile = path.resolve(cwd, args.journal ?? DEFAULT_JOURNAL);
  let journal: Journal | undefined;
  try {
    // A dry run reads the journal (to show what earlier runs did) but never creates or writes it.
    if (!args.dryRun || fs.existsSync(journalFile)) journal = Journal.open(journalFile, { readOnly: args.dryRun });
  } catch (error) {
    io.stderr.write(`imessenger migrate copy: --journal ${journalFile}: ${(error as Error).message}\n`);
    return EXIT.USAGE;
  }

  const mode = args.progress === 'auto' ? (io.stderr.isTTY ? 'bar' : 'plain') : args.progress;
  const progress = mode === 'none' ? undefined : createProgress({ stream: io.stderr, tty: mode === 'bar' });
  let report;
  try {
    report = await copyUsers({
      from, to, ...(args.users ? { users: args.users } : {}), dryRun: args.dryRun, ...(journal ? { journal } : {}),
      concurrency: args.concurrency, backoff: args.backoff, probe: args.probe,
      endpoints: { from: normalSpec(args.from, cwd), to: normalSpec(args.to, cwd) },
      ...(progress ? { onProgress: (s) => progress.update(s) } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
    });
  } catch (error) {
    io.stderr.write(`imessenger migrate copy: ${(error as Error).message}\n`);
    return error instanceof JournalError ? EXIT.USAGE : EXIT.FAILED;
  } finally {
    journal?.close();
  }
  progress?.finish({
    stepsDone: report.users.reduce((n, u) => n + u.items.length, 0), stepsTotal: report.users.reduce((n, u) => n + u.items.length, 0),
    usersDone: report.users.filter((u) => u.status !== 'incomplete').length, usersPlanned: report.users.length, usersTotal: report.users.length,
    failures: report.totals.failed + report.users.filter((u) => u.error).length, throttles: report.totals.throttles, elapsedMs: report.durationMs,
  });

  if (args.dryRun) io.stdout.write(renderPlan(report));
  const prefix = args.report ?? (args.dryRun ? undefined : DEFAULT_REPORT);
  if (prefix !== undefined) {
    const written = writeReport(report, path.resolve(cwd, prefix));
    io.stdout.write(`Report: ${written.markdown} and ${written.json}\n`);
  }
  io.stdout.write(`${renderSummary(report)}\n`);
  if (!args.dryRun) io.stdout.write(`Journal: ${journalFile}${hasFailures(report) || report.aborted ? ' (run the same command again to retry or finish)' : ''}\n`);
  if (report.aborted) return EXIT.STOPPED;
  return hasFailures(report) ? EXIT.FAILED : EXIT.OK;
}
