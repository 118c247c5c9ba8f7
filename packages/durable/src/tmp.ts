/**
 * Temporary files of atomic saves (write a temporary file, fsync, rename over the real one): a save
 * killed before its rename leaves one behind. They are named after the file and the writer's pid,
 * so the next start can tell a dead writer's leftovers from a save under way.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isProcessAlive } from './process';

/** A temporary file for an atomic save of `file`: `<file>.<pid>.<random>.tmp`, in the same folder (so the rename is atomic). */
export function tmpFileFor(file: string): string {
  return `${path.resolve(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Remove the leftover temporary files of `file` whose writer is dead: `<file>.<pid>.tmp`,
 * `<file>.<pid>.<anything>.tmp` and the hidden `.<name>.<pid>[.<anything>].tmp` form. A file whose
 * writer pid still runs on this host is kept (it may be a save under way). Call it holding the
 * file's lock, so no writer that respects the lock is between its write and its rename. Returns
 * the paths removed.
 */
export function cleanTmpFiles(file: string): string[] {
  const absolute = path.resolve(file);
  const dir = path.dirname(absolute);
  const pattern = new RegExp(`^\\.?${escapeRegExp(path.basename(absolute))}\\.(\\d+)(?:\\.[A-Za-z0-9_-]+)?\\.tmp$`);
  let names: string[];
  try { names = fs.readdirSync(dir); } catch { return []; }
  const removed: string[] = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match || isProcessAlive(Number(match[1]))) continue;
    const leftover = path.join(dir, name);
    try {
      fs.rmSync(leftover, { force: true });
      removed.push(leftover);
    } catch { /* another cleaner was first, or not ours to remove */ }
  }
  return removed;
}
