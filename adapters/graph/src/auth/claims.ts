/**
 * What an access token says about itself, read from its JWT payload (never verified here: Graph
 * verifies it; this is for `imessenger graph whoami` and `doctor`, and for the tenant id of a
 * session configured with a domain). The token itself is never printed or returned.
 */

export interface TokenClaims {
  /** Delegated permissions (`scp`, space-separated in the token). */
  readonly scopes: readonly string[];
  /** Application permissions (`roles`). */
  readonly roles: readonly string[];
  /** The tenant id (`tid`). */
  readonly tenantId?: string;
  /** The signed-in user (`upn`, else `preferred_username`, else `unique_name`); none for an application token. */
  readonly user?: string;
  /** The application (`appid` or `azp`) and its display name (`app_displayname`). */
  readonly appId?: string;
  readonly appName?: string;
  /** The audience (`aud`): Graph is https://graph.microsoft.com or 00000003-0000-0000-c000-000000000000. */
  readonly audience?: string;
  /** When it expires (`exp`, ms since the epoch). */
  readonly expiresAt?: number;
  /** 'delegated' when it carries `scp`, 'application' when only `roles`. */
  readonly kind: 'delegated' | 'application' | 'unknown';
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** The claims of a JWT access token; undefined for an opaque token (or anything that is not a JWT). */
export function tokenClaims(token: string): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  let payload: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    payload = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const scopes = text(payload['scp'])?.split(' ').filter(Boolean) ?? [];
  const roles = Array.isArray(payload['roles']) ? payload['roles'].filter((r): r is string => typeof r === 'string') : [];
  const exp = typeof payload['exp'] === 'number' ? payload['exp'] * 1000 : undefined;
  const user = text(payload['upn']) ?? text(payload['preferred_username']) ?? text(payload['unique_name']);
  const tenantId = text(payload['tid']);
  const appId = text(payload['appid']) ?? text(payload['azp']);
  const appName = text(payload['app_displayname']);
  const audience = text(payload['aud']);
  return {
    scopes, roles, kind: scopes.length ? 'delegated' : roles.length ? 'application' : 'unknown',
    ...(tenantId ? { tenantId } : {}), ...(user ? { user } : {}), ...(appId ? { appId } : {}), ...(appName ? { appName } : {}),
    ...(audience ? { audience } : {}), ...(exp !== undefined ? { expiresAt: exp } : {}),
  };
}
