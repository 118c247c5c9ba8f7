/**
 * Where a device-code sign-in keeps its token cache. `plain`: TokenCacheFile (JSON, mode 0600, the
 * lock of @imessenger/durable). `encrypted`: `@azure/msal-node-extensions` (DPAPI on Windows, the
 * Keychain on macOS, libsecret on Linux), when the host installed it. `auto` (the default): encrypted
 * when that package loads and its store answers, else the plain file with a warning saying why.
 *
 * @azure/msal-node-extensions is an optional peer, not a dependency: on Linux it needs keytar, whose
 * install script downloads a prebuilt binary from GitHub or else compiles with node-gyp against the
 * libsecret headers; where neither works, `npm install` fails, and with `--ignore-scripts` the
 * package throws at `require` ("Cannot find module '../build/Release/keytar.node'") — see
 * docs/decisions.md. A dependency must never break the adapter's install, so it stays the host's choice.
 *
 * MSAL calls the plugin asynchronously, so the store is chosen at the first cache access.
 */
import { GraphAuthError } from './auth';
import { optionalPeer } from './optional-peer';
import { TokenCacheFile } from './token-cache-file';
import type { TokenCacheAccess, TokenCachePlugin } from './msal-types';
import { redact } from '../errors';

export type CacheProtection = 'auto' | 'encrypted' | 'plain';

/** What @azure/msal-node-extensions exports, as far as used here. */
interface Extensions {
  PersistenceCreator: { createPersistence(config: Record<string, unknown>): Promise<unknown> };
  PersistenceCachePlugin: new (persistence: unknown) => TokenCachePlugin;
  DataProtectionScope: { CurrentUser: unknown };
}

export interface CachePluginOptions {
  readonly protection?: CacheProtection;
  /** The plain file was used under `auto` (the reason). */
  readonly onWarning?: (message: string) => void;
  /** For tests: loads @azure/msal-node-extensions (default: require). */
  readonly load?: () => unknown;
}

/** The token cache plugin for `file`; which store it uses is settled at the first cache access. */
export class ProtectedTokenCache implements TokenCachePlugin {
  readonly protection: CacheProtection;
  /** 'encrypted' or 'plain' once chosen. */
  store?: 'encrypted' | 'plain';
  private chosen?: Promise<TokenCachePlugin>;

  constructor(readonly file: string, private readonly options: CachePluginOptions = {}) {
    this.protection = options.protection ?? 'auto';
  }

  async beforeCacheAccess(context: TokenCacheAccess): Promise<void> { return (await this.plugin()).beforeCacheAccess(context); }
  async afterCacheAccess(context: TokenCacheAccess): Promise<void> { return (await this.plugin()).afterCacheAccess(context); }

  private plugin(): Promise<TokenCachePlugin> {
    this.chosen ??= this.choose();
    return this.chosen;
  }

  private async choose(): Promise<TokenCachePlugin> {
    if (this.protection === 'plain') return this.plain();
    let reason: string;
    try {
      const ext = (this.options.load ?? (() => optionalPeer('@azure/msal-node-extensions')))() as Extensions;
      const persistence = await ext.PersistenceCreator.createPersistence({
        cachePath: this.file, dataProtectionScope: ext.DataProtectionScope.CurrentUser,
        serviceName: 'imessenger', accountName: 'graph-token-cache', usePlaintextFileOnLinux: false,
      });
      this.store = 'encrypted';
      return new ext.PersistenceCachePlugin(persistence);
    } catch (e) {
      reason = redact(e instanceof Error ? e.message : String(e)).split('\n')[0]!;
    }
    if (this.protection === 'encrypted') {
      throw new GraphAuthError(`token cache: "cacheProtection": "encrypted" but @azure/msal-node-extensions cannot be used (${reason})`, 'failed');
    }
    this.options.onWarning?.(`the token cache ${this.file} is a plain file (mode 0600), not encrypted: @azure/msal-node-extensions cannot be used (${reason}); "cacheProtection": "plain" says so without this warning`);
    return this.plain();
  }

  private plain(): TokenCachePlugin {
    this.store = 'plain';
    return new TokenCacheFile(this.file);
  }
}
