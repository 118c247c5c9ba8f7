/**
 * One cross-process lock for every durable file of the SDK, on proper-lockfile.
 *
 * - The lock of `<file>` is the directory `<file>.lock` (proper-lockfile), made whole with its holder
 *   record and renamed into place, removed by renaming it away first (lockFs, retireDir). Its holder keeps the directory's mtime fresh (`update`); a lock whose
 *   mtime is older than `stale` is the lock of a holder that stopped (another host, or an unknown
 *   holder).
 * - The holder writes who it is into the lock directory (`holder.json`: pid, hostname, since, …), so
 *   a refusal names it, and a lock of a process of this host that is dead (SIGKILL, power cut before
 *   a reboot kept the pid) is recovered at once rather than after `stale`. A live process of this host
 *   never loses its lock to staleness (a busy event loop is not a dead holder).
 * - Every recovery of another holder's lock (dead, or stale) happens under a short removal lock
 *   (`<file>.lock-removal`, proper-lockfile too) and looks again at what it removes, so two
 *   processes recovering the same dead lock cannot remove the fresh lock one of them has just taken.
 *   A holder releases its own lock only if the record in it is still its own.
 * - Within one process (one thread) a file is locked by one caller at a time: a second caller is
 *   refused or waits like another process.
 *
 * Policies: `refuse` (fail at once with `FileLockedError` naming the holder) or `wait` (retry with
 * backoff up to `timeoutMs`, then the same error).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';
import { isProcessAlive, SELF } from './process';
import { escapeRegExp } from './tmp';

/** What a lock's holder wrote beside its lock (in `<file>.lock/holder.json`). */
export interface LockHolder {
  readonly pid: number;
  readonly hostname: string;
  /** When the lock was taken (ISO 8601). */
  readonly since: string;
  /** What the lock is for ("copy journal", "memory state file", …). */
  readonly what?: string;
  /** Unique per acquisition. */
  readonly token: string;
  readonly threadId?: number;
  /** Linux: the holder process's start time (tells a reused pid). */
  readonly start?: string;
}

export type LockPolicy =
  /** Fail at once when another process (or another caller of this one) holds the file. */
  | { readonly kind: 'refuse'; readonly what: string; readonly hint?: string }
  /** Retry with backoff until the file is free, at most `timeoutMs` (default 10 s), then fail. */
  | { readonly kind: 'wait'; readonly what: string; readonly timeoutMs?: number; readonly hint?: string };

export const refuse = (what: string, hint?: string): LockPolicy => ({ kind: 'refuse', what, ...(hint ? { hint } : {}) });
export const wait = (what: string, timeoutMs = DEFAULT_WAIT_MS, hint?: string): LockPolicy => ({ kind: 'wait', what, timeoutMs, ...(hint ? { hint } : {}) });

export const DEFAULT_WAIT_MS = 10_000;
/** proper-lockfile's `stale` (its holder refreshes the mtime every half of it). */
export const DEFAULT_STALE_MS = 10_000;

export interface LockOptions {
  /** A lock whose mtime is older than this is stale (when its holder is not a live process of this host). Minimum 2000. */
  readonly staleMs?: number;
  /** Called if the lock is found taken over while held (its directory removed or replaced). Default: a process warning. */
  readonly onCompromised?: (error: Error) => void;
}

/** The file is locked by someone else: `holder` says who (undefined when it could not be read). */
export class FileLockedError extends Error {
  override readonly name = 'FileLockedError';
  readonly code = 'ELOCKED';
  constructor(readonly file: string, readonly holder: LockHolder | undefined, readonly policy: LockPolicy, readonly waitedMs: number) {
    super(`The ${policy.what} ${file} is ${policy.kind === 'wait' ? 'still ' : ''}in use by ${describeHolder(holder)}`
      + `${policy.kind === 'wait' ? ` after waiting ${formatMs(waitedMs)}` : ''}${policy.hint ? `: ${policy.hint}` : '.'}`);
  }
}

/** "process 4242 on build-7 since 2026-03-01T09:00:00.000Z" (and "(this process)" when it is ours). */
export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'another process (it did not say which)';
  const self = holder.pid === SELF.pid && holder.hostname === SELF.hostname ? ' (this process)' : '';
  return `process ${holder.pid} on ${holder.hostname}${self} since ${holder.since}`;
}

const formatMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`);

export type Release = () => Promise<void>;
export type ReleaseSync = () => void;

// ---- paths and holder records ------------------------------------------------------------------

const HOLDER = 'holder.json';

/** The lock of a file is keyed by its absolute path, the folder's symbolic links resolved. */
function canonical(file: string): string {
  const absolute = path.resolve(file);
  try { return path.join(fs.realpathSync(path.dirname(absolute)), path.basename(absolute)); } catch { return absolute; }
}

export const lockDirOf = (file: string): string => `${canonical(file)}.lock`;

/** Who holds the lock of `file` now (undefined: nobody, or a holder that wrote no record). */
export function lockHolder(file: string): LockHolder | undefined {
  return readHolder(lockDirOf(file));
}

function readHolder(dir: string): LockHolder | undefined {
  try {
    const value = JSON.parse(fs.readFileSync(path.join(dir, HOLDER), 'utf8')) as Partial<LockHolder>;
    return typeof value.pid === 'number' && typeof value.hostname === 'string' && typeof value.token === 'string' && typeof value.since === 'string'
      ? value as LockHolder : undefined;
  } catch {
    return undefined;
  }
}

function newHolder(what: string): LockHolder {
  return {
    pid: SELF.pid, hostname: SELF.hostname, since: new Date().toISOString(), what, token: randomBytes(8).toString('hex'),
    threadId: SELF.threadId, ...(SELF.start !== undefined ? { start: SELF.start } : {}),
  };
}

// ---- the process's own locks -------------------------------------------------------------------

/** Lock directories this thread is taking or holds; the holder record of those it holds. */
const busy = new Set<string>();
const held = new Map<string, LockHolder>();
/** The holder record the next lock directory made is made with (set by the acquisition under way). */
const taking = new Map<string, LockHolder>();

// ---- removal: only under the removal lock, only what may go ------------------------------------

const sleepSync = (ms: number): void => { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Run `body` holding `<lock>-removal` (held for microseconds; a holder killed inside it is stale after 2 s). */
function underRemovalLock<T>(dir: string, body: () => T): T {
  const key = `${dir}-removal`;
  const deadline = Date.now() + 5_000;
  for (let pause = 1; ; pause = Math.min(pause * 2, 20)) {
    let release: () => void;
    try {
      release = lockfile.lockSync(key, { realpath: false, lockfilePath: key, stale: 2_000, onCompromised: () => undefined });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED' || Date.now() > deadline) throw error;
      sleepSync(pause);
      continue;
    }
    try { return body(); } finally { try { release(); } catch { /* already gone */ } }
  }
}

/** Whether another holder's lock may be removed: a dead process of this host at once; otherwise only a stale one (never a live process of this host). */
function removable(dir: string, holder: LockHolder | undefined, staleMs: number): boolean {
  if (holder && holder.hostname === SELF.hostname) {
    if (!isProcessAlive(holder.pid, holder.start)) return true;
    // A live process of this host keeps its lock however busy it is. In this process, a lock that
    // no caller of this thread holds (a worker thread that ended without releasing it) may go when stale.
    if (holder.pid !== SELF.pid) return false;
  }
  try {
    return fs.statSync(dir).mtimeMs < Date.now() - staleMs;
  } catch {
    return false;
  }
}

function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Removes a lock directory by first moving it out of the way in one step: emptied in place, it could
 * be taken by another process's rename (rename replaces an empty directory) before it is gone.
 */
function retireDir(dir: string): void {
  const gone = makingName(dir, randomBytes(8).toString('hex'));
  try {
    fs.renameSync(dir, gone);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  removeDir(gone);
}

/** A directory; its folder made first if missing, as its owner's only (it may hold secrets). */
function makeDir(dir: string): void {
  try {
    fs.mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
    fs.mkdirSync(dir);
  }
}

/**
 * A lock directory being made or removed beside `dir`: `<file>.lock.<pid>.<token>.tmp`. The maker's
 * pid is in the name, so one killed before it wrote anything inside is still known to be dead.
 */
const makingName = (dir: string, token: string): string => `${dir}.${SELF.pid}.${token}.tmp`;

/** Lock directories a process of this host began to make (or to remove) and died before finishing. */
function removeDeadMakings(dir: string): void {
  const pattern = new RegExp(`^${escapeRegExp(path.basename(dir))}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
  let names: string[];
  try { names = fs.readdirSync(path.dirname(dir)); } catch { return; }
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match || isProcessAlive(Number(match[1]))) continue;
    const making = path.join(path.dirname(dir), name);
    // The pid is this host's unless the record inside says otherwise (a folder shared between hosts).
    const holder = readHolder(making);
    if (!holder || holder.hostname === SELF.hostname) removeDir(making);
  }
}

/**
 * The `rmdir` proper-lockfile calls for a release (ours: our token in the holder record) or for a
 * lock it found stale (someone else's: removed only if it still may be, looking again under the
 * removal lock). A lock that may not go is reported as held.
 */
function guardedRemove(dir: string, staleMs: number): void {
  const mine = held.get(dir);
  if (mine) {
    // Our release. No other process removes a live holder's lock of this host, so the record read
    // here is still ours when it is removed (a lock taken over as stale from another host is left to
    // its new holder).
    if (readHolder(dir)?.token === mine.token) retireDir(dir);
    return;
  }
  underRemovalLock(dir, () => {
    if (!fs.existsSync(dir)) throw Object.assign(new Error(`${dir} is gone`), { code: 'ENOENT' });
    if (!removable(dir, readHolder(dir), staleMs)) throw Object.assign(new Error('Lock file is already being held'), { code: 'ELOCKED' });
    retireDir(dir);
  });
}

/** Before an attempt: a lock whose holder is a dead process of this host is removed (under the removal lock, if it is still that holder's). */
function recoverDeadHolder(dir: string): void {
  removeDeadMakings(dir);
  const holder = readHolder(dir);
  if (!holder || holder.hostname !== SELF.hostname || isProcessAlive(holder.pid, holder.start)) return;
  underRemovalLock(dir, () => {
    const again = readHolder(dir);
    if (again?.token === holder.token) retireDir(dir);
  });
}

// ---- the file-system calls proper-lockfile makes -----------------------------------------------

type Callback<T = void> = (error: NodeJS.ErrnoException | null, value?: T) => void;
const later = <T>(fn: () => T, callback: Callback<T>): void => {
  let value: T;
  try { value = fn(); } catch (error) { process.nextTick(callback, error as NodeJS.ErrnoException); return; }
  process.nextTick(callback, null, value);
};

function lockFs(staleMs: number) {
  const mkdirSync = (dir: string): void => {
    const holder = taking.get(dir);
    if (!holder) { makeDir(dir); return; }
    // Made whole, then put in place: a lock directory never exists without the record of who holds
    // it, so a holder killed at any moment leaves no lock or one that names it (a dead one is then
    // recovered at once). rename() fails when the lock directory exists (it has a record: not empty).
    const tmp = makingName(dir, holder.token);
    makeDir(tmp);
    try {
      fs.writeFileSync(path.join(tmp, HOLDER), JSON.stringify(holder), { mode: 0o600 });
      fs.renameSync(tmp, dir);
    } catch (error) {
      removeDir(tmp);
      const code = (error as NodeJS.ErrnoException).code;
      // proper-lockfile reads EEXIST as "held by someone": see who, and whether they are stale.
      if (code === 'ENOTEMPTY' || code === 'EEXIST') throw Object.assign(new Error(`EEXIST: ${dir} exists`), { code: 'EEXIST' });
      throw error;
    }
  };
  const rmdirSync = (dir: string): void => guardedRemove(dir, staleMs);
  return {
    mkdirSync, rmdirSync,
    statSync: (p: string) => fs.statSync(p),
    utimesSync: (p: string, a: Date, m: Date) => fs.utimesSync(p, a, m),
    realpathSync: (p: string) => fs.realpathSync(p),
    mkdir: (dir: string, cb: Callback) => later(() => mkdirSync(dir), cb),
    rmdir: (dir: string, cb: Callback) => later(() => rmdirSync(dir), cb),
    // Metadata calls of microseconds: synchronous, answered on the next tick (cheaper than the thread pool).
    stat: (p: string, cb: Callback<fs.Stats>) => later(() => fs.statSync(p), cb),
    utimes: (p: string, a: Date, m: Date, cb: Callback) => later(() => fs.utimesSync(p, a, m), cb),
    realpath: (p: string, cb: Callback<string>) => later(() => fs.realpathSync(p), cb),
  };
}

/** One per staleness (proper-lockfile caches the mtime precision on the fs object). */
const fsByStale = new Map<number, ReturnType<typeof lockFs>>();
const fsFor = (staleMs: number) => {
  let io = fsByStale.get(staleMs);
  if (!io) fsByStale.set(staleMs, (io = lockFs(staleMs)));
  return io;
};

// ---- acquisition --------------------------------------------------------------------------------

interface Attempt {
  readonly file: string;
  readonly dir: string;
  readonly holder: LockHolder;
  readonly options: lockfile.LockOptions;
}

function prepare(file: string, policy: LockPolicy, options: LockOptions): Attempt {
  const target = canonical(file);
  const dir = `${target}.lock`;
  const staleMs = Math.max(options.staleMs ?? DEFAULT_STALE_MS, 2_000);
  const onCompromised = options.onCompromised
    ?? ((error: Error) => process.emitWarning(`The lock of the ${policy.what} ${target} was taken over while held (${error.message}).`, 'FileLockWarning'));
  return {
    file: target, dir, holder: newHolder(policy.what),
    options: { realpath: false, lockfilePath: dir, stale: staleMs, fs: fsFor(staleMs), onCompromised },
  };
}

const isLocked = (error: unknown): boolean => (error as NodeJS.ErrnoException | null)?.code === 'ELOCKED';

/** Read the holder for a refusal; a lock taken a moment ago may not have written its record yet. */
function holderForError(dir: string): LockHolder | undefined {
  if (held.has(dir)) return held.get(dir);
  for (let i = 0; i < 5; i++) {
    const holder = readHolder(dir);
    if (holder || !fs.existsSync(dir)) return holder;
    sleepSync(2);
  }
  return undefined;
}

/** One try: recover a dead holder's lock, then proper-lockfile (no retries). Throws ELOCKED when held. */
function trySync(a: Attempt): ReleaseSync {
  if (busy.has(a.dir)) throw Object.assign(new Error('Lock file is already being held'), { code: 'ELOCKED' });
  busy.add(a.dir);
  try {
    recoverDeadHolder(a.dir);
    taking.set(a.dir, a.holder);
    const release = lockfile.lockSync(a.file, a.options);
    held.set(a.dir, a.holder);
    return () => {
      try { release(); } catch (error) { if ((error as NodeJS.ErrnoException).code !== 'ERELEASED') throw error; } finally { forget(a.dir); }
    };
  } catch (error) {
    forget(a.dir);
    throw error;
  } finally {
    taking.delete(a.dir);
  }
}

async function tryAsync(a: Attempt): Promise<Release> {
  if (busy.has(a.dir)) throw Object.assign(new Error('Lock file is already being held'), { code: 'ELOCKED' });
  busy.add(a.dir);
  try {
    recoverDeadHolder(a.dir);
    taking.set(a.dir, a.holder);
    const release = await lockfile.lock(a.file, a.options);
    held.set(a.dir, a.holder);
    return async () => {
      try { await release(); } catch (error) { if ((error as NodeJS.ErrnoException).code !== 'ERELEASED') throw error; } finally { forget(a.dir); }
    };
  } catch (error) {
    forget(a.dir);
    throw error;
  } finally {
    taking.delete(a.dir);
  }
}

function forget(dir: string): void {
  busy.delete(dir);
  held.delete(dir);
}

/** The pause before the next try: 1 ms doubling to 16 ms, jittered (holders keep a lock for milliseconds). */
const nextPause = (pause: number): number => Math.min(pause * 2, 16);
const jitter = (ms: number): number => Math.max(1, Math.round(ms * (0.5 + Math.random())));

/**
 * Lock `file` (the lock is `<file>.lock`; the file itself need not exist) by `policy`; resolves to
 * the release function. Throws FileLockedError naming the holder when refused or when the wait ran out.
 */
export async function lockFile(file: string, policy: LockPolicy, options: LockOptions = {}): Promise<Release> {
  const a = prepare(file, policy, options);
  const started = Date.now();
  const timeout = policy.kind === 'wait' ? policy.timeoutMs ?? DEFAULT_WAIT_MS : 0;
  for (let pause = 1; ; pause = nextPause(pause)) {
    try {
      return await tryAsync(a);
    } catch (error) {
      if (!isLocked(error)) throw error;
      const waited = Date.now() - started;
      if (waited >= timeout) throw new FileLockedError(a.file, holderForError(a.dir), policy, waited);
      await sleep(Math.min(jitter(pause), Math.max(1, timeout - waited)));
    }
  }
}

/**
 * `lockFile` for synchronous callers: a wait blocks the thread (bounded by the policy's timeout).
 * A file this thread is already taking or holding is refused at once (waiting for ourselves would never end).
 */
export function lockFileSync(file: string, policy: LockPolicy, options: LockOptions = {}): ReleaseSync {
  const a = prepare(file, policy, options);
  const started = Date.now();
  const timeout = policy.kind === 'wait' && !busy.has(a.dir) ? policy.timeoutMs ?? DEFAULT_WAIT_MS : 0;
  for (let pause = 1; ; pause = nextPause(pause)) {
    try {
      return trySync(a);
    } catch (error) {
      if (!isLocked(error)) throw error;
      const waited = Date.now() - started;
      if (waited >= timeout || busy.has(a.dir)) throw new FileLockedError(a.file, holderForError(a.dir), policy, waited);
      sleepSync(Math.min(jitter(pause), Math.max(1, timeout - waited)));
    }
  }
}

/** Run `body` holding the lock of `file`; released however it ends. */
export async function withFileLock<T>(file: string, policy: LockPolicy, body: () => Promise<T> | T, options?: LockOptions): Promise<T> {
  const release = await lockFile(file, policy, options);
  try { return await body(); } finally { await release(); }
}

/** Run synchronous `body` holding the lock of `file`. */
export function withFileLockSync<T>(file: string, policy: LockPolicy, body: () => T, options?: LockOptions): T {
  const release = lockFileSync(file, policy, options);
  try { return body(); } finally { release(); }
}
