/**
 * `npx imessenger` after `npm ci` runs the workspace's own CLI, never a package of that name from the
 * registry. npm links a package's bins when it installs, before anything is built, and links no bin
 * whose file is missing; so the bin is a committed launcher (packages/cli/bin/imessenger.js) that loads
 * the build (dist/bin.js), and says how to build when there is none.
 *
 * npm runs here offline, against a registry on 127.0.0.1 that counts what it is asked: nothing may be.
 */
import { spawnSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'packages', 'cli');
const LAUNCHER = path.join(CLI, 'bin', 'imessenger.js');
const manifest = JSON.parse(fs.readFileSync(path.join(CLI, 'package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] };

let registry: http.Server;
const asked: string[] = [];
let env: NodeJS.ProcessEnv;
let work: string;

beforeAll(async () => {
  registry = http.createServer((req, res) => { asked.push(`${req.method} ${req.url}`); res.statusCode = 404; res.end('{}'); });
  await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
  const { port } = registry.address() as AddressInfo;
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-bin-'));
  env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
    npm_config_registry: `http://127.0.0.1:${port}/`,
    npm_config_offline: 'true',
    npm_config_cache: path.join(work, 'npm-cache'),
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
});
afterAll(async () => {
  await new Promise((resolve) => registry.close(resolve));
  fs.rmSync(work, { recursive: true, force: true });
});

/** Runs a command asynchronously (the registry answers in this process meanwhile). */
function run(command: string, args: readonly string[], cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
  });
}

test('the bin is the committed launcher, shipped in the package, not a build output', () => {
  expect(manifest.bin).toEqual({ imessenger: 'bin/imessenger.js' });
  expect(manifest.files).toContain('bin');
  const source = fs.readFileSync(LAUNCHER, 'utf8');
  expect(source.startsWith('#!/usr/bin/env node\n')).toBe(true);
  expect(source).toContain("path.join(__dirname, '..', 'dist', 'bin.js')");
  expect(fs.statSync(LAUNCHER).mode & 0o111).not.toBe(0);
});

test('npm install links it before any build; without a build it says to run "npm run build" and exits 127, asking no registry', async () => {
  // A workspace like this one, with the CLI's manifest and launcher but no dist (as right after `npm ci`).
  const repo = path.join(work, 'fresh');
  const cli = path.join(repo, 'packages', 'cli');
  fs.mkdirSync(path.join(cli, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ name: 'fresh', private: true, workspaces: ['packages/*'] }));
  const { dependencies: _, ...withoutDependencies } = JSON.parse(fs.readFileSync(path.join(CLI, 'package.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(path.join(cli, 'package.json'), JSON.stringify(withoutDependencies));
  fs.copyFileSync(LAUNCHER, path.join(cli, 'bin', 'imessenger.js'));
  const install = await run('npm', ['install', '--no-audit', '--no-fund'], repo);
  expect({ status: install.status, stderr: install.stderr }).toEqual({ status: 0, stderr: '' });
  const link = path.join(repo, 'node_modules', '.bin', 'imessenger');
  expect(fs.realpathSync(link)).toBe(fs.realpathSync(path.join(cli, 'bin', 'imessenger.js')));

  const r = await run('npx', ['--no-install', 'imessenger', '--help'], repo);
  expect(r.status).toBe(127);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^imessenger: the CLI is not built: .*[/\\]packages[/\\]cli[/\\]dist[/\\]bin\.js is missing \(run "npm run build" at the root of the repository, or reinstall @imessenger\/cli\)\n$/);
  expect(asked).toEqual([]);
}, 120_000);

test('in this checkout, node_modules/.bin/imessenger is the launcher and `npx --no-install imessenger --help` runs the local CLI offline', async () => {
  expect(fs.realpathSync(path.join(ROOT, 'node_modules', '.bin', 'imessenger'))).toBe(fs.realpathSync(LAUNCHER));
  if (!fs.existsSync(path.join(CLI, 'dist', 'bin.js'))) throw new Error('packages/cli/dist is missing: run "npm run build" first (npm test builds before jest).');
  const r = await run('npx', ['--no-install', 'imessenger', '--help'], ROOT);
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  expect(r.stdout).toMatch(/^Usage: imessenger /);
  expect(asked).toEqual([]);
}, 60_000);

test('the launcher passes the exit code and output of the CLI through', () => {
  const r = spawnSync(process.execPath, [LAUNCHER, 'run'], { cwd: ROOT, encoding: 'utf8', env });
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/^imessenger/);
});
