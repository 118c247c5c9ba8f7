/**
 * An uncaught error as cscript printed it:
 *
 *   C:\scripts\groups.js(12, 5) Microsoft JScript runtime error: Specified group name is not valid.
 *   Error number: 0x81000351
 *
 * The position is the script's own line and column (the innermost stack frame in the script); the
 * second line appears for errors that carry an HRESULT (MessengerError, `new Error(number, text)`).
 */
import { isMessengerError } from '@imessenger/contract';

export interface ScriptPosition { readonly line: number; readonly column: number }

/** The innermost position in `file` on the error's stack, if any. */
export function positionIn(error: unknown, file: string): ScriptPosition | undefined {
  const stack = stackOf(error);
  if (stack === undefined) return undefined;
  for (const frame of stack.split('\n')) {
    const at = frame.lastIndexOf(`${file}:`);
    if (at < 0) continue;
    const match = /^:(\d+):(\d+)/.exec(frame.slice(at + file.length));
    if (match) return { line: Number(match[1]), column: Number(match[2]) };
  }
  return undefined;
}

/**
 * Where V8 puts a compile error: the stack starts `<file>:<line>`, then the source line and a
 * line of carets under the offending token.
 */
export function syntaxErrorPosition(error: unknown, file: string): ScriptPosition | undefined {
  const stack = stackOf(error);
  if (stack === undefined || !stack.startsWith(`${file}:`)) return undefined;
  const [first = '', , carets = ''] = stack.split('\n');
  const line = Number(first.slice(file.length + 1));
  if (!Number.isInteger(line) || line < 1) return undefined;
  const column = carets.indexOf('^');
  return { line, column: column < 0 ? 1 : column + 1 };
}

/** The description JScript showed for a thrown value. */
export function describeThrown(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { description, message } = error as { description?: unknown; message?: unknown };
    if (typeof description === 'string' && description !== '') return description;
    if (typeof message === 'string' && message !== '') return message;
  }
  return `Exception thrown and not caught${error === undefined ? '' : `: ${safeString(error)}`}`;
}

/** The HRESULT a thrown value carries (unsigned), if any. */
export function hresultOf(error: unknown): number | undefined {
  if (isMessengerError(error)) return error.hresult;
  if (typeof error === 'object' && error !== null) {
    const { number } = error as { number?: unknown };
    if (typeof number === 'number' && Number.isInteger(number) && number !== 0) return number >>> 0;
  }
  return undefined;
}

/** `0x81000351`. */
export const hex = (hresult: number): string => `0x${(hresult >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;

/** The lines cscript printed for an error that ended the script. */
export function formatScriptError(
  file: string,
  error: unknown,
  position: ScriptPosition | undefined,
  kind: 'runtime' | 'compilation' = 'runtime',
): string {
  const where = position ? `${file}(${position.line}, ${position.column})` : file;
  const lines = [`${where} Microsoft JScript ${kind} error: ${describeThrown(error)}`];
  const hresult = kind === 'runtime' ? hresultOf(error) : undefined;
  if (hresult !== undefined) lines.push(`Error number: ${hex(hresult)}`);
  return `${lines.join('\n')}\n`;
}

function stackOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { stack } = error as { stack?: unknown };
  return typeof stack === 'string' ? stack : undefined;
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
