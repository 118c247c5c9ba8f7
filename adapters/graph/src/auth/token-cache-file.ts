/**
 * A persistent MSAL token cache in one JSON file (msal-node does no encryption: access and refresh
 * tokens are stored in clear text, so the file is always mode 0600). Read before every cache
 * access, written after every change by write-to-temp + rename, so a reader never sees half a file.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { GraphAuthError } from './auth';
import type { TokenCacheAccess, TokenCachePlugin } from './msal-types';
import { type Release, cleanTmpFiles, lockFile, wait } from '@imessenger/durable';
import { registerCacheSecrets } from '../secrets';

/** The token cache file's mode (owner read/write only). */
export const TOKEN_CACHE_FILE_MODE = 0o600;

/** What an empty cache deserialises from (MSAL fills in the missing sections). */
const EMPTY_CACHE = '{}';

const errnoCode = (e: unknown): string => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
};

/**
 * The cache file's lock policy: wait. Held from beforeCacheAccess to afterCacheAccess (MSAL's
 * read-modify-write), so processes sharing the file never write over each other's tokens; let go
 * after LOCK_HOLD_MS if MSAL never calls afterCacheAccess (it does not on every error path).
 */
export const TOKEN_CACHE_LOCK = wait('token cache file', 15_000);
const LOCK_HOLD_MS = 5_000;

export class TokenCacheFile implements TokenCachePlugin {
  readonly path: string;
  /** The lock each cache access holds, from beforeCacheAccess to afterCacheAccess. */
  private readonly locks = new WeakMap<TokenCacheAccess, Release>();
  private cleaned = false;

  constructor(file: string) {
    if (!file) throw new GraphAuthError('token cache file: no path given', 'failed');
    this.path = path.resolve(file);
  }

  async beforeCacheAccess(context: TokenCacheAccess): Promise<void> {
    const release = await this.lock();
    this.locks.set(context, release);
    try {
      // A missing file is an empty cache: also forget what this process held (another process signed out).
      context.tokenCache.deserialize((await this.read()) ?? EMPTY_CACHE);
    } catch (e) {
      this.locks.delete(context);
      await release();
      throw e;
    }
  }

  async afterCacheAccess(context: TokenCacheAccess): Promise<void> {
    const release = this.locks.get(context);
    this.locks.delete(context);
    try {
      if (context.cacheHasChanged) await this.write(context.tokenCache.serialize());
    } finally {
      await release?.();
    }
  }

  /** The file's lock (TOKEN_CACHE_LOCK), released at most LOCK_HOLD_MS later; leftover temp files of killed writes go first. */
  private async lock(): Promise<Release> {
    const release = await lockFile(this.path, TOKEN_CACHE_LOCK);
    let released: Promise<void> | undefined;
    const once: Release = () => {
      if (!released) { clearTimeout(timer); released = release(); }
      return released;
    };
    const timer = setTimeout(() => { void once().catch(() => undefined); }, LOCK_HOLD_MS);
    timer.unref();
    if (!this.cleaned) { this.cleaned = true; cleanTmpFiles(this.path); }
    return once;
  }

  /**
   * The file's text, or undefined when there is no file (or it is empty). Throws a GraphAuthError
   * naming the path (never the content) when the file is not a JSON object.
   */
  async read(): Promise<string | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.path, 'utf8');
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return undefined;
      throw new GraphAuthError(`token cache file ${this.path} cannot be read (${errnoCode(e)})`, 'failed');
    }
    await this.tighten();
    if (text.trim() === '') return undefined;
    let parsed: unknown;
    try { parsed = JSON.parse(text); } catch { parsed = undefined; }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new GraphAuthError(
        `token cache file ${this.path} is corrupt (not an MSAL token cache JSON object); delete it and sign in again`, 'failed');
    }
    // The tokens of every account in the file are this process's secrets now (secrets.ts).
    registerCacheSecrets(text);
    return text;
  }

  /** Writes the whole cache: temp file (0600) in the same directory, then rename over the old file, then chmod 0600. */
  async write(text: string): Promise<void> {
    registerCacheSecrets(text);
    const dir = path.dirname(this.path);
    const tmp = path.join(dir, `.${path.basename(this.path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const handle = await fs.open(tmp, 'wx', TOKEN_CACHE_FILE_MODE);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, this.path);
      await fs.chmod(this.path, TOKEN_CACHE_FILE_MODE);
    } catch (e) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw new GraphAuthError(`token cache file ${this.path} cannot be written (${errnoCode(e)})`, 'failed');
    }
  }

  /** Deletes the file (no file is an empty cache). */
  async delete(): Promise<void> {
    try {
      await fs.rm(this.path, { force: true });
    } catch (e) {
      throw new GraphAuthError(`token cache file ${this.path} cannot be deleted (${errnoCode(e)})`, 'failed');
    }
  }

  /** A file found with group/other permissions is narrowed to 0600 (best effort; never fails a read). */
  private async tighten(): Promise<void> {
    if (process.platform === 'win32') return;
    try {
      const st = await fs.stat(this.path);
      if ((st.mode & 0o077) !== 0) await fs.chmod(this.path, TOKEN_CACHE_FILE_MODE);
    } catch { /* the write path chmods again */ }
  }
}
