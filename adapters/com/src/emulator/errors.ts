/**
 * Failures in the shape winax throws them (see ../dispatch.ts, WinaxError): a plain Error whose
 * message is "<Op>: <Member>: <description>", with `errno` and `code` the signed HRESULT (winax
 * copies EXCEPINFO.scode into `code`), `description` and `source`. The COM adapter maps these back
 * to MessengerError exactly as it maps real winax errors, so the emulator must not throw anything
 * else across its surface.
 */
import { HR, hresultDescription, isMessengerError, toSigned } from '@imessenger/contract';
import type { WinaxError } from '../dispatch';

/** How winax names the IDispatch call that failed: methods, property reads, property writes. */
export type DispOperation = 'DispInvoke' | 'DispPropertyGet' | 'DispPropertyPut';

/** Class-factory and dispatch HRESULTs that are COM's, not Messenger's (winerror.h). */
export const CO_E_CLASSSTRING = 0x800401f3;
export const DISP_E_MEMBERNOTFOUND = 0x80020003;

/** The object's own report of a failure (EXCEPINFO filled in: code, source, description). */
export function winaxError(op: DispOperation, member: string, hr: number, description: string = hresultDescription(hr)): WinaxError {
  const error: WinaxError = new Error(`${op}: ${member}: ${description}`);
  error.errno = toSigned(hr);
  error.code = toSigned(hr);
  error.description = description;
  error.source = 'Messenger';
  return error;
}

/**
 * Whatever a member body threw, in winax shape: a MessengerError (what `rules` and the emulator's
 * own checks throw) keeps its HRESULT and text; anything else is an internal failure, E_FAIL, as
 * core's Runtime.run treats a backend that throws something unexpected.
 */
export function toWinaxError(op: DispOperation, member: string, error: unknown): WinaxError {
  if (isMessengerError(error)) return winaxError(op, member, error.hresult, error.description);
  const text = error instanceof Error ? error.message : String(error);
  return winaxError(op, member, HR.E_FAIL, `Internal failure: ${text}`);
}

/**
 * What `new winax.Object(progId)` throws when the ProgID is not registered: CLSIDFromProgID fails
 * with CO_E_CLASSSTRING before any object exists, so there is no EXCEPINFO (no code, source or
 * description), only the message and errno.
 */
export function invalidClassString(progId: string): WinaxError {
  const error: WinaxError = new Error(`CreateInstance: ${progId}: Invalid class string`);
  error.errno = toSigned(CO_E_CLASSSTRING);
  return error;
}
