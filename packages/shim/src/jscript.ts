/**
 * The errors the JScript engine itself raised around COM objects (not the object's HRESULTs), with
 * the numbers scripts compared `e.number` against and the messages they showed. Thrown as
 * MessengerError so every error out of the shim has `.number`, `.hresult` and `.description`;
 * their `.message` is the description alone, as in JScript.
 */
import { MessengerError } from '@imessenger/contract';

export interface JScriptErrorInfo {
  /** Signed, as `e.number` showed it. */
  readonly number: number;
  readonly description: string;
}

const info = (hresult: number, description: string): JScriptErrorInfo => ({ number: hresult | 0, description });

export const JSCRIPT = {
  /** 429: new ActiveXObject / CreateObject / GetObject of an unknown ProgID. */
  CANT_CREATE_OBJECT: info(0x800a01ad, "Automation server can't create object"),
  /** 438: a member the object does not have (or a put of a read-only property). */
  NOT_SUPPORTED: info(0x800a01b6, "Object doesn't support this property or method"),
  /** 424: an object was expected. */
  OBJECT_REQUIRED: info(0x800a01a8, 'Object required'),
  /** 445: e.g. ConnectObject on an object that raises no events. */
  ACTION_NOT_SUPPORTED: info(0x800a01bd, "Object doesn't support this action"),
  /** 450: assignment to a property that takes an index. */
  WRONG_ARGUMENTS: info(0x800a01c2, 'Wrong number of arguments or invalid property assignment'),
  /** 451: new Enumerator(x) of something that is not a collection. */
  NOT_A_COLLECTION: info(0x800a01c3, 'Object not a collection'),
  /** 9: WScript.Arguments.Item(i) out of range. */
  SUBSCRIPT_OUT_OF_RANGE: info(0x800a0009, 'Subscript out of range'),
  /** 13: an argument COM cannot convert to the parameter's type (DISP_E_TYPEMISMATCH), e.g. WScript.Quit("abc"). */
  TYPE_MISMATCH: info(0x800a000d, 'Type mismatch'),
  /** 6: a number out of the parameter type's range (DISP_E_OVERFLOW), e.g. WScript.Quit(1e12). */
  OVERFLOW: info(0x800a0006, 'Overflow'),
} as const satisfies Record<string, JScriptErrorInfo>;

/** A JScript runtime error as a MessengerError (`message` = `description`, as JScript had it). */
export function jscriptError(which: JScriptErrorInfo, member?: string): MessengerError {
  const error = new MessengerError(which.number, { member, detail: which.description });
  error.message = which.description;
  return error;
}

/** What WScript.Quit(code) throws by default to end the script: the host catches it and exits with `code`. */
export class WScriptQuit extends Error {
  override readonly name = 'WScriptQuit';
  constructor(readonly code: number) { super(`WScript.Quit(${code})`); }
}

const QUITS = new WeakSet<object>();

/** Mark an error as the script quitting (whatever onQuit threw): event delivery lets it through. */
export function markQuit(error: unknown): void {
  if (typeof error === 'object' && error !== null) QUITS.add(error);
}

export function isQuit(error: unknown): boolean {
  return error instanceof WScriptQuit || (typeof error === 'object' && error !== null && QUITS.has(error));
}
