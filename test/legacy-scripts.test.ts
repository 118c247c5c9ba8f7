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
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { runScript } from '@imessenger/cli';
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

/** A fresh fake Graph tenant seeded with the example seed, in its own thread; signed in as its self. */
async function fakeTenant(): Promise<Backend> {
  const upn = (SEED as { self: { signinName: string } }).self.signinName;
  const worker = new Worker(TENANT_WORKER, { eval: true, workerData: { dist: GRAPH_DIST, seed: SEED, upn } });
  const started = await new Promise<{ tenantId: string; baseUrl: string; token: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    config: { kind: 'graph', tenantId: started.tenantId, accessToken: started.token, username: upn, baseUrl: started.baseUrl },
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
if (exports('@imessenger/adapter-graph', 'testing') && fs.existsSync(GRAPH_DIST)) BACKENDS.push(['graph (fake tenant)', fakeTenant]);

it('has at least the four examples and the walkthrough, each with its expected output', () => {
  expect(SCRIPTS).toEqual(expect.arrayContaining(['contacts.js', 'groups.js', 'status-watcher.js', 'errors.js', 'walkthrough.js']));
  for (const script of SCRIPTS) expect(expected(script)).not.toBe('');
});

it('the examples\' seed is the seed the CLI ships', () => {
  expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'packages', 'cli', 'seed.json'), 'utf8'))).toEqual(SEED);
});

it('the README quick start shows what npm start prints', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  expect(pkg.scripts['start']).toContain('packages/cli/dist/bin.js run examples/legacy-jscript/walkthrough.js');
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
      stderr: 'imessenger: bad --backend value "msnp": expected one of memory, com, graph\nRun "imessenger --help" for usage.\n', status: 2,
    });
  });
});
