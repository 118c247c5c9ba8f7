/**
 * The retry queue of dual-write: writes the secondary backend refused, kept until a retry applies
 * them. The file form is durable: an entry is appended and fsync'd before the caller's write
 * returns, and a retry pass replaces the file atomically (temporary file, fsync, rename, fsync of
 * the folder), so a crash at any point leaves either the old queue or the new one, never a mix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MISTATUS, MUASORT } from '@imessenger/contract';
import type { Side } from './config';
import type { FailedResult } from './normalize';
import { readJsonLines } from './json-lines';

/**
 * A write as the secondary must receive it. Group writes name the group (ids differ between
 * backends: the secondary's group is found by name when the write is applied).
 */
export type SecondaryWrite =
  | { readonly capability: 'directory'; readonly member: 'addContact' | 'removeContact'; readonly signinName: string }
  | { readonly capability: 'directory'; readonly member: 'setBlocked'; readonly signinName: string; readonly blocked: boolean }
  | { readonly capability: 'presence'; readonly member: 'setMyStatus'; readonly status: MISTATUS }
  | { readonly capability: 'preferences'; readonly member: 'setSortOrder'; readonly order: MUASORT }
  | { readonly capability: 'groups'; readonly member: 'create'; readonly name: string }
  | { readonly capability: 'groups'; readonly member: 'rename'; readonly group: string; readonly name: string }
  | { readonly capability: 'groups'; readonly member: 'remove'; readonly group: string }
  | { readonly capability: 'groups'; readonly member: 'addMember' | 'removeMember'; readonly group: string; readonly signinName: string };

export interface QueuedWrite {
  readonly id: string;
  /** When the write was first refused (ISO 8601). */
  readonly time: string;
  readonly user?: string;
  /** The backend the write is for. */
  readonly target: Side;
  readonly write: SecondaryWrite;
  /** The last failure. */
  readonly error: FailedResult;
  readonly attempts: number;
  readonly lastAttempt?: string;
}

export interface WriteQueue {
  /** Entries waiting, oldest first. */
  pending(): Promise<QueuedWrite[]>;
  /** Add one entry; durable when this resolves. */
  enqueue(entry: QueuedWrite): Promise<void>;
  /** Replace the whole queue (after a retry pass); durable when this resolves. */
  replace(entries: readonly QueuedWrite[]): Promise<void>;
}

export function memoryWriteQueue(): WriteQueue & { readonly entries: QueuedWrite[] } {
  const entries: QueuedWrite[] = [];
  return {
    entries,
    async pending() { return [...entries]; },
    async enqueue(entry) { entries.push(entry); },
    async replace(next) { entries.splice(0, entries.length, ...next); },
  };
}

/** A durable JSON-lines queue file. Operations within one process are serialised. */
export function fileWriteQueue(file: string): WriteQueue & { readonly file: string } {
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(body: () => T): Promise<T> => {
    const next = chain.then(body, body);
    chain = next.catch(() => undefined);
    return next;
  };
  return {
    file,
    pending: () => serial(() => readQueue(file)),
    enqueue: (entry) => serial(() => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const fd = fs.openSync(file, 'a', 0o600);
      try {
        fs.writeSync(fd, `${JSON.stringify(entry)}\n`);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    }),
    replace: (entries) => serial(() => writeAtomically(file, entries.map((e) => `${JSON.stringify(e)}\n`).join(''))),
  };
}

/** The entries of a queue file; a torn last line (crash mid-append: never acknowledged) is ignored. */
export function readQueue(file: string): QueuedWrite[] {
  return readJsonLines<QueuedWrite>(file, 'queue entry');
}

function writeAtomically(file: string, text: string): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const temporary = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(temporary, 'w', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
  try {
    const dirFd = fs.openSync(dir, 'r');
    try { fs.fsyncSync(dirFd); } finally { fs.closeSync(dirFd); }
  } catch {
    // Some platforms (Windows) cannot open a folder for fsync; the rename is still atomic there.
  }
}
