/**
 * `imessenger migrate routes | report | reconcile | retry`: what they print and their exit codes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { memoryBackend } from '@imessenger/adapter-memory';
import { MIGRATE_USAGE, type MismatchRecord, type QueuedWrite, migrateCommand, routesCommand } from '../src/index-routing';

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-command-')); });
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });
const write = (name: string, text: string): string => { const f = path.join(dir, name); fs.writeFileSync(f, text); return f; };

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await routesCommand(argv, { stdout: { write: (t: string) => { out += t; } }, stderr: { write: (t: string) => { err += t; } } });
  return { code, out, err };
}

const CONFIG = `old: com
new: graph
cohort: { percent: 10, users: [ann@contoso.com] }
capabilities:
  groups: new
  presence: { route: old, mode: shadow }
  directory: { mode: dual-write, cohort: { percent: 100 } }
`;

describe('migrate routes', () => {
  test('prints each capability\'s route and mode for the user, and why the user is in the cohort', async () => {
    const config = write('routes.yaml', CONFIG);
    const { code, out } = await run('migrate', 'routes', '--config', config, '--user', 'oscar@contoso.com');
    expect(code).toBe(0);
    expect(out).toBe([
      'Routes for oscar@contoso.com (old = com, new = graph)',
      'Cohort: in (bucket 105 of 10000: joins at 1.06%, cohort is 10%)',
      '  directory has its own cohort: in (bucket 105 of 10000: joins at 1.06%, cohort is 100%)',
      '',
      'capability     served by    mode        secondary    cohort',
      'session        old (com)    route       -            -',
      'directory      new (graph)  dual-write  old (com)    in',
      'presence       old (com)    shadow      new (graph)  in',
      'groups         new (graph)  route       -            in',
      'conversations  old (com)    route       -            -',
      'mail           old (com)    route       -            -',
      'preferences    old (com)    route       -            -',
      'shell          old (com)    route       -            -',
      'events         each from the backend of its capability (contact status: presence, list changes: directory, …)',
      '',
    ].join('\n'));
  });

  test('a user outside the cohort, as JSON', async () => {
    const config = write('routes2.yaml', CONFIG);
    const { code, out } = await run('routes', '--config', config, '--user=walter@contoso.com', '--json');
    expect(code).toBe(0);
    const json = JSON.parse(out) as { cohort: string; routes: Record<string, { backend: string; mode: string }> };
    expect(json.cohort).toBe('out (bucket 1113 of 10000: joins at 11.14%, cohort is 10%)');
    expect(json.routes.groups).toEqual({ backend: 'old', mode: 'route', inCohort: false });
    expect(json.routes.directory).toEqual({ backend: 'new', mode: 'dual-write', secondary: 'old', inCohort: true });
  });

  test('--stage picks a stage of a plan file', async () => {
    const plan = write('plan.json', JSON.stringify({
      old: 'com', new: 'graph', stage: 'one',
      stages: [{ name: 'one', cohort: { percent: 0 }, capabilities: { groups: 'new' } }, { name: 'two', cohort: { percent: 100 }, capabilities: { groups: 'new' } }],
    }));
    expect((await run('routes', '--config', plan, '--user', 'bob@contoso.com')).out).toMatch(/groups +old \(com\)/);
    const two = await run('routes', '--config', plan, '--user', 'bob@contoso.com', '--stage', 'two');
    expect(two.out).toContain('stage two');
    expect(two.out).toMatch(/groups +new \(graph\)/);
  });

  test('a bad config file: a usage error (exit 2) that names the key', async () => {
    const bad = write('bad.yaml', 'old: com\nnew: graph\ncohort: { percent: 10 }\ncapabilities:\n  grups: new\n');
    const { code, err } = await run('routes', '--config', bad, '--user', 'ann@contoso.com');
    expect(code).toBe(2);
    expect(err).toContain(`${bad}:5:3: capabilities.grups: unknown capability`);
  });

  test('usage errors: exit 2 with the usage', async () => {
    const missing = await run('routes', '--config', 'x.yaml');
    expect(missing.code).toBe(2);
    expect(missing.err).toBe('imessenger: --user <name> is required\nRun "imessenger migrate routes --help" for usage.\n');
    expect((await run('routes', '--verbose')).err).toContain('imessenger: unknown option "--verbose"');
    expect((await run('frobnicate')).err).toContain('unknown command "migrate frobnicate"');
    expect((await run('--help')).code).toBe(0);
  });
});

describe('migrate report', () => {
  test('summarises a mismatch file; --fail-on-mismatch makes it exit 1', async () => {
    const record: MismatchRecord = {
      time: '2025-03-01T09:00:00.000Z', capability: 'groups', member: 'list', args: [], user: 'ann@contoso.com',
      primary: { coworkers: { name: 'Coworkers', members: [] } }, secondary: {},
      difference: [{ path: 'coworkers', kind: 'onlyInPrimary', value: { name: 'Coworkers', members: [] } }],
    };
    const file = write('mismatches.jsonl', `${JSON.stringify(record)}\n${JSON.stringify({ ...record, time: '2025-03-01T10:00:00.000Z' })}\n`);
    const report = await run('report', '--mismatches', file);
    expect(report.code).toBe(0);
    expect(report.out).toContain('2 mismatches from 2025-03-01T09:00:00.000Z to 2025-03-01T10:00:00.000Z');
    expect(report.out).toContain('groups.list: 2 (1 user');
    expect(report.out).toContain('2 x coworkers: only on primary');
    expect((await run('report', '--mismatches', file, '--fail-on-mismatch')).code).toBe(1);
    expect(JSON.parse((await run('report', '--mismatches', file, '--json')).out)).toMatchObject({ total: 2, byCapability: { groups: 2 } });
    expect((await run('report', '--mismatches', path.join(dir, 'none.jsonl'))).code).toBe(2);
  });
});

describe('migrate reconcile and retry (in-memory backends from files)', () => {
  const seed = (groups: { name: string; members?: string[] }[], sortOrder: number) => JSON.stringify({
    self: { signinName: 'ann@contoso.com' }, contacts: [{ signinName: 'bob@contoso.com' }], groups, sortOrder,
  });

  test('--keep-extras leaves what only the secondary has', async () => {
    const oldSeed = write('ke-old.json', seed([{ name: 'Coworkers', members: ['bob@contoso.com'] }], 0));
    const newSeed = write('ke-new.json', seed([{ name: 'Teams only' }], 0));
    const base = ['reconcile', '--old-seed', oldSeed, '--new-seed', newSeed, '--source', 'old', '--capabilities', 'groups', '--dry-run'];
    expect((await run(...base)).out).toContain('would remove group "Teams only"');
    const kept = await run(...base, '--keep-extras');
    expect(kept.out).not.toContain('Teams only');
    expect(kept.out).toContain('would create group "Coworkers"');
  });

  test('from seed files: a rehearsal (the repaired state is not saved)', async () => {
    const oldSeed = write('old-seed.json', seed([{ name: 'Coworkers', members: ['bob@contoso.com'] }], 0));
    const newSeed = write('new-seed.json', seed([], 1));
    const { code, out } = await run('reconcile', '--old-seed', oldSeed, '--new-seed', newSeed, '--source', 'old', '--capabilities', 'groups,preferences');
    expect(code).toBe(0);
    expect(out).toBe([
      '[groups from old] Reconciled groups: 2 changes',
      '  create group "Coworkers"',
      '  add bob@contoso.com to "Coworkers"',
      '[preferences from old] Reconciled preferences: 1 change',
      '  set sort order 1 -> 0',
      '',
    ].join('\n'));
  });

  test('from state files: the repair is saved; the truth per capability can come from the config\'s routes', async () => {
    const oldState = path.join(dir, 'old-state.json');
    const newState = path.join(dir, 'new-state.json');
    memoryBackend({ seed: JSON.parse(seed([{ name: 'Coworkers', members: ['bob@contoso.com'] }], 0)), stateFile: oldState }).store.write(() => undefined);
    memoryBackend({ seed: JSON.parse(seed([{ name: 'Teams only' }], 1)), stateFile: newState }).store.write(() => undefined);
    const config = write('rc.yaml', 'old: com\nnew: graph\ncohort: { users: [ann@contoso.com] }\ncapabilities:\n  groups: { route: new, mode: dual-write }\n');
    const dry = await run('reconcile', '--old-state', oldState, '--new-state', newState, '--config', config, '--user', 'ann@contoso.com', '--capabilities', 'groups', '--dry-run');
    expect(dry.out).toContain('[groups from new] Reconciled groups (dry run): 2 changes');
    expect(dry.out).toContain('would remove group "Coworkers"');
    const done = await run('reconcile', '--old-state', oldState, '--new-state', newState, '--config', config, '--user', 'ann@contoso.com', '--capabilities', 'groups');
    expect(done.code).toBe(0);
    const saved = JSON.parse(fs.readFileSync(oldState, 'utf8')) as { groups: { name: string }[]; signedIn: boolean };
    expect(saved.groups.map((g) => g.name)).toEqual(['Teams only']);
    expect(saved.signedIn).toBe(false);
    expect((await run('reconcile', '--old-state', oldState, '--new-state', newState, '--source', 'new', '--capabilities', 'groups')).out).toContain('0 changes');
  });

  test('reconcile needs to know the truth; retry applies a queue file', async () => {
    const oldSeed = write('o.json', seed([], 0));
    const newSeed = write('n.json', seed([], 0));
    expect((await run('reconcile', '--old-seed', oldSeed, '--new-seed', newSeed)).err).toContain('say which side is the truth');
    const entry: QueuedWrite = {
      id: '1', time: '2025-03-01T09:00:00.000Z', user: 'ann@contoso.com', target: 'old',
      write: { capability: 'groups', member: 'create', name: 'Launch' }, error: { $error: 'MSGR_E_SERVER_TOO_BUSY' }, attempts: 1,
    };
    const queue = write('queue.jsonl', `${JSON.stringify(entry)}\n`);
    const oldState = path.join(dir, 'retry-old.json');
    memoryBackend({ seed: JSON.parse(seed([], 0)), stateFile: oldState }).store.write(() => undefined);
    const retried = await run('retry', '--queue', queue, '--old-state', oldState, '--new-seed', newSeed);
    expect(retried.out).toBe('Retried 1: 1 applied, 0 failed, 0 still queued\n');
    expect(fs.readFileSync(queue, 'utf8')).toBe('');
    expect((JSON.parse(fs.readFileSync(oldState, 'utf8')) as { groups: { name: string }[] }).groups.map((g) => g.name)).toEqual(['Launch']);
  });
});

/**
 * Issue 12: one command line for every migrate command (@imessenger/command-line's parser, help,
 * error style and exit codes), paths relative to the caller's directory, --json where a command reports.
 */
describe('one command line for every migrate command', () => {
  async function runIn(cwd: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await migrateCommand(argv, { stdout: { write: (t: string) => { out += t; } }, stderr: { write: (t: string) => { err += t; } }, cwd });
    return { code, out, err };
  }

  test.each(['copy', 'routes', 'report', 'reconcile', 'retry'])('migrate %s --help and -h: its usage, options and the exit codes, exit 0', async (command) => {
    for (const flag of ['--help', '-h']) {
      const { code, out, err } = await runIn(dir, command, flag);
      expect({ code, err }).toEqual({ code: 0, err: '' });
      expect(out).toMatch(new RegExp(`^Usage: imessenger migrate ${command} `));
      expect(out).toContain('\nOptions:\n');
      expect(out).toContain('  -h, --help ');
      expect(out).toMatch(/\nExit codes:\n  0 +done[\s\S]*\n  2 +usage/);
    }
    expect((await runIn(dir, 'help', command)).out).toMatch(new RegExp(`^Usage: imessenger migrate ${command} `));
  });

  test('migrate --help lists every command, copy included', async () => {
    const { code, out } = await runIn(dir, '--help');
    expect(code).toBe(0);
    expect(out).toBe(MIGRATE_USAGE);
    for (const command of ['copy', 'routes', 'report', 'reconcile', 'retry']) expect(out).toMatch(new RegExp(`\\n  ${command} +\\S`));
  });

  test.each([
    ['routes', '--bogus'], ['report', '--bogus'], ['reconcile', '--bogus'], ['retry', '--bogus'], ['copy', '--bogus'],
  ])('migrate %s %s: one error style, exit 2', async (command, option) => {
    expect(await runIn(dir, command, option)).toEqual({
      code: 2, out: '', err: `imessenger: unknown option "${option}"\nRun "imessenger migrate ${command} --help" for usage.\n`,
    });
  });

  test('no command, an unknown command, a value missing: usage errors naming where the help is', async () => {
    expect(await runIn(dir)).toEqual({ code: 2, out: '', err: 'imessenger: missing command: expected one of copy, routes, report, reconcile, retry\nRun "imessenger migrate --help" for usage.\n' });
    expect((await runIn(dir, 'frobnicate')).err).toBe('imessenger: unknown command "migrate frobnicate" (the commands: copy, routes, report, reconcile, retry)\nRun "imessenger migrate --help" for usage.\n');
    expect((await runIn(dir, 'report', '--mismatches')).err).toBe('imessenger: option --mismatches needs a value: --mismatches <file>\nRun "imessenger migrate report --help" for usage.\n');
    expect((await runIn(dir, 'routes', '--user', 'a', '--user', 'b')).err).toContain('option --user given twice');
  });

  test('paths are relative to the caller\'s directory (io.cwd), in both option spellings', async () => {
    const sub = fs.mkdtempSync(path.join(dir, 'cwd-'));
    fs.writeFileSync(path.join(sub, 'plan.yaml'), CONFIG);
    const routes = await runIn(sub, 'routes', '--config=plan.yaml', '--user', 'oscar@contoso.com');
    expect(routes.code).toBe(0);
    expect(routes.out).toContain('directory      new (graph)  dual-write');
    fs.writeFileSync(path.join(sub, 'old.json'), JSON.stringify({ self: { signinName: 'ann@contoso.com' }, groups: [{ name: 'Coworkers' }] }));
    fs.writeFileSync(path.join(sub, 'new.json'), JSON.stringify({ self: { signinName: 'ann@contoso.com' } }));
    const rec = await runIn(sub, 'reconcile', '--old-seed', 'old.json', '--new-seed=new.json', '--source', 'old', '--capabilities', 'groups', '--dry-run', '--json');
    expect(rec.code).toBe(0);
    expect(JSON.parse(rec.out)).toEqual([expect.objectContaining({ dryRun: true, groupsCreated: ['Coworkers'] })]);
  });

  test('a file named on the command line that is missing or invalid is a usage error (2), naming it', async () => {
    const badSeed = write('bad-seed.json', '{ "self": ');
    const good = write('good-seed.json', JSON.stringify({ self: { signinName: 'ann@contoso.com' } }));
    const rec = await runIn(dir, 'reconcile', '--old-seed', badSeed, '--new-seed', good, '--source', 'old');
    expect(rec.code).toBe(2);
    expect(rec.err).toMatch(new RegExp(`^imessenger: --old-seed: ${badSeed.replace(/[.\\]/g, '\\$&')} is not valid JSON: `));
    const none = await runIn(dir, 'report', '--mismatches', 'none.jsonl');
    expect(none).toEqual({ code: 2, out: '', err: `imessenger: --mismatches: no such file ${path.join(dir, 'none.jsonl')} (a shadow writes it at its first mismatch)\nRun "imessenger migrate report --help" for usage.\n` });
  });
});
