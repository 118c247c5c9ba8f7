/**
 * The script host in-process, on the memory backend (the shim's worker comes from its dist: run
 * after `tsc -b`, as `npm test` does).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../src/main';
import { runScript } from '../src/run';

jest.setTimeout(30_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-run-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const SEED = {
  self: { signinName: 'ann@contoso.com', friendlyName: 'Ann Lee', password: 'pw' },
  contacts: [{ signinName: 'bob@contoso.com', friendlyName: 'Bob Kelly', status: 2 }],
  groups: [{ name: 'Coworkers', members: ['bob@contoso.com'] }],
};

let scripts = 0;
/** Write `source` to a new script file and run it; its exit code and output. */
async function run(source: string, args: string[] = []): Promise<{ code: number; out: string; err: string; file: string }> {
  const file = path.join(dir, `script${++scripts}.js`);
  fs.writeFileSync(file, source);
  let out = '';
  let err = '';
  const code = await runScript({
    file, args, backend: { kind: 'memory', seed: SEED },
    stdout: (text) => { out += text; }, stderr: (text) => { err += text; },
  });
  return { code, out, err, file };
}

const SIGNIN = 'var msn = new ActiveXObject("Messenger.UIAutomation.1");\nmsn.Signin(0, "ann@contoso.com", "pw");\n';

describe('WScript', () => {
  it('echoes, writes to StdOut and StdErr, and exits 0 at the end', async () => {
    const r = await run('WScript.Echo("a", 1, true);\nWScript.StdOut.Write("b");\nWScript.StdOut.WriteLine("c");\nWScript.StdErr.WriteLine("d");');
    expect(r).toMatchObject({ code: 0, out: 'a 1 true\nbc\n', err: 'd\n' });
  });

  it('passes the arguments after -- and names the script', async () => {
    const r = await run('for (var i = 0; i < WScript.Arguments.length; i++) WScript.Echo(WScript.Arguments(i));\nWScript.Echo(WScript.ScriptName, WScript.ScriptFullName);', ['/online', 'x y']);
    expect(r.out).toBe(`/online\nx y\n${path.basename(r.file)} ${r.file}\n`);
  });

  it.each([[0, 'WScript.Quit();'], [0, 'WScript.Quit(0);'], [3, 'WScript.Quit(3);'], [255, 'WScript.Quit(255);']])(
    'exits with the Quit code %i', async (code, quit) => {
      const r = await run(`WScript.Echo("before");\n${quit}\nWScript.Echo("after");`);
      expect(r).toMatchObject({ code, out: 'before\n', err: '' });
    });

  it('quits from inside a try block: the script\'s catch and the rest do not run', async () => {
    const r = await run('try {\n  WScript.Quit(4);\n} catch (e) {\n  WScript.Echo("caught " + e);\n}\nWScript.Echo("after");');
    expect(r).toMatchObject({ code: 4, out: '', err: '' });
  });

  it('quits from inside an event handler', async () => {
    const r = await run(`function msn_OnSignin(hr) { WScript.Echo("signed in"); WScript.Quit(7); }\n${SIGNIN.replace('new ActiveXObject("Messenger.UIAutomation.1")', 'WScript.CreateObject("Messenger.UIAutomation.1", "msn_")')}WScript.Echo("after");`);
    expect(r).toMatchObject({ code: 7, out: 'signed in\n', err: '' });
  });
});

describe('uncaught errors, printed as cscript did', () => {
  it('a COM error: file(line, col), its description and its HRESULT; exit code 1', async () => {
    const r = await run(`${SIGNIN}WScript.Echo("creating");\n   msn.CreateGroup("bad\\tname", msn.MyServiceId);\nWScript.Echo("after");`);
    expect(r.code).toBe(1);
    expect(r.out).toBe('creating\n');
    expect(r.err).toBe(`${r.file}(4, 8) Microsoft JScript runtime error: bstrName contains a tab or a non-printable character.\nError number: 0x81000351\n`);
  });

  it('an unknown ProgID: the Automation server error', async () => {
    const r = await run('var fso = new ActiveXObject("Scripting.FileSystemObject");');
    expect(r.code).toBe(1);
    expect(r.err).toBe(`${r.file}(1, 11) Microsoft JScript runtime error: Automation server can't create object\nError number: 0x800A01AD\n`);
  });

  it('a JavaScript error: its message, no error number', async () => {
    const r = await run('var x = null;\nWScript.Echo(x.length);');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`^${escapeRegExp(r.file)}\\(2, 16\\) Microsoft JScript runtime error: Cannot read properties of null \\(reading 'length'\\)\\n$`));
  });

  it('JScript\'s new Error(number, description), thrown by the script', async () => {
    const r = await run('var e = new Error(0x800A0035, "File not found");\nWScript.Echo(e.number, e.description, e.message, e instanceof Error);\nthrow e;');
    expect(r.out).toBe('-2146828235 File not found File not found true\n');
    expect(r.err).toBe(`${r.file}(1, 9) Microsoft JScript runtime error: File not found\nError number: 0x800A0035\n`);
  });

  it('a thrown string', async () => {
    const r = await run('throw "stop";');
    expect(r).toMatchObject({ code: 1, err: `${r.file} Microsoft JScript runtime error: Exception thrown and not caught: "stop"\n` });
  });

  it('a syntax error: a compilation error at its line and column, nothing runs', async () => {
    const r = await run('WScript.Echo("never");\nvar x = ;');
    expect(r).toMatchObject({ code: 1, out: '', err: `${r.file}(2, 9) Microsoft JScript compilation error: Unexpected token ';'\n` });
  });

  it('keeps the column of the script when a catch guard was inserted on the line', async () => {
    const r = await run(`${SIGNIN}try { msn.CreateGroup("", msn.MyServiceId); } catch (e) { msn.CreateGroup("a\\tb", msn.MyServiceId); }`);
    expect(r.err).toMatch(new RegExp(`^${escapeRegExp(r.file)}\\(3, 63\\) `));
  });

  it('an error in an event handler ends the script there, printed at the handler\'s line', async () => {
    const r = await run(`function msn_OnSignin(hr) {\n  WScript.Echo("handler");\n  missing();\n}\n${SIGNIN.replace('new ActiveXObject("Messenger.UIAutomation.1")', 'WScript.CreateObject("Messenger.UIAutomation.1", "msn_")')}WScript.Echo("after");`);
    expect(r.code).toBe(1);
    expect(r.out).toBe('handler\n');
    expect(r.err).toBe(`${r.file}(3, 3) Microsoft JScript runtime error: missing is not defined\n`);
  });
});

describe('function obj::Event handlers', () => {
  it('receive the events of the object the variable holds, including during the top level', async () => {
    const r = await run([
      'function msn::OnSignin(hr) { WScript.Echo("OnSignin " + hr + " " + msn.MySigninName); }',
      'function msn :: OnGroupAdded (hr, group) { WScript.Echo("OnGroupAdded " + group.Name); }',
      SIGNIN,
      'msn.CreateGroup("Phoenix", msn.MyServiceId);',
      'WScript.Echo("end");',
    ].join('\n'));
    expect(r).toMatchObject({ code: 0, err: '', out: 'OnSignin 0 ann@contoso.com\nOnGroupAdded Phoenix\nend\n' });
  });

  it('follow the variable: another object in it gets the events, the old one no longer', async () => {
    const r = await run([
      'function msn::OnGroupAdded(hr, group) { WScript.Echo("msn: " + group.Name); }',
      'function other::OnGroupAdded(hr, group) { WScript.Echo("other: " + group.Name); }',
      SIGNIN,
      'var other = new ActiveXObject("Messenger.UIAutomation.1");',
      'msn.CreateGroup("One", msn.MyServiceId);',
      'msn = GetObject("", "Messenger.UIAutomation.1");',
      'msn.CreateGroup("Two", msn.MyServiceId);',
    ].join('\n'));
    expect(r).toMatchObject({ code: 0, err: '', out: 'msn: One\nother: One\nother: Two\nmsn: Two\n' });
  });

  it('are not unbound by WScript.DisconnectObject, which drops only ConnectObject prefixes', async () => {
    const r = await run([
      'function msn::OnGroupAdded(hr, group) { WScript.Echo(":: " + group.Name); }',
      'function msn_OnGroupAdded(hr, group) { WScript.Echo("prefix " + group.Name); }',
      SIGNIN,
      'WScript.ConnectObject(msn, "msn_");',
      'msn.CreateGroup("One", msn.MyServiceId);',
      'WScript.DisconnectObject(msn);',
      'msn.CreateGroup("Two", msn.MyServiceId);',
    ].join('\n'));
    expect(r).toMatchObject({ code: 0, err: '', out: ':: One\nprefix One\n:: Two\n' });
  });

  it('are never called for an event Messenger does not have, as in JScript', async () => {
    const r = await run(`function msn::OnTypo(hr) { WScript.Echo("typo"); }\nfunction msn::onsignin(hr) { WScript.Echo("signed in"); }\n${SIGNIN}`);
    expect(r).toMatchObject({ code: 0, err: '', out: 'signed in\n' });
  });

  it('end the script with the cscript report when they throw', async () => {
    const r = await run(`function msn::OnSignin(hr) {\n  throw new Error(5, "bad sign-in");\n}\n${SIGNIN}WScript.Echo("after");`);
    expect(r).toMatchObject({ code: 1, out: '', err: `${r.file}(2, 9) Microsoft JScript runtime error: bad sign-in\nError number: 0x00000005\n` });
  });
});

describe('main', () => {
  it('prints a usage error with a pointer to --help and exits 2', async () => {
    let err = '';
    const code = await main(['run', 'x.js', '--backend', 'msnp'], { stdout: () => undefined, stderr: (t) => { err += t; }, cwd: dir, env: {} });
    expect(code).toBe(2);
    expect(err).toBe('imessenger: cannot read script ' + path.join(dir, 'x.js') + '\nRun "imessenger run --help" for usage.\n');
  });

  it('prints the usage for --help and exits 0', async () => {
    let out = '';
    expect(await main(['run', '--help'], { stdout: (t) => { out += t; }, stderr: () => undefined })).toBe(0);
    expect(out).toMatch(/^Usage: imessenger run <script\.js>/);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
