/**
 * Graph failures -> HRESULTs, in one table (DESIGN.md; FACTS errors; PITFALLS B1, C1, D1).
 * Every row is tested in test/errors.test.ts. A 404 means different things on different
 * resources, so callers name the resource a request was about.
 */
import { type HResultName, MessengerError, messengerError } from '@imessenger/contract';
import { redactSecrets } from './secrets';

/** What a request was about, for the statuses whose meaning depends on it (404, 409). */
export type GraphResource = 'user' | 'chat' | 'member' | 'contact' | 'meeting' | 'extension' | 'mail' | 'presence' | 'other';

export interface GraphFailure {
  /** HTTP status, or undefined for a failure without a response. */
  readonly status?: number;
  /** Graph's error code (`error.code`), when the body had one. */
  readonly code?: string;
  /**
   * Failure without a (usable) response: `network` the connection could not be made (or failed in
   * a way not told apart), `reset` the server reset or closed the connection before the answer was
   * complete (the request may have reached it), `timeout` no answer in time, `malformed` a body that
   * is not the JSON Graph sends, `origin` a redirect or link not followed (off the Graph origin, or
   * more redirects than GraphHttp follows),
   * `paging` an `@odata.nextLink` seen before or more pages than GraphHttp's `maxPages`.
   */
  readonly transport?: 'network' | 'reset' | 'timeout' | 'malformed' | 'origin' | 'paging';
}

const NOT_FOUND: Readonly<Record<GraphResource, HResultName>> = {
  user: 'MSGR_E_USER_NOT_FOUND',
  // A membership path that is gone; a missing chat behind /chats/{id}/members is told apart by Graph's code.
  member: 'MSGR_E_USER_NOT_GROUP_MEMBER',
  chat: 'MSGR_E_GROUP_DOES_NOT_EXIST',
  contact: 'MSGR_E_USER_NOT_FOUND',
  meeting: 'E_FAIL',
  extension: 'E_FAIL',
  mail: 'E_FAIL',
  presence: 'MSGR_E_USER_NOT_FOUND',
  other: 'E_FAIL',
};

const CONFLICT: Readonly<Record<GraphResource, HResultName>> = {
  chat: 'MSGR_E_GROUP_ALREADY_EXISTS',
  contact: 'MSGR_E_ALREADY_IN_LIST',
  member: 'E_FAIL',
  user: 'E_FAIL', meeting: 'E_FAIL', extension: 'E_FAIL', mail: 'E_FAIL', presence: 'E_FAIL', other: 'E_FAIL',
};

/** The HRESULT for a Graph failure (after the retries the request allowed). */
export function hresultFor(failure: GraphFailure, resource: GraphResource = 'other'): HResultName {
  switch (failure.transport) {
    case 'network': return 'MSGR_E_CONNECT';
    // The same HRESULT as a failed connection (callers treat both as "the answer was lost"); the message says reset.
    case 'reset': return 'MSGR_E_CONNECT';
    case 'timeout': return 'MSGR_E_SESSION_TIMEOUT';
    case 'malformed': return 'MSGR_E_SERVER_PROTOCOL';
    // A server that sends us elsewhere or pages forever breaks the protocol the adapter relies on.
    case 'origin': return 'MSGR_E_SERVER_PROTOCOL';
    case 'paging': return 'MSGR_E_SERVER_PROTOCOL';
    case undefined: break;
  }
  const status = failure.status ?? 0;
  if (status === 401) return 'MSGR_E_NOT_LOGGED_ON';
  // An application access policy missing for meetings, conditional access, licences: policy says no.
  if (status === 403) return 'MSGR_E_POLICY_RESTRICTED';
  if (status === 404) return NOT_FOUND[resource];
  if (status === 409) return CONFLICT[resource];
  if (status === 429 || status === 503 || status === 504) return 'MSGR_E_SERVER_TOO_BUSY';
  if (status === 400 || status === 422) return 'E_INVALIDARG';
  if (status === 501) return 'E_NOTIMPL';
  if (status >= 500) return 'MSGR_E_SERVER_ERROR';
  return 'E_FAIL';
}

const TRANSPORT_REASON: Readonly<Record<NonNullable<GraphFailure['transport']>, string>> = {
  network: 'network',
  reset: 'connection reset',
  timeout: 'timeout',
  malformed: 'malformed',
  origin: 'not followed',
  paging: 'paging',
};

/**
 * A MessengerError for a Graph failure. The detail names the request and Graph's code, never a
 * token or a header (the error's own properties carry nothing from the request); the whole detail
 * (the server's message, and a path that came from a server's link) goes through `redact`.
 */
export function graphError(failure: GraphFailure, what: string, resource?: GraphResource, message?: string): MessengerError {
  const hr = hresultFor(failure, resource);
  const reason = failure.transport ? TRANSPORT_REASON[failure.transport] : `HTTP ${failure.status}${failure.code ? ` ${failure.code}` : ''}`;
  return messengerError(hr, undefined, redact(`${what}: ${reason}${message ? ` (${message})` : ''}`));
}

/**
 * Strip secrets from text that goes into an error or a log: every secret value this process holds
 * (secrets.ts: tokens, client secrets, device and user codes, however opaque), then anything that
 * looks like a bearer token, a JWT or an OAuth form field.
 */
export function redact(text: string): string {
  return redactSecrets(text)
    .replace(/Bearer\s+[A-Za-z0-9\-._~+/]+=*/gi, 'Bearer [redacted]')
    .replace(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]')
    .replace(/(client_secret|access_token|refresh_token|id_token|code)=([^&\s]+)/gi, '$1=[redacted]');
}

export { MessengerError };
