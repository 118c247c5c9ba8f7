/**
 * Graph request paths built from names and ids, and the rule that keeps them what they say: no
 * value ever becomes a dot segment. `encodeURIComponent` leaves `.` alone, and a URL parser (fetch's
 * included) resolves `.`, `..` and their `%2e` spellings away, so the sign-in name `..` in
 * `/users/..` would ask for `/v1.0/` instead of a user. Encoding cannot help (fetch treats `%2E`
 * exactly like `.`), so such values are refused before any request, with E_INVALIDARG — the
 * HRESULT the Messenger pages give for a sign-in name that fails validation (im-imessenger-signin.md,
 * and every `vContact` page) — or the HRESULT the caller names (a server-supplied id:
 * MSGR_E_SERVER_PROTOCOL).
 *
 * Refused: the empty string, and any value with a part that is `.` or `..` between slashes or
 * backslashes, as given or percent-decoded once (servers and proxies that decode `%2F`/`%5C` before
 * routing would otherwise see `a/../b` as a way up). No user principal name, directory object id,
 * chat id or membership id has such a part, so nothing real is refused. GraphHttp checks every path
 * it sends again (`checkRequestPath`), so a call site that forgets `segment` still cannot send one.
 */
import { type HResultName, type MessengerError, messengerError } from '@imessenger/contract';

/** A path segment (or part of one) that a URL parser or a server resolves: `.` or `..`. */
const isDotPart = (part: string): boolean => part === '.' || part === '..';

const decodeOnce = (text: string): string => {
  try { return decodeURIComponent(text); } catch { return text; }
};

/** True when the value, put in a path, would form a dot segment on its own or once a server decodes it. */
export function formsDotSegment(value: string): boolean {
  for (const form of new Set([value, decodeOnce(value)])) {
    if (form.split(/[\\/]/).some(isDotPart)) return true;
  }
  return false;
}

function refused(value: string, hr: HResultName, why: string): MessengerError {
  const shown = value.length > 140 ? `${value.slice(0, 140)}…` : value;
  return messengerError(hr, undefined, `${JSON.stringify(shown)} cannot be placed in a Microsoft Graph request path: ${why}.`);
}

function checkValue(value: string, hr: HResultName): void {
  if (typeof value !== 'string' || value.length === 0) throw refused(String(value ?? ''), hr, 'it is empty');
  if (formsDotSegment(value)) throw refused(value, hr, "it would form a dot segment ('.' or '..'), which URL parsers resolve to another path");
}

/**
 * One path segment (an id, a UPN, an extension name), percent-encoded: quotes, slashes, '#', '%',
 * unicode all survive. Empty values and values that would form a dot segment are refused with `hr`
 * (E_INVALIDARG by default; MSGR_E_SERVER_PROTOCOL suits an id a server handed out).
 */
export function segment(value: string, hr: HResultName = 'E_INVALIDARG'): string {
  checkValue(value, hr);
  return encodeURIComponent(value).replace(/'/g, '%27');
}

/** An OData string literal: single quotes doubled (FACTS query parameters). */
export const odataString = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/**
 * The path of a user by id or UPN; a UPN starting with '$' must use the users('…') form (PITFALLS F).
 * The same values as `segment` are refused, in both forms.
 */
export function userPath(idOrUpn: string, hr: HResultName = 'E_INVALIDARG'): string {
  checkValue(idOrUpn, hr);
  return idOrUpn.startsWith('$') ? `/users(${encodeURIComponent(odataString(idOrUpn))})` : `/users/${segment(idOrUpn, hr)}`;
}

/**
 * Why a request path (query excluded) must not be sent, or undefined when it may: a segment that
 * is a dot segment as sent, percent-decoded, or with decoded slashes/backslashes; with
 * `allowEmpty: false`, also an empty segment (`/chats//members`, a trailing '/').
 */
export function pathProblem(path: string, options: { readonly allowEmpty?: boolean } = {}): string | undefined {
  const segments = path.split('?')[0]!.split('/').slice(1);
  for (const s of segments) {
    if (s === '' && options.allowEmpty === false) return 'it has an empty segment';
    if (s !== '' && formsDotSegment(s)) return "it has a dot segment ('.' or '..')";
  }
  return undefined;
}
