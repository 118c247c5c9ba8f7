/**
 * The in-memory backend as a migration provider: one memory backend per user, persisted to
 * `<dir>/<user>.json` (the backend's `stateFile`: every acknowledged write is on disk, whole, before
 * the call returns), so a copy killed in one process is resumed by the next. A user's first state
 * comes from `seeds[user]` or from `<dir>/<user>.seed.json` (the memory adapter's seed document).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMessengerError, messengerError } from '@imessenger/contract';
import { createMessenger } from '@imessenger/core';
import { type MemoryBackend, memoryBackend } from '@imessenger/adapter-memory';
import type { BackendProvider } from './providers';
import type { CopySession } from './copy';

export interface MemoryProviderOptions {
  /** Where the users' state files (and seed files) are. */
  readonly dir: string;
  /** Seed documents by user, for users without a state file (before `<user>.seed.json`). */
  readonly seeds?: Readonly<Record<string, unknown>>;
  /** Never write the state files: sign-in and every change stay in memory (dry runs, sources). */
  readonly readOnly?: boolean;
  /** For reports (default "memory"). */
  readonly name?: string;
  /** Called with each user's backend when it is opened (tests: inject faults through `backend.store`). */
  readonly onOpen?: (user: string, backend: MemoryBackend) => void;
}

export interface MemorySession extends CopySession {
  readonly backend: MemoryBackend;
}

export interface MemoryProvider extends BackendProvider {
  readonly dir: string;
  open(user: string): Promise<MemorySession>;
  users(): Promise<readonly string[]>;
  /** `<dir>/<user>.json`. */
  stateFileOf(user: string): string;
  /** `<dir>/<user>.seed.json`. */
  seedFileOf(user: string): string;
}

const STATE = '.json';
const SEED = '.seed.json';

/** A user's file name: the sign-in name in lower case, characters other than [a-z0-9@._+-] %-escaped. */
export function userFileBase(user: string): string {
  const name = user.trim().toLowerCase();
  if (!name) throw new TypeError('memoryProvider: a user name must not be empty.');
  const escaped = [...name].map((c) => (/[a-z0-9@._+-]/.test(c) ? c : encodeURIComponent(c).replace(/[!'()*]/g, (x) => `%${x.charCodeAt(0).toString(16).toUpperCase()}`))).join('');
  return escaped.startsWith('.') ? `%2E${escaped.slice(1)}` : escaped;
}

const userOfFile = (base: string): string => {
  try { return decodeURIComponent(base); } catch { return base; }
};

export function memoryProvider(options: MemoryProviderOptions): MemoryProvider {
  const dir = path.resolve(options.dir);
  const stateFileOf = (user: string) => path.join(dir, `${userFileBase(user)}${STATE}`);
  const seedFileOf = (user: string) => path.join(dir, `${userFileBase(user)}${SEED}`);
  /** The user's seed, and the file it was read from (named in a SeedError). */
  const seedOf = (user: string): { seed: unknown; file?: string } | undefined => {
    const key = Object.keys(options.seeds ?? {}).find((k) => k.toLowerCase() === user.toLowerCase());
    if (key !== undefined) return options.seeds![key] === undefined ? undefined : { seed: options.seeds![key] };
    const file = seedFileOf(user);
    if (!fs.existsSync(file)) return undefined;
    try {
      return { seed: JSON.parse(fs.readFileSync(file, 'utf8')) as unknown, file };
    } catch (error) {
      throw new Error(`memory:${options.dir}: the seed file ${file} is not valid JSON (${(error as Error).message}).`);
    }
  };

  return {
    name: options.name ?? 'memory',
    dir,
    stateFileOf,
    seedFileOf,

    async users() {
      const names = new Map<string, string>();
      for (const key of Object.keys(options.seeds ?? {})) names.set(key.toLowerCase(), key);
      const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
      for (const file of files) {
        let base: string | undefined;
        if (file.endsWith(SEED)) base = file.slice(0, -SEED.length);
        else if (file.endsWith(STATE)) base = file.slice(0, -STATE.length);
        if (!base) continue;
        const user = userOfFile(base);
        if (!names.has(user.toLowerCase())) names.set(user.toLowerCase(), user);
      }
      return [...names.values()].sort((a, b) => a.localeCompare(b));
    },

    async open(user: string): Promise<MemorySession> {
      const stateFile = stateFileOf(user);
      const seed = fs.existsSync(stateFile) ? undefined : seedOf(user);
      if (!fs.existsSync(stateFile) && seed === undefined) {
        throw messengerError('MSGR_E_USER_NOT_FOUND', undefined,
          `memory:${options.dir} has no user "${user}" (neither ${path.basename(stateFile)} nor ${path.basename(seedFileOf(user))}).`);
      }
      const backend = memoryBackend({ seed: seed?.seed, stateFile, ...(seed?.file ? { seedFile: seed.file } : {}), readOnly: options.readOnly ?? false });
      options.onOpen?.(user, backend);
      // The copy reads the service's answers as rejections (ALREADY_IN_LIST -> present, throttling -> retry).
      const messenger = createMessenger({ backend, outcomes: 'reject' });
      let signedInHere = true;
      try {
        await messenger.AutoSignin();
      } catch (error) {
        if (!isMessengerError(error, 'MSGR_E_ALREADY_LOGGED_ON')) { messenger.dispose(); throw error; }
        signedInHere = false; // a process killed earlier left it signed in
      }
      const self = await messenger.get_MySigninName();
      if (self.toLowerCase() !== user.toLowerCase()) {
        messenger.dispose();
        throw new Error(`memory:${options.dir}: ${path.basename(stateFile)} belongs to "${self}", not "${user}".`);
      }
      return {
        user,
        messenger,
        backend,
        async knows(signinName: string) { return backend.store.user(signinName) !== undefined; },
        async close() {
          try {
            if (signedInHere && !options.readOnly) await messenger.Signout();
          } finally {
            messenger.dispose();
          }
        },
      };
    },
  };
}
