/**
 * JSON-lines files shared by several processes (the dual-write queue, the mismatch store): one
 * reader, one locked append, one locked read-modify-write. Every change holds the file's lock
 * (`<file>.lock`, @imessenger/durable, waiting a bounded time for it), so writers in other
 * processes never interleave with it or lose their lines to it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type LockPolicy, cleanTmpFiles, tmpFileFor, withFileLock } from '@imessenger/durable';

/**
 * The records of a JSON-lines file (an absent file has none). Only the last line can be torn by a
 * crash mid-append (never acknowledged): it is ignored; a bad line before it is a damaged file.
 */
export function readJsonLines<T>(file: string, what: string): T[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const lines = text.split('\n');
  const records: T[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line) as T);
    } catch (error) {
      if (lines.slice(i + 1).some((l) => l.trim() !== '')) {
        throw new Error(`${file}:${i + 1}: damaged ${what} (${error instanceof Error ? error.message : String(error)})`);
      }
    }
  });
  return records;
}

/**
 * Append records as lines, durable when this resolves: under the file's lock, a torn last line (a
 * writer killed mid-append: never acknowledged) is cut off first — else the new line would be glued
 * to it and lost with it — then the lines are written with one write and fsync'd (the folder too
 * when the file is new).
 */
export async function appendJsonLines(file: string, records: readonly unknown[], policy: LockPolicy): Promise<void> {
  if (records.length === 0) return;
  const text = Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await withFileLock(file, policy, () => {
    const existed = fs.existsSync(file);
    const fd = fs.openSync(file, 'a+', 0o600);
    try {
      const whole = wholeLinesEnd(fd);
      if (whole !== undefined) {
        fs.ftruncateSync(fd, whole);
        fs.fsyncSync(fd);
      }
      for (let written = 0; written < text.length;) written += fs.writeSync(fd, text, written, text.length - written);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (!existed) syncDirectory(file);
  });
}

/** Where the whole lines of an open file end, when it ends in a partial line (undefined: it ends in a newline or is empty). */
function wholeLinesEnd(fd: number): number | undefined {
  const size = fs.fstatSync(fd).size;
  if (size === 0) return undefined;
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  let first = true;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const read = fs.readSync(fd, chunk, 0, end - start, start);
    const at = chunk.subarray(0, read).lastIndexOf(0x0a);
    if (first && at === read - 1) return undefined;
    first = false;
    if (at >= 0) return start + at + 1;
    end = start;
  }
  return 0;
}

/**
 * Read-modify-write under the file's lock: `change` gets the records as they are now (whatever
 * other processes appended meanwhile included) and returns the new list, which replaces the file
 * atomically (temporary file, fsync, rename, fsync of the folder). Leftover temporary files of
 * killed rewrites are removed first.
 */
export async function rewriteJsonLines<T>(
  file: string, what: string, policy: LockPolicy, change: (records: T[]) => readonly T[],
): Promise<readonly T[]> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return withFileLock(file, policy, () => {
    cleanTmpFiles(file);
    const next = change(readJsonLines<T>(file, what));
    writeAtomically(file, next.map((r) => `${JSON.stringify(r)}\n`).join(''));
    return next;
  });
}

function writeAtomically(file: string, text: string): void {
  const temporary = tmpFileFor(file);
  const fd = fs.openSync(temporary, 'w', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
  syncDirectory(file);
}

function syncDirectory(file: string): void {
  try {
    const dirFd = fs.openSync(path.dirname(path.resolve(file)), 'r');
    try { fs.fsyncSync(dirFd); } finally { fs.closeSync(dirFd); }
  } catch {
    // Some platforms (Windows) cannot open a folder for fsync; the rename is still atomic there.
  }
}
