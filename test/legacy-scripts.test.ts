/**
 * Legacy acceptance: every script of examples/legacy-jscript, unmodified, through `imessenger run`
 * (runScript, in-process) on every backend available, with exactly the output of
 * expected/<name>.txt; and the real binary once, as a user runs it.
 *
 * Backends: memory always; the COM backend, emulated, once @imessenger/adapter-com has comBackend;
 * Graph once @imessenger/adapter-graph has its fake tenant, on loopback HTTP. The fake tenant runs
 * in a worker thread of its own: the script host blocks this thread while the shim's worker calls
 * Graph. Needs the build (`tsc -b`, as `npm test` does): the shim's worker and the fake tenant run
 * from dist.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { runScript } from '@imessenger/cli';
import { HR } from '@imessenger/contract';
import type { BackendConfig } from '@imessenger/shim';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '..');
const EXAMPLES = path.join(ROOT, 'examples', 'legacy-jscript');
const SEED: unknown = JSON.parse(fs.readFileSync(path.join(EXAMPLES, 'seed.json'), 'utf8'));
const SCRIPTS = fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.js')).sort();
/** contacts.js exits with the number of contacts online (for IF ERRORLEVEL); the rest with 0. */
const EXIT_CODES: Readonly<Record<string, number>> = { 'contacts.js': 1 };
const expected = (script: string): string => fs.readFileSync(path.join(EXAMPLES, 'expected', script.replace(/\.js$/, '.txt')), 'utf8');

/** A backend for one script run: its config, and what to stop afterwards. */
interface Backend { readonly config: BackendConfig; stop(): Promise<void> }
type BackendFactory = () => Promise<Backend>;

/** Whether a workspace module exports `name` (backends join the matrix as their adapters land). */
function exports(module: string, name: string): boolean {
  try {
    return (require(module) as Record<string, unknown>)[name] !== undefined;
  } catch {
    return false;
  }
}

const GRAPH_DIST = path.join(ROOT, 'adapters', 'graph', 'dist', 'index.js');
const TENANT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { testing } = require(workerData.dist);
const tenant = new testing.FakeTenant({ seed: workerData.seed });
tenant.start().then(() => parentPort.postMessage({ tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, token: tenant.tokenFor(workerData.upn) }));
parentPort.once('message', () => { tenant.stop().then(() => parentPort.close()); });
`;

/**
 * A fresh fake Graph tenant seeded with the example seed, in its own thread; its self's token.
 * `signedInAtStart` as the seed says (the examples' seed starts signed out, as on memory and com),
 * unless `graph` overrides it.
 */
async function fakeTenant(graph: Partial<Extract<BackendConfig, { kind: 'graph' }>> = {}): Promise<Backend> {
  const upn = (SEED as { self: { signinName: string } }).self.signinName;
  const worker = new Worker(TENANT_WORKER, { eval: true, workerData: { dist: GRAPH_DIST, seed: SEED, upn } });
  const started = await new Promise<{ tenantId: string; baseUrl: string; token: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    config: {
      kind: 'graph', tenantId: started.tenantId, accessToken: started.token, username: upn, baseUrl: started.baseUrl,
      signedInAtStart: (SEED as { signedIn?: boolean }).signedIn ?? false, ...graph,
    },
    async stop() {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('stop');
      await exited;
    },
  };
}

const fixed = (config: BackendConfig): BackendFactory => async () => ({ config, stop: async () => undefined });

const BACKENDS: [string, BackendFactory][] = [['memory', fixed({ kind: 'memory', seed: SEED })]];
if (exports('@imessenger/adapter-com', 'comBackend')) BACKENDS.push(['com (emulated)', fixed({ kind: 'com', emulate: true, seed: SEED })]);
const GRAPH = exports('@imessenger/adapter-graph', 'testing') && fs.existsSync(GRAPH_DIST);
if (GRAPH) BACKENDS.push(['graph (fake tenant)', () => fakeTenant()]);

/**
 * `--backend routing` (issue 12): two in-memory backends on the same seed behind a routing backend
 * that moves groups (dual-written back) and the directory for everyone, and shadows presence. A
 * legacy script cannot tell: the same output, events included.
 */
const ROUTING_PLAN = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-routing-plan-')), 'plan.yaml');
fs.writeFileSync(ROUTING_PLAN, [
  'old: memory', 'new: memory', 'cohort: { percent: 100 }', 'capabilities:',
  '  groups: { route: new, mode: dual-write }', '  directory: new', '  presence: { route: old, mode: shadow }', '',
].join('\n'));
afterAll(() => fs.rmSync(path.dirname(ROUTING_PLAN), { recursive: true, force: true }));
BACKENDS.push(['routing (memory -> memory: groups dual-written, presence shadowed)', fixed({
  kind: 'routing', config: ROUTING_PLAN, old: { kind: 'memory', seed: SEED }, new: { kind: 'memory', seed: SEED },
})]);

it('has at least the five examples and the walkthrough, each with its expected output', () => {
  expect(SCRIPTS).toEqual(expect.arrayContaining(['contacts.js', 'groups.js', 'status-watcher.js', 'keep-contact.js', 'errors.js', 'add-unknown.js', 'walkthrough.js']));
  for (const script of SCRIPTS) expect(expected(script)).not.toBe('');
});

it('the examples\' seed is the seed the CLI ships', () => {
  expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'packages', 'cli', 'seed.json'), 'utf8'))).toEqual(SEED);
});

it('the README quick start shows what npm start prints', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(pkg.scripts['start']).toContain('imessenger run examples/legacy-jscript/walkthrough.js');
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1));
  expect(quickStart).toContain(`\`\`\`text\n${expected('walkthrough.js')}\`\`\``);
});

describe.each(BACKENDS)('on %s', (_, backend) => {
  it.each(SCRIPTS)('%s prints exactly its expected output', async (script) => {
    const { config, stop } = await backend();
    let out = '';
    let err = '';
    try {
      const code = await runScript({
        file: path.join(EXAMPLES, script), backend: config,
        stdout: (text) => { out += text; }, stderr: (text) => { err += text; },
      });
      expect({ out, err, code }).toEqual({ out: expected(script), err: '', code: EXIT_CODES[script] ?? 0 });
    } finally {
      await stop();
    }
  });
});

describe('the imessenger binary', () => {
  const bin = path.join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
  const run = (...args: string[]): ReturnType<typeof spawnSync> =>
    spawnSync(process.execPath, [bin, 'run', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

  it('runs contacts.js: its output, and its WScript.Quit code as the exit code', () => {
    const result = run('examples/legacy-jscript/contacts.js');
    expect({ stdout: result.stdout, stderr: result.stderr, status: result.status }).toEqual({ stdout: expected('contacts.js'), stderr: '', status: 1 });
  });

  it('passes the arguments after -- to the script', () => {
    const result = run('examples/legacy-jscript/contacts.js', '--', '/online');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('Bob Kelly     bob@contoso.com       Online\n\n1 of 5 contacts shown, 1 online.\n');
    expect(result.stdout).not.toContain('Carol');
  });

  it('exits 2 with a clear message on a usage error', () => {
    const result = run('examples/legacy-jscript/contacts.js', '--backend', 'msnp');
    expect({ stderr: result.stderr, status: result.status }).toEqual({
      stderr: 'imessenger: bad --backend value "msnp": expected one of memory, com, graph, routing\nRun "imessenger run --help" for usage.\n', status: 2,
    });
  });
});

/**
 * Legacy programs assume the client is already running and signed in (issue 11, item 4): on Graph a
 * configured account (here a token; a person's MSAL cache likewise) starts the session signed in,
 * as the Messenger client was from logon, unless the graph config says "signedInAtStart": false.
 * And a status Teams cannot show is refused, or set as the nearest one with "statusPolicy": "nearest".
 */
(GRAPH ? describe : describe.skip)('on graph (fake tenant): a script whose first line reads MyContacts', () => {
  const SCRIPT = [
    'var contacts = new ActiveXObject("Messenger.UIAutomation.1").MyContacts;',
    'var msn = WScript.CreateObject("Messenger.UIAutomation.1", "msn_");',
    'function msn_OnSignin(hr) { WScript.Echo("[event] OnSignin " + hr); }',
    'function hex(x) { return (x.number >>> 0).toString(16); }',
    'var names = [], me;',
    'for (var e = new Enumerator(contacts); !e.atEnd(); e.moveNext()) names.push(e.item().SigninName);',
    'try { me = msn.MySigninName; } catch (x) { me = "nobody (" + hex(x) + ")"; }',
    'WScript.Echo(contacts.Count + " contacts of " + me + ": " + names.sort().join(", "));',
    'try { msn.Signin(0, "ann@contoso.com", ""); } catch (x) { WScript.Echo("Signin: " + hex(x)); }',
    'try { msn.MyStatus = 0x42; } catch (x) { WScript.Echo("MyStatus = Out To Lunch: " + hex(x)); }',
    'WScript.Echo("MyStatus " + msn.MyStatus);',
    '',
  ].join('\n');
  const hex = (name: keyof typeof HR): string => (HR[name] >>> 0).toString(16);
  const CONTACTS = 'bob@contoso.com, carol@contoso.com, dave@fabrikam.com, frank@contoso.com, grace@fabrikam.com';
  let dir: string;
  let script: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-start-'));
    script = path.join(dir, 'first-line-contacts.js');
    fs.writeFileSync(script, SCRIPT);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** runScript on a fresh fake tenant with the graph config `settings` over the usual one (undefined: the key left out). */
  const run = async (settings: Partial<Record<'signedInAtStart' | 'statusPolicy', unknown>>): Promise<{ out: string; err: string; code: number }> => {
    const { config, stop } = await fakeTenant();
    const backend = Object.fromEntries(Object.entries({ ...config, ...settings }).filter(([, v]) => v !== undefined)) as BackendConfig;
    let out = '';
    let err = '';
    try {
      const code = await runScript({ file: script, backend, stdout: (t) => { out += t; }, stderr: (t) => { err += t; } });
      return { out, err, code };
    } finally {
      await stop();
    }
  };

  it('by default: signed in at start (no OnSignin), Signin says MSGR_E_ALREADY_LOGGED_ON, Out To Lunch is refused', async () => {
    expect(await run({ signedInAtStart: undefined })).toEqual({
      out: `5 contacts of ann@contoso.com: ${CONTACTS}\nSignin: ${hex('MSGR_E_ALREADY_LOGGED_ON')}\nMyStatus = Out To Lunch: ${hex('E_INVALIDARG')}\nMyStatus 2\n`,
      err: '', code: 0,
    });
  });

  it('"signedInAtStart": false: today\'s start, signed out until Signin (which raises OnSignin)', async () => {
    expect(await run({ signedInAtStart: false })).toEqual({
      out: `0 contacts of nobody (${hex('MSGR_E_NOT_LOGGED_ON')}): \n[event] OnSignin 0\nMyStatus = Out To Lunch: ${hex('E_INVALIDARG')}\nMyStatus 2\n`,
      err: '', code: 0,
    });
  });

  it('"statusPolicy": "nearest": Out To Lunch is set as Away, and MyStatus reads back Away (0x22)', async () => {
    expect(await run({ signedInAtStart: undefined, statusPolicy: 'nearest' })).toEqual({
      out: `5 contacts of ann@contoso.com: ${CONTACTS}\nSignin: ${hex('MSGR_E_ALREADY_LOGGED_ON')}\nMyStatus 34\n`,
      err: '', code: 0,
    });
  });

  it('the imessenger binary: --backend graph --graph-config with "statusPolicy" and no "signedInAtStart"', async () => {
    const { config, stop } = await fakeTenant();
    try {
      const { kind: _kind, signedInAtStart: _default, accessToken, username, ...settings } = config as Extract<BackendConfig, { kind: 'graph' }>;
      const file = path.join(dir, 'graph.json');
      // The one Graph configuration (adapter-graph README "Configuration"): the token in "auth".
      fs.writeFileSync(file, JSON.stringify({ ...settings, auth: { type: 'access-token', accessToken, username }, statusPolicy: 'nearest' }));
      const bin = path.join(ROOT, 'packages', 'cli', 'dist', 'bin.js');
      const result = spawnSync(process.execPath, [bin, 'run', script, '--backend', 'graph', '--graph-config', file], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
      expect({ stdout: result.stdout, stderr: result.stderr, status: result.status }).toEqual({
        stdout: `5 contacts of ann@contoso.com: ${CONTACTS}\nSignin: ${hex('MSGR_E_ALREADY_LOGGED_ON')}\nMyStatus 34\n`, stderr: '', status: 0,
      });
    } finally {
      await stop();
    }
  });
});
