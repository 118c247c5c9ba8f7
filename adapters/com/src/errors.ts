/**
 * What the COM object (through winax or the emulator) throws -> MessengerError, in one place.
 *
 * winax 3.6.9 throws a plain Error for a failed COM call: `message` is
 * "<Op>: <member>[: <SCODE_NAME>] <text>", `errno` the signed HRESULT and, when the object filled
 * EXCEPINFO, `code` (its scode, the HRESULT that matters: errno is then only DISP_E_EXCEPTION),
 * `source` and `description` (the message is then the description). Failures on winax's own side
 * are TypeErrors without an HRESULT. The MessengerError keeps the HRESULT exactly and the original
 * message as its description; the original error is its `cause`.
 */
import { HR, type HResultName, isMessengerError, MessengerError, messengerError } from '@imessenger/contract';
import type { WinaxError } from './dispatch';

/** COM HRESULTs the adapter names itself (not Messenger's own, so not in HRESULTS). */
export const COM_HRESULTS = {
  /** CO_E_CLASSSTRING: "Invalid class string", the ProgID is not registered. */
  CO_E_CLASSSTRING: 0x800401f3,
  /** REGDB_E_CLASSNOTREG: "Class not registered", the ProgID points to a CLSID that is not. */
  REGDB_E_CLASSNOTREG: 0x80040154,
  /** DISP_E_EXCEPTION: the member failed and filled EXCEPINFO (the real code is in its scode). */
  DISP_E_EXCEPTION: 0x80020009,
  /** DISP_E_MEMBERNOTFOUND: the object has no such member. */
  DISP_E_MEMBERNOTFOUND: 0x80020003,
} as const;

/**
 * winax-side failures (TypeErrors, no HRESULT): a released object is no longer usable (E_FAIL, what
 * a member of a destroyed Messenger object returns); arguments winax cannot convert are E_INVALIDARG.
 */
export const WINAX_TYPE_ERRORS: Readonly<Record<string, { readonly hr: HResultName; readonly why: string }>> = {
  DispNull: { hr: 'E_FAIL', why: 'the COM object was already released' },
  DispInvalid: { hr: 'E_FAIL', why: 'not a live COM object' },
  'Invalid arguments': { hr: 'E_INVALIDARG', why: 'winax could not convert the arguments' },
};

/**
 * A failure HRESULT as a number, or undefined. Small negatives (-1 .. -4095) are Node/libuv errnos
 * (ENOENT is -2), never HRESULTs; success codes are not failures.
 */
function failureHr(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
  const signed = value | 0;
  if (signed >= 0 || signed > -4096) return undefined;
  return signed >>> 0;
}

/** The HRESULT a thrown value carries, or undefined when it carries none. */
export function hresultOf(error: unknown): number | undefined {
  if (isMessengerError(error)) return error.hresult;
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as WinaxError;
  // EXCEPINFO filled: `code` is its scode (errno is just DISP_E_EXCEPTION); a wCode is no HRESULT.
  const fromCode = failureHr(e.code);
  if (fromCode !== undefined) return fromCode;
  const fromErrno = failureHr(e.errno);
  if (fromErrno !== undefined) return fromErrno;
  const message = typeof e.message === 'string' ? e.message : '';
  // "DispInvoke: AddContact: Error 0x8100031E" (winax's text when FormatMessage knows no text).
  const hex = /\b0x([0-9a-f]{8})\b/i.exec(message);
  if (hex) {
    const parsed = failureHr(parseInt(hex[1]!, 16) | 0);
    if (parsed !== undefined) return parsed;
  }
  // "DispInvoke: CreateGroup: MSGR_E_BAD_GROUP_NAME …": a documented SCODE name in the message.
  for (const token of message.match(/\b[A-Z][A-Z0-9]*_[ES]_[A-Z0-9_]+\b/g) ?? []) {
    if (token in HR) {
      const parsed = failureHr(HR[token as HResultName]);
      if (parsed !== undefined) return parsed;
    }
  }
  return undefined;
}

/**
 * The MessengerError for anything a COM access threw. `via` names the access ("IMessenger.Signin")
 * and is put in front of the original message when the message does not already name it. No
 * `member` is set: core names the member the caller used (Runtime.run).
 */
export function comError(error: unknown, via?: string): MessengerError {
  if (isMessengerError(error)) return error as MessengerError;
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  const prefix = (text: string): string => (via && !text.includes(via.split('.').pop() ?? via) ? `${via}: ${text}` : text);
  const text = message.trim();
  const winax = name === 'TypeError' && Object.hasOwn(WINAX_TYPE_ERRORS, text) ? WINAX_TYPE_ERRORS[text] : undefined;
  if (winax) return messengerError(winax.hr, undefined, prefix(`${message} (${winax.why})`), error);
  const hr = hresultOf(error) ?? HR.E_FAIL;
  return new MessengerError(hr, { detail: prefix(message), cause: error });
}

export { MessengerError };
