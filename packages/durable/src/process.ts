/**
 * Who a process is, and whether it still runs: what a lock's holder record carries, and how a lock
 * or a temporary file left by a killed process is recognised as such.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { threadId } from 'node:worker_threads';

/** Linux: a process's start time (clock ticks since boot, field 22 of /proc/<pid>/stat), which tells a reused pid from the original; undefined elsewhere. */
export function processStart(pid: number): string | undefined {
  const stat = procStat(pid);
  return stat?.[19];
}

/** The fields of /proc/<pid>/stat after the command name (state first), or undefined without /proc. */
function procStat(pid: number): string[] | undefined {
  if (process.platform !== 'linux') return undefined;
  let text: string;
  try { text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { return undefined; }
  // The command name is in parentheses and may itself contain spaces or parentheses.
  return text.slice(text.lastIndexOf(')') + 2).trim().split(' ');
}

/** This process, as a lock holder names it. */
export const SELF = {
  pid: process.pid,
  hostname: os.hostname(),
  threadId,
  start: processStart(process.pid),
} as const;

/**
 * Whether a process of this host runs: `kill(pid, 0)` (only ESRCH is dead: EPERM runs as another user), a zombie
 * counts as dead, and on Linux a pid whose start time differs from `start` was reused by another
 * process (the original is dead).
 */
export function isProcessAlive(pid: number, start?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // Only "no such process" is dead; EPERM (another user's) or a refused signal (a sandbox) is not known to be.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const stat = procStat(pid);
  if (stat) {
    if (stat[0] === 'Z' || stat[0] === 'X') return false;
    if (start !== undefined && stat[19] !== start) return false;
  }
  return true;
}
