/**
 * Where the daemon is (docs/protocol.md, "the serve file"): the serve file, the secret next to it,
 * and the lock held while a daemon starts. User-only: directory 0700, files 0600 (POSIX).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SECRET_BYTES } from './auth';

/** The serve file's path: $IMESSENGER_SERVE_FILE, else the per-user default of the platform. */
export function serveFilePath(env: Readonly<Record<string, string | undefined>> = process.env, platform: NodeJS.Platform = process.platform): string {
  const given = env.IMESSENGER_SERVE_FILE;
  if (given) return path.resolve(given);
  if (platform === 'win32') return path.join(env.LOCALAPPDATA || path.join(os.homedir(), 'AppData', 'Local'), 'imessenger', 'serve.json');
  if (env.XDG_RUNTIME_DIR) return path.join(env.XDG_RUNTIME_DIR, 'imessenger', 'serve.json');
  return path.join(os.homedir(), '.imessenger', 'serve.json');
}

export const secretPathOf = (serveFile: string): string => path.join(path.dirname(serveFile), 'serve.secret');
export const lockPathOf = (serveFile: string): string => path.join(path.dirname(serveFile), 'serve.lock');

/** What the serve file says. */
export interface ServeInfo {
  readonly version: number;
  readonly pid: number;
  readonly host: string;
  readonly port: number;
  readonly backend: string;
  readonly startedAt: string;
}

/** The serve file, or undefined when there is none (or it is not one). */
export function readServeFile(serveFile: string): ServeInfo | undefined {
  let text: string;
  try { text = fs.readFileSync(serveFile, 'utf8'); } catch { return undefined; }
  try {
    const info = JSON.parse(text) as Partial<ServeInfo>;
    return typeof info.port === 'number' && typeof info.pid === 'number' ? (info as ServeInfo) : undefined;
  } catch {
    return undefined;
  }
}

function ensureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Write the serve file (atomically: a reader never sees half of it). Keys in the documented order. */
export function writeServeFile(serveFile: string, info: ServeInfo): void {
  ensureDir(path.dirname(serveFile));
  const ordered: ServeInfo = { version: info.version, pid: info.pid, host: info.host, port: info.port, backend: info.backend, startedAt: info.startedAt };
  const tmp = `${serveFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(ordered)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, serveFile);
}

/** Remove the serve file if it is still this daemon's. */
export function removeServeFile(serveFile: string, pid: number): void {
  if (readServeFile(serveFile)?.pid === pid) fs.rmSync(serveFile, { force: true });
}

/** A secret file that cannot be used: the daemon refuses to start, saying why (never what it holds). */
export class SecretFileError extends Error {
  override readonly name = 'SecretFileError';
}

/**
 * The per-user secret: read, or created at the first start (32 random bytes, O_EXCL, 0600). Refuses a
 * file of another size, or (POSIX) one that group or others may read or write.
 */
export function loadOrCreateSecret(secretFile: string): Buffer {
  ensureDir(path.dirname(secretFile));
  try {
    const fd = fs.openSync(secretFile, 'wx', 0o600);
    try { fs.writeSync(fd, crypto.randomBytes(SECRET_BYTES)); } finally { fs.closeSync(fd); }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return readSecret(secretFile);
}

/** The secret of an existing file (a client's read), with the same checks. */
export function readSecret(secretFile: string): Buffer {
  const stat = fs.statSync(secretFile);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new SecretFileError(`${secretFile} is readable or writable by others (mode ${(stat.mode & 0o777).toString(8)}): make it 0600 (chmod 600), or delete it to have a new one made.`);
  }
  if (stat.size !== SECRET_BYTES) throw new SecretFileError(`${secretFile} holds ${stat.size} bytes, not ${SECRET_BYTES}: delete it to have a new one made.`);
  return fs.readFileSync(secretFile);
}

/** Whether process `pid` is alive (signal 0; on Linux a zombie, killed but not yet reaped by its parent, is not). */
export function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
  if (process.platform !== 'linux') return true;
  try { return fs.readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1]?.[0] !== 'Z'; } catch { return false; }
}

/** Whether something accepts connections on 127.0.0.1:`port` (a serve file whose port refuses them is stale). */
export function answers(port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => { clearTimeout(timer); socket.destroy(); resolve(ok); };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The daemon the serve file names, when its process is alive and its port answers; else undefined (none, or stale). */
export async function runningDaemon(serveFile: string): Promise<ServeInfo | undefined> {
  const info = readServeFile(serveFile);
  return info && isAlive(info.pid) && (await answers(info.port)) ? info : undefined;
}

/**
 * Take the start lock (O_EXCL, holding our pid); a lock whose holder died is taken over. Returns the
 * release, or undefined when a live process holds it.
 */
export function takeLock(lockFile: string): (() => void) | undefined {
  ensureDir(path.dirname(lockFile));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => { try { if (fs.readFileSync(lockFile, 'utf8') === String(process.pid)) fs.rmSync(lockFile, { force: true }); } catch { /* gone */ } };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(lockFile, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) return undefined;
      fs.rmSync(lockFile, { force: true });
    }
  }
  return undefined;
}

/** The pid of a live process holding the start lock, or undefined. */
export function lockHolder(lockFile: string): number | undefined {
  let holder: number;
  try { holder = Number(fs.readFileSync(lockFile, 'utf8')); } catch { return undefined; }
  return Number.isInteger(holder) && holder > 0 && isAlive(holder) ? holder : undefined;
}
