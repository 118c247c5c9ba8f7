/**
 * The fake tenant's permission check: every token carries delegated scopes (`scp`) or application
 * roles (`roles`), and every request needs one of the permissions Microsoft's permission map lists
 * for it (the table in ../permissions.ts, which test/permissions.test.ts checks against the vendored
 * map), else Graph's 403. Which error body: the directory answers `Authorization_RequestDenied`,
 * Outlook `ErrorAccessDenied`, Teams and presence `Forbidden` (docs/errors.md's shape).
 */
import { allows, GRAPH_CAPABILITIES, type GraphMode, type GraphRequestPermissions, graphPermissions, requestFor } from '../permissions';
import { fail } from './fake-http';
import type { TokenGrant } from './fake-routes';

/** The application (client) id of the fake's tokens unless a test gives another. */
export const DEFAULT_APP_ID = 'f4ce0a99-7e57-4d7a-9c1e-6a5d1e0a0b01';

export interface TokenOptions {
  /** Default 'delegated'. */
  readonly mode?: GraphMode;
  /** Delegated scopes (default: those of every capability, permissions.ts). */
  readonly scopes?: readonly string[];
  /** Application roles (default: those of every capability Graph serves in application mode). */
  readonly roles?: readonly string[];
  /** The app the token was issued to (default DEFAULT_APP_ID). */
  readonly appId?: string;
}

export function grantFor(options: TokenOptions): TokenGrant {
  const mode = options.mode ?? 'delegated';
  const given = mode === 'delegated' ? options.scopes : options.roles;
  const permissions = given ?? graphPermissions(GRAPH_CAPABILITIES, mode).permissions;
  return { mode, permissions: new Set(permissions.map((p) => p.toLowerCase())), granted: [...permissions], appId: options.appId ?? DEFAULT_APP_ID };
}

/** Requests the fake answers that the adapter never sends (naive client code in the benchmark). */
const FAKE_ONLY: readonly GraphRequestPermissions[] = [
  { method: 'GET', path: '/me/presence', delegated: ['Presence.Read', 'Presence.Read.All'], application: [] },
  { method: 'GET', path: '/users/{id}/presence', delegated: ['Presence.Read.All'], application: ['Presence.Read.All'] },
];

function lookup(method: string, path: string): GraphRequestPermissions | undefined {
  const known = requestFor(method, path);
  if (known) return known;
  const segments = path.toLowerCase().split('/').filter(Boolean);
  return FAKE_ONLY.find((q) => q.method === method.toUpperCase() && q.path.split('/').filter(Boolean).every((p, i, all) => all.length === segments.length && (p === '{id}' || p === segments[i])));
}

/** Throws Graph's 403 when the token's permissions do not cover the request (unknown requests pass on to the router's 400). */
export function checkPermission(method: string, segments: readonly string[], grant: TokenGrant): void {
  const path = `/${segments.join('/')}`;
  // An app-only token has no signed-in user: /me does not exist for it.
  if (grant.mode === 'application' && segments[0]?.toLowerCase() === 'me') fail(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
  const request = lookup(method, path);
  if (!request || allows(request, grant.mode, grant.permissions)) return;
  const needed = request[grant.mode];
  const held = grant.granted.join(' ');
  const head = (segments[0] ?? '').toLowerCase();
  const area = (head === 'me' ? segments[1] ?? '' : head === 'users' ? segments[2] ?? '' : head).toLowerCase();
  if (['contacts', 'mailfolders', 'extensions'].includes(area)) fail(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
  if (area === '' && (head === 'users' || head === 'me')) fail(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  const kind = grant.mode === 'delegated' ? 'Scopes' : 'Roles';
  fail(403, 'Forbidden', needed.length === 0
    ? `${method.toUpperCase()} ${request.path} is not supported with ${grant.mode} permissions. ${kind} on the request '${held}'.`
    : `Missing ${kind.toLowerCase()} permissions on the request. API requires one of '${needed.join(', ')}'. ${kind} on the request '${held}'.`);
}

/** Does the token read other users' full profiles (their phones)? */
export function readsFullProfiles(grant: TokenGrant, full: readonly string[]): boolean {
  return full.some((p) => grant.permissions.has(p.toLowerCase()));
}
