/**
 * Optional file persistence: every acknowledged write is on disk before the call returns.
 * Write-and-rename keeps the file whole: a crash at any point leaves either the previous
 * acknowledged state or the new one, never a torn file.
 *
 * Several processes may share one state file. Each write is a load-modify-save under the file's
 * lock (`<file>.lock`, @imessenger/durable, waiting at most STATE_LOCK's timeout): under the lock
 * the file is compared with what this process last read or wrote, and when another process has
 * changed it since, the write is not applied to stale state — the new state is loaded and the
 * call is run again on it (MemoryStore.write, StateChangedError). So no acknowledged write of any
 * process is lost, and none is applied to a state its caller did not see.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Durable from '@imessenger/durable';
import type { MemoryState } from './state';
import { validateState } from './state-schema';

/** The file-system calls persistence makes (injectable, so a test can crash between any two). */
export interface PersistenceFs {
  openSync(file: string, flags: string, mode?: number): number;
  writeSync(fd: number, data: string): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  readFileSync(file: string, encoding: 'utf8'): string;
  existsSync(file: string): boolean;
}

/** The lock library, loaded on first use: a backend without a state file (the embedded default) never loads it. */
let durable: typeof Durable | undefined;
const locks = (): typeof Durable => (durable ??= require('@imessenger/durable') as typeof Durable);

/** The state file's lock policy: wait (a write holds it for one load-compare-save, milliseconds). */
export const STATE_LOCK: Durable.LockPolicy = { kind: 'wait', what: 'memory state file', timeoutMs: 10_000 };

/** The file was changed by another process since this one read or wrote it: `state` is what it holds now. */
export class StateChangedError extends Error {
  override readonly name = 'StateChangedError';
  constructor(readonly file: string, readonly state: MemoryState) {
    super(`The state file ${file} was changed by another process; the call is run again on its new state.`);
  }
}

/** What identifies a version of the file cheaply (a save always makes a new inode by rename). */
type Stamp = string | undefined;
const stampOf = (file: string): Stamp => {
  try {
    const st = fs.statSync(file, { bigint: true });
    return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  } catch {
    return undefined;
  }
};

export interface StateFileOptions {
  /** Read only: never locked, never saved (sources, dry runs). */
  readonly readOnly?: boolean;
  /** Lock policy for each save (default STATE_LOCK). */
  readonly lock?: Durable.LockPolicy;
}

export class StateFile {
  /** The file's text as this process last read or wrote it (undefined: there was no file). */
  private known: string | undefined;
  private stamp: Stamp;
  readonly readOnly: boolean;
  private readonly policy: Durable.LockPolicy;

  constructor(readonly file: string, private readonly io: PersistenceFs = fs, options: StateFileOptions = {}) {
    this.readOnly = options.readOnly ?? false;
    this.policy = options.lock ?? STATE_LOCK;
  }

  /**
   * The saved state, or undefined when there is no file yet. Leftover temporary files of saves a
   * killed process left behind are removed first (unless read-only). A file that is not valid JSON,
   * or not a valid state, is an error naming the file (and the key).
   */
  load(): MemoryState | undefined {
    if (!this.readOnly) locks().withFileLockSync(this.file, this.policy, () => locks().cleanTmpFiles(this.file));
    this.stamp = stampOf(this.file);
    const text = this.read();
    this.known = text;
    return text === undefined ? undefined : this.parse(text);
  }

  /**
   * The state another process saved since this one last read or wrote the file, or undefined when
   * it is unchanged (a cheap look at the file's identity first; then its content).
   */
  changed(): MemoryState | undefined {
    if (this.readOnly) return undefined; // a read-only session keeps what it read (and its own unsaved changes)
    const stamp = stampOf(this.file);
    if (stamp === this.stamp) return undefined;
    const state = this.reread();
    this.stamp = stamp; // taken before reading: a change after it is seen next time
    return state;
  }

  /**
   * Save the state `apply` returns, holding the file's lock: if the file is no longer what this
   * process last read or wrote, `apply` is not called and StateChangedError carries the file's
   * state (the caller adopts it and runs again).
   */
  commit<T>(apply: () => { readonly state: MemoryState; readonly result: T }): T {
    if (this.readOnly) return apply().result;
    return locks().withFileLockSync(this.file, this.policy, () => {
      const stamp = stampOf(this.file);
      const now = this.reread();
      this.stamp = stamp;
      if (now) throw new StateChangedError(this.file, now);
      const { state, result } = apply();
      this.save(state);
      return result;
    });
  }

  /** Write the whole state (temporary file, fsync, rename, fsync of the folder). Callers hold the lock (commit). */
  save(state: MemoryState): void {
    const text = JSON.stringify(state, null, 1);
    const tmp = locks().tmpFileFor(this.file);
    const fd = this.io.openSync(tmp, 'w', 0o600);
    try {
      this.io.writeSync(fd, text);
      this.io.fsyncSync(fd);
    } finally {
      this.io.closeSync(fd);
    }
    this.io.renameSync(tmp, this.file);
    this.known = text;
    this.stamp = stampOf(this.file);
    // Make the rename itself durable.
    try {
      const dir = this.io.openSync(path.dirname(path.resolve(this.file)), 'r');
      try { this.io.fsyncSync(dir); } finally { this.io.closeSync(dir); }
    } catch { /* some file systems cannot fsync a directory; the rename is still atomic */ }
  }

  /** The file's state if its text differs from what this process knows (then it is known). */
  private reread(): MemoryState | undefined {
    const text = this.read();
    if (text === this.known) return undefined;
    // Parse first: a damaged file is reported, and what this process knows stays as it was.
    const state = text === undefined ? undefined : this.parse(text);
    this.known = text;
    if (state === undefined) throw new Error(`The state file ${this.file} was deleted by another process while in use.`);
    return state;
  }

  private read(): string | undefined {
    if (!this.io.existsSync(this.file)) return undefined;
    return this.io.readFileSync(this.file, 'utf8');
  }

  private parse(text: string): MemoryState {
    let state: unknown;
    try { state = JSON.parse(text); } catch (error) {
      throw new Error(`The state file ${this.file} is not valid JSON (${(error as Error).message}); delete it to start from the seed.`);
    }
    return validateState(state, this.file);
  }
}
