/**
 * `imessenger migrate <command> …`: the one entry the CLI calls, for the data copy (copy-command.ts)
 * and the routing half's commands (routes-command.ts). Each command parses its own options from its
 * CommandSpec; this file only picks the command, and answers `migrate --help` with the list.
 */
import { EXIT, defineCommand, formatHelp, parseCommandLine, UsageError, usageErrorText } from '@imessenger/command-line';
import { type CopyCommandIo, copyCommand } from './copy-command';
import { migrateReconcileCommand, migrateReportCommand, migrateRetryCommand, migrateRoutesCommand } from './routes-command';

/** The migrate commands, each with what `imessenger migrate --help` says of it. */
export const MIGRATE_COMMANDS = {
  copy: { run: copyCommand, synopsis: '--from <spec> --to <spec> [options]', summary: 'Copy each user\'s contact list, groups and settings from one backend to another; safe to run again.' },
  routes: { run: migrateRoutesCommand, synopsis: '--config <file> --user <name>', summary: 'Print where each capability is served from for one user, in which mode, and why.' },
  report: { run: migrateReportCommand, synopsis: '--mismatches <file>', summary: 'Summarise the shadow mismatches recorded in a JSON-lines file.' },
  reconcile: { run: migrateReconcileCommand, synopsis: '--old-seed|--old-state <f> --new-seed|--new-state <f> …', summary: 'Make the secondary equal to the primary (in-memory backends from seed or state files).' },
  retry: { run: migrateRetryCommand, synopsis: '--queue <file> --old-…  --new-…', summary: 'Apply the dual-write retry queue.' },
} as const;

export type MigrateCommandName = keyof typeof MIGRATE_COMMANDS;

const names = Object.keys(MIGRATE_COMMANDS) as MigrateCommandName[];

export const MIGRATE_SPEC = defineCommand({
  name: 'migrate',
  synopsis: `${names.join('|')} [options]`,
  description: 'Moves a Messenger deployment to another backend: copy the data over, route capabilities by user cohort (shadow reads, dual writes), check and repair.',
  options: {},
  positionals: { max: 1 },
  sections: [{
    title: 'Commands',
    rows: names.map((name) => [name, MIGRATE_COMMANDS[name].summary] as const),
    text: 'Run "imessenger migrate <command> --help" for its options.',
  }],
});

/** `imessenger migrate --help`. */
export const MIGRATE_USAGE = formatHelp(MIGRATE_SPEC);

const isCommand = (name: string): name is MigrateCommandName => Object.hasOwn(MIGRATE_COMMANDS, name);

/** Run `imessenger migrate <command> …` (argv from the command on; a leading "migrate" is accepted). */
export async function migrateCommand(argv: readonly string[], io: CopyCommandIo): Promise<number> {
  const args = argv[0] === 'migrate' ? argv.slice(1) : argv;
  const [command, ...rest] = args;
  if (command !== undefined && isCommand(command)) return MIGRATE_COMMANDS[command].run(rest, io);
  if (command === 'help') return migrateCommand(rest.length ? [...rest, '--help'] : ['--help'], io);
  try {
    if (parseCommandLine(MIGRATE_SPEC, args).help) {
      io.stdout.write(MIGRATE_USAGE);
      return EXIT.OK;
    }
    throw new UsageError(command === undefined
      ? `missing command: expected one of ${names.join(', ')}`
      : `unknown command "migrate ${command}" (the commands: ${names.join(', ')})`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(usageErrorText(error.message, 'migrate'));
    return EXIT.USAGE;
  }
}

/** The name `imessenger migrate routes|report|reconcile|retry` had before copy joined: the same dispatcher. */
export const routesCommand = migrateCommand;
