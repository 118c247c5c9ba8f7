/**
 * A file that is not JScript (language.ts): a usage error (exit code 2) naming what it is and what
 * runs it, from the command line and from runScript, instead of a JScript compilation error.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs, UsageError } from '../src/args';
import { notJScript } from '../src/language';
import { main } from '../src/main';
import { runScript } from '../src/run';

jest.setTimeout(30_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-language-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const VBSCRIPT = 'Option Explicit\nDim msn\nSet msn = CreateObject("Messenger.UIAutomation.1")\nWScript.Echo msn.MyFriendlyName\n';
const JSCRIPT = 'var msn = new ActiveXObject("Messenger.UIAutomation.1");\nWScript.Echo(msn.MyFriendlyName);\n';
const ENCODED = '#@~^GQAAAA==@#@&HkI~W,2U^KNn[~kUNW.bwY8QYAAA==^#~@';
const COM_SERVER = /Windows' own cscript\/wscript will reach the SDK through its planned COM server \("imessenger serve" \+ "imessenger com register"\), not yet available/;

const write = (name: string, text: string): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

describe('notJScript', () => {
  it.each<[string, string, RegExp]>([
    ['watch.vbs', VBSCRIPT, /is a VBScript file; "imessenger run" runs plain JScript only \(.*COM server.*; until then, port it to JScript/],
    ['watch.vbe', '#@~^AAAA', /is encoded VBScript \(\.vbe, Microsoft Script Encoder\)/],
    ['watch.jse', ENCODED, /is encoded JScript \(\.jse, Microsoft Script Encoder\); .*\(decode it to a \.js and run that: the host does not decode that format\)/],
    ['job.wsf', '<job><script language="JScript">WScript.Echo(1);</script></job>', /is a Windows Script File \(\.wsf, an XML job\); .*save its <script language="JScript"> code as a \.js and run that/],
    ['msn.wsc', '<?xml version="1.0"?><component/>', /is a Windows Script Component \(\.wsc, a COM object written in script\)/],
    ['contacts.hta', '<html><head><hta:application/></head></html>', /is an HTML Application \(\.hta\); .*load @imessenger\/shim instead/],
    ['status.ps1', '$msn = New-Object -ComObject Messenger.UIAutomation.1', /is a PowerShell script; .*New-Object -ComObject/],
    ['run.cmd', '@cscript //nologo contacts.js', /is a batch file; .*cscript x\.js becomes imessenger run x\.js/],
    ['WATCH.VBS', VBSCRIPT, /is a VBScript file/],
  ])('%s: by its extension', (name, text, message) => {
    const file = write(name, text);
    expect(notJScript(file)).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
    expect(notJScript(file)).toMatch(message);
  });

  it('points VBScript to the planned COM server, saying it is not yet available', () => {
    expect(notJScript(write('a.vbs', VBSCRIPT))).toMatch(COM_SERVER);
  });

  it.each<[string, string, RegExp]>([
    ['VBScript', VBSCRIPT, /is a VBScript file/],
    ['VBScript that opens with a comment', "' watch.vbs\r\nOn Error Resume Next\r\nWScript.Echo 1\r\n", /is a VBScript file/],
    ['an XML job', '<?xml version="1.0"?>\n<job id="main"></job>', /is a Windows Script File/],
    ['an HTML page', '<!DOCTYPE html>\n<html></html>', /is an HTML page/],
    ['an encoded script', ENCODED, /is an encoded script \(Microsoft Script Encoder, "#@~\^"\)/],
  ])('an unknown extension holding %s: by its first bytes', (_, text, message) => {
    expect(notJScript(write(`sniffed-${Math.random().toString(36).slice(2)}.txt`, text))).toMatch(message);
  });

  it('takes a .js as JScript whatever it holds (as cscript did), unless it is encoded', () => {
    expect(notJScript(write('plain.js', JSCRIPT))).toBeUndefined();
    expect(notJScript(write('vbs-inside.js', VBSCRIPT))).toBeUndefined();
    expect(notJScript(write('encoded.js', ENCODED))).toMatch(/is an encoded script/);
  });

  it('takes JScript under another extension, or none, as JScript', () => {
    expect(notJScript(write('contacts.txt', JSCRIPT))).toBeUndefined();
    expect(notJScript(write('contacts', `// Dim view of the contacts\nfunction f()\n{\n  var Dim = 1;\n}\n${JSCRIPT}`))).toBeUndefined();
  });
});

describe('imessenger run <not JScript>', () => {
  it('is a usage error: parseArgs throws it, main prints it with the pointer to --help and exits 2', async () => {
    const file = write('status.vbs', VBSCRIPT);
    expect(() => parseArgs(['run', 'status.vbs'], {}, dir)).toThrow(UsageError);
    let err = '';
    const code = await main(['run', 'status.vbs'], { stdout: () => undefined, stderr: (t) => { err += t; }, cwd: dir, env: {} });
    expect(code).toBe(2);
    expect(err).toBe(`imessenger: ${notJScript(file)!}\nRun "imessenger run --help" for usage.\n`);
    expect(err).not.toMatch(/compilation error/);
  });

  it('runScript refuses it too, exit code 2, before any host starts', async () => {
    const file = write('job2.wsf', '<job><script language="VBScript">WScript.Echo 1</script></job>');
    let out = '';
    let err = '';
    const code = await runScript({ file, backend: { kind: 'memory', seed: {} }, stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
    expect({ code, out, err }).toEqual({ code: 2, out: '', err: `imessenger: ${notJScript(file)!}\n` });
  });

  it('a .js holding VBScript is still a JScript compilation error, as under cscript', async () => {
    const file = write('wrong.js', VBSCRIPT);
    let err = '';
    const code = await runScript({ file, backend: { kind: 'memory', seed: {} }, stderr: (t) => { err += t; }, stdout: () => undefined });
    expect(code).toBe(1);
    expect(err).toMatch(/Microsoft JScript compilation error/);
  });
});
