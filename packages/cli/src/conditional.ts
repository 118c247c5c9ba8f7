/**
 * JScript's conditional compilation (`@cc_on`, `@if`/`@elif`/`@else`/`@end`, `@set`, `@_jscript_version`
 * and the other `@` variables), evaluated before V8 sees the script, as JScript 5.8's lexer did it:
 *
 * - Off until turned on: by `@cc_on` (in code, or opening a comment: `/*@cc_on … @*\/`, `//@cc_on`), or
 *   by an `@if` or `@set` in code. While it is off, `/*@ … @*\/` and `//@ …` are ordinary comments
 *   (`/*@if (…) … @end @*\/` before any `@cc_on` is skipped, as Microsoft's examples assume: they
 *   open with `/*@cc_on @*\/`), and an `@name` in code is JScript's compilation error 1030,
 *   "Conditional compilation is turned off".
 * - Once on, `/*@` and `//@` only open comments whose text is code; `@*\/` (or `*\/`) closes the
 *   former, the end of the line the latter. `@if` … `@end` can span several comments and the code
 *   between them: the branch not taken is removed wherever it stands.
 * - `@if (expr)`, `@elif (expr)`, `@set @name = expr`: expressions of numbers, `true`, `false` and
 *   `@` variables with JavaScript's operators (`!`, `~`, unary `-`/`+`, `* / %`, `+ -`, shifts,
 *   comparisons, equality, `& ^ |`, `&& ||`, parentheses). An `@if`'s condition is its parenthesised
 *   expression. Variables are case-sensitive; one never set is NaN.
 * - `@name` in code is its value: `true`, `false` or a number literal.
 *
 * The predefined variables are those of 32-bit WSH 5.8 (JSCRIPT_ENGINE): `@_jscript` true,
 * `@_jscript_version` 5.8, `@_jscript_build`, `@_win32` and `@_x86` true; everything else
 * (`@_win16`, `@_win64`, `@_amd64`, `@_mac`, `@_alpha`, `@_mc680x0`, `@_PowerPC`) is unset, so NaN.
 *
 * Positions are kept: the result (`view`) has the script's length and line breaks. Directives,
 * comment delimiters and the branches not taken become spaces; a variable becomes a placeholder of
 * its length, and its value is one replacement (`values`) for the caller to apply with its own.
 */
import { BEFORE_REGEX, type Edit, identifierAt, isIdStart, isLineBreak, positionAt, skipQuoted, skipRegex } from './lex';
import { JSCRIPT_ENGINE } from './jscript';

export type ConditionalValue = number | boolean;

/** The predefined conditional compilation variables (those not listed are NaN). */
export const PREDEFINED_VARIABLES: ReadonlyMap<string, ConditionalValue> = new Map<string, ConditionalValue>([
  ['_jscript', true],
  ['_jscript_version', JSCRIPT_ENGINE.major + JSCRIPT_ENGINE.minor / 10],
  ['_jscript_build', JSCRIPT_ENGINE.build],
  ['_win32', true],
  ['_x86', true],
]);

/** JScript's compilation errors of conditional compilation: number (JScript's 1002…) and text. */
const ERRORS = {
  syntax: [1002, 'Syntax error'],
  lparen: [1005, "Expected '('"],
  rparen: [1006, "Expected ')'"],
  identifier: [1010, 'Expected identifier'],
  assign: [1011, "Expected '='"],
  end: [1029, "Expected '@end'"],
  off: [1030, 'Conditional compilation is turned off'],
  constant: [1031, 'Expected constant'],
  at: [1032, "Expected '@'"],
} as const satisfies Record<string, readonly [number, string]>;

/**
 * A compilation error of the script (JScript's own wording), at its line and column. `number` is the
 * HRESULT JScript gave it (0x800A0000 | error).
 */
export class JScriptCompilationError extends SyntaxError {
  override readonly name = 'SyntaxError';
  readonly number: number;
  readonly description: string;
  constructor(kind: keyof typeof ERRORS, readonly line: number, readonly column: number) {
    const [code, text] = ERRORS[kind];
    super(text);
    this.number = (0x800a0000 | code) | 0;
    this.description = text;
  }
}

export interface ConditionalResult {
  /** The script with directives, delimiters and skipped code blanked and variables as placeholders. */
  readonly view: string;
  /** The variables' values, as replacements of their placeholders in `view`. */
  readonly values: readonly Edit[];
  /** Whether the script turned conditional compilation on. */
  readonly active: boolean;
}

/** What an `@if` is doing: running its branch, still looking for one, past it, or inside skipped code. */
type Branch = 'taking' | 'waiting' | 'done' | 'dead';
interface Frame { state: Branch; readonly at: number }

/** Evaluate the script's conditional compilation. Throws JScriptCompilationError. */
export function preprocessConditional(source: string): ConditionalResult {
  if (!source.includes('@')) return { view: source, values: [], active: false };
  const n = source.length;
  const out = source.split('');
  const values: Edit[] = [];
  const variables = new Map(PREDEFINED_VARIABLES);
  const frames: Frame[] = [];
  let active = false;
  /** Inside a `/*@ … @*\/` comment (whose closing `*\/` alone also ends it). */
  let block = false;
  let previous: 'value' | 'operator' = 'operator';
  let i = 0;

  const fail = (kind: keyof typeof ERRORS, at: number): never => {
    const { line, column } = positionAt(source, at);
    throw new JScriptCompilationError(kind, line, column);
  };
  const skipping = (): boolean => frames.length > 0 && frames[frames.length - 1]!.state !== 'taking';
  const blank = (from: number, to: number): void => {
    for (let j = from; j < to; j++) if (!isLineBreak(out[j]!)) out[j] = ' ';
  };
  /** Code from `from` to `to`: kept, or blanked in a branch not taken. */
  const code = (from: number, to: number): void => { if (skipping()) blank(from, to); };
  const expression = (at: number): Expression => new Expression(source, variables, fail, at);

  /** `@name` at `i`. */
  const directive = (name: string): void => {
    const at = i;
    const end = i + 1 + name.length;
    const top = frames[frames.length - 1];
    switch (name) {
      case 'cc_on':
        if (!skipping()) active = true;
        blank(at, end);
        i = end;
        return;
      case 'set': {
        if (skipping()) { blank(at, end); i = end; return; }
        active = true;
        let j = skipSpaces(source, end);
        if (source[j] !== '@') fail('at', j);
        const variable = identifierAt(source, j + 1);
        if (variable === undefined) return fail('identifier', j + 1);
        j = skipSpaces(source, j + 1 + variable.length);
        if (source[j] !== '=') fail('assign', j);
        const parsed = expression(j + 1).full();
        variables.set(variable, parsed.value);
        blank(at, parsed.end);
        i = parsed.end;
        return;
      }
      case 'if': {
        if (skipping()) { frames.push({ state: 'dead', at }); blank(at, end); i = end; return; }
        active = true;
        const parsed = expression(end).condition();
        frames.push({ state: parsed.value ? 'taking' : 'waiting', at });
        blank(at, parsed.end);
        i = parsed.end;
        return;
      }
      case 'elif':
        if (!top) return fail('syntax', at);
        if (top.state === 'waiting') {
          const parsed = expression(end).condition();
          if (parsed.value) top.state = 'taking';
          blank(at, parsed.end);
          i = parsed.end;
          return;
        }
        if (top.state === 'taking') top.state = 'done';
        blank(at, end);
        i = end;
        return;
      case 'else':
        if (!top) return fail('syntax', at);
        if (top.state === 'taking') top.state = 'done';
        else if (top.state === 'waiting') top.state = 'taking';
        blank(at, end);
        i = end;
        return;
      case 'end':
        if (!top) return fail('syntax', at);
        frames.pop();
        blank(at, end);
        i = end;
        return;
      default: {
        if (skipping()) { blank(at, end); i = end; return; }
        if (!active) return fail('off', at);
        const value = variables.has(name) ? variables.get(name)! : NaN;
        // A placeholder of the same length that scans as a value ("0   "), replaced by the value.
        out[at] = '0';
        blank(at + 1, end);
        values.push({ start: at, end, text: literal(value, end - at) });
        previous = 'value';
        i = end;
      }
    }
  };

  while (i < n) {
    const c = source[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (active && source.startsWith('@*/', i)) { blank(i, i + 3); block = false; i += 3; continue; }
    if (block && source.startsWith('*/', i)) { blank(i, i + 2); block = false; i += 2; continue; }
    if (source.startsWith('/*', i) || source.startsWith('//', i)) {
      const isBlock = source[i + 1] === '*';
      if (source[i + 2] === '@' && (active || identifierAt(source, i + 3) === 'cc_on')) {
        // A conditional comment: its delimiter goes, its text is code (an `@name` right after it
        // is read next, as a directive or variable).
        const bare = !isIdStart(source[i + 3] ?? '');
        blank(i, bare ? i + 3 : i + 2);
        if (isBlock) block = true;
        i += bare ? 3 : 2;
        continue;
      }
      let j: number;
      if (isBlock) { const close = source.indexOf('*/', i + 2); j = close < 0 ? n : close + 2; }
      else { j = i + 2; while (j < n && !isLineBreak(source[j]!)) j++; }
      code(i, j);
      i = j;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      const j = skipQuoted(source, i);
      code(i, j);
      i = j;
      previous = 'value';
      continue;
    }
    if (c === '/') {
      const j = previous === 'operator' ? skipRegex(source, i) : i + 1;
      previous = previous === 'operator' ? 'value' : 'operator';
      code(i, j);
      i = j;
      continue;
    }
    if (c === '@') {
      const name = identifierAt(source, i + 1);
      if (name !== undefined) { directive(name); continue; }
      // A lone `@`: V8 reports it, unless it is skipped.
      code(i, i + 1);
      i++;
      continue;
    }
    if (isIdStart(c)) {
      const word = identifierAt(source, i)!;
      code(i, i + word.length);
      i += word.length;
      previous = BEFORE_REGEX.has(word) ? 'operator' : 'value';
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i;
      while (j < n && /[0-9A-Za-z_.]/.test(source[j]!)) j++;
      code(i, j);
      i = j;
      previous = 'value';
      continue;
    }
    code(i, i + 1);
    previous = c === ')' || c === ']' ? 'value' : 'operator';
    i++;
  }
  if (frames.length > 0) fail('end', frames[frames.length - 1]!.at);
  return { view: out.join(''), values, active };
}

/**
 * A value as code that reads as one operand wherever the variable stood, at least `width` long
 * (padded with spaces). A whole number gets a space after it, so that `@v.toString()` stays a call.
 */
export function literal(value: ConditionalValue, width: number): string {
  let text: string;
  if (typeof value === 'boolean' || Number.isNaN(value) || value === Infinity) text = String(value);
  else if (value === -Infinity) text = '(-Infinity)';
  else if (value < 0 || Object.is(value, -0)) text = `(${Object.is(value, -0) ? '-0' : String(value)})`;
  else text = Number.isInteger(value) && !/e/.test(String(value)) ? `${String(value)} ` : String(value);
  return text.padEnd(width);
}

function skipSpaces(source: string, at: number): number {
  let j = at;
  while (j < source.length && /\s/.test(source[j]!)) j++;
  return j;
}

type Token =
  | { readonly kind: 'value'; readonly value: ConditionalValue; readonly start: number; readonly end: number }
  | { readonly kind: 'op'; readonly op: string; readonly start: number; readonly end: number }
  | { readonly kind: 'none'; readonly start: number; readonly end: number };

const OPERATORS = ['>>>', '===', '!==', '==', '!=', '<=', '>=', '<<', '>>', '&&', '||', '<', '>', '+', '-', '*', '/', '%', '&', '|', '^', '!', '~', '(', ')'];
/** Binary operators by precedence, loosest first. */
const LEVELS: readonly (readonly string[])[] = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!=', '===', '!=='], ['<', '>', '<=', '>='], ['<<', '>>', '>>>'], ['+', '-'], ['*', '/', '%']];

/** A conditional compilation expression starting at `at` (recursive descent). */
class Expression {
  private pos: number;
  constructor(
    private readonly source: string,
    private readonly variables: ReadonlyMap<string, ConditionalValue>,
    private readonly fail: (kind: keyof typeof ERRORS, at: number) => never,
    at: number,
  ) { this.pos = at; }

  /** `@set`'s expression: as long as it goes on. */
  full(): { value: ConditionalValue; end: number } {
    const value = this.binary(0);
    return { value, end: this.pos };
  }

  /** `@if`'s and `@elif`'s condition: `( expression )`. */
  condition(): { value: ConditionalValue; end: number } {
    const open = this.peek();
    if (open.kind !== 'op' || open.op !== '(') return this.fail('lparen', open.start);
    return { value: this.primary(), end: this.pos };
  }

  private peek(): Token {
    const { source } = this;
    const start = skipSpaces(source, this.pos);
    if (source.startsWith('*/', start)) return { kind: 'none', start, end: start };
    const number = /^(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(source.slice(start, start + 64));
    if (number) return { kind: 'value', value: Number(number[0]), start, end: start + number[0].length };
    if (source[start] === '@') {
      const name = identifierAt(source, start + 1);
      if (name !== undefined) {
        return { kind: 'value', value: this.variables.has(name) ? this.variables.get(name)! : NaN, start, end: start + 1 + name.length };
      }
    }
    const word = identifierAt(source, start);
    if (word === 'true' || word === 'false') return { kind: 'value', value: word === 'true', start, end: start + word.length };
    const op = OPERATORS.find((o) => source.startsWith(o, start));
    if (op !== undefined) return { kind: 'op', op, start, end: start + op.length };
    return { kind: 'none', start, end: start };
  }

  private binary(level: number): ConditionalValue {
    if (level === LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'op' || !LEVELS[level]!.includes(token.op)) return left;
      this.pos = token.end;
      left = apply(token.op, left, this.binary(level + 1));
    }
  }

  private unary(): ConditionalValue {
    const token = this.peek();
    if (token.kind === 'op' && ['!', '~', '-', '+'].includes(token.op)) {
      this.pos = token.end;
      const operand = this.unary();
      switch (token.op) {
        case '!': return !operand;
        case '~': return ~Number(operand);
        case '-': return -Number(operand);
        default: return Number(operand);
      }
    }
    return this.primary();
  }

  private primary(): ConditionalValue {
    const token = this.peek();
    if (token.kind === 'value') { this.pos = token.end; return token.value; }
    if (token.kind === 'op' && token.op === '(') {
      this.pos = token.end;
      const value = this.binary(0);
      const close = this.peek();
      if (close.kind !== 'op' || close.op !== ')') return this.fail('rparen', close.start);
      this.pos = close.end;
      return value;
    }
    return this.fail('constant', token.start);
  }
}

/** A binary operator on conditional compilation values, with JavaScript's semantics. */
function apply(op: string, a: ConditionalValue, b: ConditionalValue): ConditionalValue {
  const x = Number(a);
  const y = Number(b);
  switch (op) {
    case '||': return a || b;
    case '&&': return a && b;
    case '|': return x | y;
    case '^': return x ^ y;
    case '&': return x & y;
    case '==': return x === y;
    case '!=': return x !== y;
    case '===': return a === b;
    case '!==': return a !== b;
    case '<': return x < y;
    case '>': return x > y;
    case '<=': return x <= y;
    case '>=': return x >= y;
    case '<<': return x << y;
    case '>>': return x >> y;
    case '>>>': return x >>> y;
    case '+': return x + y;
    case '-': return x - y;
    case '*': return x * y;
    case '/': return x / y;
    default: return x % y;
  }
}
