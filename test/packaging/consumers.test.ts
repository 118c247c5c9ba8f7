/**
 * The consumer matrix (issue 12, item 2): the packages as a user installs them. Every published
 * package is packed (`npm pack`), and the tarballs are installed with `npm install --offline` (the
 * tarballs and the local npm cache, nothing else) into one scratch project, with three TypeScript
 * versions side by side (5.4, the repository's, and the registry's current one), esbuild and Jest.
 * Then, each in a directory of its own, concurrently:
 *
 * - a consumer program that imports every default entry point and runs a Messenger on the memory
 *   backend is type-checked without skipLibCheck (no error at all, a third party's declarations
 *   included), emitted, and run with node, for CommonJS on
 *   moduleResolution node10, node16 and nodenext, ESM on nodenext, and bundler resolution;
 * - the bundler program is also bundled with esbuild (ESM and CommonJS, platform node), and each bundle runs;
 * - the conformance kit runs under the consumer's own Jest with a plain config (no transform
 *   settings, no transformIgnorePatterns): the memory backend passes it.
 *
 * The install takes ~11 s once the cache holds every package (the first run on a machine with an empty
 * cache may fetch what is missing from the registry: then --prefer-offline, and it says so). The
 * matrix is printed as a table.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const REPO_TS = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'typescript', 'package.json'), 'utf8')) as { version: string }).version;
/** TypeScript versions: the oldest the packages promise (5.4), the repository's, the registry's latest when this was written. */
const TYPESCRIPTS = { '5.4': '5.4.5', repo: REPO_TS, latest: '7.0.2' } as const;
type TsKey = keyof typeof TYPESCRIPTS;
const TS_PACKAGE: Record<TsKey, string> = { '5.4': 'ts54', repo: 'typescript', latest: 'ts-latest' };
const ESBUILD = '0.28.2';
const JEST = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'jest', 'package.json'), 'utf8')) as { version: string }).version;
const TYPES_NODE = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '@types', 'node', 'package.json'), 'utf8')) as { version: string }).version;

interface Manifest { readonly name: string; readonly private?: boolean; readonly exports?: Record<string, unknown> }
const PUBLISHED = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces
  .flatMap((pattern) => fs.readdirSync(path.join(ROOT, pattern.replace(/\/\*$/, ''))).sort().map((name) => `${pattern.replace(/\/\*$/, '')}/${name}`))
  .filter((dir) => fs.existsSync(path.join(ROOT, dir, 'package.json')))
  .filter((dir) => !(JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) as Manifest).private);
/** The advanced entry (types name inversify, an ES module): not a default entry point, checked on its own. */
const ADVANCED = '@imessenger/core/container';

/** The consumer program: every default entry point imported, a Messenger on the memory backend run. */
function program(entries: readonly string[]): string {
  return `${entries.map((spec, i) => `import * as m${i} from '${spec}';`).join('\n')}
import { createMessenger, type Messenger } from '@imessenger/core';
import { memoryBackend } from '@imessenger/adapter-memory';
import type { BackendDefinition } from '@imessenger/contract';

const backend: BackendDefinition = memoryBackend({ seed: { self: { signinName: 'ann@contoso.com', password: 'pw' }, contacts: [{ signinName: 'bob@contoso.com' }] } });
async function main(): Promise<void> {
  const msn: Messenger = createMessenger({ backend });
  await msn.Signin(0, 'ann@contoso.com', 'pw');
  const contacts = await (await msn.get_MyContacts()).get_Count();
  const loaded = [${entries.map((_, i) => `m${i}`).join(', ')}].filter((m) => Object.keys(m).length > 0).length;
  console.log(JSON.stringify({ contacts, loaded }));
}
main().catch((e: unknown) => { console.error(e); process.exit(1); });
`;
}

/** Left out of a bundle (README "Bundling"). */
const BUNDLE_EXTERNAL = ['winax', '@imessenger/shim', '@imessenger/cli'];
/** esbuild's documented way to give an ES-module bundle of CommonJS code a `require`. */
const ESM_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

interface Result { readonly ok: boolean; readonly detail: string; readonly ms: number }
interface Case {
  readonly setup: string;
  readonly ts?: TsKey;
  /** Commands run in order in the case's directory; the last one's stdout is checked. */
  readonly steps: readonly (readonly string[])[];
  readonly expectOut: RegExp;
  /** Default: the case's own directory (setup and TypeScript version). */
  readonly dir?: string;
}

let work: string;
let app: string;
let installNote = '';
const results = new Map<string, Result>();
const CASES: Case[] = [];
const caseKey = (c: Case): string => `${c.setup}${c.ts ? ` · TypeScript ${TYPESCRIPTS[c.ts]}` : ''}`;

function run(cmd: readonly string[], cwd: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd[0]!, cmd.slice(1), { cwd, env: { ...process.env, NODE_OPTIONS: '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const caseDir = (setup: string, ts: TsKey): string => path.join(app, `${setup}-${ts}`.replace(/[^a-z0-9.-]+/gi, '_'));

/** A consumer directory: its package.json type, tsconfig, and the program. */
function tsCase(setup: string, ts: TsKey, type: 'commonjs' | 'module', compilerOptions: Record<string, unknown>, entries: readonly string[]): void {
  const dir = caseDir(setup, ts);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, type }));
  fs.writeFileSync(path.join(dir, 'main.ts'), program(entries));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'ES2022', strict: true, skipLibCheck: false, outDir: 'out', types: ['node'], ...compilerOptions },
    files: ['main.ts'],
  }));
  const tsc = path.join(app, 'node_modules', TS_PACKAGE[ts], 'bin', 'tsc');
  CASES.push({
    setup, ts,
    steps: [[process.execPath, tsc, '-p', '.', '--pretty', 'false'], [process.execPath, 'out/main.js']],
    expectOut: new RegExp(`^\\{"contacts":1,"loaded":${entries.length}\\}$`),
  });
}

beforeAll(async () => {
  for (const dir of PUBLISHED) {
    if (!fs.existsSync(path.join(ROOT, dir, 'dist'))) throw new Error(`${dir}/dist is missing: the consumer matrix packs the build (run "npm run build" first).`);
  }
  const started = Date.now();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'consumers-'));
  const pack = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work, ...PUBLISHED.flatMap((dir) => ['-w', dir])], {
    cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false' },
  });
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const packed = JSON.parse(pack.stdout) as { name: string; filename: string }[];

  app = path.join(work, 'app');
  fs.mkdirSync(app);
  const dependencies: Record<string, string> = Object.fromEntries(packed.map((p) => [p.name, `file:../${p.filename.replace(/^@/, '').replace(/\//g, '-')}`]));
  Object.assign(dependencies, {
    typescript: TYPESCRIPTS.repo, ts54: `npm:typescript@${TYPESCRIPTS['5.4']}`, 'ts-latest': `npm:typescript@${TYPESCRIPTS.latest}`,
    esbuild: ESBUILD, jest: JEST, '@types/node': TYPES_NODE,
  });
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, dependencies }, null, 2));
  // --ignore-scripts: winax (an optional dependency of adapter-com) would try node-gyp; nothing here needs a script.
  const install = (mode: string) => spawnSync('npm', ['install', mode, '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: app, encoding: 'utf8', timeout: 300_000, env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  let installed = install('--offline');
  if (installed.status !== 0 && /ENOTCACHED/.test(installed.stderr)) {
    installNote = ' (the cache lacked some packages: installed with --prefer-offline, which fetched them once)';
    installed = install('--prefer-offline');
  }
  if (installed.status !== 0) throw new Error(`npm install of the tarballs failed:\n${installed.stderr}`);
  installNote = `pack + install ${((Date.now() - started) / 1000).toFixed(1)} s${installNote}`;

  const entries = packed.flatMap((p) => {
    const m = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', p.name, 'package.json'), 'utf8')) as Manifest;
    return Object.entries(m.exports ?? {}).filter(([k, t]) => typeof t === 'object' && k !== './package.json').map(([k]) => path.posix.join(p.name, k));
  }).filter((spec) => spec !== ADVANCED).sort();

  // TypeScript 7 has no node10 resolution any more; the repository's TypeScript runs the same checks in publish.test.ts.
  tsCase('CommonJS, moduleResolution node10', '5.4', 'commonjs', { module: 'commonjs', moduleResolution: 'node10' }, entries);
  tsCase('CommonJS, moduleResolution node10', 'repo', 'commonjs', { module: 'commonjs', moduleResolution: 'node10' }, entries);
  for (const ts of ['5.4', 'latest'] as const) {
    tsCase('CommonJS, module node16', ts, 'commonjs', { module: 'node16', moduleResolution: 'node16' }, entries);
    tsCase('CommonJS, module nodenext', ts, 'commonjs', { module: 'nodenext', moduleResolution: 'nodenext' }, entries);
    tsCase('ESM, module nodenext', ts, 'module', { module: 'nodenext', moduleResolution: 'nodenext' }, entries);
    tsCase('ESM, moduleResolution bundler', ts, 'module', { module: 'esnext', moduleResolution: 'bundler' }, entries);
  }
  // esbuild bundles of the bundler program, ESM and CommonJS, each run. winax is native: external, as
  // any .node addon must be; so are the shim and the CLI, which start worker threads from their own files. The ESM bundle needs a `require` (esbuild's documented banner): the
  // packages are CommonJS and require node's modules, which an ES module cannot do without one.
  const bundlerDir = path.join(app, 'ESM_moduleResolution_bundler-latest');
  const esbuild = path.join(app, 'node_modules', 'esbuild', 'bin', 'esbuild');
  for (const format of ['esm', 'cjs'] as const) {
    const out = `bundle.${format === 'esm' ? 'mjs' : 'cjs'}`;
    const banner = format === 'esm' ? [`--banner:js=${ESM_BANNER}`] : [];
    CASES.push({
      setup: `esbuild --bundle --platform=node --format=${format}${format === 'esm' ? ' (createRequire banner)' : ''}, run`,
      steps: [[process.execPath, esbuild, 'main.ts', '--bundle', '--platform=node', `--format=${format}`, ...BUNDLE_EXTERNAL.map((x) => `--external:${x}`), ...banner, `--outfile=${out}`, '--log-level=error'], [process.execPath, out]],
      expectOut: /^\{"contacts":1,"loaded":\d+\}$/,
      dir: bundlerDir,
    });
  }
  // The kit under the consumer's own Jest, plain config.
  const kitDir = path.join(app, 'kit');
  fs.mkdirSync(kitDir);
  fs.writeFileSync(path.join(kitDir, 'jest.config.js'), "module.exports = { testEnvironment: 'node' };\n");
  fs.writeFileSync(path.join(kitDir, 'memory.contract.test.js'), `const { runMessengerContract } = require('@imessenger/contract-tests');
const { memoryBackend } = require('@imessenger/adapter-memory');
runMessengerContract('memory', (seed) => { const b = memoryBackend({ seed }); return { backend: b, otherSide: b.otherSide }; });
`);
  CASES.push({
    setup: `conformance kit under the consumer's Jest ${JEST} (config: testEnvironment node only)`,
    steps: [[process.execPath, path.join(app, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--silent']],
    expectOut: /Tests:\s+(\d+ skipped, )?\d+ passed, \d+ total/,
    dir: kitDir,
  });


  // Two at a time (the machine has two cores); a case's steps in order.
  const queue = [...CASES];
  const worker = async (): Promise<void> => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const dir = c.dir ?? caseDir(c.setup, c.ts!);
      const t0 = Date.now();
      let result: Result | undefined;
      for (const step of c.steps) {
        const r = await run(step, dir);
        const text = `${r.out}${r.err}`;
        if (step[1]?.endsWith(`${path.sep}tsc`)) {
          // Every type error fails the case, a third party's own too (skipLibCheck is off): the consumer would see it.
          const errors = text.split('\n').filter((l) => /error TS\d+/.test(l));
          if (errors.length > 0 || r.code !== 0) {
            result = { ok: false, detail: `tsc: ${errors.slice(0, 4).join(' ') || text.slice(0, 400)}`, ms: Date.now() - t0 };
            break;
          }
          continue;
        }
        if (r.code !== 0) {
          const errors = text.split('\n').filter((l) => /error|Error|✕/.test(l)).slice(0, 6).join(' ');
          result = { ok: false, detail: `${path.basename(step[1] ?? step[0]!)} exit ${r.code}: ${errors || r.err.slice(0, 400)}`, ms: Date.now() - t0 };
          break;
        }
        if (step === c.steps[c.steps.length - 1]) {
          const line = text.split('\n').map((l) => l.trim()).find((l) => c.expectOut.test(l));
          result = { ok: line !== undefined, detail: line ?? `unexpected output: ${text.slice(0, 400)}`, ms: Date.now() - t0 };
        }
      }
      results.set(caseKey(c), result!);
    }
  };
  await Promise.all([worker(), worker()]);
  const table = [...results].map(([key, r]) => `| ${key} | ${r.ok ? 'ok' : 'FAILS'}: ${r.detail.replace(/\n/g, ' ').replace(/\|/g, '/')} | ${(r.ms / 1000).toFixed(1)} s |`);
  console.log(`Consumer matrix (${installNote}; total ${((Date.now() - started) / 1000).toFixed(1)} s)\n| setup | type-check + run | time |\n|---|---|---|\n${table.join('\n')}`);
}, 600_000);

afterAll(() => { if (work) fs.rmSync(work, { recursive: true, force: true }); });

/**
 * `npm i @imessenger/cli` on Linux, from the tarballs (the CLI and the @imessenger packages it depends
 * on, as the registry would give them), with install scripts allowed: nothing is built, no winax and
 * no COM adapter arrive; the memory backend runs; `--backend com` says what to install, exit 2.
 */
/**
 * `npm i <name>` into a new project `dir` from the tarballs: the package and the @imessenger packages
 * it depends on, as the registry would give them (its closure through `dependencies`; optional peers
 * are not fetched), install scripts allowed. Returns the project's directory.
 */
function installFromTarballs(name: string, dir: string): string {
  const tarballs = new Map(fs.readdirSync(work).filter((f) => f.endsWith('.tgz')).map((f) => {
    const m = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', '@imessenger', f.replace(/^imessenger-/, '').replace(/-\d+\.\d+\.\d+\.tgz$/, ''), 'package.json'), 'utf8')) as Manifest & { dependencies?: Record<string, string> };
    return [m.name, { file: f, deps: Object.keys(m.dependencies ?? {}) }] as const;
  }));
  const closure = new Set<string>();
  const visit = (n: string): void => {
    if (closure.has(n) || !tarballs.has(n)) return;
    closure.add(n);
    for (const d of tarballs.get(n)!.deps) visit(d);
  };
  visit(name);
  const project = path.join(work, dir);
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({
    name: dir, private: true, dependencies: Object.fromEntries([...closure].map((n) => [n, `file:../${tarballs.get(n)!.file}`])),
  }));
  const installed = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: project, encoding: 'utf8', timeout: 300_000, env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  if (installed.status !== 0) throw new Error(`npm install of ${name} failed:\n${installed.stderr}`);
  return project;
}

describe('npm i @imessenger/cli', () => {
  let cliApp: string;
  let tree: string[];
  beforeAll(() => {
    cliApp = installFromTarballs('@imessenger/cli', 'cli-app');
    const ls = spawnSync('npm', ['ls', '--all', '--parseable', '--long'], { cwd: cliApp, encoding: 'utf8' });
    tree = ls.stdout.split('\n').slice(1).filter(Boolean).map((l) => l.split(':')[1]!).sort();
    console.log(`npm i @imessenger/cli (offline, from the tarballs, install scripts allowed): ${tree.length} packages\n  ${tree.join('\n  ')}`);
    fs.writeFileSync(path.join(cliApp, 'hello.js'), 'var msn = new ActiveXObject("Messenger.UIAutomation.1");\nWScript.Echo("contacts: " + msn.MyContacts.Count);\n');
  }, 300_000);

  test('nothing native: no winax, no COM adapter, no package with an install script or a binding.gyp', () => {
    expect(tree.filter((p) => /^(winax|@imessenger\/adapter-com)@/.test(p))).toEqual([]);
    const withScripts = tree.filter((p) => {
      const dir = path.join(cliApp, 'node_modules', p.replace(/@[^@]+$/, ''));
      const m = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
      return ['preinstall', 'install', 'postinstall'].some((h) => m.scripts?.[h]) || fs.existsSync(path.join(dir, 'binding.gyp'));
    });
    expect(withScripts).toEqual([]);
    expect(tree.map((p) => p.replace(/@[^@]+$/, ''))).toEqual(expect.arrayContaining(['@imessenger/cli', '@imessenger/adapter-memory', '@imessenger/adapter-graph', '@imessenger/migration']));
  });

  test('imessenger run on the included memory backend runs', () => {
    const r = spawnSync(process.execPath, [path.join(cliApp, 'node_modules', '.bin', 'imessenger'), 'run', 'hello.js'], { cwd: cliApp, encoding: 'utf8', timeout: 60_000 });
    expect({ status: r.status, stdout: r.stdout.trim() }).toEqual({ status: 0, stdout: expect.stringMatching(/^contacts: \d+$/) });
  });

  test('--backend com without @imessenger/adapter-com: a usage error naming what to install, exit 2', () => {
    const r = spawnSync(process.execPath, [path.join(cliApp, 'node_modules', '.bin', 'imessenger'), 'run', 'hello.js', '--backend', 'com'], { cwd: cliApp, encoding: 'utf8', timeout: 60_000 });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 2, stderr: expect.stringContaining('--backend com needs @imessenger/adapter-com, which is not installed: npm install @imessenger/adapter-com') });
  });

  test('the shim as a library: a backend that is not installed fails before any worker starts', () => {
    const script = "try { require('@imessenger/shim').createAutomationHost({ backend: { kind: 'com', emulate: true } }); } catch (e) { console.log(e.name + ': ' + e.message); }";
    const r = spawnSync(process.execPath, ['-e', script], { cwd: cliApp, encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout.trim()).toBe('BackendNotInstalledError: --backend com needs @imessenger/adapter-com, which is not installed: npm install @imessenger/adapter-com');
  });
});

/**
 * `npm i @imessenger/migration` alone: the routing backend and the memory copy work; the Graph adapter
 * is an optional peer, so it does not arrive, and a `graph:` spec says what to install (exit 2).
 */
describe('npm i @imessenger/migration', () => {
  let project: string;
  beforeAll(() => { project = installFromTarballs('@imessenger/migration', 'migration-app'); }, 300_000);

  test('no Graph adapter, MSAL or Graph client arrives; the main entry loads', () => {
    for (const name of ['@imessenger/adapter-graph', '@azure/msal-node', '@microsoft/microsoft-graph-client']) {
      expect({ name, installed: fs.existsSync(path.join(project, 'node_modules', name)) }).toEqual({ name, installed: false });
    }
    const r = spawnSync(process.execPath, ['-e', "const m = require('@imessenger/migration'); console.log(typeof m.routingBackend, typeof m.copyUsers, typeof m.graphProvider)"], { cwd: project, encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout.trim()).toBe('function function undefined');
  });

  test('migrate copy to graph: without the adapter: a usage error naming what to install, exit 2', () => {
    fs.mkdirSync(path.join(project, 'users'));
    const script = "require('@imessenger/migration').copyCommand(['--from', 'memory:users', '--to', 'graph:tenant.json'], { stdout: process.stdout, stderr: process.stderr }).then((code) => { process.exitCode = code; });";
    const r = spawnSync(process.execPath, ['-e', script], { cwd: project, encoding: 'utf8', timeout: 60_000 });
    expect({ status: r.status, stderr: r.stderr }).toEqual({
      status: 2, stderr: expect.stringContaining('--to graph:tenant.json: graph needs @imessenger/adapter-graph, which is not installed: npm install @imessenger/adapter-graph'),
    });
  });
});

test('every case of the matrix is there', () => {
  expect(CASES.length).toBe(2 + 2 * 4 + 2 + 1);
});

test.each([
  ...(['5.4', 'repo'] as const).map((ts) => `CommonJS, moduleResolution node10 · TypeScript ${TYPESCRIPTS[ts]}`),
  ...(['5.4', 'latest'] as const).flatMap((ts) => ['CommonJS, module node16', 'CommonJS, module nodenext', 'ESM, module nodenext', 'ESM, moduleResolution bundler']
    .map((setup) => `${setup} · TypeScript ${TYPESCRIPTS[ts]}`)),
  'esbuild --bundle --platform=node --format=esm (createRequire banner), run',
  'esbuild --bundle --platform=node --format=cjs, run',
  `conformance kit under the consumer's Jest ${JEST} (config: testEnvironment node only)`,
])('%s', (key) => {
  const r = results.get(key);
  // A failed case shows its output in the diff (the detail is only compared when it failed).
  expect({ key, ok: r?.ok, failure: r?.ok ? undefined : r?.detail }).toEqual({ key, ok: true, failure: undefined });
});
