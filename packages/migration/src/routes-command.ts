/**
 * `imessenger migrate routes | report | reconcile | retry`: the routing half's commands, each a
 * CommandSpec parsed and answered the one way every imessenger command is (@imessenger/command-line:
 * node:util parseArgs, strict; --help; `imessenger: <what>` and exit code 2 for usage errors, 1 for
 * failures).
 *
 * reconcile and retry run on in-memory backends loaded from seed files (changes are lost) or state
 * files (changes are saved): the way to rehearse a repair before running it against real backends
 * from code. Paths are relative to `io.cwd` (default: the process's).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type CommandIo, EXIT, UsageError, defineCommand, runCommand } from '@imessenger/command-line';
import type { BackendPorts } from '@imessenger/contract';
import { memoryBackend } from '@imessenger/adapter-memory';
import { explainCohort } from './cohort';
import { type MigrationConfig, MigrationConfigError, type Side, activeConfig, cohortFor, loadMigrationConfig, routesFor, withStage } from './config';
import { retryQueue } from './dual-write';
import { fileWriteQueue } from './dual-write-queue';
import { formatSummary, readMismatches, summarise } from './mismatch-store';
import { writeMismatchHtml } from './report-html';
import { RECONCILABLE, type ReconcilableCapability, type ReconcileReport, formatReconcileReport, reconcile } from './reconcile';
import { ROUTABLE_CAPABILITIES } from './routing-methods';

export type { CommandIo } from '@imessenger/command-line';

/** What the routing commands get besides their streams. */
export interface RoutingCommandIo extends CommandIo {
  /** Relative paths are resolved against this (default process.cwd()). */
  readonly cwd?: string;
}

const JSON_OPTION = { type: 'boolean', help: 'Print the result as JSON on stdout (instead of the text).' } as const;
const SIDE_OPTIONS = {
  'old-seed': { type: 'string', value: 'file.json', help: 'The old side: the in-memory backend on this seed (changes are not kept).' },
  'old-state': { type: 'string', value: 'file', help: 'The old side: the in-memory backend on this state file (changes are saved).' },
  'new-seed': { type: 'string', value: 'file.json', help: 'The new side, as --old-seed.' },
  'new-state': { type: 'string', value: 'file', help: 'The new side, as --old-state.' },
} as const;

export const ROUTES_SPEC = defineCommand({
  name: 'migrate routes',
  synopsis: '--config <file> --user <name> [--stage <name>] [--json]',
  description: 'Prints where each capability is served from for one user, in which mode, and why (the user\'s cohort).',
  options: {
    config: { type: 'string', value: 'file', help: 'The migration config (.yaml, .yml or .json).' },
    user: { type: 'string', value: 'name', help: 'The user\'s sign-in name.' },
    stage: { type: 'string', value: 'name', help: 'This stage of the config\'s plan instead of its `stage`.' },
    json: JSON_OPTION,
  },
});

export const REPORT_SPEC = defineCommand({
  name: 'migrate report',
  synopsis: '--mismatches <file> [--examples <n>] [--fail-on-mismatch] [--json] [--html <file>]',
  description: 'Summarises the shadow mismatches recorded in a JSON-lines file: counts per capability and member, the most frequent differences, the first examples.',
  options: {
    mismatches: { type: 'string', value: 'file', help: 'The mismatch file (the config\'s shadow.mismatches, or run\'s --mismatches).' },
    examples: { type: 'string', value: 'n', help: 'Examples shown per member (default 3).' },
    'fail-on-mismatch': { type: 'boolean', help: 'Exit with 1 when there is any mismatch (in CI: fail while the backends differ).' },
    json: JSON_OPTION,
    html: { type: 'string', value: 'file', help: 'Also write the summary as a page with charts to this file.' },
  },
});

export const RECONCILE_SPEC = defineCommand({
  name: 'migrate reconcile',
  synopsis: [
    '(--old-seed <f> | --old-state <f>) (--new-seed <f> | --new-state <f>)',
    '    (--source old|new | --config <file> --user <name>) [--capabilities a,b] [--dry-run] [--keep-extras] [--json]',
  ],
  description: 'Makes the secondary equal to the primary, capability by capability, on in-memory backends from seed or state files: the rehearsal of a repair (against real backends, call reconcile() or routing.reconcile() from code).',
  options: {
    ...SIDE_OPTIONS,
    source: { type: 'string', value: 'old|new', help: 'The side that is the truth, for every capability.' },
    config: { type: 'string', value: 'file', help: 'Or: each capability\'s truth is its route for --user in this migration config.' },
    user: { type: 'string', value: 'name', help: 'With --config: whose routes decide.' },
    stage: { type: 'string', value: 'name', help: 'With --config: this stage of its plan.' },
    capabilities: { type: 'string', value: 'a,b', help: `What to reconcile (default all: ${RECONCILABLE.join(',')}).` },
    'dry-run': { type: 'boolean', help: 'Print what would change; change nothing.' },
    'keep-extras': { type: 'boolean', help: 'Keep the contacts, groups and members only the secondary has.' },
    json: JSON_OPTION,
  },
});

export const RETRY_SPEC = defineCommand({
  name: 'migrate retry',
  synopsis: '--queue <file> (--old-seed <f> | --old-state <f>) (--new-seed <f> | --new-state <f>) [--user <name>] [--json]',
  description: 'Applies the dual-write retry queue (the writes a secondary refused), oldest first, on in-memory backends from seed or state files.',
  options: {
    queue: { type: 'string', value: 'file', help: 'The queue file (the config\'s dualWrite.queue, {user} replaced).' },
    ...SIDE_OPTIONS,
    user: { type: 'string', value: 'name', help: 'Only this user\'s writes.' },
    json: JSON_OPTION,
  },
});

/** A bad migration config is the command line's fault: exit 2, as a missing file. */
const usageErrors = (error: unknown): boolean => error instanceof MigrationConfigError;

const required = <T>(value: T | undefined, option: string, what: string): T => {
  if (value === undefined) throw new UsageError(`--${option} <${what}> is required`);
  return value;
};

function loadConfig(file: string, stage: string | undefined): MigrationConfig {
  const config = loadMigrationConfig(file);
  return stage === undefined ? config : withStage(config, stage);
}

// ---- routes --------------------------------------------------------------------------------------

export function migrateRoutesCommand(argv: readonly string[], io: RoutingCommandIo): Promise<number> {
  return runCommand(ROUTES_SPEC, argv, io, ({ values }) => {
    const user = required(values.user, 'user', 'name');
    const config = loadConfig(path.resolve(io.cwd ?? process.cwd(), required(values.config, 'config', 'file')), values.stage);
    const active = activeConfig(config);
    const all = routesFor(config, user);
    const nameOf = (side: Side): string => `${side} (${config[side]})`;
    const cohort = active.cohort ? explainCohort(user, active.cohort) : 'no cohort configured';
    if (values.json) {
      io.stdout.write(`${JSON.stringify({
        user, old: config.old, new: config.new, ...(config.stage ? { stage: config.stage } : {}), cohort,
        inCohort: Object.values(all).some((r) => r.inCohort), routes: all,
      }, null, 2)}\n`);
      return EXIT.OK;
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
    return EXIT.OK;
  }, { usageErrors });
}

// ---- report --------------------------------------------------------------------------------------

export function migrateReportCommand(argv: readonly string[], io: RoutingCommandIo): Promise<number> {
  return runCommand(REPORT_SPEC, argv, io, ({ values }) => {
    const cwd = io.cwd ?? process.cwd();
    const file = path.resolve(cwd, required(values.mismatches, 'mismatches', 'file'));
    const examples = values.examples === undefined ? 3 : Number(values.examples);
    if (!/^\d+$/.test(values.examples ?? '0')) throw new UsageError(`bad --examples value "${values.examples!}": expected a whole number, e.g. --examples 5`);
    if (!fs.existsSync(file)) {
      throw new UsageError(`--mismatches: no such file ${file} (a shadow writes it at its first mismatch)`);
    }
    const summary = summarise(readMismatches(file), { examples });
    io.stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
    if (values.html !== undefined) writeMismatchHtml(summary, path.resolve(cwd, values.html), { source: file });
    return values['fail-on-mismatch'] && summary.total > 0 ? EXIT.FAILED : EXIT.OK;
  }, { usageErrors });
}

// ---- in-memory backends from files ---------------------------------------------------------------

type SideValues = { readonly [K in keyof typeof SIDE_OPTIONS]?: string };

async function memorySide(values: SideValues, side: Side, cwd: string): Promise<{ ports: BackendPorts; close(): Promise<void> }> {
  const seedOption = `${side}-seed` as const;
  const stateOption = `${side}-state` as const;
  const seedFile = values[seedOption] === undefined ? undefined : path.resolve(cwd, values[seedOption]);
  const stateFile = values[stateOption] === undefined ? undefined : path.resolve(cwd, values[stateOption]);
  if ((seedFile === undefined) === (stateFile === undefined)) throw new UsageError(`give exactly one of --${seedOption} and --${stateOption}`);
  const backend = seedFile !== undefined
    ? memoryBackend({ seed: readJsonFile(seedFile, `--${seedOption}`), seedFile })
    : memoryBackend({ stateFile: stateFile! });
  const { ports } = backend;
  const wasSignedIn = await ports.session.isSignedIn();
  if (!wasSignedIn) await ports.session.signin({ signinName: '', password: '' });
  return { ports, close: async () => { if (!wasSignedIn) await ports.session.signout(); } };
}

/** A JSON file named by an option; a UsageError naming it otherwise. */
function readJsonFile(file: string, option: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${option}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${option}: ${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function capabilitiesOption(text: string | undefined): ReconcilableCapability[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((c) => c.trim()).filter(Boolean).map((c) => {
    if (!(RECONCILABLE as readonly string[]).includes(c)) throw new UsageError(`--capabilities: unknown "${c}" (allowed: ${RECONCILABLE.join(', ')})`);
    return c as ReconcilableCapability;
  });
}

// ---- reconcile -----------------------------------------------------------------------------------

export function migrateReconcileCommand(argv: readonly string[], io: RoutingCommandIo): Promise<number> {
  return runCommand(RECONCILE_SPEC, argv, io, async ({ values }) => {
    const cwd = io.cwd ?? process.cwd();
    const capabilities = capabilitiesOption(values.capabilities) ?? [...RECONCILABLE];
    const source = values.source;
    if (source !== undefined && source !== 'old' && source !== 'new') throw new UsageError(`bad --source value "${source}": expected old or new`);
    let sourceOf: (c: ReconcilableCapability) => Side;
    if (source !== undefined) {
      sourceOf = () => source;
    } else if (values.config !== undefined) {
      const config = loadConfig(path.resolve(cwd, values.config), values.stage);
      const all = routesFor(config, required(values.user, 'user', 'name'));
      sourceOf = (c) => all[c].backend;
    } else {
      throw new UsageError('say which side is the truth: --source old|new, or --config <file> --user <name> (each capability\'s route)');
    }
    const old = await memorySide(values, 'old', cwd);
    const neu = await memorySide(values, 'new', cwd);
    const sides: Record<Side, BackendPorts> = { old: old.ports, new: neu.ports };
    const reports: ReconcileReport[] = [];
    try {
      for (const capability of capabilities) {
        const from = sourceOf(capability);
        reports.push(await reconcile({
          primary: sides[from], secondary: sides[from === 'old' ? 'new' : 'old'], capabilities: [capability],
          dryRun: values['dry-run'] === true, removeExtras: values['keep-extras'] !== true,
        }));
      }
    } finally {
      await old.close();
      await neu.close();
    }
    const failures = reports.reduce((n, r) => n + r.failures.length, 0);
    if (values.json) io.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    else for (const r of reports) io.stdout.write(`[${r.capabilities.join(', ')} from ${sourceOf(r.capabilities[0] ?? 'directory')}] ${formatReconcileReport(r)}`);
    return failures > 0 ? EXIT.FAILED : EXIT.OK;
  }, { usageErrors });
}

// ---- retry ---------------------------------------------------------------------------------------

export function migrateRetryCommand(argv: readonly string[], io: RoutingCommandIo): Promise<number> {
  return runCommand(RETRY_SPEC, argv, io, async ({ values }) => {
    const cwd = io.cwd ?? process.cwd();
    const queue = fileWriteQueue(path.resolve(cwd, required(values.queue, 'queue', 'file')));
    const old = await memorySide(values, 'old', cwd);
    const neu = await memorySide(values, 'new', cwd);
    try {
      const result = await retryQueue(queue, (side) => (side === 'old' ? old.ports : neu.ports), { ...(values.user !== undefined ? { user: values.user } : {}) });
      if (values.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else io.stdout.write(`Retried ${result.attempted}: ${result.succeeded} applied, ${result.failed} failed, ${result.remaining} still queued\n`);
      return result.failed > 0 ? EXIT.FAILED : EXIT.OK;
    } finally {
      await old.close();
      await neu.close();
    }
  }, { usageErrors });
}
