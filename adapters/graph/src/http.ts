/**
 * The adapter's one door to Graph: the Graph client with a middleware chain of our own —
 * tokens from GraphAuth (with one silent refresh on 401), the client's RetryHandler (429/503/504,
 * honouring Retry-After, bounded; switched off per request for non-idempotent POSTs), a throttle
 * observer (a 429's Retry-After holds back new $batch requests), and the transport guard (a
 * timeout, redirects followed only on the Graph origin, connection failures told apart, a request
 * counter). Every failure leaves as a MessengerError through errors.ts.
 *
 * A hostile or broken server cannot steer it (README "Hostile servers"): no request leaves the
 * Graph origin (redirects elsewhere and off-origin nextLinks are refused, the token goes nowhere
 * else), paging stops at a nextLink seen before or after `maxPages` pages, no path carries a dot
 * segment (paths.ts), and every text a server supplies is redacted of the secrets the process
 * holds before it becomes an error (secrets.ts).
 */
import {
  Client, type Context, GraphClientError, GraphError, HTTPMessageHandler, type Middleware, ResponseType, RetryHandler, RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';
import { messengerError } from '@imessenger/contract';
import type { GraphAuth } from './auth/auth';
import { type GraphFailure, type GraphResource, graphError } from './errors';
import { pathProblem } from './paths';
import { registerSecret } from './secrets';

export { segment, odataString, userPath, formsDotSegment } from './paths';

export const GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';
/** Graph's $batch limit (FACTS #3). */
export const BATCH_LIMIT = 20;
/**
 * `$batch` requests in flight at once, per client (all batch() calls together). Graph's throttling
 * pages (docs/throttling-limits.md) give rates for presence (1500 requests / 30 s per app per tenant,
 * FACTS #2) and the directory, and where they give a concurrency it is 4 concurrent requests
 * (Outlook per app per mailbox, FACTS #44; Insights/People; secure score) or 5 (OneNote, delegated).
 * 4 is the smallest of them, so the adapter never holds more $batch requests open than the strictest
 * documented limit allows requests. Each item of a batch still counts against its own service's
 * limits (docs/throttling.md "Throttling and batching"): a throttled item comes back 429 and is
 * re-sent after its Retry-After.
 */
export const BATCH_CONCURRENCY = 4;
/** The longest wait a Retry-After is honoured for before a throttled $batch item is re-sent, in seconds. */
const MAX_WAIT_S = 60;
/**
 * Pages `all()` follows for one collection by default (`maxPages`): the contact list at 1,000 a page
 * is 1,000,000 contacts, group chats at 50 a page 50,000 chats. A server that pages on past it (or
 * hands out a nextLink seen before) is a broken or hostile one: MSGR_E_SERVER_PROTOCOL.
 */
export const MAX_PAGES = 1000;
/** Redirects followed for one request, all on the Graph origin (Graph's API answers do not redirect). */
export const MAX_REDIRECTS = 5;

export interface GraphHttpOptions {
  readonly auth: GraphAuth;
  /** Graph root including the version; the fake tenant's for tests. Default https://graph.microsoft.com/v1.0. */
  readonly baseUrl?: string;
  /** Per-request timeout (default 30 s). */
  readonly timeoutMs?: number;
  /** Retries of 429/503/504 for requests that may be repeated (default 3, delay 3 s when no Retry-After). */
  readonly retry?: { readonly maxRetries?: number; readonly delaySeconds?: number };
  /** `$batch` requests in flight at once, over all batch() calls (default BATCH_CONCURRENCY, 4). */
  readonly batchConcurrency?: number;
  /** Pages `all()` follows for one collection before failing with MSGR_E_SERVER_PROTOCOL (default MAX_PAGES, 1,000). */
  readonly maxPages?: number;
  /** The host's middleware, after the token middleware (graphBackend's `middleware`). */
  readonly middleware?: readonly Middleware[] | undefined;
  /** The host's own Graph client, instead of ours (graphBackend's `client`). */
  readonly client?: Client | undefined;
}

export interface RequestOptions {
  /** What the request is about, for the meaning of 404/409 (errors.ts). */
  readonly resource?: GraphResource;
  /** false: a side effect Graph does not deduplicate — never repeated automatically. */
  readonly retry?: boolean;
  /** Query options; values are encoded here (the client sends them as given). */
  readonly query?: Readonly<Record<string, string | number>>;
  /** Statuses that are answers here, not failures (404: it does not exist; 409: it is there already). */
  readonly accept?: readonly number[];
}

export interface RawResponse<T> { readonly status: number; readonly headers: Headers; readonly body: T | undefined }

export interface BatchRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly body?: unknown;
  /** Indexes of earlier requests of the same call that must succeed first (Graph answers 424 otherwise). */
  readonly dependsOn?: readonly number[];
  /**
   * false: a side effect Graph does not deduplicate. Never repeated automatically: neither the item
   * after a 503/504 nor the $batch that carries it (a lost answer would make it twice).
   */
  readonly retry?: boolean;
}
export interface BatchResponse<T = unknown> { readonly status: number; readonly body: T | undefined; readonly headers: Readonly<Record<string, string>> }
export interface BatchOptions {
  /** Sends of an item that keeps coming back throttled (429, or 503/504 when it may be repeated); default 4. */
  readonly maxRounds?: number;
  /** At most this many of this call's `$batch` requests in flight (never more than the client's batchConcurrency). */
  readonly concurrency?: number;
}

export class GraphHttp {
  private readonly client: Client;
  private readonly base: URL;
  /** HTTP requests sent (retries and each $batch count once each): for tests and the benchmark. */
  requestCount = 0;
  /** Slots for `$batch` requests in flight (BATCH_CONCURRENCY). */
  private readonly batchSlots: Slots;
  /** Until when (Date.now() ms) Graph asked us to hold back: no new $batch goes out before. */
  private throttledUntil = 0;
  /** Pages all() follows for one collection (MAX_PAGES). */
  private readonly maxPages: number;

  constructor(options: GraphHttpOptions) {
    this.base = new URL(options.baseUrl ?? GRAPH_BASE_URL);
    const concurrency = options.batchConcurrency ?? BATCH_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`GraphHttp: batchConcurrency must be a positive integer, got ${concurrency}`);
    this.batchSlots = new Slots(concurrency);
    this.maxPages = options.maxPages ?? MAX_PAGES;
    if (!Number.isInteger(this.maxPages) || this.maxPages < 1) throw new RangeError(`GraphHttp: maxPages must be a positive integer, got ${options.maxPages}`);
    if (options.client) {
      this.client = options.client;
      return;
    }
    const chain: Middleware[] = [
      new TokenMiddleware(options.auth, this.base),
      ...(options.middleware ?? []),
      new RetryHandler(new RetryHandlerOptions(options.retry?.delaySeconds ?? 3, options.retry?.maxRetries ?? 3)),
      new ThrottleObserver((seconds) => this.holdBack(seconds)),
      new TransportGuard(this.base, options.timeoutMs ?? 30_000, () => { this.requestCount++; }),
      new HTTPMessageHandler(),
    ];
    chain.reduce((previous, next) => { previous.setNext?.(next); return next; });
    const version = this.base.pathname.replace(/^\/|\/$/g, '');
    this.client = Client.initWithMiddleware({ middleware: chain[0], baseUrl: `${this.base.origin}/`, defaultVersion: version || 'v1.0' });
  }

  /**
   * A path under the Graph root. Our own paths must have no dot segment and no empty segment
   * (E_INVALIDARG, before any request: paths.ts). An absolute link Graph handed out (@odata.nextLink)
   * must point at our own origin and root — a token never goes elsewhere — and carry no dot segment
   * (MSGR_E_SERVER_PROTOCOL); it is sent relative to the root.
   */
  private url(path: string): string {
    if (!/^[a-z][a-z0-9+.-]*:/i.test(path)) {
      const problem = pathProblem(path, { allowEmpty: false });
      if (problem) throw messengerError('E_INVALIDARG', undefined, `${path.split('?')[0]} is not sent to Microsoft Graph: ${problem}.`);
      return path;
    }
    const root = this.base.pathname.replace(/\/$/, '');
    let link: URL;
    try { link = new URL(path); } catch { throw graphError({ transport: 'malformed' }, 'a link Graph handed out', undefined, 'not a URL'); }
    if (link.origin !== this.base.origin) {
      throw graphError({ transport: 'origin' }, `a link to ${link.origin}`, undefined, `only ${this.base.origin} is Microsoft Graph; the link is not followed`);
    }
    // The path as the server wrote it, before URL parsing resolved any dot segment away.
    const rawPath = path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
    const problem = pathProblem(rawPath);
    if (problem || !link.pathname.startsWith(`${root}/`)) {
      throw graphError({ transport: 'origin' }, `a link outside ${this.base.origin}${root}`, undefined, problem ?? 'not under the Graph root');
    }
    return link.pathname.slice(root.length) + link.search;
  }

  private request(method: string, path: string, body: unknown, options: RequestOptions) {
    let request = this.client.api(this.url(path));
    if (options.query) {
      request = request.query(Object.fromEntries(Object.entries(options.query).map(([k, v]) => [k, encodeURIComponent(String(v))])));
    }
    if (options.retry === false) request = request.middlewareOptions([new RetryHandlerOptions(0, 0, () => false)]);
    const what = `${method} ${path.split('?')[0]}`;
    const send = async <T>(): Promise<RawResponse<T>> => {
      const response = await request.responseType(ResponseType.RAW)[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](body);
      const raw = response as Response;
      const text = raw.status === 204 ? '' : await raw.text();
      if (options.accept?.includes(raw.status)) return { status: raw.status, headers: raw.headers, body: undefined };
      if (!raw.ok) throw failureOf(raw.status, text, what, options.resource);
      let parsed: T | undefined;
      if (text) {
        try { parsed = JSON.parse(text) as T; } catch { throw graphError({ transport: 'malformed' }, what, options.resource); }
      }
      return { status: raw.status, headers: raw.headers, body: parsed };
    };
    return { send, what };
  }

  /** Any request, with status and headers (e.g. the Location of a new chat member). */
  async raw<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, options: RequestOptions = {}): Promise<RawResponse<T>> {
    const { send, what } = this.request(method, path, body, options);
    try {
      return await send<T>();
    } catch (error) {
      throw translate(error, what, options.resource);
    }
  }

  /** GET, or undefined when Graph answers 404. */
  async find<T>(path: string, options: RequestOptions = {}): Promise<T | undefined> {
    return (await this.raw<T>('GET', path, undefined, { ...options, accept: [404] })).body;
  }

  async get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.raw<T>('GET', path, undefined, options)).body as T;
  }

  async post<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return (await this.raw<T>('POST', path, body, options)).body as T;
  }

  async patch<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return (await this.raw<T>('PATCH', path, body, options)).body as T;
  }

  async delete(path: string, options: RequestOptions = {}): Promise<void> {
    await this.raw('DELETE', path, undefined, options);
  }

  /**
   * Every item of a collection: the first page, then each @odata.nextLink to the end (FACTS paging).
   * Bounded: a nextLink already followed (a loop), a page past `maxPages`, or a page that is not
   * `{ value: [...] }` fails the whole call with MSGR_E_SERVER_PROTOCOL; a nextLink off the Graph
   * origin is never followed (url()).
   */
  async all<T>(path: string, options: RequestOptions = {}): Promise<T[]> {
    const what = `GET ${path.split('?')[0]}`;
    const items: T[] = [];
    const seen = new Set<string>();
    if (/^https?:\/\//i.test(path)) seen.add(path);
    let page = pageOf<T>(await this.get<unknown>(path, options), what, options.resource);
    items.push(...page.value);
    for (let pages = 1; page.next !== undefined; pages++) {
      const link = page.next;
      if (seen.has(link)) {
        throw graphError({ transport: 'paging' }, what, options.resource, `page ${pages} links back to a page already read: the server pages in a loop`);
      }
      if (pages >= this.maxPages) {
        throw graphError({ transport: 'paging' }, what, options.resource, `still more after ${this.maxPages} pages (maxPages)`);
      }
      seen.add(link);
      page = pageOf<T>(await this.get<unknown>(link, { resource: options.resource, retry: options.retry }), what, options.resource);
      items.push(...page.value);
    }
    return items;
  }

  /**
   * Independent requests in as few round trips as Graph allows: $batch of ≤ 20 (FACTS #3), up to
   * BATCH_CONCURRENCY of them in flight at once (fewer with `concurrency`). Items throttled (or
   * 503/504, unless `retry: false`) inside a 200 batch are re-sent together, in new batches, once
   * the largest Retry-After (1 s without one) has passed since its answer (bounded by `maxRounds`;
   * docs/throttling.md "Throttling and batching", PITFALLS D2); a whole $batch answered 429 is
   * retried by the RetryHandler after its Retry-After. Either kind of 429 also holds back every
   * $batch not yet sent until its Retry-After has passed. Results in request order, whatever order
   * the batches and their items come back in. A request whose `dependsOn` names a request of an
   * earlier batch is sent only once that batch has been answered. When a $batch fails as a whole
   * (after its retries), no further batch is started, the ones in flight are awaited, and the
   * failure of the first failed batch (in request order) is thrown, as a MessengerError.
   */
  async batch<T = unknown>(requests: readonly BatchRequest[], options: BatchOptions = {}): Promise<BatchResponse<T>[]> {
    // Item URLs are paths too: none with a dot or empty segment goes out (the whole call fails first).
    for (const r of requests) {
      const problem = pathProblem(r.url, { allowEmpty: false });
      if (problem) throw messengerError('E_INVALIDARG', undefined, `${r.method} ${r.url.split('?')[0]} is not sent to Microsoft Graph: ${problem}.`);
    }
    const results: (BatchResponse<T> | undefined)[] = new Array(requests.length);
    const maxRounds = options.maxRounds ?? 4;
    let pending = requests.map((_, i) => i);
    /** When (Date.now() ms) every item to re-send has waited out its Retry-After, counted from its answer. */
    let resendAt = 0;
    for (let round = 0; pending.length > 0; round++) {
      if (round > 0 && resendAt > Date.now()) await sleep(resendAt - Date.now());
      const chunks: number[][] = [];
      for (let start = 0; start < pending.length; start += BATCH_LIMIT) chunks.push(pending.slice(start, start + BATCH_LIMIT));
      // A request naming a dependency that goes in another batch of this round waits for the batches before its own.
      const inRound = new Set(pending);
      const waits = chunks.map((chunk) => chunk.some((i) => requests[i]!.dependsOn?.some((d) => inRound.has(d) && !chunk.includes(d)) ?? false));
      const again: number[] = [];
      await this.eachChunk(chunks, waits, options.concurrency, async (chunk) => {
        const once = chunk.some((i) => requests[i]!.retry === false);
        const response = await this.post<{ responses: { id: string; status: number; headers?: Record<string, string>; body?: T }[] }>(
          '/$batch', batchBody(requests, chunk), once ? { retry: false } : {});
        const throttled: BatchResponse[] = [];
        for (const item of response.responses) {
          const i = Number(item.id);
          if (!chunk.includes(i)) continue;  // not an id of this batch
          const result: BatchResponse<T> = { status: item.status, body: item.body, headers: item.headers ?? {} };
          results[i] = result;
          if (item.status === 429) throttled.push(result);
          // 429: not done, safe to re-send. 503/504: maybe done, re-sent only when repeating is harmless.
          const resend = item.status === 429 || ((item.status === 503 || item.status === 504) && requests[i]!.retry !== false);
          if (resend && round + 1 < maxRounds) {
            again.push(i);
            resendAt = Math.max(resendAt, Date.now() + Math.min(retryAfterOf([result]), MAX_WAIT_S) * 1000);
          }
        }
        if (throttled.length > 0) this.holdBack(retryAfterOf(throttled));
      });
      pending = again.sort((a, b) => a - b);
    }
    return results.map((r) => r ?? { status: 0, body: undefined, headers: {} });
  }

  /**
   * Run `send` for every chunk, started in order, with at most `limit` in flight (and never more
   * than the client's batch slots, shared by all calls); each waits until Graph's last Retry-After
   * has passed. The first failure stops further starts; the one of the earliest chunk is thrown.
   */
  private async eachChunk(
    chunks: readonly (readonly number[])[], waitsForEarlier: readonly boolean[], limit: number | undefined, send: (chunk: readonly number[]) => Promise<void>,
  ): Promise<void> {
    const settle: (() => void)[] = [];
    const settled = chunks.map(() => new Promise<void>((resolve) => { settle.push(resolve); }));
    const failures: { index: number; error: unknown }[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (failures.length === 0 && next < chunks.length) {
        const k = next++;
        try {
          if (waitsForEarlier[k]) await Promise.all(settled.slice(0, k));
          if (failures.length > 0) break;
          await this.batchSlots.acquire();
          try {
            await this.untilUnthrottled();
            if (failures.length === 0) await send(chunks[k]!);
          } finally {
            this.batchSlots.release();
          }
        } catch (error) {
          failures.push({ index: k, error });
        } finally {
          settle[k]!();
        }
      }
    };
    const width = Math.max(1, Math.min(limit ?? Infinity, this.batchSlots.size, chunks.length));
    await Promise.all(Array.from({ length: width }, worker));
    if (failures.length > 0) throw failures.reduce((first, f) => (f.index < first.index ? f : first)).error;
  }

  /** Graph said 429 with a Retry-After: no new $batch goes out for that long (docs/throttling.md best practices). */
  private holdBack(seconds: number): void {
    if (!(seconds > 0)) return;
    this.throttledUntil = Math.max(this.throttledUntil, Date.now() + Math.min(seconds, MAX_WAIT_S) * 1000);
  }

  private async untilUnthrottled(): Promise<void> {
    for (let wait = this.throttledUntil - Date.now(); wait > 0; wait = this.throttledUntil - Date.now()) await sleep(wait);
  }
}

/** The JSON body of one $batch: the chunk's requests, ids = their indexes in the batch() call. */
function batchBody(requests: readonly BatchRequest[], chunk: readonly number[]) {
  return {
    requests: chunk.map((i) => {
      const r = requests[i]!;
      return {
        id: String(i), method: r.method, url: r.url,
        ...(r.body === undefined ? {} : { body: r.body, headers: { 'Content-Type': 'application/json' } }),
        // A dependency sent in an earlier batch (or round) has been answered already: only same-batch ones are named.
        ...(r.dependsOn?.some((d) => chunk.includes(d)) ? { dependsOn: r.dependsOn.filter((d) => chunk.includes(d)).map(String) } : {}),
      };
    }),
  };
}

/** A counting semaphore: at most `size` holders, waiters served first come, first served. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly size: number) { this.free = size; }

  async acquire(): Promise<void> {
    if (this.free > 0) { this.free--; return; }
    await new Promise<void>((resolve) => { this.waiting.push(resolve); });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/** A failed $batch item as the MessengerError the same request would have failed with alone (errors.ts). */
export function batchItemError(item: BatchResponse, what: string, resource?: GraphResource) {
  const error = (item.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return graphError({ status: item.status, ...(typeof error?.code === 'string' ? { code: error.code } : {}) }, what, resource,
    typeof error?.message === 'string' ? error.message : undefined);
}

/** Seconds to wait before re-sending throttled batch items: the largest Retry-After, else 1. */
function retryAfterOf(items: readonly (BatchResponse | undefined)[]): number {
  const values = items.map((r) => Number(Object.entries(r?.headers ?? {}).find(([k]) => k.toLowerCase() === 'retry-after')?.[1]))
    .filter((n) => Number.isFinite(n));
  return values.length ? Math.max(...values) : 1;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function failureOf(status: number, text: string, what: string, resource?: GraphResource) {
  let code: string | undefined;
  let message: string | undefined;
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    code = body.error?.code;
    message = body.error?.message;
  } catch { /* a non-JSON error body: the status says enough */ }
  return graphError({ status, code }, what, resource, message);
}

/** One page of a collection, checked: `{ value: [...] }` and a string nextLink (or none). */
function pageOf<T>(body: unknown, what: string, resource?: GraphResource): { value: T[]; next?: string } {
  const page = body as { value?: unknown; '@odata.nextLink'?: unknown } | undefined;
  const next = page?.['@odata.nextLink'];
  if (typeof page !== 'object' || page === null || !Array.isArray(page.value) || (next != null && typeof next !== 'string')) {
    throw graphError({ transport: 'malformed' }, what, resource, 'a page of a collection that is not { value: [...] }');
  }
  return { value: page.value as T[], ...(typeof next === 'string' && next !== '' ? { next } : {}) };
}

/** A failure decided inside the middleware chain; a GraphClientError passes through the Graph client unchanged. */
interface Guarded { readonly guard: true; readonly failure: GraphFailure; readonly detail?: string }

function guarded(failure: GraphFailure, detail?: string): GraphClientError {
  const error = new GraphClientError(detail ?? failure.transport);
  error.customError = { guard: true, failure, ...(detail ? { detail } : {}) } satisfies Guarded;
  return error;
}

const guardOf = (error: unknown): Guarded | undefined => {
  const custom = error instanceof GraphClientError ? (error.customError as Partial<Guarded> | undefined) : undefined;
  return custom?.guard === true ? custom as Guarded : undefined;
};

/** Socket errors after which the server may have received the request: it reset or closed the connection. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET']);
/** Errors of making the connection: nothing was sent. */
const CONNECT_CODES = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * What a fetch failure was, from its error chain (`cause`, and `body` where the Graph client wrapped
 * an error of another realm): a timeout or abort, a reset, a failed connection; undefined when not
 * told apart. Only error names and codes are read, never messages.
 */
function transportOf(error: unknown): { failure: GraphFailure; detail?: string } | undefined {
  let e: unknown = error;
  for (let depth = 0; typeof e === 'object' && e !== null && depth < 6; depth++) {
    const { name, code } = e as { name?: unknown; code?: unknown };
    if (name === 'TimeoutError' || name === 'AbortError') return { failure: { transport: 'timeout' } };
    if (typeof code === 'string' && RESET_CODES.has(code)) {
      return { failure: { transport: 'reset' }, detail: `${code}: the server reset or closed the connection before its answer was complete; the request may have reached it` };
    }
    if (typeof code === 'string' && CONNECT_CODES.has(code)) return { failure: { transport: 'network' }, detail: `could not connect: ${code}` };
    const next = (e as { cause?: unknown; body?: unknown }).cause ?? (e as { body?: unknown }).body;
    e = next === e ? undefined : next;
  }
  return undefined;
}

/** Failures the Graph client throws (no response): the connection, our timeout, the transport guard. */
function translate(error: unknown, what: string, resource?: GraphResource): unknown {
  if (typeof error === 'object' && error !== null && (error as { name?: string }).name === 'MessengerError') return error;
  const guard = guardOf(error);
  if (guard) return graphError(guard.failure, what, resource, guard.detail);
  // A failure while reading the body (after the middleware chain): reset, timeout.
  const transport = transportOf(error);
  if (transport) return graphError(transport.failure, what, resource, transport.detail);
  const name = error instanceof GraphError ? error.code : (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return graphError({ transport: 'timeout' }, what, resource);
  // No token to be had (signed out elsewhere, refresh refused): the session is over.
  if (name === 'GraphAuthError') return graphError({ status: 401 }, what, resource);
  if (error instanceof GraphError && error.statusCode > 0) return graphError({ status: error.statusCode, code: error.code ?? undefined }, what, resource);
  return graphError({ transport: 'network' }, what, resource);
}

/**
 * Sets the bearer token (our own origin only) and refreshes it once after a 401 (PITFALLS C1, E2).
 * Every token it is handed is registered as a secret (secrets.ts): whatever the GraphAuth, a server
 * that echoes the token cannot make it reach an error or a log.
 */
class TokenMiddleware implements Middleware {
  private next!: Middleware;
  constructor(private readonly auth: GraphAuth, private readonly base: URL) {}
  setNext(next: Middleware): void { this.next = next; }

  async execute(context: Context): Promise<void> {
    await this.attempt(context, false);
    if (context.response?.status === 401) {
      context.response = undefined;
      await this.attempt(context, true);
    }
  }

  private async attempt(context: Context, forceRefresh: boolean): Promise<void> {
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const origin = new URL(url).origin;
    if (origin !== this.base.origin) throw guarded({ transport: 'origin' }, `refusing to send a Graph token to ${origin}`);
    const token = await this.auth.getToken({ forceRefresh });
    registerSecret(token);
    const headers = new Headers(context.options?.headers as HeadersInit | undefined);
    headers.set('Authorization', `Bearer ${token}`);
    context.options = { ...context.options, headers: Object.fromEntries(headers.entries()) };
    await this.next.execute(context);
  }
}

/**
 * Sees every answer below the RetryHandler (retried ones included): a 429 with a Retry-After in
 * seconds is reported, so that batch() holds back the $batch requests it has not sent yet.
 */
class ThrottleObserver implements Middleware {
  private next!: Middleware;
  constructor(private readonly throttled: (seconds: number) => void) {}
  setNext(next: Middleware): void { this.next = next; }

  async execute(context: Context): Promise<void> {
    await this.next.execute(context);
    const response = context.response;
    if (response?.status !== 429) return;
    const seconds = Number(response.headers.get('Retry-After'));
    if (Number.isFinite(seconds)) this.throttled(seconds);
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * The last middleware before fetch: counts every request that goes out, aborts one that takes
 * longer than `ms`, tells a reset from a failed connection (the Graph client keeps neither the
 * error's code nor its cause), and handles redirects itself (`redirect: 'manual'`): one to the Graph
 * origin (same scheme, host and port as the base URL) is followed, at most MAX_REDIRECTS times; one
 * anywhere else is refused with MSGR_E_SERVER_PROTOCOL — its body is never read as Graph's answer.
 */
class TransportGuard implements Middleware {
  private next!: Middleware;
  constructor(private readonly base: URL, private readonly ms: number, private readonly count: () => void) {}
  setNext(next: Middleware): void { this.next = next; }

  async execute(context: Context): Promise<void> {
    for (let hops = 0; ; hops++) {
      const url = typeof context.request === 'string' ? context.request : context.request.url;
      if (new URL(url).origin !== this.base.origin) throw guarded({ transport: 'origin' }, `refusing to send a request to ${new URL(url).origin}`);
      await this.send(context);
      const response = context.response;
      if (!response || !REDIRECT_STATUSES.has(response.status)) return;
      const location = response.headers.get('Location');
      if (!location) return; // a 3xx without a target: reported as the status it is
      await response.body?.cancel().catch(() => undefined);
      let target: URL;
      try { target = new URL(location, url); } catch { throw guarded({ transport: 'malformed' }, `HTTP ${response.status} to a Location that is not a URL`); }
      if (target.origin !== this.base.origin) {
        throw guarded({ transport: 'origin' }, `HTTP ${response.status} redirect to ${target.origin}, which is not Microsoft Graph (${this.base.origin}); not followed`);
      }
      if (hops >= MAX_REDIRECTS) throw guarded({ transport: 'origin' }, `more than ${MAX_REDIRECTS} redirects`);
      const method = (context.options?.method ?? 'GET').toUpperCase();
      // As fetch does: 303, and 301/302 after a POST, continue as a GET without a body.
      const asGet = response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST');
      const { body: _body, ...rest } = context.options ?? {};
      context.request = target.href;
      context.options = asGet && method !== 'GET' && method !== 'HEAD' ? { ...rest, method: 'GET' } : context.options;
      context.response = undefined;
    }
  }

  private async send(context: Context): Promise<void> {
    this.count();
    const signal = AbortSignal.timeout(this.ms);
    context.options = { ...context.options, signal, redirect: 'manual' };
    try {
      await this.next.execute(context);
    } catch (error) {
      // fetch rejects with a DOMException from another realm (Jest, vm, workers), which the Graph
      // client does not recognise as an Error and reports without its name: say it is a timeout.
      if (signal.aborted) throw guarded({ transport: 'timeout' }, `no answer within ${this.ms} ms`);
      const transport = transportOf(error);
      if (transport) throw guarded(transport.failure, transport.detail);
      throw error;
    }
  }
}
