/**
 * The copy's durable journal: an append-only JSON Lines file. Every record is written with one
 * `fs.writeSync` and made durable with `fs.fsyncSync` before the step it describes goes on: an
 * `intent` record before a write to the target, a `done` record once the target has acknowledged it
 * (or `failed`, with the reason). Opening the journal replays it, so a rerun knows which steps are
 * done and which were in flight when the process died (intent without done: look at the target
 * before doing it again). A process killed while writing can leave a torn last line; it is ignored
 * on reading and cut off before the next append.
 *
 * One run at a time: a journal opened for writing is locked (`<file>.lock`, @imessenger/durable)
 * until it is closed, and a second opening — another copy on the same journal — is refused with an
 * error naming the holder (pid, host, since). Two copies working from one journal would each plan
 * from what the other had not yet written, and make every group twice on a target that does not
 * deduplicate (Teams group chats). A killed copy's lock is recovered by the next run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileLockedError, type LockPolicy, type ReleaseSync, lockFileSync, refuse } from '@imessenger/durable';

export type JournalOutcome = 'created' | 'present' | 'skipped';

export type JournalRecord =
  | { readonly v: 1; readonly type: 'run'; readonly at: string; readonly from: string; readonly to: string; readonly pid: number }
  | { readonly v: 1; readonly type: 'intent'; readonly at: string; readonly user: string; readonly step: string }
  | { readonly v: 1; readonly type: 'done'; readonly at: string; readonly user: string; readonly step: string; readonly outcome: JournalOutcome }
  | { readonly v: 1; readonly type: 'failed'; readonly at: string; readonly user: string; readonly step: string; readonly hr: string; readonly reason: string };

/** How one step of a multi-step write ended (Journal.settle). */
export type StepOutcome =
  | { readonly step: string; readonly outcome: JournalOutcome }
  | { readonly step: string; readonly hr: string; readonly reason: string };

/** What the journal says about one step of one user. */
export interface StepState {
  /** The last record: an intent not followed by done or failed means the step was in flight. */
  readonly last: 'intent' | 'done' | 'failed';
  /** The outcome of the last done record, if the step was ever done. */
  readonly done?: JournalOutcome;
}

/** The file-system calls the journal makes (tests replace them). */
export interface JournalFs {
  openSync(file: string, flags: string, mode?: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset?: number, length?: number): number;
  fsyncSync(fd: number): void;
  ftruncateSync(fd: number, len?: number): void;
  fstatSync(fd: number): { size: number };
  closeSync(fd: number): void;
  readFileSync(file: string): Buffer;
  existsSync(file: string): boolean;
}

export class JournalError extends Error {
  override readonly name = 'JournalError';
}

/** The journal's lock policy: refuse (a second copy on the same journal must not run). */
export const JOURNAL_LOCK: LockPolicy = refuse('copy journal',
  'another copy runs on this journal (wait for it to finish or stop it; a copy that was killed leaves no lock behind that blocks the next run)');

/** A journal step key: kind and parts, each part lower-cased (names compare case-insensitively) and escaped. */
export function stepKey(kind: string, ...parts: readonly string[]): string {
  return [kind, ...parts.map((p) => encodeURIComponent(p.toLowerCase()))].join('|');
}

export interface ReadJournal {
  readonly records: JournalRecord[];
  /** Bytes of the file that hold whole records (a torn last line is after this). */
  readonly validBytes: number;
  /** True when the file ended in a partial record (ignored). */
  readonly torn: boolean;
}

/** Parse a journal file (missing file: no records). A torn last line is ignored; a bad line before it is an error. */
export function readJournal(file: string, io: Pick<JournalFs, 'readFileSync' | 'existsSync'> = fs): ReadJournal {
  if (!io.existsSync(file)) return { records: [], validBytes: 0, torn: false };
  const bytes = io.readFileSync(file);
  const end = bytes.lastIndexOf(0x0a) + 1;
  const records: JournalRecord[] = [];
  const lines = bytes.subarray(0, end).toString('utf8').split('\n');
  lines.pop(); // after the last newline
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let record: unknown;
    try { record = JSON.parse(line); } catch {
      throw new JournalError(`${file}:${i + 1}: not a journal record (the file was changed by hand or is not a migration journal).`);
    }
    if (!isRecord(record)) throw new JournalError(`${file}:${i + 1}: not a journal record of version 1.`);
    records.push(record);
  });
  return { records, validBytes: end, torn: end < bytes.length };
}

function isRecord(value: unknown): value is JournalRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  if (r['v'] !== 1 || typeof r['at'] !== 'string') return false;
  switch (r['type']) {
    case 'run': return typeof r['from'] === 'string' && typeof r['to'] === 'string';
    case 'intent': return typeof r['user'] === 'string' && typeof r['step'] === 'string';
    case 'done': return typeof r['user'] === 'string' && typeof r['step'] === 'string' && ['created', 'present', 'skipped'].includes(r['outcome'] as string);
    case 'failed': return typeof r['user'] === 'string' && typeof r['step'] === 'string' && typeof r['hr'] === 'string';
    default: return false;
  }
}

export interface JournalOptions {
  /** Read and replay only: nothing is written (dry runs). */
  readonly readOnly?: boolean;
  readonly fs?: JournalFs;
  /** Clock for the `at` fields. */
  readonly now?: () => Date;
}

export class Journal {
  private readonly steps = new Map<string, Map<string, StepState>>();
  private fd: number | undefined;
  private readonly io: JournalFs;
  private readonly now: () => Date;
  /** Records replayed when the journal was opened. */
  readonly replayed: number;
  /** The previous runs' `run` records. */
  readonly runs: ReadonlyArray<Extract<JournalRecord, { type: 'run' }>>;
  /** The file ended in a torn record when it was opened (ignored; cut off unless read-only). */
  readonly tornTail: boolean;

  private readonly readOnlyMode: boolean;
  /** Releases the journal's lock (held from open to close when writing). */
  private release: ReleaseSync | undefined;
  /** Set if the lock was taken over while held: nothing more is appended. */
  private lockLost: Error | undefined;

  private constructor(readonly file: string, options: JournalOptions) {
    this.readOnlyMode = options.readOnly ?? false;
    this.io = options.fs ?? fs;
    this.now = options.now ?? (() => new Date());
    if (!this.readOnlyMode) {
      // Locked before it is read: what is replayed is everything any run wrote.
      try {
        this.release = lockFileSync(file, JOURNAL_LOCK, { onCompromised: (error) => { this.lockLost = error; } });
      } catch (error) {
        if (error instanceof FileLockedError) throw new JournalError(error.message, { cause: error });
        throw error;
      }
    }
    try {
      const read = readJournal(file, this.io);
      for (const record of read.records) this.apply(record);
      this.replayed = read.records.length;
      this.runs = read.records.filter((r): r is Extract<JournalRecord, { type: 'run' }> => r.type === 'run');
      this.tornTail = read.torn;
      if (this.readOnlyMode) return;
      const existed = this.io.existsSync(file);
      this.fd = this.io.openSync(file, 'a', 0o600);
      if (read.torn) {
        // Cut the partial record off, or the next record would be appended to it.
        this.io.ftruncateSync(this.fd, read.validBytes);
        this.io.fsyncSync(this.fd);
      }
      if (!existed) syncDirectory(file, this.io);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** Open (creating it if needed) and replay a journal. */
  static open(file: string, options: JournalOptions = {}): Journal {
    return new Journal(file, options);
  }

  get readOnly(): boolean { return this.readOnlyMode; }

  /** What the journal knows about a step, or undefined if it was never started. */
  state(user: string, step: string): StepState | undefined {
    return this.steps.get(user.toLowerCase())?.get(step);
  }

  /** Every step of a user the journal knows, by key. */
  stepsOf(user: string): ReadonlyMap<string, StepState> {
    return this.steps.get(user.toLowerCase()) ?? new Map();
  }

  run(from: string, to: string): void { this.append({ v: 1, type: 'run', at: this.stamp(), from, to, pid: process.pid }); }
  intent(user: string, step: string): void { this.append({ v: 1, type: 'intent', at: this.stamp(), user, step }); }
  done(user: string, step: string, outcome: JournalOutcome): void { this.append({ v: 1, type: 'done', at: this.stamp(), user, step, outcome }); }
  failed(user: string, step: string, hr: string, reason: string): void { this.append({ v: 1, type: 'failed', at: this.stamp(), user, step, hr, reason }); }

  /**
   * The intents of several steps one write carries (a group created with its members): one append,
   * one fsync. A torn append leaves whole lines and at most a partial last one, as for one record.
   */
  intents(user: string, steps: readonly string[]): void {
    const at = this.stamp();
    this.appendAll(steps.map((step) => ({ v: 1, type: 'intent', at, user, step })));
  }

  /** The outcomes of the steps one write carried: done or failed each, in one append and one fsync. */
  settle(user: string, outcomes: readonly StepOutcome[]): void {
    const at = this.stamp();
    this.appendAll(outcomes.map((o): JournalRecord => ('outcome' in o
      ? { v: 1, type: 'done', at, user, step: o.step, outcome: o.outcome }
      : { v: 1, type: 'failed', at, user, step: o.step, hr: o.hr, reason: o.reason })));
  }

  /** Close the file and release the lock (a journal open for writing holds it until then). */
  close(): void {
    try {
      if (this.fd !== undefined) this.io.closeSync(this.fd);
    } finally {
      this.fd = undefined;
      const release = this.release;
      this.release = undefined;
      release?.();
    }
  }

  private stamp(): string { return this.now().toISOString(); }

  /** One line, written whole and fsync'd before returning; then it counts. */
  private append(record: JournalRecord): void { this.appendAll([record]); }

  /** Lines written with one writeSync (as far as the OS allows) and one fsync before returning; then they count. */
  private appendAll(records: readonly JournalRecord[]): void {
    if (this.fd === undefined) throw new JournalError(`The journal ${this.file} is ${this.readOnlyMode ? 'open read-only' : 'closed'}.`);
    if (this.lockLost) throw new JournalError(`The journal ${this.file} lost its lock while open (${this.lockLost.message}): another process may be writing it; nothing more is written.`);
    if (records.length === 0) return;
    const lines = Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''), 'utf8');
    for (let written = 0; written < lines.length;) written += this.io.writeSync(this.fd, lines, written, lines.length - written);
    this.io.fsyncSync(this.fd);
    for (const record of records) this.apply(record);
  }

  private apply(record: JournalRecord): void {
    if (record.type === 'run') return;
    const user = record.user.toLowerCase();
    let steps = this.steps.get(user);
    if (!steps) this.steps.set(user, (steps = new Map()));
    const before = steps.get(record.step);
    switch (record.type) {
      case 'intent': steps.set(record.step, { last: 'intent', ...(before?.done ? { done: before.done } : {}) }); break;
      case 'done': steps.set(record.step, { last: 'done', done: record.outcome }); break;
      case 'failed': steps.set(record.step, { last: 'failed', ...(before?.done ? { done: before.done } : {}) }); break;
    }
  }
}

/** Make a new file's directory entry durable (some file systems cannot fsync a directory: then it is best effort). */
function syncDirectory(file: string, io: JournalFs): void {
  try {
    const dir = io.openSync(path.dirname(path.resolve(file)), 'r');
    try { io.fsyncSync(dir); } finally { io.closeSync(dir); }
  } catch { /* best effort */ }
}
