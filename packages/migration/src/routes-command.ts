/**
 * `imessenger migrate …`: the routing half's commands, for the CLI to dispatch to.
 *
 *   imessenger migrate routes --config <file> --user <name> [--stage <name>] [--json]
 *   imessenger migrate report --mismatches <file> [--examples <n>] [--fail-on-mismatch] [--json]
 *   imessenger migrate reconcile (--old-seed <f> | --old-state <f>) (--new-seed <f> | --new-state <f>)
 *                                (--source old|new | --config <file> --user <name>) [--capabilities a,b] [--dry-run] [--keep-extras] [--json]
 *   imessenger migrate retry --queue <file> (--old-seed|--old-state <f>) (--new-seed|--new-state <f>) [--user <name>] [--json]
 *
 * reconcile and retry run on in-memory backends loaded from seed files (changes are lost) or state
 * files (changes are saved): the way to rehearse a repair before running it against real backends
 * from code. Exit codes: 0 done, 1 failed (bad config, mismatches with --fail-on-mismatch, repairs
 * refused), 2 usage error.
 */
import * as fs from 'node:fs';
import type { BackendPorts } from '@imessenger/contract';
import { memoryBackend } from '@imessenger/adapter-memory';
import { explainCohort } from './cohort';
import { type MigrationConfig, MigrationConfigError, type Side, activeConfig, cohortFor, loadMigrationConfig, routesFor, withStage } from './config';
import { retryQueue } from './dual-write';
import { fileWriteQueue } from './dual-write-queue';
import { formatSummary, readMismatches, summarise } from './mismatch-store';
import { RECONCILABLE, type ReconcilableCapability, type ReconcileReport, formatReconcileReport, reconcile } from './reconcile';
import { portsOf } from './routing';
import { ROUTABLE_CAPABILITIES } from './routing-methods';

export interface CommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

export const MIGRATE_USAGE = `Usage:
  imessenger migrate routes --config <file> --user <name> [--stage <name>] [--json]
      Print where each capability is served from for one user, in which mode, and why.
  imessenger migrate report --mismatches <file> [--examples <n>] [--fail-on-mismatch] [--json]
      Summarise the shadow mismatches recorded in a JSON-lines file.
  imessenger migrate reconcile (--old-seed <f> | --old-state <f>) (--new-seed <f> | --new-state <f>)
                               (--source old|new | --config <file> --user <name>)
                               [--capabilities directory,groups,preferences] [--dry-run] [--keep-extras] [--json]
      Make the secondary equal to the primary (in-memory backends from seed or state files);
      --keep-extras keeps contacts, groups and members only the secondary has.
  imessenger migrate retry --queue <file> (--old-seed <f> | --old-state <f>) (--new-seed <f> | --new-state <f>) [--user <name>] [--json]
      Apply the dual-write retry queue.
`;

class UsageError extends Error {}

interface Parsed { readonly values: Map<string, string>; readonly flags: Set<string> }

function parse(argv: readonly string[], valued: readonly string[], flags: readonly string[]): Parsed {
  const values = new Map<string, string>();
  const set = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const key = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (flags.includes(key) && eq < 0) { set.add(key); continue; }
    if (!valued.includes(key)) throw new UsageError(`unknown option --${key}`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${key} needs a value`);
    values.set(key, value);
  }
  return { values, flags: set };
}

const required = (p: Parsed, key: string): string => {
  const v = p.values.get(key);
  if (v === undefined) throw new UsageError(`--${key} is required`);
  return v;
};

/** Run `imessenger migrate <command> …` (argv from the command on; a leading "migrate" is accepted). */
export async function routesCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const args = argv[0] === 'migrate' ? argv.slice(1) : argv;
  const [command, ...rest] = args;
  try {
    switch (command) {
      case 'routes': return routes(rest, io);
      case 'report': return report(rest, io);
      case 'reconcile': return await reconcileCommand(rest, io);
      case 'retry': return await retryCommand(rest, io);
      case undefined: case '--help': case '-h': case 'help':
        io.stdout.write(MIGRATE_USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`imessenger migrate: ${error.message}\n\n${MIGRATE_USAGE}`);
      return 2;
    }
    io.stderr.write(`imessenger migrate ${command ?? ''}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

function loadConfig(file: string, stage: string | undefined): MigrationConfig {
  const config = loadMigrationConfig(file);
  return stage === undefined ? config : withStage(config, stage);
}

// ---- routes --------------------------------------------------------------------------------------

function routes(argv: readonly string[], io: CommandIo): number {
  const p = parse(argv, ['config', 'user', 'stage'], ['json']);
  const user = required(p, 'user');
  let config: MigrationConfig;
  try {
    config = loadConfig(required(p, 'config'), p.values.get('stage'));
  } catch (error) {
    if (error instanceof MigrationConfigError) { io.stderr.write(`${error.message}\n`); return 1; }
    throw error;
  }
  const active = activeConfig(config);
  const all = routesFor(config, user);
  const nameOf = (side: Side): string => `${side} (${config[side]})`;
  const cohort = active.cohort ? explainCohort(user, active.cohort) : 'no cohort configured';
  if (p.flags.has('json')) {
    io.stdout.write(`${JSON.stringify({
      user, old: config.old, new: config.new, ...(config.stage ? { stage: config.stage } : {}), cohort,
      inCohort: Object.values(all).some((r) => r.inCohort), routes: all,
    }, null, 2)}\n`);
    return 0;
  }
  const rows: string[][] = [['capability', 'served by', 'mode', 'secondary', 'cohort']];
  const notes: string[] = [];
  for (const capability of ROUTABLE_CAPABILITIES) {
    const route = all[capability];
    const listed = active.capabilities?.[capability] !== undefined;
    const own = active.capabilities?.[capability]?.cohort;
    rows.push([capability, nameOf(route.backend), route.mode, route.secondary ? nameOf(route.secondary) : '-', listed ? (route.inCohort ? 'in' : 'out') : '-']);
    if (own) notes.push(`  ${capability} has its own cohort: ${explainCohort(user, cohortFor(config, capability) ?? {})}`);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = [
    `Routes for ${user} (old = ${config.old}, new = ${config.new}${config.stage ? `, stage ${config.stage}` : ''})`,
    `Cohort: ${cohort}`,
    ...notes,
    '',
    ...rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()),
    `${'events'.padEnd(widths[0]!)}  each from the backend of its capability (contact status: presence, list changes: directory, …)`,
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

// ---- report --------------------------------------------------------------------------------------

function report(argv: readonly string[], io: CommandIo): number {
  const p = parse(argv, ['mismatches', 'examples'], ['json', 'fail-on-mismatch']);
  const file = required(p, 'mismatches');
  const examplesText = p.values.get('examples');
  const examples = examplesText === undefined ? 3 : Number(examplesText);
  if (!Number.isInteger(examples) || examples < 0) throw new UsageError(`--examples must be a whole number, got "${examplesText}"`);
  if (!fs.existsSync(file)) { io.stderr.write(`${file}: no such file\n`); return 1; }
  const summary = summarise(readMismatches(file), { examples });
  io.stdout.write(p.flags.has('json') ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
  return p.flags.has('fail-on-mismatch') && summary.total > 0 ? 1 : 0;
}

// ---- in-memory backends from files ---------------------------------------------------------------

async function memorySide(p: Parsed, side: Side): Promise<{ ports: BackendPorts; close(): Promise<void> }> {
  const seedFile = p.values.get(`${side}-seed`);
  const stateFile = p.values.get(`${side}-state`);
  if ((seedFile === undefined) === (stateFile === undefined)) throw new UsageError(`give exactly one of --${side}-seed and --${side}-state`);
  const backend = seedFile !== undefined
    ? memoryBackend({ seed: JSON.parse(fs.readFileSync(seedFile, 'utf8')) as unknown })
    : memoryBackend({ stateFile: stateFile! });
  const { ports } = portsOf(backend);
  const wasSignedIn = await ports.session.isSignedIn();
  if (!wasSignedIn) await ports.session.signin({ signinName: '', password: '' });
  return { ports, close: async () => { if (!wasSignedIn) await ports.session.signout(); } };
}

function capabilitiesOption(p: Parsed): ReconcilableCapability[] | undefined {
  const text = p.values.get('capabilities');
  if (text === undefined) return undefined;
  return text.split(',').map((c) => c.trim()).filter(Boolean).map((c) => {
    if (!(RECONCILABLE as readonly string[]).includes(c)) throw new UsageError(`--capabilities: unknown "${c}" (allowed: ${RECONCILABLE.join(', ')})`);
    return c as ReconcilableCapability;
  });
}

// ---- reconcile -----------------------------------------------------------------------------------

async function reconcileCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const p = parse(argv, ['old-seed', 'old-state', 'new-seed', 'new-state', 'source', 'config', 'user', 'stage', 'capabilities'], ['dry-run', 'keep-extras', 'json']);
  const capabilities = capabilitiesOption(p) ?? [...RECONCILABLE];
  const source = p.values.get('source');
  if (source !== undefined && source !== 'old' && source !== 'new') throw new UsageError(`--source must be old or new, got "${source}"`);
  let sourceOf: (c: ReconcilableCapability) => Side;
  if (source !== undefined) {
    sourceOf = () => source;
  } else if (p.values.has('config')) {
    const config = loadConfig(p.values.get('config')!, p.values.get('stage'));
    const all = routesFor(config, required(p, 'user'));
    sourceOf = (c) => all[c].backend;
  } else {
    throw new UsageError('say which side is the truth: --source old|new, or --config <file> --user <name> (each capability\'s route)');
  }
  const old = await memorySide(p, 'old');
  const neu = await memorySide(p, 'new');
  const sides: Record<Side, BackendPorts> = { old: old.ports, new: neu.ports };
  const reports: ReconcileReport[] = [];
  try {
    for (const capability of capabilities) {
      const from = sourceOf(capability);
      reports.push(await reconcile({
        primary: sides[from], secondary: sides[from === 'old' ? 'new' : 'old'], capabilities: [capability],
        dryRun: p.flags.has('dry-run'), removeExtras: !p.flags.has('keep-extras'),
      }));
    }
  } finally {
    await old.close();
    await neu.close();
  }
  const failures = reports.reduce((n, r) => n + r.failures.length, 0);
  if (p.flags.has('json')) io.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  else for (const r of reports) io.stdout.write(`[${r.capabilities.join(', ')} from ${sourceOf(r.capabilities[0] ?? 'directory')}] ${formatReconcileReport(r)}`);
  return failures > 0 ? 1 : 0;
}

// ---- retry ---------------------------------------------------------------------------------------

async function retryCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const p = parse(argv, ['queue', 'old-seed', 'old-state', 'new-seed', 'new-state', 'user'], ['json']);
  const queue = fileWriteQueue(required(p, 'queue'));
  const old = await memorySide(p, 'old');
  const neu = await memorySide(p, 'new');
  try {
    const result = await retryQueue(queue, (side) => (side === 'old' ? old.ports : neu.ports), { ...(p.values.has('user') ? { user: p.values.get('user')! } : {}) });
    if (p.flags.has('json')) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else io.stdout.write(`Retried ${result.attempted}: ${result.succeeded} applied, ${result.failed} failed, ${result.remaining} still queued\n`);
    return result.failed > 0 ? 1 : 0;
  } finally {
    await old.close();
    await neu.close();
  }
}
