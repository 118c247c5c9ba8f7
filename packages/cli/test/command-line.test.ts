/**
 * Issue 12, item 4: a CLI that behaves like one. Every command through `main`: --help and -h, the
 * version, one error style and one exit-code table, and `run --backend routing` (shadow reads and
 * dual writes from the command line). The routing runs use the shim's worker from its dist: run
 * after `tsc -b`, as `npm test` does.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT_CODES } from '@imessenger/command-line';
import { main } from '../src/main';

jest.setTimeout(30_000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, cwd: dir, env: {} });
  return { code, out, err };
}

const VERSION = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
const script = path.join(dir, 'hello.js');
fs.writeFileSync(script, 'WScript.Echo("hi");\n');

describe('--version and --help', () => {
  it.each([['--version'], ['-V']])('%s prints the version of @imessenger/cli', async (flag) => {
    expect(await cli(flag)).toEqual({ code: 0, out: `imessenger ${VERSION}\n`, err: '' });
  });

  it('imessenger --help lists every command, copy included, and the exit-code table', async () => {
    const { code, out } = await cli('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: imessenger <command> \[options\]\n {7}imessenger --version\n/);
    for (const command of ['run <script.js>', 'migrate copy', 'migrate routes', 'migrate report', 'migrate reconcile', 'migrate retry']) {
      expect(out).toMatch(new RegExp(`\\n  ${command.replace(/[<>.]/g, '\\$&')} +\\S`));
    }
    expect(out).toContain('  -V, --version ');
    for (const [code] of EXIT_CODES) expect(out).toMatch(new RegExp(`\\n  ${code} +\\S`));
    expect((await cli('-h')).out).toBe(out);
    expect((await cli('help')).out).toBe(out);
  });

  it.each([
    [['run', '--help'], 'run <script.js> [options] [-- script arguments...]'],
    [['run', script, '-h'], 'run <script.js>'],
    [['help', 'run'], 'run <script.js>'],
    [['migrate', '--help'], 'migrate copy|routes|report|reconcile|retry [options]'],
    [['migrate', 'copy', '--help'], 'migrate copy --from <spec> --to <spec>'],
    [['migrate', 'routes', '--help'], 'migrate routes --config <file> --user <name>'],
    [['migrate', 'report', '-h'], 'migrate report --mismatches <file>'],
    [['migrate', 'reconcile', '--help'], 'migrate reconcile (--old-seed <f> | --old-state <f>)'],
    [['migrate', 'retry', '--help'], 'migrate retry --queue <file>'],
    [['help', 'migrate', 'retry'], 'migrate retry --queue <file>'],
  ])('%j: its usage on stdout, the exit codes, exit 0', async (argv, usage) => {
    const { code, out, err } = await cli(...argv);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(out.startsWith(`Usage: imessenger ${usage}`)).toBe(true);
    expect(out).toMatch(/\nExit codes:\n  0 +done/);
  });

  it('run --help shows the routing backend\'s options', async () => {
    const { out } = await cli('run', '--help');
    expect(out).toContain('--backend <memory|com|graph|routing>');
    for (const option of ['--config <plan.yaml>', '--stage <name>', '--user <upn>', '--mismatches <file.jsonl>', '--old-seed <file.json>', '--new-state <file>']) {
      expect(out).toContain(`  ${option} `);
    }
  });
});

describe('one error style, one exit-code table', () => {
  it.each<[string[], string, string]>([
    [[], 'missing command: expected "run <script.js>", "serve" or "migrate <command>"', ''],
    [['exec'], 'unknown command "exec" (the commands: run, serve, com, migrate, graph)', ''],
    [['--verbose'], 'unknown option "--verbose"', ''],
    [['run', script, '--verbose'], 'unknown option "--verbose"', 'run'],
    [['run', script, '--timeout'], 'option --timeout needs a value: --timeout <seconds>', 'run'],
    [['run', script, '--backend', 'msnp'], 'bad --backend value "msnp": expected one of memory, com, graph, routing', 'run'],
    [['run', 'nope.js'], `cannot read script ${path.join(dir, 'nope.js')}`, 'run'],
    [['migrate'], 'missing command: expected one of copy, routes, report, reconcile, retry', 'migrate'],
    [['migrate', 'routes', '--verbose'], 'unknown option "--verbose"', 'migrate routes'],
    [['migrate', 'copy', '--to', 'memory:x'], '--from <spec> is required (memory:<dir> or graph:<config.json>)', 'migrate copy'],
  ])('%j: imessenger: <what>, where the help is, exit 2', async (argv, message, command) => {
    expect(await cli(...argv)).toEqual({ code: 2, out: '', err: `imessenger: ${message}\nRun "imessenger${command ? ` ${command}` : ''} --help" for usage.\n` });
  });

  it('a failure is the message alone, exit 1', async () => {
    const damaged = path.join(dir, 'damaged.jsonl');
    fs.writeFileSync(damaged, '{ not json\n{}\n');
    expect(await cli('migrate', 'report', '--mismatches', damaged)).toEqual({
      code: 1, out: '', err: expect.stringMatching(new RegExp(`^imessenger: ${damaged.replace(/[.\\]/g, '\\$&')}:1: damaged mismatch record \\(.*\\)\\n$`)) as unknown as string,
    });
  });
});

describe('run --backend routing', () => {
  const CONFIG = `old: com
new: graph
cohort: { users: [oscar@contoso.com] }
capabilities:
  groups: { route: new, mode: dual-write }
  presence: { route: old, mode: shadow }
shadow:
  mismatches: ./out/mismatches.jsonl
`;
  const OLD = { self: { signinName: 'oscar@contoso.com' }, contacts: [{ signinName: 'carol@contoso.com', status: 34 }], groups: [{ name: 'Coworkers' }] };
  const NEW = { self: { signinName: 'oscar@contoso.com' }, contacts: [{ signinName: 'carol@contoso.com', status: 10 }], groups: [{ name: 'Teams group' }] };
  const SCRIPT = [
    'var msn = new ActiveXObject("Messenger.UIAutomation.1");',
    'if (msn.MyStatus == 1) msn.AutoSignin();',
    'var carol = new Enumerator(msn.MyContacts).item();',
    'WScript.Echo(carol.SigninName + " " + carol.Status);',
    'for (var g = new Enumerator(msn.MyGroups); !g.atEnd(); g.moveNext()) WScript.Echo("group " + g.item().Name);',
    'msn.CreateGroup("Launch", msn.MyServiceId);',
    'msn.Signout();',
  ].join('\n');
  const files = () => {
    const base = fs.mkdtempSync(path.join(dir, 'routing-'));
    fs.writeFileSync(path.join(base, 'plan.yaml'), CONFIG);
    fs.writeFileSync(path.join(base, 'old.json'), JSON.stringify(OLD));
    fs.writeFileSync(path.join(base, 'new.json'), JSON.stringify(NEW));
    fs.writeFileSync(path.join(base, 'pilot.js'), SCRIPT);
    return base;
  };
  const mismatchesIn = (file: string): { capability: string; member: string; user: string }[] =>
    fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { capability: string; member: string; user: string });

  it('serves each capability from its route, records shadow mismatches in the file the config names, and dual-writes', async () => {
    const base = files();
    const oldState = path.join(base, 'old-state.json');
    const newState = path.join(base, 'new-state.json');
    fs.copyFileSync(path.join(base, 'old.json'), path.join(base, 'old-seed.json'));
    let out = '';
    let err = '';
    const code = await main(
      ['run', '--backend', 'routing', '--config', 'plan.yaml', '--user', 'oscar@contoso.com', '--old-seed', 'old-seed.json', '--old-state', 'old-state.json', '--new-seed', 'new.json', '--new-state=new-state.json', 'pilot.js'],
      { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, cwd: base, env: {} },
    );
    expect({ code, out, err }).toEqual({ code: 0, out: 'carol@contoso.com 34\ngroup Teams group\n', err: '' });
    // Presence from the old side (Away, 34), compared with the new one (Busy): the difference is on file.
    expect(mismatchesIn(path.join(base, 'out', 'mismatches.jsonl'))).toEqual([expect.objectContaining({ capability: 'presence', member: 'statuses', user: 'oscar@contoso.com' })]);
    // Groups from the new side, the write dual-written to the old one.
    const groups = (file: string): string[] => (JSON.parse(fs.readFileSync(file, 'utf8')) as { groups: { name: string }[] }).groups.map((g) => g.name);
    expect(groups(newState)).toEqual(['Teams group', 'Launch']);
    expect(groups(oldState)).toEqual(['Coworkers', 'Launch']);
  });

  it('--mismatches puts them in another file; --stage and a user outside the cohort route everything to the old side', async () => {
    const base = files();
    const argv = ['run', path.join(base, 'pilot.js'), '--backend=routing', '--config', path.join(base, 'plan.yaml'), '--old-seed', path.join(base, 'old.json'), '--new-seed', path.join(base, 'new.json')];
    const pilot = await cli(...argv, '--user', 'oscar@contoso.com', '--mismatches', 'elsewhere.jsonl');
    expect(pilot.code).toBe(0);
    expect(mismatchesIn(path.join(dir, 'elsewhere.jsonl'))).toHaveLength(1);
    expect(fs.existsSync(path.join(base, 'out'))).toBe(false);
    const other = await cli(...argv, '--user', 'walter@contoso.com');
    expect(other).toEqual({ code: 0, out: 'carol@contoso.com 34\ngroup Coworkers\n', err: '' });
    expect(fs.existsSync(path.join(base, 'out'))).toBe(false);
  });

  it.each<[string, string[], RegExp]>([
    ['no --config', [], /^--backend routing needs the migration config: --config <plan\.yaml>$/],
    ['a config with a mistake', ['--config', 'bad.yaml'], /^--config: .*bad\.yaml:5:3: capabilities\.grups: unknown capability/],
    ['an unknown stage', ['--config', 'plan.yaml', '--stage', 'nine'], /^--stage: .*no stage named "nine"/],
    ['a side the host cannot start', ['--config', 'legacy.yaml'], /names old: "lcs", which imessenger run cannot start: give --old-seed or --old-state/],
    ['--isolate', ['--config', 'plan.yaml', '--old-seed', 'old.json', '--new-seed', 'new.json', '--isolate'], /^--isolate cannot run --backend routing yet/],
  ])('refuses %s (exit 2)', async (_, options, message) => {
    const base = files();
    fs.writeFileSync(path.join(base, 'bad.yaml'), 'old: com\nnew: graph\ncohort: { percent: 10 }\ncapabilities:\n  grups: new\n');
    fs.writeFileSync(path.join(base, 'legacy.yaml'), 'old: lcs\nnew: memory\n');
    let err = '';
    const code = await main(['run', 'pilot.js', '--backend', 'routing', ...options], { stdout: () => undefined, stderr: (t) => { err += t; }, cwd: base, env: {} });
    expect(code).toBe(2);
    const [first, second] = err.split('\n');
    expect(first!.replace(/^imessenger: /, '')).toMatch(message);
    expect(second).toBe('Run "imessenger run --help" for usage.');
  });

  it('routing options belong to --backend routing', async () => {
    expect((await cli('run', script, '--config', 'plan.yaml')).err).toMatch(/^imessenger: option --config applies to --backend routing, not memory\n/);
    expect((await cli('run', script, '--backend', 'routing', '--seed', 'x.json')).err).toMatch(/^imessenger: option --seed applies to --backend memory or com, not routing\n/);
  });
});

describe('the README', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

  it('shows `imessenger run --help` as it prints (the exit codes apart: the README has them once, for every command)', async () => {
    const { out } = await cli('run', '--help');
    expect(readme).toContain(`\`\`\`text\n${out.slice(0, out.indexOf('\nExit codes:\n'))}\`\`\``);
  });

  it('has the one exit-code table, with every code --help lists', () => {
    const table = readme.slice(readme.indexOf('## Exit codes'), readme.indexOf('\n## ', readme.indexOf('## Exit codes') + 1));
    for (const [code] of EXIT_CODES) expect(table).toContain(`\n| ${code} | `);
  });
});
