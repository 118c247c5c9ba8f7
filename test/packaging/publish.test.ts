/**
 * Publishable packages: every workspace package that is not private is packed with `npm pack` (from the
 * build: npm test runs `tsc -b` first), and its tarball must be one a user can install and use:
 *
 * - the manifest: `exports` (`.` -> dist with its types, no deep imports), `engines`, `license`,
 *   `repository`, `type`, `files`, and a LICENSE identical to the root one;
 * - the tarball: README, LICENSE, every target of main/types/exports/bin, no tests, no build info, and
 *   source maps only to sources that ship (`src` ships, so declaration maps lead to the TypeScript);
 * - publint and Are the Types Wrong on the tarball (check-tarballs.mjs): nothing, not even a suggestion;
 * - a consumer of the packed tarballs (installed as npm would, with the repository's third-party
 *   packages): TypeScript type-checks it, without skipLibCheck, and node loads every entry point.
 *
 * The wider consumer matrix (TypeScript 5.4 to the latest, node10, bundler, esbuild, the kit under a
 * consumer's Jest) is consumers.test.ts.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const TSC = require.resolve('typescript/bin/tsc');

interface Manifest {
  readonly name: string;
  readonly private?: boolean;
  readonly main?: string;
  readonly types?: string;
  readonly type?: string;
  readonly license?: string;
  readonly engines?: Readonly<Record<string, string>>;
  readonly repository?: { readonly type?: string; readonly url?: string; readonly directory?: string };
  readonly exports?: Readonly<Record<string, string | Readonly<Record<string, string>>>>;
  readonly bin?: Readonly<Record<string, string>>;
  readonly files?: readonly string[];
}

const rootManifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[]; engines: { node: string }; repository: { type: string; url: string } };
const WORKSPACES = rootManifest.workspaces.flatMap((pattern) => {
  const parent = pattern.replace(/\/\*$/, '');
  return fs.readdirSync(path.join(ROOT, parent)).sort().map((name) => `${parent}/${name}`)
    .filter((dir) => fs.existsSync(path.join(ROOT, dir, 'package.json')));
});
const manifestOf = (dir: string): Manifest => JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) as Manifest;
const PUBLISHED = WORKSPACES.filter((dir) => !manifestOf(dir).private);

/**
 * The advanced composition root: its types name inversify (ESM-only), so a CommonJS consumer needs
 * `module: nodenext` (TypeScript 5.8+) to type-check it; every other entry type-checks on node16 too.
 */
const ADVANCED = '@imessenger/core/container';

/** Diagnostics from third-party packages' own declarations, not ours: ignored in the consumer checks. */
const THIRD_PARTY = /^(\.\.[/\\])*.*node_modules[/\\](?!@imessenger[/\\])/;

let work: string;
const tarballs = new Map<string, { file: string; files: string[] }>();
let checks: Record<string, { publint: { code: string; type: string; text: string }[]; attw: { kind: string; entrypoint?: string; resolutionKind?: string }[] }>;
/** A consumer project: node_modules with the packed @imessenger packages and the repository's others. */
let consumer: string;

beforeAll(() => {
  for (const dir of PUBLISHED) {
    if (!fs.existsSync(path.join(ROOT, dir, 'dist'))) throw new Error(`${dir}/dist is missing: the packaging test packs the build (run "npm run build" first).`);
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'publish-'));
  const pack = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work, ...PUBLISHED.flatMap((dir) => ['-w', dir])], {
    cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false' },
  });
  if (pack.status !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  for (const entry of JSON.parse(pack.stdout) as { name: string; filename: string; files: { path: string }[] }[]) {
    tarballs.set(entry.name, { file: path.join(work, entry.filename.replace(/^@/, '').replace(/\//g, '-')), files: entry.files.map((f) => f.path) });
  }
  const check = spawnSync(process.execPath, [path.join(__dirname, 'check-tarballs.mjs'), ...[...tarballs.values()].map((t) => t.file)], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  if (check.status !== 0) throw new Error(`check-tarballs.mjs failed:\n${check.stderr}`);
  checks = JSON.parse(check.stdout) as typeof checks;

  consumer = path.join(work, 'consumer');
  const modules = path.join(consumer, 'node_modules');
  fs.mkdirSync(path.join(modules, '@imessenger'), { recursive: true });
  for (const name of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    if (name !== '@imessenger' && name !== '.bin') fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(modules, name), 'dir');
  }
  for (const [name, { file }] of tarballs) {
    const into = path.join(modules, name);
    fs.mkdirSync(into, { recursive: true });
    const tar = spawnSync('tar', ['xzf', file, '-C', into, '--strip-components=1'], { encoding: 'utf8' });
    if (tar.status !== 0) throw new Error(`tar: ${tar.stderr}`);
  }
}, 300_000);

afterAll(() => { if (work) fs.rmSync(work, { recursive: true, force: true }); });

test('every workspace package that is not private is checked', () => {
  expect(PUBLISHED.length).toBeGreaterThanOrEqual(10);
  expect([...tarballs.keys()].sort()).toEqual(PUBLISHED.map((dir) => manifestOf(dir).name).sort());
});

describe.each(PUBLISHED)('%s', (dir) => {
  const manifest = manifestOf(dir);
  const packed = () => tarballs.get(manifest.name)!;

  test('manifest: exports, engines, license, repository, type, files', () => {
    const root = manifest.exports?.['.'];
    expect(root).toEqual({ types: `./${manifest.types}`, default: `./${manifest.main}` });
    expect(manifest.exports?.['./package.json']).toBe('./package.json');
    for (const [key, target] of Object.entries(manifest.exports ?? {})) {
      if (typeof target === 'object') expect([key, Object.keys(target)]).toEqual([key, ['types', 'default']]); // types first
    }
    expect(manifest.engines).toEqual({ node: rootManifest.engines.node });
    expect(manifest.license).toBe('MIT');
    expect(manifest.type).toBe('commonjs');
    // One repository URL, the root manifest's: every package names it, with its own directory.
    expect(rootManifest.repository).toEqual({ type: 'git', url: expect.stringMatching(/^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/) });
    expect(manifest.repository).toEqual({ ...rootManifest.repository, directory: dir });
    expect(manifest.files).toEqual(expect.arrayContaining(['dist', 'src', 'README.md', 'LICENSE']));
    expect(fs.readFileSync(path.join(ROOT, dir, 'LICENSE'), 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8'));
  });

  test('tarball: what the manifest names ships; no tests, no build info; source maps only to shipped sources', () => {
    const files = new Set(packed().files);
    for (const name of ['package.json', 'README.md', 'LICENSE']) expect([name, files.has(name)]).toEqual([name, true]);
    const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin ?? {}),
      ...Object.values(manifest.exports ?? {}).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)))];
    for (const target of targets) if (target) expect([target, files.has(path.posix.normalize(target))]).toEqual([target, true]);
    expect([...files].filter((f) => /(^|\/)test\/|\.test\.[jt]s$|\.tsbuildinfo$/.test(f))).toEqual([]);
    const unshipped: string[] = [];
    for (const map of [...files].filter((f) => f.endsWith('.map'))) {
      const { sources } = JSON.parse(fs.readFileSync(path.join(ROOT, dir, map), 'utf8')) as { sources: string[] };
      for (const source of sources) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(map), source));
        if (!files.has(target)) unshipped.push(`${map} -> ${target}`);
      }
    }
    expect(unshipped).toEqual([]);
  });

  test('publint: no errors, warnings or suggestions', () => {
    expect(checks[packed().file]!.publint).toEqual([]);
  });

  test('Are the Types Wrong: no problems (node10, node16 from CommonJS and ESM, bundler)', () => {
    expect(checks[packed().file]!.attw).toEqual([]);
  });
});

/** Every entry point of every published package, as a consumer imports it. */
const entryPoints = (): string[] => PUBLISHED.flatMap((dir) => {
  const m = manifestOf(dir);
  return Object.entries(m.exports ?? {}).filter(([key, t]) => typeof t === 'object' && key !== './package.json').map(([key]) => path.posix.join(m.name, key));
});

function typeCheckConsumer(name: string, module: 'node16' | 'nodenext'): string[] {
  const dir = path.join(consumer, name);
  fs.mkdirSync(dir, { recursive: true });
  const entries = entryPoints().filter((spec) => module === 'nodenext' || spec !== ADVANCED);
  const imports = entries.map((spec, i) => `import * as m${i} from '${spec}';`).join('\n');
  const body = `${imports}\nexport const all = [${entries.map((_, i) => `m${i}`).join(', ')}];\n`;
  fs.writeFileSync(path.join(dir, 'cjs.ts'), body);
  fs.writeFileSync(path.join(dir, 'esm.mts'), body);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, type: 'commonjs' }));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { module, moduleResolution: module, target: 'ES2022', strict: true, skipLibCheck: false, noEmit: true, types: ['node'] },
    files: ['cjs.ts', 'esm.mts'],
  }));
  const r = spawnSync(process.execPath, [TSC, '-p', dir, '--pretty', 'false'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return `${r.stdout}${r.stderr}`.split('\n').filter((l) => /error TS/.test(l) && !THIRD_PARTY.test(l));
}

test('a consumer compiled with module nodenext (CommonJS and ESM files) type-checks against the packed types, the advanced entry included', () => {
  expect(typeCheckConsumer('nodenext', 'nodenext')).toEqual([]);
}, 120_000);

test('a consumer compiled with module node16 type-checks against the packed types of every default entry (inversify is out of them)', () => {
  expect(typeCheckConsumer('node16', 'node16')).toEqual([]);
}, 120_000);

test('node loads every entry point of the packed packages, by require() and by import(), and refuses deep imports', () => {
  const specs = entryPoints();
  const script = `
    const specs = ${JSON.stringify(specs)};
    (async () => {
      for (const s of specs) {
        const cjs = require(s);
        const esm = await import(s);
        if (Object.keys(cjs).length === 0 || Object.keys(esm).length === 0) throw new Error(s + ' exports nothing');
      }
      try { require('@imessenger/core/dist/container.js'); throw new Error('a deep import worked'); }
      catch (e) { if (e.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw e; }
      console.log('loaded ' + specs.length);
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: consumer, encoding: 'utf8', timeout: 60_000 });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  expect(r.stdout.trim()).toBe(`loaded ${specs.length}`);
});

test('@imessenger/adapter-graph/testing is the deprecated `testing` of the main entry (until in-repo users move)', () => {
  // Through Jest's moduleNameMapper: the subpath maps to src like the main entry.
  const main = require('@imessenger/adapter-graph') as { testing: Record<string, unknown> };
  const testing = require('@imessenger/adapter-graph/testing') as Record<string, unknown>;
  expect(Object.keys(testing).sort()).toEqual(Object.keys(main.testing).sort());
  expect(testing['FakeTenant']).toBe(main.testing['FakeTenant']);
});
