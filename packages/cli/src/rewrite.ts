/**
 * Source rewriting that lets V8 run JScript: three changes, made by small scanners that skip
 * strings, comments and regular expression literals, and that keep every line and column where it
 * was (so stack traces and error positions point at the script as written).
 *
 * 0. Conditional compilation (`/*@cc_on … @*\/`, `@if`, `@set`, `@_jscript_version`) is evaluated
 *    first (conditional.ts): directives, delimiters and the branches not taken become spaces, and
 *    `@` variables their values. The two changes below apply to what remains, so a handler or a
 *    catch inside a conditional comment that is compiled is rewritten, and one in a branch that is
 *    not is not. A conditional compilation error is thrown as a JScriptCompilationError.
 * 1. JScript's event-handler declarations, `function msn::OnSignin(hr) { … }`, become ordinary
 *    functions named `msn__OnSignin` (`::` -> `__`, whitespace around it moved after the name, so the
 *    length of the line is unchanged). Each is reported as { object: 'msn', event: 'OnSignin' }; the
 *    script host binds it to whatever object the global variable `msn` holds when the event comes.
 * 2. `catch (e) {` gains a call `QUIT_GUARD(e);` right after the brace: WScript.Quit is a throw, and
 *    a script's own catch must not swallow it. This inserts text, so the columns after it on that line
 *    move: `originalColumn` maps a position in the rewritten code back to the script's.
 */
import { preprocessConditional } from './conditional';
import { BEFORE_REGEX, type Edit, identifierAt, isIdStart, skipQuoted, skipRegex } from './lex';

/** A `function object::Event` handler found in the script. */
export interface EventHandlerDeclaration {
  /** The global variable whose object raises the event (`msn`). */
  readonly object: string;
  /** The event name as written (`OnSignin`). */
  readonly event: string;
  /** The name of the function in the rewritten code (`msn__OnSignin`). */
  readonly functionName: string;
  /** 1-based line of the declaration. */
  readonly line: number;
}

export interface RewriteResult {
  readonly code: string;
  readonly handlers: readonly EventHandlerDeclaration[];
  /** The column in the original script of a (1-based) line/column of the rewritten code. */
  originalColumn(line: number, column: number): number;
}

/** The global function the catch guard calls; it rethrows the WScript.Quit signal. */
export const QUIT_GUARD = '__imessenger_rethrowQuit';

/** The rewritten function name of `object::event`. */
export const handlerFunctionName = (object: string, event: string): string => `${object}__${event}`;


/** Rewrite a JScript script for V8. Throws JScriptCompilationError (conditional compilation). */
export function rewriteScript(script: string): RewriteResult {
  const conditional = preprocessConditional(script);
  // From here on, the script as JScript's preprocessor left it (same length and lines).
  const source = conditional.view;
  const edits: Edit[] = [];
  const handlers: EventHandlerDeclaration[] = [];
  const n = source.length;
  let i = 0;
  /** What the last token was: a value (so `/` divides) or an operator or keyword (so `/` starts a regex). */
  let previous: 'value' | 'operator' = 'operator';

  /** Index after whitespace and comments starting at `at`. */
  const skipTrivia = (at: number): number => {
    let j = at;
    for (;;) {
      if (j < n && /\s/.test(source[j]!)) j++;
      else if (source.startsWith('//', j)) { while (j < n && source[j] !== '\n' && source[j] !== '\r') j++; }
      else if (source.startsWith('/*', j)) { const end = source.indexOf('*/', j + 2); j = end < 0 ? n : end + 2; }
      else return j;
    }
  };
  const readIdentifier = (at: number): string | undefined => identifierAt(source, at);
  const lineAt = (at: number): number => source.slice(0, at).split(/\r\n|\r|\n/).length;

  /** `function obj :: Event`: after the keyword at `at` (index after "function"). */
  const tryHandler = (at: number): void => {
    const objStart = skipTrivia(at);
    const object = readIdentifier(objStart);
    if (!object) return;
    const objEnd = objStart + object.length;
    let j = objEnd;
    while (j < n && /\s/.test(source[j]!)) j++;
    if (!source.startsWith('::', j)) return;
    j += 2;
    while (j < n && /\s/.test(source[j]!)) j++;
    const event = readIdentifier(j);
    if (!event) return;
    const end = j + event.length;
    // On one line, `msn :: OnSignin` -> `msn__OnSignin` + the whitespace that stood around `::`.
    // Across lines, the name goes on the first one and the later lines become blanks of their old
    // length, so every line after the first keeps its columns.
    const functionName = handlerFunctionName(object, event);
    const span = source.slice(objStart, end);
    const firstBreak = span.search(/[\r\n]/);
    const rest = firstBreak < 0 ? source.slice(objEnd, j).replace('::', '') : span.slice(firstBreak).replace(/[^\r\n]/g, ' ');
    edits.push({ start: objStart, end, text: functionName + rest });
    handlers.push({ object, event, functionName, line: lineAt(objStart) });
  };

  /** `catch ( e ) {`: after the keyword at `at`. */
  const tryCatch = (at: number): void => {
    let j = skipTrivia(at);
    if (source[j] !== '(') return;
    j = skipTrivia(j + 1);
    const name = readIdentifier(j);
    if (!name) return;
    j = skipTrivia(j + name.length);
    if (source[j] !== ')') return;
    j = skipTrivia(j + 1);
    if (source[j] !== '{') return;
    edits.push({ start: j + 1, end: j + 1, text: `${QUIT_GUARD}(${name});` });
  };

  while (i < n) {
    const c = source[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (source.startsWith('//', i) || source.startsWith('/*', i)) { i = skipTrivia(i); continue; }
    if (c === '"' || c === "'" || c === '`') {
      i = skipQuoted(source, i);
      previous = 'value';
      continue;
    }
    if (c === '/') {
      if (previous === 'operator') { i = skipRegex(source, i); previous = 'value'; }
      else { i++; previous = 'operator'; }
      continue;
    }
    if (isIdStart(c)) {
      const word = readIdentifier(i)!;
      i += word.length;
      if (word === 'function') tryHandler(i);
      else if (word === 'catch') tryCatch(i);
      previous = BEFORE_REGEX.has(word) ? 'operator' : 'value';
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < n && /[0-9A-Za-z_.]/.test(source[i]!)) i++;
      previous = 'value';
      continue;
    }
    previous = c === ')' || c === ']' ? 'value' : 'operator';
    i++;
  }

  // The variables' values go in among the other edits (they never overlap: a value stands where the
  // scanner saw a number).
  const all = [...edits, ...conditional.values].sort((a, b) => a.start - b.start || a.end - b.end);
  return apply(source, all, handlers);
}

function apply(source: string, edits: readonly Edit[], handlers: readonly EventHandlerDeclaration[]): RewriteResult {
  let code = '';
  let from = 0;
  /** Per rewritten line: [rewritten column where inserted text starts, its length]. */
  const inserted = new Map<number, Array<readonly [number, number]>>();
  for (const edit of edits) {
    code += source.slice(from, edit.start);
    const growth = edit.text.length - (edit.end - edit.start);
    if (growth !== 0) {
      const before = code.split(/\r\n|\r|\n/);
      const line = before.length;
      const column = before[before.length - 1]!.length + 1 + (edit.end - edit.start);
      inserted.set(line, [...(inserted.get(line) ?? []), [column, growth]]);
    }
    code += edit.text;
    from = edit.end;
  }
  code += source.slice(from);
  return {
    code,
    handlers,
    originalColumn(line, column) {
      let shift = 0;
      for (const [at, length] of inserted.get(line) ?? []) {
        if (column >= at + length) shift += length;
        else if (column >= at) shift += column - at;
      }
      return column - shift;
    },
  };
}
