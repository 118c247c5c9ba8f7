/**
 * WScript.Arguments and its Named and Unnamed collections as WSH scripts used them (wscript.ts):
 * Count with and without parentheses, Item, the default member, length, Exists, Enumerator.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { countMember } from '../src/wscript';
import { runScript } from '../src/run';

jest.setTimeout(30_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-arguments-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let scripts = 0;
/** Run `lines`, each an expression echoed as "<expression> = <value>"; the output lines. */
async function echo(lines: string[], args: string[]): Promise<string[]> {
  const file = path.join(dir, `args${++scripts}.js`);
  fs.writeFileSync(file, lines.map((l) => `WScript.Echo(${JSON.stringify(l)} + " = " + (${l}));`).join('\n'));
  let out = '';
  let err = '';
  const code = await runScript({ file, args, backend: { kind: 'memory', seed: {} }, stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
  expect({ code, err }).toEqual({ code: 0, err: '' });
  return out.trimEnd().split('\n');
}

const ARGS = ['/verbose', 'alice', '/Level:3', 'bob'];

describe('WScript.Arguments', () => {
  it('Count with and without parentheses, length, Item, the default member', async () => {
    expect(await echo([
      'WScript.Arguments.Count()', 'WScript.Arguments.Count', 'WScript.Arguments.length', 'WScript.Arguments.Length',
      'WScript.Arguments.Count == 4', 'WScript.Arguments.Count > 3', 'WScript.Arguments.Count - 1', '"n=" + WScript.Arguments.Count',
      'WScript.Arguments.Item(2)', 'WScript.Arguments(0)', 'WScript.Arguments(3)',
    ], ARGS)).toEqual([
      'WScript.Arguments.Count() = 4', 'WScript.Arguments.Count = 4', 'WScript.Arguments.length = 4', 'WScript.Arguments.Length = 4',
      'WScript.Arguments.Count == 4 = true', 'WScript.Arguments.Count > 3 = true', 'WScript.Arguments.Count - 1 = 3', '"n=" + WScript.Arguments.Count = n=4',
      'WScript.Arguments.Item(2) = /Level:3', 'WScript.Arguments(0) = /verbose', 'WScript.Arguments(3) = bob',
    ]);
  });

  it('Named: Count both ways, length, Item, the default member, Exists, case-insensitive names', async () => {
    expect(await echo([
      'WScript.Arguments.Named.Count', 'WScript.Arguments.Named.Count()', 'WScript.Arguments.Named.length',
      'WScript.Arguments.Named.Item("level")', 'WScript.Arguments.Named("LEVEL")', 'WScript.Arguments.Named.Item("verbose") === ""',
      'WScript.Arguments.Named.Exists("Verbose")', 'WScript.Arguments.Named.Exists("quiet")', 'typeof WScript.Arguments.Named.Item("quiet")',
    ], ARGS)).toEqual([
      'WScript.Arguments.Named.Count = 2', 'WScript.Arguments.Named.Count() = 2', 'WScript.Arguments.Named.length = 2',
      'WScript.Arguments.Named.Item("level") = 3', 'WScript.Arguments.Named("LEVEL") = 3', 'WScript.Arguments.Named.Item("verbose") === "" = true',
      'WScript.Arguments.Named.Exists("Verbose") = true', 'WScript.Arguments.Named.Exists("quiet") = false', 'typeof WScript.Arguments.Named.Item("quiet") = undefined',
    ]);
  });

  it('Unnamed: Count both ways, length, Item, the default member', async () => {
    expect(await echo([
      'WScript.Arguments.Unnamed.Count', 'WScript.Arguments.Unnamed.Count()', 'WScript.Arguments.Unnamed.length',
      'WScript.Arguments.Unnamed.Item(1)', 'WScript.Arguments.Unnamed(0)',
    ], ARGS)).toEqual([
      'WScript.Arguments.Unnamed.Count = 2', 'WScript.Arguments.Unnamed.Count() = 2', 'WScript.Arguments.Unnamed.length = 2',
      'WScript.Arguments.Unnamed.Item(1) = bob', 'WScript.Arguments.Unnamed(0) = alice',
    ]);
  });

  it('loops the ways scripts wrote them, Enumerator over each collection included', async () => {
    const file = path.join(dir, 'loops.js');
    fs.writeFileSync(file, [
      'var a = WScript.Arguments, i, e, out = [];',
      'for (i = 0; i < a.Count; i++) out.push(a(i));',
      'for (i = 0; i < a.Unnamed.Count(); i++) out.push(a.Unnamed.Item(i));',
      'for (e = new Enumerator(a); !e.atEnd(); e.moveNext()) out.push(e.item());',
      'for (e = new Enumerator(a.Named); !e.atEnd(); e.moveNext()) out.push(e.item() + "=" + a.Named(e.item()));',
      'for (e = new Enumerator(a.Unnamed); !e.atEnd(); e.moveNext()) out.push(e.item());',
      'WScript.Echo(out.join(" "));',
    ].join('\n'));
    let out = '';
    const code = await runScript({ file, args: ARGS, backend: { kind: 'memory', seed: {} }, stdout: (t) => { out += t; } });
    expect({ code, out }).toEqual({ code: 0, out: '/verbose alice /Level:3 bob alice bob /verbose alice /Level:3 bob verbose= Level=3 alice bob\n' });
  });

  it('no arguments: every Count is 0 both ways', async () => {
    expect(await echo([
      'WScript.Arguments.Count == 0', 'WScript.Arguments.Count()', 'WScript.Arguments.Named.Count < 1', 'WScript.Arguments.Unnamed.Count + 0',
    ], [])).toEqual([
      'WScript.Arguments.Count == 0 = true', 'WScript.Arguments.Count() = 0', 'WScript.Arguments.Named.Count < 1 = true', 'WScript.Arguments.Unnamed.Count + 0 = 0',
    ]);
  });

  // Declared differences: Count without parentheses is a function that converts to its number, so
  // what looks at the value itself rather than converting it sees the function.
  it('differs from WSH where a function cannot pass for a number: ===, typeof, truthiness', async () => {
    expect(await echo([
      'WScript.Arguments.Count === 0', 'typeof WScript.Arguments.Count', '!WScript.Arguments.Count', 'WScript.Arguments.Count() === 0',
    ], [])).toEqual([
      'WScript.Arguments.Count === 0 = false', 'typeof WScript.Arguments.Count = function', '!WScript.Arguments.Count = false', 'WScript.Arguments.Count() === 0 = true',
    ]);
  });
});

describe('countMember', () => {
  it('is callable and converts to its number for every hint', () => {
    const count = countMember(3);
    expect(count()).toBe(3);
    expect(+count).toBe(3);
    expect(`${String(count)}`).toBe('3');
    expect((count as unknown as number) + 1).toBe(4);
    expect((count as unknown as number) > 2).toBe(true);
  });
});

describe('examples/legacy-jscript/status.js', () => {
  const example = path.resolve(__dirname, '..', '..', '..', 'examples', 'legacy-jscript', 'status.js');
  const seed: unknown = JSON.parse(fs.readFileSync(path.resolve(example, '..', 'seed.json'), 'utf8'));
  const run = async (args: string[]): Promise<{ code: number; out: string }> => {
    let out = '';
    const code = await runScript({ file: example, args, backend: { kind: 'memory', seed }, stdout: (t) => { out += t; } });
    return { code, out };
  };

  it('sets the status a named argument gives', async () => {
    expect(await run(['/Status:BRB'])).toEqual({ code: 0, out: 'Ann Lee <ann@contoso.com> is Online.\nAnn Lee <ann@contoso.com> is now Be Right Back.\n' });
  });

  it.each([[['bob']], [['/verbose']], [['/status:lunch']]])('exits 2 with its usage for %j', async (args) => {
    expect((await run(args)).code).toBe(2);
  });
});
