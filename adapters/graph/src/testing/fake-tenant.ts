/**
 * A stateful fake Microsoft Graph v1.0 tenant on loopback HTTP (node:http only), for the Graph
 * adapter's tests and the conformance kit. It answers exactly the requests of ENDPOINTS.md with
 * the shapes and validation errors of the Graph pages, from the kit's seed; it records every
 * request, can delay and fail requests on demand, and exposes its state to tests.
 *
 * Request pipeline: record -> latency -> version -> bearer token -> JSON body -> fault (before or
 * after the operation) -> `$batch` or the route table (fake-routes.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { OtherSide } from '@imessenger/contract';
import type { GraphFailure } from '../errors';
import { batchItems, runBatch } from './fake-batch';
import { type Fault, FaultQueue, type FaultSpec } from './fake-faults';
import { errorBody, GraphHttpError, type GraphResult, QueryOptions } from './fake-http';
import { fakeOtherSide } from './fake-other-side';
import { dispatch, splitPath, type TokenGrant } from './fake-routes';
import { notifyAccepted } from './observe';
import { checkPermission, DEFAULT_APP_ID, grantFor, type TokenOptions } from './fake-permissions';
import { parseSeed, TenantState, type UserRecord } from './fake-state';

export type { FaultKind, FaultSpec } from './fake-faults';
export type { TokenOptions } from './fake-permissions';

export interface FakeTenantOptions {
  /** KitSeed / the memory adapter's SeedDocument: self, contacts, directory, groups, sortOrder, unreadEmail. */
  readonly seed: unknown;
  /** Default: a fixed GUID. */
  readonly tenantId?: string;
  /** Added to every response (default 0); a function gives each request its own (e.g. slow early batches, to answer out of order). */
  readonly latencyMs?: number | ((request: RecordedRequest) => number);
  /**
   * How many times the adapter under test retries a failure on its own (e.g. 1 for a 401: refresh
   * and retry once). otherSide().failNextCall fails that many more requests, so that one adapter
   * call fails and the next one succeeds, as OtherSide promises. Default: no retries.
   */
  readonly adapterRetries?: (failure: GraphFailure) => number;
  /**
   * The tenant's clock in milliseconds (default Date.now): presence sessions and preferred presence
   * expire by it, so a test moves it instead of sleeping.
   */
  readonly clock?: () => number;
}

export interface RecordedRequest {
  readonly method: string;
  /** Percent-decoded path below /v1.0, e.g. `/chats/19:…@thread.v2/members`. */
  readonly path: string;
  /** Percent-decoded query string without '?'. */
  readonly query: string;
  /** The JSON body (or the raw text when it was not JSON; undefined when empty). */
  readonly body: unknown;
  /** For `POST /$batch`: how many requests the batch carried. */
  readonly batchItems?: number;
  /** Milliseconds (performance.now()) when the request had arrived whole. */
  readonly at: number;
  /** Requests the tenant was serving when this one arrived, this one included (the client's concurrency). */
  readonly inFlight: number;
}

export interface FakeChat { readonly id: string; readonly chatType: 'group' | 'oneOnOne'; readonly topic: string | null; readonly memberUpns: string[]; readonly hiddenFor: string[] }
export interface FakeMeeting { readonly id: string; readonly organizerUpn: string; readonly externalId: string; readonly joinWebUrl: string }
export interface FakeMessage { readonly from: string; readonly content: string }

const DEFAULT_TENANT_ID = 'c0ffee00-0000-4000-8000-00000000f00d';
const VERSION = '/v1.0';

/** What the server does with a request once decided. */
type Outcome = { readonly type: 'answer'; readonly result: GraphResult } | { readonly type: 'reset' | 'timeout' | 'malformed' };

export class FakeTenant {
  readonly tenantId: string;
  private readonly state: TenantState;
  private readonly latencyMs: number | ((request: RecordedRequest) => number);
  private readonly adapterRetries: (failure: GraphFailure) => number;
  private readonly faults = new FaultQueue();
  private readonly tokens = new Map<string, { readonly userId: string; readonly grant: TokenGrant; expired: boolean }>();
  private readonly log: RecordedRequest[] = [];
  private inFlight = 0;
  private peak = 0;
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private root: string | undefined;

  constructor(options: FakeTenantOptions) {
    this.tenantId = options.tenantId ?? DEFAULT_TENANT_ID;
    this.state = new TenantState(this.tenantId, parseSeed(options.seed));
    if (options.clock) this.state.clock = options.clock;
    this.latencyMs = options.latencyMs ?? 0;
    this.adapterRetries = options.adapterRetries ?? (() => 0);
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  /** Listen on 127.0.0.1 on a free port. */
  async start(): Promise<void> {
    if (this.server) throw new Error('FakeTenant already started');
    const server = createServer((req, res) => { void this.onRequest(req, res); });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => { server.off('error', reject); resolve(); });
    });
    this.server = server;
    this.root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Close the server and every socket (including requests a 'timeout' fault holds open). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** e.g. `http://127.0.0.1:40123/v1.0` (after start). */
  get baseUrl(): string {
    if (!this.root) throw new Error('FakeTenant not started: call start() first');
    return `${this.root}${VERSION}`;
  }

  // -------------------------------------------------------------------------------------------
  // Identity

  /**
   * A new bearer token for a seeded user (each call mints another one). Delegated by default, with
   * the scopes of every capability (permissions.ts); `{ scopes }` narrows them, `{ mode:
   * 'application', roles }` is an app-only token acting as this user (the fake's stand-in for
   * client credentials plus `actAs`). Every request is checked against the token's permissions.
   */
  tokenFor(upn: string, options: TokenOptions = {}): string {
    const user = this.state.requireUser(upn);
    const grant = grantFor(options);
    // Shaped like Entra's access tokens (claims aud, tid, oid, upn, appid, scp or roles), unsigned:
    // the fake knows its tokens by value, and a client may read the claims as it would a real token's.
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      aud: 'https://graph.microsoft.com', iss: `https://sts.windows.net/${this.tenantId}/`, iat: now, nbf: now, exp: now + 3600,
      tid: this.tenantId, oid: user.id, appid: grant.appId,
      ...(grant.mode === 'delegated' ? { upn: user.upn, scp: grant.granted.join(' ') } : { roles: [...grant.granted] }),
    };
    const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${part({ typ: 'JWT', alg: 'none' })}.${part(claims)}.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { userId: user.id, grant, expired: false });
    return token;
  }

  /** The application (client) id the fake's tokens carry unless told otherwise: a presence session's sessionId. */
  static readonly APP_ID = DEFAULT_APP_ID;

  /** A user's presence sessions now: the Teams client's, each app's (by sessionId) and the preferred presence. */
  presenceSessions(upn: string): { readonly client: boolean; readonly apps: readonly string[]; readonly preferred: boolean; readonly presence: { availability: string; activity: string } } {
    const user = this.state.requireUser(upn);
    const presence = this.state.presenceOf(user);
    return { client: user.presence.client !== undefined, apps: [...user.presence.apps.keys()], preferred: user.presence.preferred !== undefined, presence };
  }

  /** Later requests with this token get 401 (to test silent refresh). */
  expireToken(token: string): void {
    const entry = this.tokens.get(token);
    if (!entry) throw new Error('expireToken: not a token of this tenant');
    entry.expired = true;
  }

  /** The object id of a seeded user. */
  userId(upn: string): string {
    return this.state.requireUser(upn).id;
  }

  // -------------------------------------------------------------------------------------------
  // Observation and faults

  get requests(): ReadonlyArray<RecordedRequest> {
    return this.log;
  }

  resetRequests(): void {
    this.log.length = 0;
    this.peak = this.inFlight;
  }

  /** The most requests served at the same time since start (or resetRequests): how concurrent the client was. */
  get peakInFlight(): number {
    return this.peak;
  }

  failNext(fault: FaultSpec): void {
    this.faults.add(fault);
  }

  otherSide(upn: string): OtherSide {
    this.state.requireUser(upn);
    return fakeOtherSide({
      state: this.state,
      failNext: (fault) => this.failNext(fault),
      expireTokensOf: (userId) => { for (const t of this.tokens.values()) if (t.userId === userId) t.expired = true; },
      retriesFor: (failure) => this.adapterRetries(failure),
    }, upn);
  }

  chats(): ReadonlyArray<FakeChat> {
    return this.state.chats.map((c) => ({
      id: c.id, chatType: c.chatType, topic: c.topic,
      memberUpns: c.members.map((m) => this.state.upnOf(m.userId)),
      hiddenFor: [...c.hiddenFor].map((id) => this.state.upnOf(id)),
    }));
  }

  meetings(): ReadonlyArray<FakeMeeting> {
    return this.state.meetings.map((m) => ({ id: m.id, organizerUpn: this.state.upnOf(m.organizerId), externalId: m.externalId, joinWebUrl: m.joinWebUrl }));
  }

  messages(chatId: string): ReadonlyArray<FakeMessage> {
    const chat = this.state.chat(chatId);
    if (!chat) throw new Error(`The fake tenant has no chat "${chatId}".`);
    return chat.messages.map((m) => ({ from: this.state.upnOf(m.fromUserId), content: m.content }));
  }

  // -------------------------------------------------------------------------------------------
  // Serving

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    res.once('close', () => { this.inFlight--; });
    const requestId = randomUUID();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const path = safeDecode(rawPath.startsWith(VERSION) ? rawPath.slice(VERSION.length) || '/' : rawPath);
    const body = parseJson(text);
    const recorded: RecordedRequest = {
      method, path, query: safeDecode(rawQuery), body: body.ok ? body.value : text,
      ...(method === 'POST' && path === '/$batch' ? { batchItems: countItems(body.ok ? body.value : undefined) } : {}),
      at: performance.now(), inFlight: this.inFlight,
    };
    this.log.push(recorded);
    const latency = typeof this.latencyMs === 'function' ? this.latencyMs(recorded) : this.latencyMs;
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const outcome = this.decide(req, method, rawPath, rawQuery, path, body, requestId);
    this.deliver(req, res, outcome, requestId);
  }

  private decide(req: IncomingMessage, method: string, rawPath: string, rawQuery: string, path: string, body: JsonText, requestId: string): Outcome {
    const answer = (result: GraphResult): Outcome => ({ type: 'answer', result });
    if (rawPath !== VERSION && !rawPath.startsWith(`${VERSION}/`)) {
      return answer(errorResult(new GraphHttpError(400, 'BadRequest', `Invalid version: the path must start with ${VERSION}.`), requestId));
    }
    const caller = this.authenticate(req.headers.authorization);
    if (caller instanceof GraphHttpError) return answer(errorResult(caller, requestId));
    if (!body.ok) return answer(errorResult(new GraphHttpError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.'), requestId));
    const fault = this.faults.take(method, path, 'request');
    if (fault && !fault.afterCommit) return faultOutcome(fault, requestId);
    const result = method === 'POST' && path === '/$batch'
      ? this.batch(caller, body.value, requestId)
      : this.route(caller, method, rawPath.slice(VERSION.length), rawQuery, body.value, requestId);
    // afterCommit: the operation happened; only the answer is lost.
    return fault ? faultOutcome(fault, requestId) : answer(result);
  }

  /** The caller of a bearer token, or the 401 Graph answers (no fault is consumed by it). */
  private authenticate(header: string | undefined): Caller | GraphHttpError {
    const unauthorized = (message: string): GraphHttpError => new GraphHttpError(401, 'InvalidAuthenticationToken', message, { 'WWW-Authenticate': 'Bearer realm="", error="invalid_token"' });
    const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!m) return unauthorized('Access token is empty.');
    const entry = this.tokens.get(m[1]!);
    if (!entry) return unauthorized('Access token validation failure. Invalid audience.');
    if (entry.expired) return unauthorized('Lifetime validation failed, the token is expired.');
    const user = this.state.users.get(entry.userId);
    return user ? { user, grant: entry.grant } : unauthorized('The user of this token no longer exists.');
  }

  /** One request through the route table; Graph errors become error bodies. */
  private route(caller: Caller, method: string, rawPath: string, rawQuery: string, body: unknown, requestId: string): GraphResult {
    try {
      const segments = splitPath(rawPath);
      const query = QueryOptions.parse(rawQuery);
      checkPermission(method, segments, caller.grant);
      const result = dispatch(method, segments, { state: this.state, caller: caller.user, grant: caller.grant, query, body, baseUrl: this.baseUrl, path: `/${segments.join('/')}` });
      if (result.status < 300) {
        notifyAccepted({ method, path: rawPath, query: safeDecode(rawQuery), body, mode: caller.grant.mode, permissions: caller.grant.granted });
      }
      return result;
    } catch (e) {
      if (e instanceof GraphHttpError) return errorResult(e, requestId);
      return errorResult(new GraphHttpError(500, 'generalException', `The fake tenant failed: ${e instanceof Error ? e.message : String(e)}`), requestId);
    }
  }

  /** `$batch`: each item runs through the same router, with its own (http-only) faults. */
  private batch(caller: Caller, body: unknown, requestId: string): GraphResult {
    let items;
    try { items = batchItems(body); } catch (e) {
      if (e instanceof GraphHttpError) return errorResult(e, requestId);
      throw e;
    }
    return runBatch(items, (item) => {
      if (/^[a-z][a-z0-9+.-]*:/i.test(item.url)) return errorResult(new GraphHttpError(400, 'BadRequest', 'A batch request url must be relative to the service root.'), requestId);
      const url = item.url.startsWith('/') ? item.url : `/${item.url}`;
      const q = url.indexOf('?');
      const rawPath = q < 0 ? url : url.slice(0, q);
      if (/^\/\$batch$/i.test(rawPath)) return errorResult(new GraphHttpError(400, 'BadRequest', 'A batch cannot contain another batch.'), requestId);
      const fault = this.faults.take(item.method, safeDecode(rawPath), 'item');
      if (fault && !fault.afterCommit) return faultResult(fault, requestId);
      const result = this.route(caller, item.method, rawPath, q < 0 ? '' : url.slice(q + 1), item.body, requestId);
      return fault ? faultResult(fault, requestId) : result;
    }, (item, dep) => errorResult(new GraphHttpError(424, 'FailedDependency', `Request '${item.id}' depends on '${dep}', which failed.`), requestId));
  }

  private deliver(req: IncomingMessage, res: ServerResponse, outcome: Outcome, requestId: string): void {
    if (res.destroyed || !this.server) return;
    switch (outcome.type) {
      case 'reset': req.socket.destroy(); return;
      case 'timeout': return; // held open until the client gives up or stop() destroys the socket
      case 'malformed':
        res.writeHead(200, { 'Content-Type': 'application/json', 'request-id': requestId });
        res.end('{"@odata.context":"<html><body>502 Bad Gateway'); // truncated JSON: not parseable
        return;
      case 'answer': break;
    }
    const { status, body, headers } = outcome.result;
    const clientRequestId = req.headers['client-request-id'];
    const out: Record<string, string> = {
      'request-id': requestId,
      'client-request-id': typeof clientRequestId === 'string' ? clientRequestId : requestId,
      'Cache-Control': 'no-cache',
      ...(headers ?? {}),
    };
    if (body === undefined) {
      res.writeHead(status, { ...out, 'Content-Length': '0' });
      res.end();
      return;
    }
    const payload = JSON.stringify(body);
    res.writeHead(status, { ...out, 'Content-Type': 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8', 'Content-Length': String(Buffer.byteLength(payload)) });
    res.end(payload);
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Who a token speaks for: the user (delegated), or the user an app-only token acts as, and what it may do. */
interface Caller { readonly user: UserRecord; readonly grant: TokenGrant }

type JsonText = { readonly ok: true; readonly value: unknown } | { readonly ok: false };

function parseJson(text: string): JsonText {
  if (text.trim() === '') return { ok: true, value: undefined };
  try { return { ok: true, value: JSON.parse(text) as unknown }; } catch { return { ok: false }; }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function safeDecode(text: string): string {
  try { return decodeURIComponent(text); } catch { return text; }
}

function countItems(body: unknown): number {
  const requests = typeof body === 'object' && body !== null ? (body as { requests?: unknown }).requests : undefined;
  return Array.isArray(requests) ? requests.length : 0;
}

function errorResult(e: GraphHttpError, requestId: string): GraphResult {
  return { status: e.status, body: errorBody(e.code, e.message, requestId), headers: e.headers };
}

/** An injected HTTP failure, with Retry-After when the fault has one. */
function faultResult(fault: Fault, requestId: string): GraphResult {
  const headers = fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : undefined;
  const message = fault.status === 429 ? 'Please retry again later.' : `Injected failure (${fault.status}).`;
  return errorResult(new GraphHttpError(fault.status, fault.code, message, headers), requestId);
}

function faultOutcome(fault: Fault, requestId: string): Outcome {
  return fault.kind === 'http' ? { type: 'answer', result: faultResult(fault, requestId) } : { type: fault.kind };
}
