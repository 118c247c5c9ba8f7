/**
 * A persistent MSAL token cache in one JSON file (msal-node does no encryption: access and refresh
 * tokens are stored in clear text, so the file is always mode 0600). Read before every cache
 * access, written after every change by write-to-temp + rename, so a reader never sees half a file.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import { GraphAuthError } from './auth';

/** The token cache file's mode (owner read/write only). */
export const TOKEN_CACHE_FILE_MODE = 0o600;

/** What an empty cache deserialises from (MSAL fills in the missing sections). */
const EMPTY_CACHE = '{}';

const errnoCode = (e: unknown): string => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
};

export class TokenCacheFile implements ICachePlugin {
  readonly path: string;

  constructor(file: string) {
    if (!file) throw new GraphAuthError('token cache file: no path given', 'failed');
    this.path = path.resolve(file);
  }

  async beforeCacheAccess(context: TokenCacheContext): Promise<void> {
    // A missing file is an empty cache: also forget what this process held (another process signed out).
    context.tokenCache.deserialize((await this.read()) ?? EMPTY_CACHE);
  }

  async afterCacheAccess(context: TokenCacheContext): Promise<void> {
    if (context.cacheHasChanged) await this.write(context.tokenCache.serialize());
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
    return text;
  }

  /** Writes the whole cache: temp file (0600) in the same directory, then rename over the old file, then chmod 0600. */
  async write(text: string): Promise<void> {
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
