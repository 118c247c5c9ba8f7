/**
 * The retry queue of dual-write: writes the secondary backend refused, kept until a retry applies
 * them. The file form is durable and shared by processes: an entry is appended and fsync'd before
 * the caller's write returns, and a retry pass settles what it applied with a read-modify-write of
 * the file that keeps every entry appended meanwhile, replacing the file atomically (temporary
 * file, fsync, rename, fsync of the folder). Both hold the file's lock (`<file>.lock`, waiting at
 * most QUEUE_LOCK's timeout for it), so an enqueuer in another process never appends to a file a
 * retry pass is about to replace: no acknowledged entry is lost.
 */
import type { MISTATUS, MUASORT } from '@imessenger/contract';
import { type LockPolicy, wait } from '@imessenger/durable';
import type { Side } from './config';
import type { FailedResult } from './normalize';
import { appendJsonLines, readJsonLines, rewriteJsonLines } from './json-lines';

/** The queue file's lock policy: wait (each append and each settle holds it for milliseconds). */
export const QUEUE_LOCK: LockPolicy = wait('dual-write queue', 10_000);

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
  /**
   * Read-modify-write the queue (after a retry pass): `change` gets the entries as they are now,
   * entries other writers added since included, and returns what stays; durable when this resolves.
   */
  update(change: (entries: QueuedWrite[]) => readonly QueuedWrite[]): Promise<void>;
  /**
   * Replace the whole queue; durable when this resolves. Entries another writer added since they
   * were read are replaced too: a retry pass uses `update`.
   */
  replace(entries: readonly QueuedWrite[]): Promise<void>;
}

export function memoryWriteQueue(): WriteQueue & { readonly entries: QueuedWrite[] } {
  const entries: QueuedWrite[] = [];
  return {
    entries,
    async pending() { return [...entries]; },
    async enqueue(entry) { entries.push(entry); },
    async update(change) { entries.splice(0, entries.length, ...change([...entries])); },
    async replace(next) { entries.splice(0, entries.length, ...next); },
  };
}

/**
 * A durable JSON-lines queue file, shared safely by processes (every change holds the file's
 * lock). Operations within one process are also serialised.
 */
export function fileWriteQueue(file: string, policy: LockPolicy = QUEUE_LOCK): WriteQueue & { readonly file: string } {
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(body: () => T | Promise<T>): Promise<T> => {
    const next = chain.then(body, body);
    chain = next.catch(() => undefined);
    return next;
  };
  return {
    file,
    pending: () => serial(() => readQueue(file)),
    enqueue: (entry) => serial(() => appendJsonLines(file, [entry], policy)),
    update: (change) => serial(async () => { await rewriteJsonLines<QueuedWrite>(file, 'queue entry', policy, change); }),
    replace: (entries) => serial(async () => { await rewriteJsonLines<QueuedWrite>(file, 'queue entry', policy, () => entries); }),
  };
}

/** The entries of a queue file; a torn last line (crash mid-append: never acknowledged) is ignored. */
export function readQueue(file: string): QueuedWrite[] {
  return readJsonLines<QueuedWrite>(file, 'queue entry');
}
