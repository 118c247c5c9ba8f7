/**
 * The fake tenant's router: the route table (one row per request of ENDPOINTS.md), path
 * normalisation, and Graph's answers for everything else (400 "Resource not found for the
 * segment", 405 for a known path with another method, 400 for an unsupported query option).
 * The fake is strict on purpose: a request the adapter should not make fails loudly here, even
 * where real Graph would answer it.
 */
import { badRequest, fail, type GraphResult, type QueryOptions, unquoteLiteral } from './fake-http';
import { CHAT_ROUTES } from './fake-routes-chats';
import { PEOPLE_ROUTES } from './fake-routes-people';
import { SUBSCRIPTION_ROUTES } from './fake-routes-subscriptions';
import type { TenantState, UserRecord } from './fake-state';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** What a token may do: delegated scopes or application roles (lower case), and the app it was issued to. */
export interface TokenGrant {
  readonly mode: 'delegated' | 'application';
  /** Lower case, for the checks. */
  readonly permissions: ReadonlySet<string>;
  /** As issued (the token's scp / roles claim). */
  readonly granted: readonly string[];
  readonly appId: string;
}

/** Everything a handler may use. */
export interface RouteContext {
  readonly state: TenantState;
  /** The user the bearer token belongs to: what `/me` means (for an app-only token, the user it acts as). */
  readonly caller: UserRecord;
  readonly grant: TokenGrant;
  /** Path parameters, percent-decoded (`:chatId` -> `19:…@thread.v2`). */
  readonly params: Readonly<Record<string, string>>;
  readonly query: QueryOptions;
  readonly body: unknown;
  /** The absolute service root, e.g. `http://127.0.0.1:40123/v1.0` (nextLinks are absolute, docs/paging.md). */
  readonly baseUrl: string;
  /** The decoded request path below the service root, e.g. `/me/chats`. */
  readonly path: string;
}

export interface Route {
  readonly method: Method;
  /** `/`-separated segments; `:name` captures one segment; literals match case-insensitively. */
  readonly path: string;
  /** The system query options (`$select`, `$top`, …) this request may carry; any other is a 400. */
  readonly query?: readonly string[];
  readonly handle: (ctx: RouteContext) => GraphResult;
}

/** The whole table (`POST /$batch` is handled by the server itself: it re-enters this router). */
export const ROUTES: readonly Route[] = [...PEOPLE_ROUTES, ...CHAT_ROUTES, ...SUBSCRIPTION_ROUTES];

/**
 * Split a raw (percent-encoded) path below the service root into decoded segments. Key-as-
 * parentheses segments (`users('$x@y.com')`) become two segments; a bare segment starting with
 * `$` is a 400, as Graph answers `/users/$x@y.com` (docs/user-get.md).
 */
export function splitPath(rawPath: string): string[] {
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    if (raw === '') continue;
    let segment: string;
    try { segment = decodeURIComponent(raw); } catch { return badRequest(`The path segment '${raw}' is not correctly percent-encoded.`); }
    const keyed = /^([A-Za-z]+)\('(.*)'\)$/.exec(segment);
    if (keyed) {
      segments.push(keyed[1]!, unquoteLiteral(keyed[2]!));
    } else if (segment.startsWith('$') && !(segments.length === 0 && segment === '$batch')) {
      badRequest(`The request URI is not valid: the segment '${segment}' starts with '$'. Write a key that starts with '$' as users('${segment}').`);
    } else {
      segments.push(segment);
    }
  }
  return segments;
}

/** Run the route for a request, or answer as Graph does for a path or method it has not got. */
export function dispatch(method: string, segments: readonly string[], ctx: Omit<RouteContext, 'params'>): GraphResult {
  const candidates = ROUTES.map((route) => ({ route, params: match(route.path, segments) }));
  const hit = candidates.find((c) => c.params && c.route.method === method.toUpperCase());
  if (hit?.params) {
    checkQueryOptions(hit.route, ctx.query);
    return hit.route.handle({ ...ctx, params: hit.params });
  }
  // `/users/{id}/…` for a `/me/…` request: how an app-only token (or a user naming themselves) reaches a mailbox.
  const user = segments[0]?.toLowerCase() === 'users' && segments.length > 2 ? ctx.state.user(segments[1]!) : undefined;
  if (user && (ctx.grant.mode === 'application' || user.id === ctx.caller.id)) {
    const mine = ['me', ...segments.slice(2)];
    if (ROUTES.some((route) => route.method === method.toUpperCase() && match(route.path, mine))) return dispatch(method, mine, { ...ctx, caller: user });
  }
  if (candidates.some((c) => c.params)) fail(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
  const known = Math.max(0, ...ROUTES.map((r) => matchedPrefix(r.path, segments)));
  return badRequest(`Resource not found for the segment '${segments[Math.min(known, segments.length - 1)] ?? ''}'.`);
}

function checkQueryOptions(route: Route, query: QueryOptions): void {
  const allowed = (route.query ?? []).map((q) => q.toLowerCase());
  for (const name of query.names()) {
    if (name.startsWith('$') && !allowed.includes(name)) badRequest(`Query option '${name}' is not allowed on this request.`, 'BadRequest');
  }
}

function patternOf(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function segmentMatches(pattern: string, segment: string): boolean {
  return pattern.startsWith(':') || pattern.toLowerCase() === segment.toLowerCase();
}

function match(path: string, segments: readonly string[]): Record<string, string> | undefined {
  const pattern = patternOf(path);
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const s = segments[i]!;
    if (!segmentMatches(p, s)) return undefined;
    if (p.startsWith(':')) params[p.slice(1)] = s;
  }
  return params;
}

/** How many leading segments of the request some route knows (to name the first unknown one). */
function matchedPrefix(path: string, segments: readonly string[]): number {
  const pattern = patternOf(path);
  let i = 0;
  while (i < pattern.length && i < segments.length && segmentMatches(pattern[i]!, segments[i]!)) i++;
  return i;
}
