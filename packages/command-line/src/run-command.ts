/**
 * A command from its spec to its exit code, the same way for every one: parse (parse.ts); `--help`
 * prints the help (help.ts) on stdout and exits 0; a UsageError (or what `usageErrors` says is
 * one: a bad config file, say) is printed in the one error style and exits 2; any other error is a
 * failure, `imessenger: <message>`, exit 1.
 */
import { UsageError, failureText, messageOf, usageErrorText } from './errors';
import { EXIT } from './exit-codes';
import { formatHelp } from './help';
import { type CommandLine, type CommandSpec, type OptionSpecs, parseCommandLine } from './parse';

export interface CommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

export interface RunCommandOptions {
  /** Errors other than UsageError that are the command line's fault (exit 2): a missing or invalid file it names. */
  readonly usageErrors?: (error: unknown) => boolean;
}

export async function runCommand<O extends OptionSpecs>(
  spec: CommandSpec<O>, argv: readonly string[], io: CommandIo, body: (line: CommandLine<O>) => number | Promise<number>,
  options: RunCommandOptions = {},
): Promise<number> {
  try {
    const line = parseCommandLine(spec, argv);
    if (line.help) {
      io.stdout.write(formatHelp(spec as unknown as CommandSpec));
      return EXIT.OK;
    }
    return await body(line);
  } catch (error) {
    if (error instanceof UsageError || options.usageErrors?.(error)) {
      io.stderr.write(usageErrorText(messageOf(error), error instanceof UsageError && error.command ? error.command : spec.name));
      return EXIT.USAGE;
    }
    io.stderr.write(failureText(messageOf(error)));
    return EXIT.FAILED;
  }
}
