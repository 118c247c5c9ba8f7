/**
 * `imessenger <argv>`: parse, then run; the exit code. Every command answers the same way
 * (@imessenger/command-line): `--help`/`-h`, one error style on stderr (`imessenger: <what>`, plus
 * `Run "imessenger <command> --help" for usage.` after a usage error), one exit-code table
 * (0 done, 1 failed, 2 usage, 124 timeout, 130 stopped, 134 memory; run: the script's WScript.Quit).
 */
import { EXIT, UsageError, usageErrorText } from '@imessenger/command-line';
import { type Command, MAIN_USAGE, parseArgs, SERVE_USAGE, USAGE, version } from './args';
import { runScript } from './run';

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

const processIo: Io = {
  stdout: (text) => { process.stdout.write(text); },
  stderr: (text) => { process.stderr.write(text); },
};

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  let command: Command;
  try {
    command = parseArgs(argv, io.env ?? process.env, io.cwd ?? process.cwd());
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(usageErrorText(e.message, e.command));
    return EXIT.USAGE;
  }
  switch (command.command) {
    case 'version':
      io.stdout(`imessenger ${version()}\n`);
      return EXIT.OK;
    case 'help':
      if (command.of.startsWith('migrate')) return migrate([...command.of.split(' ').slice(1).filter(Boolean), '--help'], io);
      if (command.of.startsWith('graph')) return graph(['--help'], io);
      if (command.of.startsWith('com')) return (require('./com') as typeof import('./com')).comCommand(['--help'], io);
      if (command.of !== '' && command.of !== 'run' && command.of !== 'serve') {
        io.stderr(usageErrorText(`no help for "${command.of}": the commands are run, serve, com, migrate and graph`, ''));
        return EXIT.USAGE;
      }
      io.stdout(`${command.of === 'run' ? USAGE : command.of === 'serve' ? SERVE_USAGE : MAIN_USAGE}\n`);
      return EXIT.OK;
    case 'migrate':
      return migrate(command.argv, io);
    case 'graph':
      return graph(command.argv, io);
    case 'com':
      // Loaded here: only com needs the native server package.
      return (require('./com') as typeof import('./com')).comCommand(command.argv, io);
    case 'serve':
      // Loaded here: only serve needs the daemon.
      return (require('./serve') as typeof import('./serve')).serve(command, io);
    case 'run': {
      const options = {
        file: command.file, backend: command.backend, args: command.args, stdout: io.stdout, stderr: io.stderr,
        ...(command.timeoutMs !== undefined ? { timeoutMs: command.timeoutMs } : {}),
        ...(command.maxMemoryMb !== undefined ? { maxMemoryMb: command.maxMemoryMb } : {}),
      };
      if (!command.isolate) return runScript(options);
      // Loaded here: a plain run needs no child process.
      const { runIsolated } = require('./isolate') as typeof import('./isolate');
      return runIsolated(options);
    }
  }
}

/** `imessenger graph login|whoami|logout|doctor` (graph-command.ts; loaded here, as migrate is). */
function graph(argv: readonly string[], io: Io): Promise<number> {
  const { graphCommand } = require('./graph-command') as typeof import('./graph-command');
  const stream = (write: (text: string) => void, real: NodeJS.WriteStream) =>
    (io === processIo ? real : { write: (text: string) => { write(text); return true; }, isTTY: false });
  return graphCommand(argv, {
    stdout: stream(io.stdout, process.stdout), stderr: stream(io.stderr, process.stderr),
    ...(io.cwd ? { cwd: io.cwd } : {}), ...(io.env ? { env: io.env } : {}),
  });
}

/**
 * `imessenger migrate …`: copy (the data copy) and routes / report / reconcile / retry (phased
 * routing), from @imessenger/migration. Progress bars and the waiting line need a real terminal
 * stream, so the process streams are passed when the caller gave the process's own I/O.
 */
async function migrate(argv: readonly string[], io: Io): Promise<number> {
  // Loaded here, not at the top: it brings the Graph client and MSAL, which `run` does not need.
  const { migrateCommand } = require('@imessenger/migration') as typeof import('@imessenger/migration');
  const stream = (write: (text: string) => void, real: NodeJS.WriteStream) =>
    (io === processIo ? real : { write: (text: string) => { write(text); return true; }, isTTY: false });
  // Ctrl-C stops a copy after the steps in flight (exit code 130; the next run finishes it). The
  // other commands keep Node's default: Ctrl-C ends them at once.
  const controller = new AbortController();
  const stop = () => controller.abort();
  if (argv[0] === 'copy') process.once('SIGINT', stop);
  try {
    return await migrateCommand(argv, {
      stdout: stream(io.stdout, process.stdout), stderr: stream(io.stderr, process.stderr), signal: controller.signal,
      ...(io.cwd ? { cwd: io.cwd } : {}), ...(io.env ? { env: io.env } : {}),
    });
  } finally {
    process.removeListener('SIGINT', stop);
  }
}
