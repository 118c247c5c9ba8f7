/**
 * Small HTTP/OData helpers of the fake Graph tenant: the result type every route returns, the
 * Graph error shape (docs/errors.md), query-option parsing ($select, $top, OData string literals)
 * and paging links (docs/paging.md). Nothing here knows about users or chats.
 */

/** What a route answers: a status, an optional JSON body, extra headers. */
export interface GraphResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A Graph error a handler throws; the server turns it into `{ error: { code, message, innerError } }`. */
export class GraphHttpError extends Error {
  override readonly name = 'GraphHttpError';
  constructor(readonly status: number, readonly code: string, message: string, readonly headers: Readonly<Record<string, string>> = {}) {
    super(message);
  }
}

/** Throw a Graph error (handlers use this for every validation failure). */
export function fail(status: number, code: string, message: string): never {
  throw new GraphHttpError(status, code, message);
}

export const badRequest = (message: string, code = 'BadRequest'): never => fail(400, code, message);

/** Graph's error body (docs/errors.md): the adapter branches on `code`, never on `message`. */
export function errorBody(code: string, message: string, requestId: string): { error: { code: string; message: string; innerError: Record<string, string> } } {
  return {
    error: {
      code,
      message,
      innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, ''), 'request-id': requestId, 'client-request-id': requestId },
    },
  };
}

/** The error code Graph typically sends with a bare status (used by injected faults). */
export function defaultCodeFor(status: number): string {
  const codes: Readonly<Record<number, string>> = {
    400: 'BadRequest', 401: 'InvalidAuthenticationToken', 403: 'Forbidden', 404: 'NotFound', 405: 'Request_BadRequest',
    409: 'Conflict', 412: 'PreconditionFailed', 423: 'Locked', 429: 'TooManyRequests', 500: 'InternalServerError',
    501: 'NotImplemented', 502: 'BadGateway', 503: 'ServiceNotAvailable', 504: 'GatewayTimeout',
  };
  return codes[status] ?? 'UnknownError';
}

/** A JSON object (not an array, not null), or undefined. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The request body as an object, or 400 like Graph when it is missing or not an object. */
export function requireObject(body: unknown): Record<string, unknown> {
  return asObject(body) ?? badRequest('Empty Payload. JSON content expected.');
}

/** A required string property of a request body. */
export function requireString(obj: Record<string, unknown>, key: string): string {
  const v = obj[key];
  return typeof v === 'string' && v.length > 0 ? v : badRequest(`Required property '${key}' is missing or is not a non-empty string.`);
}

/**
 * The query options of one request. Names are case-insensitive (`$top` = `$TOP`); values are
 * percent-decoded without turning '+' into a space (OData, unlike HTML forms).
 */
export class QueryOptions {
  private constructor(private readonly map: ReadonlyMap<string, string>, readonly raw: string) {}

  static parse(raw: string): QueryOptions {
    const map = new Map<string, string>();
    for (const part of raw.split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const name = decode(eq < 0 ? part : part.slice(0, eq)).toLowerCase();
      if (map.has(name)) badRequest(`Query option '${name}' was specified more than once, but it must be specified at most once.`);
      map.set(name, eq < 0 ? '' : decode(part.slice(eq + 1)));
    }
    return new QueryOptions(map, raw);
  }

  get(name: string): string | undefined { return this.map.get(name.toLowerCase()); }
  names(): string[] { return [...this.map.keys()]; }
  entries(): [string, string][] { return [...this.map.entries()]; }
}

function decode(text: string): string {
  try { return decodeURIComponent(text); } catch { return badRequest(`The query string '${text}' is not correctly percent-encoded.`); }
}

/** `$top`: an integer between 1 (FACTS #49) and the API's maximum; larger values are a 400 like chat-list's. */
export function parseTop(query: QueryOptions, limits: { max: number; fallback: number }): number {
  const text = query.get('$top');
  if (text === undefined) return limits.fallback;
  if (!/^\d+$/.test(text)) badRequest(`Invalid value '${text}' for $top query option.`);
  const top = Number(text);
  if (top < 1) badRequest(`Invalid page size specified: '${top}'. Must be at least 1.`);
  if (top > limits.max) badRequest(`Invalid page size specified: '${top}'. Must be between 1 and ${limits.max} inclusive.`);
  return top;
}

/** `$select` as a list; unknown property names are a 400 (Graph names the property). */
export function parseSelect(query: QueryOptions, known: readonly string[], typeName: string): string[] | undefined {
  const text = query.get('$select');
  if (text === undefined) return undefined;
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const name of names) {
    if (!known.some((k) => k.toLowerCase() === name.toLowerCase())) badRequest(`Could not find a property named '${name}' on type '${typeName}'.`);
  }
  return names.map((n) => known.find((k) => k.toLowerCase() === n.toLowerCase()) ?? n);
}

/**
 * Only the selected properties of an entity. `keepId`: Outlook items always carry their `id`;
 * directory objects (users) return exactly what was selected (docs/user-get.md example 3).
 */
export function project(entity: Readonly<Record<string, unknown>>, select: readonly string[] | undefined, keepId: boolean): Record<string, unknown> {
  if (!select) return { ...entity };
  const out: Record<string, unknown> = {};
  for (const key of keepId ? ['id', ...select] : select) if (key in entity) out[key] = entity[key];
  return out;
}

/** An OData string literal body: `'O''Brien'` -> `O'Brien` (docs/query-parameters.md). */
export function unquoteLiteral(quoted: string): string {
  return quoted.replace(/''/g, "'");
}

/** The pattern of one OData string literal's body (quotes doubled inside). */
export const LITERAL = "((?:[^']|'')*)";

/** Paging: an opaque `$skiptoken` (docs/paging.md says never to parse it; the fake keeps an offset in it). */
export function encodeSkipToken(offset: number): string {
  return Buffer.from(`fake-offset:${offset}`).toString('base64url');
}

export function decodeSkipToken(token: string | undefined): number {
  if (token === undefined) return 0;
  const m = /^fake-offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  return m ? Number(m[1]) : badRequest(`The $skiptoken '${token}' is not valid.`);
}

/**
 * One page of a collection: `value` plus an absolute `@odata.nextLink` carrying every other query
 * option of the request (docs/paging.md) when more items follow.
 */
export function pageOf<T>(
  items: readonly T[],
  page: { offset: number; size: number; baseUrl: string; path: string; query: QueryOptions; cursor: '$skiptoken' | '$skip' },
): { value: T[]; nextLink?: string } {
  const value = items.slice(page.offset, page.offset + page.size);
  const next = page.offset + page.size;
  if (next >= items.length) return { value };
  const params = page.query.entries().filter(([name]) => name !== page.cursor);
  params.push([page.cursor, page.cursor === '$skip' ? String(next) : encodeSkipToken(next)]);
  const qs = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return { value, nextLink: `${page.baseUrl}${encodePath(page.path)}?${qs}` };
}

/** Percent-encode each segment of a decoded path (so chat ids with ':' and '@' survive). */
export function encodePath(path: string): string {
  return path.split('/').map((s) => encodeURIComponent(s)).join('/');
}

/** A Graph object id (a GUID). */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** ISO 8601 duration as Graph takes it (`PT8H`, `P1D`). */
export const ISO_DURATION = /^P(?=\d|T\d)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;
