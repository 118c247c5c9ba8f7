/**
 * From a checked configuration (config.ts) to what signs in and the backend: the one place where
 * each `"auth"` type becomes a GraphAuth, for every command and for hosts.
 */
import * as fs from 'node:fs';
import type { GraphAuth } from './auth/auth';
import { GraphAuthError } from './auth/auth';
import { ProtectedTokenCache } from './auth/cache-persistence';
import { ClientCredentialsAuth } from './auth/client-credentials';
import { DeviceCodeAuth, type DeviceCodeInfo } from './auth/device-code';
import { StaticTokenAuth } from './auth/static-token';
import { TokenCredentialAuth, type TokenCredential, azureIdentityCredential } from './auth/token-credential';
import { type GraphBackend, type GraphBackendOptions, graphBackend } from './backend';
import { GraphConfigError, type GraphSettings } from './config';
import { graphPermissions } from './permissions';
import { registerSecret } from './secrets';

export interface GraphAuthFromSettingsOptions {
  /**
   * The user to sign in as, for configurations that serve many (migrate copy): "tokens" takes that
   * user's token, "client-credentials" and "azure-identity" act as that user, "device-code" uses it
   * as the login hint. Without it they need "actAs" (or one account in the cache).
   */
  readonly user?: string;
  /** Shows the device code (default: the message on stderr). */
  readonly onDeviceCode?: (info: DeviceCodeInfo) => void;
  /** A plain token cache where an encrypted one was wanted under "cacheProtection": "auto". */
  readonly onWarning?: (message: string) => void;
  /** The host's own TokenCredential, for "azure-identity" (instead of loading @azure/identity). */
  readonly credential?: TokenCredential;
}

/** The GraphAuth a configuration describes. Throws GraphConfigError (a key that does not fit this use) or GraphAuthError. */
export function graphAuthFromSettings(settings: GraphSettings, options: GraphAuthFromSettingsOptions = {}): GraphAuth {
  const auth = settings.auth;
  const actAs = (given: string | undefined): string => {
    const user = options.user ?? given;
    if (!user) throw new GraphConfigError(settings.source, 'auth.actAs', `is required for "type": "${auth.type}" here: the user (UPN or id) the application acts for`);
    return user;
  };
  switch (auth.type) {
    case 'device-code':
      return new DeviceCodeAuth({
        clientId: auth.clientId, tenantId: settings.tenantId,
        ...(auth.authority ? { authority: auth.authority } : {}),
        ...(auth.scopes ? { scopes: auth.scopes } : settings.capabilities ? { scopes: graphPermissions(settings.capabilities, 'delegated').permissions } : {}),
        ...(auth.cacheFile ? { cachePlugin: new ProtectedTokenCache(auth.cacheFile, { protection: auth.cacheProtection ?? 'auto', ...(options.onWarning ? { onWarning: options.onWarning } : {}) }) } : {}),
        ...(options.onDeviceCode ? { onDeviceCode: options.onDeviceCode } : {}),
      });
    case 'client-credentials': {
      let secret: { clientSecret: string } | { clientCertificate: { thumbprintSha256: string; privateKey: string; x5c?: string } };
      if (auth.certificate) {
        const cert = auth.certificate;
        let privateKey: string;
        try { privateKey = fs.readFileSync(cert.privateKeyFile, 'utf8'); } catch (e) {
          throw new GraphConfigError(settings.source, 'auth.certificate.privateKeyFile', `cannot read ${cert.privateKeyFile} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
        }
        registerSecret(privateKey);
        secret = { clientCertificate: { thumbprintSha256: cert.thumbprintSha256, privateKey, ...(cert.x5c ? { x5c: cert.x5c } : {}) } };
      } else {
        secret = { clientSecret: auth.clientSecret! };
      }
      return new ClientCredentialsAuth({
        clientId: auth.clientId, tenantId: settings.tenantId, actAs: actAs(auth.actAs), ...secret, ...(auth.authority ? { authority: auth.authority } : {}),
      });
    }
    case 'azure-identity':
      return new TokenCredentialAuth({
        credential: options.credential ?? azureIdentityCredential(auth.credential, auth.managedIdentityClientId),
        actAs: actAs(auth.actAs), ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}),
      });
    case 'access-token': {
      const token = auth.accessToken!;
      return new StaticTokenAuth({ username: auth.username, token: () => token });
    }
    case 'tokens': {
      if (!options.user) throw new GraphConfigError(settings.source, 'auth.type', '"tokens" holds a token per user (migrate copy); a session of one user takes "access-token"');
      let tokens: unknown;
      try { tokens = JSON.parse(fs.readFileSync(auth.tokensFile, 'utf8')); } catch {
        throw new GraphConfigError(settings.source, 'auth.tokensFile', `cannot read ${auth.tokensFile} (a JSON object { "<upn>": "<access token>" })`);
      }
      if (typeof tokens !== 'object' || tokens === null || Array.isArray(tokens) || !Object.values(tokens).every((t) => typeof t === 'string')) {
        throw new GraphConfigError(settings.source, 'auth.tokensFile', `${auth.tokensFile} must be a JSON object { "<upn>": "<access token>" }`);
      }
      const entry = Object.entries(tokens as Record<string, string>).find(([u]) => u.toLowerCase() === options.user!.toLowerCase());
      for (const t of Object.values(tokens as Record<string, string>)) registerSecret(t);
      const user = options.user;
      return {
        mode: 'delegated',
        async signin() {
          if (!entry) throw new GraphAuthError(`no token for ${user} in ${auth.tokensFile}`, 'no-account');
          return { username: user };
        },
        async signout() { /* the file is the host's */ },
        async getToken() {
          if (!entry) throw new GraphAuthError(`no token for ${user} in ${auth.tokensFile}`, 'no-account');
          return entry[1];
        },
      };
    }
  }
}

export interface GraphBackendFromSettingsOptions extends GraphAuthFromSettingsOptions,
  Omit<Partial<GraphBackendOptions>, 'auth' | 'tenantId'> {
  /** A GraphAuth of the host's (instead of the one the configuration describes). */
  readonly auth?: GraphAuth;
}

/** The backend a configuration describes; `options` adds what a file cannot hold (hooks, a launcher, the host's client or middleware). */
export function graphBackendFromSettings(settings: GraphSettings, options: GraphBackendFromSettingsOptions = {}): GraphBackend {
  const { user: _user, onDeviceCode: _code, onWarning: _warning, credential: _credential, auth, ...rest } = options;
  return graphBackend({
    ...rest,
    auth: auth ?? graphAuthFromSettings(settings, options),
    tenantId: settings.tenantId,
    ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
    ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}),
    ...(settings.retry ? { retry: settings.retry } : {}),
    ...(settings.presencePollMs !== undefined ? { presence: { ...rest.presence, intervalMs: settings.presencePollMs } } : {}),
    ...(settings.signedInAtStart !== undefined ? { signedInAtStart: settings.signedInAtStart } : {}),
    ...(settings.statusPolicy !== undefined ? { statusPolicy: settings.statusPolicy } : {}),
    ...(settings.capabilities ? { capabilities: settings.capabilities } : {}),
  });
}
