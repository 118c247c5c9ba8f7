/**
 * Internal helpers shared by the MSAL-based GraphAuth implementations: MSAL error -> GraphAuthError
 * mapping (no token, secret or code ever reaches a message), the logger bridge, and a promise
 * chain that serialises token acquisition (PITFALLS E2).
 */
import {
  AuthError,
  InteractionRequiredAuthError,
  LogLevel,
  ServerError,
  type NodeAuthOptions,
  type NodeSystemOptions,
} from '@azure/msal-node';
import { redact } from '../errors';
import { registerSecret } from '../secrets';
import { GraphAuthError } from './auth';
import type { GraphAuthLogLevel, GraphAuthLogger, MsalOverrides } from './msal-types';

type LoggerOptions = NonNullable<NodeSystemOptions['loggerOptions']>;

/** The overrides in MSAL's own types: the same values (MsalOverrides mirrors MSAL's types, with plain strings for its string unions, which MSAL checks). */
export function msalOverrides(overrides: MsalOverrides | undefined): { readonly auth: Partial<NodeAuthOptions>; readonly system: NodeSystemOptions } {
  return { auth: { ...overrides?.auth } as Partial<NodeAuthOptions>, system: { ...overrides?.system } as NodeSystemOptions };
}

const LEVEL_NAMES: Readonly<Record<LogLevel, GraphAuthLogLevel>> = {
  [LogLevel.Error]: 'error',
  [LogLevel.Warning]: 'warning',
  [LogLevel.Info]: 'info',
  [LogLevel.Verbose]: 'verbose',
  [LogLevel.Trace]: 'trace',
};
const LEVELS: Readonly<Record<GraphAuthLogLevel, LogLevel>> = {
  error: LogLevel.Error, warning: LogLevel.Warning, info: LogLevel.Info, verbose: LogLevel.Verbose, trace: LogLevel.Trace,
};

/**
 * Removes known secret values (client secret, private key, device code, user code) and anything
 * `redact` recognises (every secret of the process's registry, bearer tokens, JWTs, `x_token=`
 * pairs) from a text. A value added here is also added to the process's registry (secrets.ts), so
 * errors made elsewhere (a Graph server echoing it) cannot carry it either.
 */
export class Scrubber {
  private readonly secrets = new Set<string>();
  constructor(...secrets: ReadonlyArray<string | undefined>) { for (const s of secrets) this.add(s); }
  add(secret: string | undefined): void {
    if (!secret) return;
    this.secrets.add(secret);
    registerSecret(secret);
  }
  delete(secret: string | undefined): void { if (secret) this.secrets.delete(secret); }
  clean(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is removed whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('[redacted]');
    return redact(out);
  }
}

/** Logs through the caller's logger (if any), scrubbed. */
export class AuthLog {
  constructor(private readonly logger: GraphAuthLogger | undefined, private readonly scrub: Scrubber) {}
  log(level: GraphAuthLogLevel, message: string): void {
    if (!this.logger) return;
    try { this.logger(level, this.scrub.clean(message)); } catch { /* a failing logger must not break sign-in */ }
  }
  /** MSAL logger options: a callback only when a logger was given; never PII. */
  msalOptions(level: GraphAuthLogLevel = 'info'): LoggerOptions | undefined {
    if (!this.logger) return undefined;
    return {
      piiLoggingEnabled: false,
      logLevel: LEVELS[level],
      loggerCallback: (lvl: LogLevel, message: string, containsPii: boolean) => {
        if (containsPii) return;
        this.log(LEVEL_NAMES[lvl] ?? 'info', message);
      },
    };
  }
}

/** Runs async tasks one after another (token acquisition must not race on the persistent cache). */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

const SAFE_CODE = /^[A-Za-z0-9_.-]{1,80}$/;
const safeCode = (code: string | undefined): string | undefined => (code && SAFE_CODE.test(code) ? code : undefined);

const NETWORK_CODES = new Set(['network_error', 'no_network_connectivity', 'endpoints_resolution_error', 'openid_config_error', 'temporarily_unavailable']);
const CANCEL_CODES = new Set([
  'device_code_polling_cancelled', 'device_code_expired', 'user_timeout_reached', 'user_canceled',
  // RFC 8628 device authorisation errors (from the token endpoint while polling).
  'authorization_declined', 'access_denied', 'expired_token', 'bad_verification_code', 'code_expired',
]);
const NO_ACCOUNT_CODES = new Set(['no_account_found', 'no_account_in_silent_request', 'no_tokens_found', 'refresh_token_expired', 'native_account_unavailable']);

/** The OAuth error code of an MSAL error (device code polling errors carry it in errorMessage). */
export function msalErrorCode(e: unknown): string | undefined {
  if (!(e instanceof AuthError)) return undefined;
  if (e.errorCode === 'post_request_failed') return safeCode(e.errorMessage.trim()) ?? e.errorCode;
  return safeCode(e.errorCode);
}

/** True when MSAL says the user has to sign in interactively again (or the refresh token was refused). */
export function needsInteraction(e: unknown): boolean {
  if (e instanceof InteractionRequiredAuthError) return true;
  const code = msalErrorCode(e);
  return code === 'invalid_grant' || (code !== undefined && NO_ACCOUNT_CODES.has(code));
}

/**
 * Maps anything MSAL (or a cache plugin, or a token callback) threw to a GraphAuthError. The
 * message is built from error codes only (OAuth code, AADSTS numbers, HTTP status), never from
 * MSAL's message or the server's error_description, which may echo a secret; then scrubbed again.
 */
export function toGraphAuthError(e: unknown, what: string, scrub: Scrubber): GraphAuthError {
  if (e instanceof GraphAuthError) return e;
  if (!(e instanceof AuthError)) {
    const detail = e instanceof Error ? `${e.name}: ${e.message}` : 'unknown error';
    return new GraphAuthError(scrub.clean(`${what} failed: ${detail}`), 'failed');
  }
  const code = msalErrorCode(e) ?? 'unknown_error';
  const details: string[] = [code];
  const aadsts = new Set<string>();
  if (e instanceof ServerError && e.errorNo && /^\d{1,10}$/.test(String(e.errorNo))) aadsts.add(`AADSTS${e.errorNo}`);
  for (const m of `${e.errorMessage} ${e.subError}`.match(/AADSTS\d{1,10}/g) ?? []) aadsts.add(m);
  details.push(...aadsts);
  const sub = safeCode(e.subError);
  if (sub) details.push(`suberror ${sub}`);
  const status = e instanceof ServerError ? e.status : undefined;
  if (typeof status === 'number') details.push(`HTTP ${status}`);

  let reason: GraphAuthError['reason'];
  let text: string;
  if (NETWORK_CODES.has(code) || (typeof status === 'number' && status >= 500)) {
    reason = 'network'; text = 'the identity platform could not be reached';
  } else if (CANCEL_CODES.has(code)) {
    reason = 'cancelled'; text = 'the device code sign-in was cancelled, declined or expired';
  } else if (e instanceof InteractionRequiredAuthError || NO_ACCOUNT_CODES.has(code)) {
    reason = 'no-account'; text = 'an interactive sign-in is required';
  } else if (e instanceof ServerError || aadsts.size > 0 || code.startsWith('invalid_') || code === 'unauthorized_client') {
    reason = 'invalid-grant'; text = 'the identity platform refused the request';
  } else {
    reason = 'failed'; text = 'MSAL failed';
  }
  return new GraphAuthError(scrub.clean(`${what}: ${text} (${details.join(', ')})`), reason);
}
