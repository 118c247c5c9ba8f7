/**
 * `imessenger migrate copy` as a command: arguments, specs and their errors, the dry-run plan, the
 * report files, progress on a non-terminal, exit codes, and a Graph spec against the fake tenant.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as testing from '@imessenger/adapter-graph/testing';
import { COPY_USAGE, copyCommand, parseCopyArgs, UsageError } from '../src/copy-command';
import { readJournal } from '../src/journal';
import type { CopyReport } from '../src/report';

/** Scratch directories, removed after the file's tests. */
const scratchDirs: string[] = [];
const scratch = (prefix: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => { for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true }); });

const ALICE = 'alice@example.com';
const sourceSeed = {
  self: { signinName: ALICE, friendlyName: 'Alice' },
  contacts: [{ signinName: 'carol@example.com' }, { signinName: 'dave@example.com' }],
  groups: [{ name: 'Friends', members: ['carol@example.com', 'dave@example.com'] }],
  sortOrder: 1,
};
const targetSeed = (known: string[]) => ({ self: { signinName: ALICE, friendlyName: 'Alice' }, directory: known.map((signinName) => ({ signinName })) });

function sink(isTTY = false) {
  let text = '';
  return { stream: { isTTY, write: (s: string) => { text += s; return true; } }, get text() { return text; } };
}

function workspace(known = ['carol@example.com', 'dave@example.com']) {
  const cwd = scratch('migration-cmd-');
  fs.mkdirSync(path.join(cwd, 'old'));
  fs.mkdirSync(path.join(cwd, 'new'));
  fs.writeFileSync(path.join(cwd, 'old', `${ALICE}.seed.json`), JSON.stringify(sourceSeed));
  fs.writeFileSync(path.join(cwd, 'new', `${ALICE}.seed.json`), JSON.stringify(targetSeed(known)));
  return cwd;
}

async function run(args: string[], cwd: string) {
  const out = sink();
  const err = sink();
  const code = await copyCommand(args, { stdout: out.stream, stderr: err.stream, cwd });
  return { code, out: out.text, err: err.text };
}

describe('arguments', () => {
  test('parses every option, both --opt value and --opt=value, and repeated/comma-separated --users', () => {
    expect(parseCopyArgs(['migrate', 'copy', '--from', 'memory:a', '--to=memory:b', '--users', 'x@y,z@y', '--users=w@y', '--dry-run',
      '--journal', 'j', '--report', 'r', '--concurrency', '8', '--backoff-initial', '50', '--backoff-max', '500', '--max-retries', '3', '--progress', 'plain', '--no-probe'])).toEqual({
      from: 'memory:a', to: 'memory:b', users: ['x@y', 'z@y', 'w@y'], dryRun: true, journal: 'j', report: 'r', concurrency: 8,
      backoff: { initialMs: 50, maxMs: 500, maxRetries: 3 }, progress: 'plain', probe: false, json: false, help: false,
    });
  });

  test.each([
    [['--to', 'memory:b'], /--from <spec> is required/],
    [['--from', 'memory:a'], /--to <spec> is required/],
    [['--from', 'memory:a', '--to', 'memory:b', '--concurrency', '0'], /bad --concurrency value "0": expected a whole number ≥ 1/],
    [['--from', 'memory:a', '--to', 'memory:b', '--concurrency'], /--concurrency needs a value/],
    [['--from', 'memory:a', '--to', 'memory:b', '--bogus'], /unknown option "--bogus"/],
    [['--from', 'memory:a', '--to', 'memory:b', '--progress', 'loud'], /bad --progress value "loud"/],
    [['--from', 'memory:a', '--from', 'memory:c', '--to', 'memory:b'], /option --from given twice/],
  ])('%j is refused', (argv, message) => {
    expect(() => parseCopyArgs(argv)).toThrow(UsageError);
    expect(() => parseCopyArgs(argv)).toThrow(message);
  });

  test('--help prints the usage and exits 0', async () => {
    const r = await run(['--help'], os.tmpdir());
    expect(r).toMatchObject({ code: 0, out: COPY_USAGE });
    expect(COPY_USAGE).toMatch(/memory:<dir>[\s\S]*graph:<config.json>/);
  });
});

describe('specs', () => {
  test.each([
    [['--from', 'oracle:db', '--to', 'memory:new'], /--from oracle:db: unknown backend "oracle": expected memory:<dir> or graph:<config.json>/],
    [['--from', 'nothing', '--to', 'memory:new'], /--from nothing: unknown backend "nothing"/],
    [['--from', 'memory:missing', '--to', 'memory:new'], /--from memory:missing: .*missing is not a directory/],
    [['--from', 'memory:', '--to', 'memory:new'], /give the directory of the state files/],
    [['--from', 'memory:old', '--to', 'graph:nope.json'], /--to graph:nope.json: .*nope.json: cannot read the Graph configuration \(ENOENT\)/],
  ])('%j: exit 2 with a clear message', async (argv, message) => {
    const r = await run(argv, workspace());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  test.each([
    ['{ not json', /tenant.json: not valid JSON/],
    ['[]', /tenant.json: expected a JSON object, got an array/],
    ['{"auth":{"type":"tokens","tokensFile":"t.json"}}', /"tenantId": is required/],
    ['{"tenantId":"contoso","auth":{"type":"tokens","tokensFile":"t.json"}}', /"tenantId": "contoso" is neither a tenant id \(a GUID\) nor a domain/],
    ['{"tenantId":"c0ffee00-0000-4000-8000-00000000f00d"}', /"auth": is required/],
    ['{"tenantId":"c0ffee00-0000-4000-8000-00000000f00d","auth":{"type":"password"}}', /"auth.type": expected one of "device-code", "client-credentials", "azure-identity", "access-token", "tokens"/],
    ['{"tenantId":"c0ffee00-0000-4000-8000-00000000f00d","auth":{"type":"client-credentials","clientId":"x"}}', /"type": "client-credentials" takes exactly one of "clientSecret", "clientSecretEnv", "certificate"/],
    ['{"tenantId":"c0ffee00-0000-4000-8000-00000000f00d","auth":{"type":"client-credentials","clientId":"x","clientSecretEnv":"NOPE_NOT_SET"}}', /"auth.clientSecretEnv": the environment variable NOPE_NOT_SET is not set/],
    ['{"tenantId":"c0ffee00-0000-4000-8000-00000000f00d","tenant":"x","auth":{"type":"tokens","tokensFile":"t.json"}}', /"tenant": unknown key: did you mean "tenantId"\?/],
    ['{"tenantId":"c0ffee00-0000-4000-8000-00000000f00d","auth":{"type":"tokens","tokensFile":"t.json"}}', /"auth.tokensFile": cannot read .*t.json/],
  ])('graph config %s: exit 2 with a clear message', async (config, message) => {
    const cwd = workspace();
    fs.writeFileSync(path.join(cwd, 'tenant.json'), config);
    const r = await run(['--from', 'memory:old', '--to', 'graph:tenant.json', '--users', ALICE], cwd);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  test('copying from a Graph config without "users" needs --users', async () => {
    const cwd = workspace();
    fs.writeFileSync(path.join(cwd, 'tenant.json'), JSON.stringify({ tenantId: 'c0ffee00-0000-4000-8000-00000000f00d', auth: { type: 'tokens', tokensFile: 't.json' } }));
    fs.writeFileSync(path.join(cwd, 't.json'), '{}');
    const r = await run(['--from', 'graph:tenant.json', '--to', 'memory:new'], cwd);
    expect(r).toMatchObject({ code: 2, err: expect.stringMatching(/--users is required/) });
  });
});

describe('running', () => {
  test('--dry-run prints the plan and writes nothing: no state, no journal, no report', async () => {
    const cwd = workspace(['carol@example.com']);
    const r = await run(['--from', 'memory:old', '--to', 'memory:new', '--dry-run'], cwd);
    expect(r.out).toContain(`Plan: copy from memory:${path.join(cwd, 'old')} to memory:${path.join(cwd, 'new')} (dry run: nothing is written)`);
    expect(r.out).toContain(`${ALICE}: 4 to create, 1 already present, 0 skipped, 2 failing`);
    expect(r.out).toContain('  + contact carol@example.com');
    expect(r.out).toContain('  ! contact dave@example.com (MSGR_E_USER_NOT_FOUND: the target\'s directory has no user "dave@example.com")');
    expect(r.out).toContain('  + group "Friends"');
    expect(r.code).toBe(1); // predicted failures
    expect(fs.readdirSync(cwd).sort()).toEqual(['new', 'old']);
    expect(fs.readdirSync(path.join(cwd, 'new'))).toEqual([`${ALICE}.seed.json`]);
    expect(fs.readdirSync(path.join(cwd, 'old'))).toEqual([`${ALICE}.seed.json`]);
  });

  test('a real run writes the report (JSON and Markdown) and the journal, prints plain progress when not a terminal, exits 0', async () => {
    const cwd = workspace();
    const r = await run(['--from', 'memory:old', '--to', 'memory:new', '--report', 'out/copy'], cwd);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^copy: \d+\/\d+ steps \(\d+%\), [\d.]+ steps\/s, users \d\/1, failed 0, throttled 0, [\d.]+ s$/m);
    expect(r.err).not.toContain('\r');
    expect(r.out).toMatch(/Done in [\d.]+ s: 6 created, 1 already present, 0 skipped, 0 failed/);
    const report = JSON.parse(fs.readFileSync(path.join(cwd, 'out', 'copy.json'), 'utf8')) as CopyReport;
    expect(report.totals).toMatchObject({ created: 6, failed: 0, users: 1 });
    expect(fs.readFileSync(path.join(cwd, 'out', 'copy.md'), 'utf8')).toMatch(/^# Migration copy report/);
    expect(readJournal(path.join(cwd, 'migration-copy.journal.jsonl')).records.filter((x) => x.type === 'done')).toHaveLength(6);
    expect(fs.existsSync(path.join(cwd, 'new', `${ALICE}.json`))).toBe(true);

    const again = await run(['--from', 'memory:old', '--to', 'memory:new', '--progress', 'none'], cwd);
    expect(again.code).toBe(0);
    expect(again.err).toBe('');
    expect(again.out).toMatch(/0 created, 7 already present, 0 skipped, 0 failed/);
    expect(fs.existsSync(path.join(cwd, 'migration-copy-report.json'))).toBe(true); // the default report prefix
  });

  test('exit 1 when something failed, and the report says what and why', async () => {
    const cwd = workspace(['carol@example.com']);
    const r = await run(['--from', 'memory:old', '--to', 'memory:new', '--report', 'rep', '--progress', 'none'], cwd);
    expect(r.code).toBe(1);
    expect(r.out).toContain('run the same command again to retry or finish');
    const md = fs.readFileSync(path.join(cwd, 'rep.md'), 'utf8');
    expect(md).toContain(`- **${ALICE}**: contact dave@example.com: MSGR_E_USER_NOT_FOUND: No user "dave@example.com" on this service.`);
  });

  test('a bar on a terminal', async () => {
    const cwd = workspace();
    const out = sink();
    const err = sink(true);
    await copyCommand(['--from', 'memory:old', '--to', 'memory:new'], { stdout: out.stream, stderr: err.stream, cwd });
    expect(err.text).toMatch(/\r\[#+\] 100% 7\/7 steps/);
    expect(err.text.endsWith('\n')).toBe(true);
  });

  test('a stopped run exits 130 and the next one finishes', async () => {
    const cwd = workspace();
    const stop = new AbortController();
    stop.abort();
    const code = await copyCommand(['--from', 'memory:old', '--to', 'memory:new', '--progress', 'none'], { stdout: sink().stream, stderr: sink().stream, cwd, signal: stop.signal });
    expect(code).toBe(130);
    expect((await run(['--from', 'memory:old', '--to', 'memory:new'], cwd)).code).toBe(0);
  });

  test('graph:<config.json> with a tokens file, against the fake tenant', async () => {
    const tenant = new testing.FakeTenant({ seed: { self: { signinName: ALICE }, directory: [{ signinName: 'carol@example.com' }, { signinName: 'dave@example.com' }] } });
    await tenant.start();
    try {
      const cwd = workspace();
      fs.mkdirSync(path.join(cwd, 'conf'));
      fs.writeFileSync(path.join(cwd, 'conf', 'tenant.json'), JSON.stringify({
        tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, users: [ALICE], auth: { type: 'tokens', tokensFile: 'tokens.json' }, retry: { maxRetries: 1, delaySeconds: 0 },
      }));
      fs.writeFileSync(path.join(cwd, 'conf', 'tokens.json'), JSON.stringify({ [ALICE]: tenant.tokenFor(ALICE) }));
      const r = await run(['--from', 'memory:old', '--to', 'graph:conf/tenant.json', '--progress', 'none'], cwd);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(tenant.chats().map((c) => c.topic)).toEqual(['Friends']);
      // And back: Graph as the source (its config lists the users).
      fs.mkdirSync(path.join(cwd, 'back'));
      fs.writeFileSync(path.join(cwd, 'back', `${ALICE}.seed.json`), JSON.stringify(targetSeed(['carol@example.com', 'dave@example.com'])));
      // The default journal belongs to the first copy: another source and target need their own.
      const refused = await run(['--from', 'graph:conf/tenant.json', '--to', 'memory:back', '--progress', 'none'], cwd);
      expect(refused.code).toBe(2);
      expect(refused.err).toMatch(/belongs to a copy from memory:.*old to graph:.*tenant.json, not from graph:.*tenant.json to memory:.*back: give another journal/);
      const back = await run(['--from', 'graph:conf/tenant.json', '--to', 'memory:back', '--progress', 'none', '--journal', 'back.jsonl'], cwd);
      expect(back.err).toBe('');
      expect(back.code).toBe(0);
      const state = JSON.parse(fs.readFileSync(path.join(cwd, 'back', `${ALICE}.json`), 'utf8')) as { contactList: string[]; groups: { name: string; members: string[] }[]; sortOrder: number };
      expect(state.contactList.sort()).toEqual(['carol@example.com', 'dave@example.com']);
      expect(state.groups.map((g) => [g.name, [...g.members].sort()])).toEqual([['Friends', ['carol@example.com', 'dave@example.com']]]);
      expect(state.sortOrder).toBe(1);
    } finally {
      await tenant.stop();
    }
  });
});

/**
 * Issue 12: the copy speaks like every imessenger command (one error style), reports as JSON on
 * request, and says what it waits for when a wait lasts over a second.
 */
describe('a CLI that behaves like one', () => {
  test('usage errors: imessenger: <what>, and where the help is', async () => {
    const r = await run(['--from', 'memory:old', '--to', 'memory:new', '--bogus'], workspace());
    expect(r).toEqual({ code: 2, out: '', err: 'imessenger: unknown option "--bogus"\nRun "imessenger migrate copy --help" for usage.\n' });
    const spec = await run(['--from', 'oracle:db', '--to', 'memory:new'], workspace());
    expect(spec.err).toBe('imessenger: --from oracle:db: unknown backend "oracle": expected memory:<dir> or graph:<config.json>.\nRun "imessenger migrate copy --help" for usage.\n');
  });

  test('--json: the report on stdout, as <prefix>.json holds it; what a person reads on stderr', async () => {
    const cwd = workspace();
    const r = await run(['--from', 'memory:old', '--to', 'memory:new', '--report', 'rep', '--progress', 'none', '--json'], cwd);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as CopyReport;
    expect(report).toEqual(JSON.parse(fs.readFileSync(path.join(cwd, 'rep.json'), 'utf8')));
    expect(report.totals).toMatchObject({ created: 6, present: 1, failed: 0, users: 1 });
    expect(r.err).toMatch(/^Report: .*rep\.md, .*rep\.html and .*rep\.json\nJournal: .*migration-copy\.journal\.jsonl\n$/);
    const dry = await run(['--from', 'memory:old', '--to', 'memory:new', '--dry-run', '--json', '--progress', 'none', '--journal', 'other.jsonl'], workspace());
    expect((JSON.parse(dry.out) as CopyReport).dryRun).toBe(true);
  });

  test('a wait over a second is said on stderr: a target that does not answer its sign-in', async () => {
    // A Graph root that takes connections and never answers, as an unreachable identity platform or tenant behind a dead proxy.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => { sockets.add(socket); });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const cwd = workspace();
      const port = (silent.address() as net.AddressInfo).port;
      fs.writeFileSync(path.join(cwd, 'tenant.json'), JSON.stringify({
        tenantId: 'c0ffee00-0000-4000-8000-00000000f00d', baseUrl: `http://127.0.0.1:${port}/v1.0`, users: [ALICE],
        auth: { type: 'tokens', tokensFile: 't.json' }, retry: { maxRetries: 0 }, timeoutMs: 1_800,
      }));
      fs.writeFileSync(path.join(cwd, 't.json'), JSON.stringify({ [ALICE]: 'token' }));
      const r = await run(['--from', 'memory:old', '--to', 'graph:tenant.json', '--max-retries', '0', '--progress', 'plain'], cwd);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`waiting for graph:${path.join(cwd, 'tenant.json')} to sign in ${ALICE} (1 s)…\n`);
      // --progress none: nothing at all on stderr.
      const quiet = await run(['--from', 'memory:old', '--to', 'graph:tenant.json', '--max-retries', '0', '--progress', 'none', '--journal', 'q.jsonl'], cwd);
      expect(quiet.err).toBe('');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 20_000);
});
