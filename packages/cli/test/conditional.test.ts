/**
 * JScript's conditional compilation (conditional.ts, through rewriteScript): Microsoft's documented
 * examples, the idioms real scripts used, the predefined variables, positions kept, and JScript's
 * compilation errors. The last block runs scripts through the host.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { JScriptCompilationError, literal, preprocessConditional } from '../src/conditional';
import { QUIT_GUARD, rewriteScript } from '../src/rewrite';
import { runScript } from '../src/run';

jest.setTimeout(30_000);

/** Rewrite and run `source` in a bare context; what it printed with echo(…). */
function evaluate(source: string): string[] {
  const printed: string[] = [];
  const context = vm.createContext({ [QUIT_GUARD]: () => undefined, echo: (...v: unknown[]) => { printed.push(v.map(String).join(' ')); } });
  vm.runInContext(rewriteScript(source).code, context);
  return printed;
}

/** The lengths of the lines of a text: what keeping every line and column means. */
const lineLengths = (text: string): number[] => text.split(/\r\n|\r|\n/).map((l) => l.length);

/** The JScriptCompilationError of `source`, as [description, line, column, number]. */
function compileError(source: string): [string, number, number, string] {
  try {
    rewriteScript(source);
  } catch (e) {
    if (!(e instanceof JScriptCompilationError)) throw e;
    return [e.description, e.line, e.column, (e.number >>> 0).toString(16)];
  }
  throw new Error('no compilation error');
}

describe('conditional compilation: Microsoft\'s documented examples', () => {
  it('@cc_on, then /*@if … @else @*/ plain code /*@end @*/: the plain code is the @else branch', () => {
    const source = [
      '/*@cc_on @*/',
      '/*@if (@_jscript_version >= 4)',
      '   echo("JScript version 4 or better");',
      '   @else @*/',
      '   echo("You need a more recent script engine.");',
      '/*@end @*/',
    ].join('\n');
    expect(evaluate(source)).toEqual(['JScript version 4 or better']);
    expect(lineLengths(rewriteScript(source).code)).toEqual(lineLengths(source));
  });

  it('the same without @cc_on: every /*@ … @*/ is a comment, so only the fallback runs', () => {
    const source = [
      '/*@if (@_jscript_version >= 4)',
      '   echo("JScript version 4 or better");',
      '   @else @*/',
      '   echo("You need a more recent script engine.");',
      '/*@end @*/',
    ].join('\n');
    expect(rewriteScript(source).code).toBe(source);
    expect(evaluate(source)).toEqual(['You need a more recent script engine.']);
  });

  it('@if (@_win32) … @else @*/ … /*@end @*/ (the @if page)', () => {
    const source = '/*@cc_on @*/\n/*@if (@_win32)\n  echo("OS is 32-bit. Browser is IE.");\n  @else @*/\n  echo("Browser is not IE");\n/*@end @*/';
    expect(evaluate(source)).toEqual(['OS is 32-bit. Browser is IE.']);
  });

  it('@set: numbers, expressions of other variables, and @_jscript_version (the @set page)', () => {
    const source = [
      '/*@cc_on',
      '@set @myvar1 = 12',
      '@set @myvar2 = (@myvar1 * 20)',
      '@set @myvar3 = @_jscript_version',
      '@*/',
      'echo(@myvar1, @myvar2, @myvar3);',
    ].join('\n');
    expect(evaluate(source)).toEqual(['12 240 5.8']);
  });

  it('@if / @elif / @else / @end, and the variables in code (the conditional compilation overview)', () => {
    const source = [
      '/*@cc_on',
      '  echo("JScript version: " + @_jscript_version + ".");',
      '  @if (@_win32)',
      '    echo("Running on 32-bit Windows.");',
      '  @elif (@_win16)',
      '    echo("Running on 16-bit Windows.");',
      '  @else',
      '    echo("Running on a different platform.");',
      '  @end',
      '@*/',
    ].join('\n');
    expect(evaluate(source)).toEqual(['JScript version: 5.8.', 'Running on 32-bit Windows.']);
  });
});

describe('conditional compilation: what real scripts contain', () => {
  it('/*@cc_on @if (@_jscript_version >= 5) … @else … @end @*/ in one comment', () => {
    const source = '/*@cc_on\n  @if (@_jscript_version >= 5)\n    echo("try/catch available");\n  @else\n    echo("too old");\n  @end\n@*/';
    expect(evaluate(source)).toEqual(['try/catch available']);
    expect(evaluate(source.replace('>= 5', '>= 9'))).toEqual(['too old']);
  });

  it('/*@cc_on!@*/false is true (the Internet Explorer detection), keeping the columns', () => {
    const source = 'var isIE = /*@cc_on!@*/false; echo(isIE);';
    const { code } = rewriteScript(source);
    expect(code).toBe(`var isIE = ${' '.repeat('/*@cc_on'.length)}!${' '.repeat('@*/'.length)}false; echo(isIE);`);
    expect(evaluate(source)).toEqual(['true']);
  });

  it('@set @debug = true switches /*@if (@debug) … @end @*/ blocks on; false, off', () => {
    const script = (value: string): string => `/*@cc_on @*/\n/*@set @debug = ${value} @*/\necho("always");\n/*@if (@debug) echo("debug:", @debug); @end @*/`;
    expect(evaluate(script('true'))).toEqual(['always', 'debug: true']);
    expect(evaluate(script('false'))).toEqual(['always']);
  });

  it('//@cc_on and //@ lines: the rest of the line is code', () => {
    expect(evaluate('//@cc_on\n//@if (@_jscript) echo("line"); @end\nvar x = 1 //@+ 1\necho(x);')).toEqual(['line', '2']);
  });

  it('@if and @set outside comments turn it on too; @cc_on in code as well', () => {
    expect(evaluate('@if (@_jscript) echo("on"); @end')).toEqual(['on']);
    expect(evaluate('@set @n = 3\necho(@n);')).toEqual(['3']);
    expect(evaluate('@cc_on\necho(@_jscript);')).toEqual(['true']);
  });

  it('nests, and skips an inner @if of a branch not taken whole', () => {
    const source = [
      '/*@cc_on',
      '@if (@_win16)',
      '  @if (@_jscript) echo("win16 jscript"); @else echo("win16 other"); @end',
      '  echo("win16");',
      '@elif (@_jscript_version >= 5.5 && @_jscript_version < 6)',
      '  @if (@_x86) echo("5.x on x86"); @end',
      '@else',
      '  echo("else");',
      '@end @*/',
    ].join('\n');
    expect(evaluate(source)).toEqual(['5.x on x86']);
  });

  it('leaves @ alone in strings, regular expressions and plain comments, also in a branch not taken', () => {
    const source = [
      '/*@cc_on @*/',
      'var who = "ann@contoso.com", re = /^[^@]+@end$/, c = \'@else\';',
      '// @end: a plain comment',
      '/* @if (x) */',
      '/*@if (@_mac) echo("mac", "x@end"); @else @*/ echo(who, re.test("a@end"), c); /*@end @*/',
    ].join('\n');
    expect(evaluate(source)).toEqual(['ann@contoso.com true @else']);
  });

  it('rewrites handlers and catch blocks in compiled conditional code, not in a branch not taken', () => {
    const source = '/*@cc_on @if (@_win16) function msn::OnSignin(hr) {} @else @*/ function msn::OnSignout() { try {} catch (e) {} } /*@end @*/';
    const { code, handlers } = rewriteScript(source);
    expect(handlers.map((h) => h.event)).toEqual(['OnSignout']);
    expect(code).toContain(`catch (e) {${QUIT_GUARD}(e);`);
    expect(code).not.toContain('OnSignin');
  });

  it('an @if that spans code between comments removes that code from the branch not taken', () => {
    const source = '/*@cc_on @*/\nvar n = 0;\n/*@if (@_win64) @*/\nn = 64;\n/*@else @*/\nn = 32;\n/*@end @*/\necho(n);';
    expect(evaluate(source)).toEqual(['32']);
  });
});

describe('conditional compilation: the predefined variables (32-bit WSH 5.8)', () => {
  it.each([
    ['@_jscript', 'true'], ['@_jscript_version', '5.8'], ['@_jscript_build', '18702'], ['@_win32', 'true'], ['@_x86', 'true'],
    ['@_win16', 'NaN'], ['@_win64', 'NaN'], ['@_amd64', 'NaN'], ['@_mac', 'NaN'], ['@_alpha', 'NaN'], ['@_mc680x0', 'NaN'],
    ['@_PowerPC', 'NaN'], ['@never_set', 'NaN'], ['@_JSCRIPT', 'NaN'],
  ])('%s is %s', (variable, value) => {
    expect(evaluate(`/*@cc_on @*/ echo(${variable}, typeof ${variable});`)).toEqual([`${value} ${value === 'true' ? 'boolean' : 'number'}`]);
  });

  it('a variable is one operand wherever it stands: member calls, unary minus, division, growth', () => {
    const source = [
      '/*@cc_on @set @neg = -2 @set @big = 123456 @set @off = 1 == 2 @*/',
      'echo(@_jscript_version.toFixed(2), @_jscript_build.toString(16), -@neg, 1 -@neg, 2 / @_win16, @off, @big.toString());',
    ].join('\n');
    expect(evaluate(source)).toEqual(['5.80 490e 2 3 NaN false 123456']);
  });

  it('operators follow JavaScript on numbers and booleans', () => {
    const cases: [string, string][] = [
      ['1 + 2 * 3', '7'], ['(1 + 2) * 3', '9'], ['7 % 4', '3'], ['1 << 4 | 1', '17'], ['-8 >> 1', '-4'], ['-1 >>> 28', '15'],
      ['5 & 3 ^ 1', '0'], ['~0', '-1'], ['!0', 'true'], ['true + true', '2'], ['true == 1', 'true'], ['true === 1', 'false'],
      ['1 != 1', 'false'], ['@_win16 == @_win16', 'false'], ['!@_win16', 'true'], ['0x1F', '31'], ['2.5e1', '25'],
      ['@_jscript && 4', '4'], ['0 || @_jscript', 'true'], ['3 >= 3 && 2 < 1', 'false'], ['1 / 0', 'Infinity'], ['-1 / 0', '-Infinity'],
    ];
    for (const [expression, value] of cases) {
      expect([expression, evaluate(`/*@cc_on @set @v = ${expression} @*/ echo(@v);`)[0]]).toEqual([expression, value]);
    }
  });

  it('writes values as code of at least the variable\'s width', () => {
    expect(literal(5.8, 17)).toBe('5.8'.padEnd(17));
    expect(literal(12, 2)).toBe('12 ');
    expect(literal(-1, 2)).toBe('(-1)');
    expect(literal(NaN, 7)).toBe('NaN    ');
    expect(literal(true, 2)).toBe('true');
  });
});

describe('conditional compilation: positions and errors', () => {
  it('keeps every line\'s length, directives and skipped code becoming spaces', () => {
    const source = '/*@cc_on\r\n@set @a = 1\r\n@if (@a == 2)\r\nnever();\r\n@end @*/\r\nok();';
    const { code } = rewriteScript(source);
    expect(lineLengths(code)).toEqual(lineLengths(source));
    expect(code.endsWith('ok();')).toBe(true);
    expect(code.replace(/\s/g, '')).toBe('ok();');
  });

  it('maps columns after a value longer than its variable back to the script\'s', () => {
    const source = '/*@cc_on @set @v = 123456 @*/\nvar a = @v; oops();';
    const { code, originalColumn } = rewriteScript(source);
    const line = code.split('\n')[1]!;
    expect(originalColumn(2, line.indexOf('oops') + 1)).toBe('var a = @v; '.length + 1);
  });

  it('leaves a script without @ as it is, and one with @ only in strings', () => {
    for (const source of ['var a = 1; // plain', 'var a = "ann@contoso.com"; /* x@y */ var r = /@/;']) {
      expect(preprocessConditional(source)).toMatchObject({ view: source, values: [], active: false });
    }
  });

  it.each([
    ['a variable while it is off', 'var v = 1;\nvar w = @_jscript_version;', ['Conditional compilation is turned off', 2, 9, '800a0406']],
    ['an @if without @end (at the @if)', '/*@cc_on\n  @if (@_win32) x();\n@*/', ["Expected '@end'", 2, 3, '800a0405']],
    ['an @end without @if', '/*@cc_on @end @*/', ['Syntax error', 1, 10, '800a03ea']],
    ['an @else without @if', '/*@cc_on\n@else @*/', ['Syntax error', 2, 1, '800a03ea']],
    ['@if without a parenthesis', '/*@cc_on @if @_win32 x(); @end @*/', ["Expected '('", 1, 14, '800a03ed']],
    ['an unclosed parenthesis', '/*@cc_on @if (@_win32 x(); @end @*/', ["Expected ')'", 1, 23, '800a03ee']],
    ['a string in an expression', '/*@cc_on @if ("x") @end @*/', ['Expected constant', 1, 15, '800a0407']],
    ['@set without @ before the name', '/*@cc_on @set debug = 1 @*/', ["Expected '@'", 1, 15, '800a0408']],
    ['@set without =', '/*@cc_on @set @debug 1 @*/', ["Expected '='", 1, 22, '800a03f3']],
  ])('%s is JScript\'s compilation error at its position', (_, source, expected) => {
    expect(compileError(source)).toEqual(expected);
  });
});

describe('conditional compilation in imessenger run', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-cc-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const SEED = { self: { signinName: 'ann@contoso.com', friendlyName: 'Ann Lee', password: 'pw' }, contacts: [], groups: [] };
  let scripts = 0;
  async function run(source: string): Promise<{ code: number; out: string; err: string; file: string }> {
    const file = path.join(dir, `cc${++scripts}.js`);
    fs.writeFileSync(file, source);
    let out = '';
    let err = '';
    const code = await runScript({ file, backend: { kind: 'memory', seed: SEED }, stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
    return { code, out, err, file };
  }

  it('runs the branch WSH ran, and skips the one it skipped', async () => {
    const r = await run('/*@cc_on @*/\n/*@if (@_jscript_version >= 5)\nWScript.Echo("JScript " + @_jscript_version);\n@else @*/\nWScript.Echo("old engine");\n/*@end @*/\nWScript.Echo(ScriptEngine(), ScriptEngineMajorVersion(), ScriptEngineMinorVersion(), ScriptEngineBuildVersion());');
    expect(r).toMatchObject({ code: 0, out: 'JScript 5.8\nJScript 5 8 18702\n', err: '' });
  });

  it('reports a conditional compilation error as cscript did; nothing runs', async () => {
    const r = await run('WScript.Echo("first");\nif (@_win32) WScript.Echo("win32");');
    expect(r).toMatchObject({ code: 1, out: '', err: `${r.file}(2, 5) Microsoft JScript compilation error: Conditional compilation is turned off\n` });
  });

  it('reports a runtime error after conditional code at the script\'s own column', async () => {
    const r = await run('/*@cc_on @set @n = 123456 @*/\nvar n = @n; missing();');
    expect(r).toMatchObject({ code: 1, err: `${r.file}(2, 13) Microsoft JScript runtime error: missing is not defined\n` });
  });

  it('reports V8\'s syntax error inside compiled conditional code at its position', async () => {
    const r = await run('/*@cc_on\n  @if (@_jscript)\n    var = 1;\n  @end\n@*/');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^${r.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\(3, 9\\) Microsoft JScript compilation error: `));
  });
});
