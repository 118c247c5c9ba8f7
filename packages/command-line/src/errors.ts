/**
 * The one error style of every `imessenger` command, on stderr:
 *
 *   imessenger: <what is wrong>
 *   Run "imessenger <command> --help" for usage.      (usage errors only; exit code 2)
 *
 * A failure that is not the command line's (exit code 1) is the first line alone.
 */

/** A mistake on the command line (or in a file it names); `command` is the one whose --help to suggest. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(message: string, readonly command: string = '') {
    super(message);
  }
}

/** The text of a usage error (exit code 2). */
export function usageErrorText(message: string, command: string): string {
  return `imessenger: ${message}\nRun "imessenger${command ? ` ${command}` : ''} --help" for usage.\n`;
}

/** The text of a failure (exit code 1). */
export function failureText(message: string): string {
  return `imessenger: ${message}\n`;
}

/** An error's message, whatever was thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
