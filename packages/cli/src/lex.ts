/**
 * The little lexing the source rewriters share (rewrite.ts, conditional.ts): enough to skip
 * strings, comments and regular expression literals, and to tell a regular expression's `/` from a
 * division. Not a tokenizer: what it does not recognise is one character of punctuation.
 */

/** A replacement of source[start, end) by text. */
export interface Edit { readonly start: number; readonly end: number; readonly text: string }

/** Keywords after which a `/` starts a regular expression, not a division. */
export const BEFORE_REGEX: ReadonlySet<string> = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

export const isIdStart = (c: string): boolean => /[A-Za-z_$\u00c0-\uffff]/.test(c);
export const isIdPart = (c: string): boolean => /[A-Za-z0-9_$\u00c0-\uffff]/.test(c);
/** A line terminator, as V8 counts lines. */
export const isLineBreak = (c: string): boolean => c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029';

/** The identifier starting at `at`, if one does. */
export function identifierAt(source: string, at: number): string | undefined {
  if (at >= source.length || !isIdStart(source[at]!)) return undefined;
  let j = at + 1;
  while (j < source.length && isIdPart(source[j]!)) j++;
  return source.slice(at, j);
}

/** Index after the string or template literal starting at `at` (unterminated: end of line/source). */
export function skipQuoted(source: string, at: number): number {
  const quote = source[at]!;
  let j = at + 1;
  while (j < source.length) {
    const c = source[j]!;
    if (c === '\\') { j += 2; continue; }
    if (c === quote) return j + 1;
    if (quote !== '`' && (c === '\n' || c === '\r')) return j;
    j++;
  }
  return j;
}

/** Index after the regular expression literal starting at `at`. */
export function skipRegex(source: string, at: number): number {
  let j = at + 1;
  let inClass = false;
  while (j < source.length) {
    const c = source[j]!;
    if (c === '\\') { j += 2; continue; }
    if (c === '\n' || c === '\r') return j;
    if (inClass) { if (c === ']') inClass = false; }
    else if (c === '[') inClass = true;
    else if (c === '/') { j++; break; }
    j++;
  }
  while (j < source.length && /[A-Za-z]/.test(source[j]!)) j++;
  return j;
}

/** 1-based line and column of index `at` (columns in UTF-16 code units, as V8 counts them). */
export function positionAt(source: string, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let j = 0; j < at && j < source.length; j++) {
    const c = source[j]!;
    if (c === '\r' && source[j + 1] === '\n') continue;
    if (isLineBreak(c)) { line++; lineStart = j + 1; }
  }
  return { line, column: at - lineStart + 1 };
}
