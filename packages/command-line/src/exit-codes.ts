/**
 * The exit codes of every `imessenger` command: one table, printed at the end of every --help and
 * in packages/cli/README.md. A scheduler tells "it failed" (1) from "it was called wrongly" (2) and
 * from the limits (124, 134) without reading the text.
 *
 * - 124 is GNU timeout(1)'s code (WSH's //T:nn exited with 1, which here means a failure);
 * - 130 is a shell's code for a command ended by Ctrl-C (128 + SIGINT);
 * - 134 is what `node` exits with when V8 runs out of heap (128 + SIGABRT).
 */

export const EXIT = {
  /** Done; `migrate report` found no mismatch it was told to fail on. */
  OK: 0,
  /** Something failed: an uncaught script error, a copy step, a repair, a retry, mismatches under --fail-on-mismatch. */
  FAILED: 1,
  /** A usage error: the command line, or a file it names, is wrong. */
  USAGE: 2,
  /** `run --timeout` ended the script. */
  TIMEOUT: 124,
  /** Stopped by Ctrl-C (`migrate copy`: the next run finishes the work). */
  STOPPED: 130,
  /** `run --max-memory` ended the script. */
  MEMORY: 134,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The table's rows: the code (as printed) and when a command exits with it. */
export const EXIT_CODES: readonly (readonly [code: string, when: string])[] = [
  ['0', 'done (run: the script ended, or called WScript.Quit(0))'],
  ['1', 'failed: an uncaught script error; a copy step, repair or retry that failed; mismatches with --fail-on-mismatch'],
  ['2', 'usage: an unknown option or command, a missing or bad value, a file named on the command line that is missing or invalid (script, seed, config, spec); a copy journal another copy holds'],
  ['124', 'run: --timeout ended the script'],
  ['130', 'migrate copy: stopped by Ctrl-C (run it again to finish)'],
  ['134', 'run: --max-memory ended the script'],
  ['n', 'run: the script called WScript.Quit(n)'],
];
