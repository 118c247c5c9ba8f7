/**
 * The secret values this process holds, by value (not by shape): access, refresh and id tokens,
 * client secrets and certificate keys, device codes and user codes, the webhook's clientState.
 * A token can be any opaque string (`x7Qp…`) that no pattern recognises, so every text that
 * becomes an error's message or description, or a log line, goes through `redactSecrets` (errors.ts
 * `redact` calls it): a server that echoes a token back in its error message cannot make the
 * adapter repeat it.
 *
 * Secrets are added where they enter the process — the token middleware (every token it puts in an
 * Authorization header), the MSAL classes (results, the token cache, the configured secret or key,
 * device and user codes), the token cache file, the webhook options — and stay registered: a token
 * that has expired is still not something to print. The registry keeps the newest MAX_SECRETS
 * values (a process that refreshes hourly for years does not grow without bound).
 */

/** How many secret values the registry keeps (oldest forgotten first). */
export const MAX_SECRETS = 1024;

/** The text a secret value is replaced with. */
export const REDACTED = '[redacted]';

/** Value -> the forms it is searched for in a text (itself, and percent-encoded when that differs). */
const registry = new Map<string, readonly string[]>();
/** Every form of every secret, longest first (so a secret that contains another is removed whole); rebuilt lazily. */
let forms: readonly string[] | undefined;

/** Adds a secret value (ignored when empty, not a string, or already registered: it is called for every request). */
export function registerSecret(value: unknown): void {
  if (typeof value !== 'string' || value.length === 0 || registry.has(value)) return;
  const encoded = encodeURIComponent(value);
  registry.set(value, encoded === value ? [value] : [value, encoded]);
  while (registry.size > MAX_SECRETS) registry.delete(registry.keys().next().value as string);
  forms = undefined;
}

/** Several values at once (undefined ones are skipped). */
export function registerSecrets(values: Iterable<unknown>): void {
  for (const value of values) registerSecret(value);
}

/** Forgets a value (tests; a host that knows a secret was never real). */
export function forgetSecret(value: string): void {
  if (registry.delete(value)) forms = undefined;
}

/** Whether `value` is registered. */
export function isRegisteredSecret(value: string): boolean {
  return registry.has(value);
}

/**
 * Registers every `secret` of an MSAL token cache (its JSON serialisation: AccessToken,
 * RefreshToken, IdToken sections; also the file the persistent cache lives in). Text that is not
 * such a cache registers nothing.
 */
export function registerCacheSecrets(serialized: string | undefined): void {
  if (!serialized) return;
  let cache: unknown;
  try { cache = JSON.parse(serialized); } catch { return; }
  if (typeof cache !== 'object' || cache === null) return;
  for (const section of Object.values(cache as Record<string, unknown>)) {
    if (typeof section !== 'object' || section === null) continue;
    for (const entry of Object.values(section as Record<string, unknown>)) {
      if (typeof entry === 'object' && entry !== null) registerSecret((entry as { secret?: unknown }).secret);
    }
  }
}

/** `text` with every registered secret value replaced by [redacted]. */
export function redactSecrets(text: string): string {
  if (registry.size === 0 || text.length === 0) return text;
  forms ??= [...registry.values()].flat().sort((a, b) => b.length - a.length);
  let out = text;
  for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
  return out;
}
