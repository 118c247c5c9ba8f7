/**
 * Optional file persistence: every acknowledged write is on disk before the call returns.
 * Write-and-rename keeps the file whole: a crash at any point leaves either the previous
 * acknowledged state or the new one, never a torn file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MemoryState } from './state';

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

export class StateFile {
  constructor(readonly file: string, private readonly io: PersistenceFs = fs) {}

  /** The saved state, or undefined when there is no file yet. */
  load(): MemoryState | undefined {
    if (!this.io.existsSync(this.file)) return undefined;
    const text = this.io.readFileSync(this.file, 'utf8');
    let state: unknown;
    try { state = JSON.parse(text); } catch (error) {
      throw new Error(`The state file ${this.file} is not valid JSON (${(error as Error).message}); delete it to start from the seed.`);
    }
    if ((state as { version?: unknown }).version !== 1) throw new Error(`The state file ${this.file} has an unknown format version.`);
    return state as MemoryState;
  }

  save(state: MemoryState): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = this.io.openSync(tmp, 'w', 0o600);
    try {
      this.io.writeSync(fd, JSON.stringify(state, null, 1));
      this.io.fsyncSync(fd);
    } finally {
      this.io.closeSync(fd);
    }
    this.io.renameSync(tmp, this.file);
    // Make the rename itself durable.
    try {
      const dir = this.io.openSync(path.dirname(path.resolve(this.file)), 'r');
      try { this.io.fsyncSync(dir); } finally { this.io.closeSync(dir); }
    } catch { /* some file systems cannot fsync a directory; the rename is still atomic */ }
  }
}
