/**
 * The limits an operator puts on a script (`--timeout`, `--max-memory`): their exit codes and the
 * messages that say which one ended the script.
 *
 * WSH's `//T:nn` printed `Script execution time was exceeded on script "…".` and ended the
 * script; the time limit keeps that wording (on stderr). The memory limit, which WSH did not have,
 * is worded the same way. Each has an exit code of its own, so a scheduler can tell a limit from a
 * script error (1) without reading the text:
 *
 * - 124 — the time limit, as GNU timeout(1) (WSH exited with 1, which here means "uncaught error");
 * - 134 — the memory limit: what `node` itself exits with when V8 runs out of heap (128 + SIGABRT),
 *   so wrappers that already treat 134 as "out of memory" keep doing so.
 */

export const TIMEOUT_EXIT_CODE = 124;
export const MEMORY_EXIT_CODE = 134;

/** The longest timeout a timer can wait for (2^31 - 1 ms), in seconds. */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);
/** The smallest heap the script's realm (the shim's host side and the script) starts with. */
export const MIN_MEMORY_MB = 16;

export function timeoutMessage(file: string): string {
  return `Script execution time was exceeded on script "${file}".\nScript execution was terminated.\n`;
}

export function memoryMessage(file: string, megabytes: number): string {
  return `Script execution exceeded the memory limit of ${megabytes} MB on script "${file}".\nScript execution was terminated.\n`;
}
