/**
 * `imessenger <argv>`: parse, then run; the exit code. Usage errors print the problem and a pointer
 * to --help on stderr and give exit code 2.
 */
import { type Command, parseArgs, USAGE, UsageError } from './args';
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
  if (argv[0] === 'migrate') return migrate(argv.slice(1), io);
  let command: Command;
  try {
    command = parseArgs(argv, io.env ?? process.env, io.cwd ?? process.cwd());
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`imessenger: ${e.message}\nRun "imessenger --help" for usage.\n`);
    return 2;
  }
  if (command.command === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  return runScript({ file: command.file, backend: command.backend, args: command.args, stdout: io.stdout, stderr: io.stderr });
}

/**
 * `imessenger migrate …`: copy (the data copy) and routes / report / reconcile / retry (phased
 * routing), from @imessenger/migration. Progress bars need a real terminal stream, so the process
 * streams are passed when the caller gave the process's own I/O.
 */
async function migrate(argv: readonly string[], io: Io): Promise<number> {
  // Loaded here, not at the top: it brings the Graph client and MSAL, which `run` does not need.
  const { copyCommand, routesCommand } = require('@imessenger/migration') as typeof import('@imessenger/migration');
  const stream = (write: (text: string) => void, real: NodeJS.WriteStream) =>
    (io === processIo ? real : { write: (text: string) => { write(text); return true; }, isTTY: false });
  const streams = { stdout: stream(io.stdout, process.stdout), stderr: stream(io.stderr, process.stderr) };
  if (argv[0] === 'copy') {
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    try {
      return await copyCommand(argv.slice(1), { ...streams, signal: controller.signal, ...(io.cwd ? { cwd: io.cwd } : {}), ...(io.env ? { env: io.env } : {}) });
    } finally {
      process.removeListener('SIGINT', stop);
    }
  }
  return routesCommand(argv, streams);
}
