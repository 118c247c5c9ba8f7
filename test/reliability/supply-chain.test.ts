/**
 * Issue 10, item 7: supply chain. What a production install of the published packages brings in,
 * computed from this checkout without the network: `npm ls --omit=dev --all --json --long` from the
 * workspaces that are not private, and each installed package's package.json.
 *
 * - Install scripts (preinstall, install, postinstall, or a binding.gyp that npm builds with
 *   node-gyp): only winax, an optional dependency of @imessenger/adapter-com (Windows; elsewhere its
 *   build may fail and npm carries on). An optional peer dependency is left out of the walk: npm
 *   never installs one for the consumer (that is why the kit's jest is one: as a plain peer, every
 *   `--omit=dev` install of @imessenger/contract-tests got jest and @parcel/watcher's install script).
 * - Dependencies follow use (issue 12, item 3): installing @imessenger/cli brings no install script,
 *   no winax and no COM adapter (an optional install, Windows); @imessenger/shim brings the memory
 *   backend only (Graph, COM and migration are optional peers, loaded by name when a script asks for
 *   them); no backend adapter brings inversify. consumers.test.ts installs the packed CLI for real.
 * - Licenses: every package's SPDX expression satisfies the allow-list below (permissive licences
 *   that only ask for the notice to be kept); the table of licences and counts is printed.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/**
 * Permissive licences whose only condition is keeping the copyright notice. Not here on purpose:
 * copyleft (GPL, LGPL, MPL), CC-BY-* (a content licence, with attribution terms of its own: it reaches
 * the tree through browserslist's caniuse-lite, a dev tool's dependency) and Python-2.0 (argparse,
 * reached only through dev tools). Adding one is a decision for docs/decisions.md, not a test edit.
 */
const ALLOWED_LICENSES = new Set(['MIT', 'MIT-0', 'ISC', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD', 'BlueOak-1.0.0', 'CC0-1.0', 'Unlicense']);

interface LsNode { readonly version?: string; readonly path?: string; readonly missing?: boolean; readonly dependencies?: Readonly<Record<string, LsNode>> }
interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly license?: string | { readonly type: string };
  readonly licenses?: readonly { readonly type: string }[];
  readonly scripts?: Readonly<Record<string, string>>;
  readonly gypfile?: boolean;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
}
interface Installed {
  readonly manifest: Manifest;
  readonly dir: string;
  /** The first chain of dependencies that reached it, from a published package. */
  readonly via: readonly string[];
  /** Reached only through an optionalDependencies edge somewhere on the way. */
  optional: boolean;
}

const manifestOf = (dir: string): Manifest => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;

let lsOutput: LsNode | undefined;

/** Every package a production install of the published workspaces (or of those `from` names) brings in, by name@version. */
function productionTree(from: (name: string) => boolean = () => true): Map<string, Installed> {
  const root = (lsOutput ??= npmLs());
  const found = new Map<string, Installed>();
  const walked = new Set<string>();
  // npm ls prints a package's dependencies once; later occurrences are stubs ({ version }), so the
  // walk goes on from the occurrence that has them (a walk from one package may meet the stub first),
  // and finds the directory by name@version.
  const dirs = new Map<string, string>();
  const full = new Map<string, LsNode>();
  const collectDirs = (name: string, node: LsNode): void => {
    const stack: [string, LsNode][] = [[name, node]];
    for (let item = stack.pop(); item; item = stack.pop()) {
      const [n, d] = item;
      if (d.path && d.version && !dirs.has(`${n}@${d.version}`)) dirs.set(`${n}@${d.version}`, d.path);
      if (d.version && d.dependencies && !full.has(`${n}@${d.version}`)) full.set(`${n}@${d.version}`, d);
      for (const entry of Object.entries(d.dependencies ?? {})) stack.push(entry);
    }
  };
  collectDirs('', root);
  const walk = (name: string, stub: LsNode, via: readonly string[], optional: boolean): void => {
    if (stub.missing || stub.version === undefined) return; // an optional dependency for another platform
    const key = `${name}@${stub.version}`;
    const node = full.get(key) ?? stub;
    const dir = node.path ?? dirs.get(key);
    if (!dir) throw new Error(`npm ls gave no directory for ${key}`);
    const seen = found.get(key);
    if (seen) seen.optional &&= optional;
    else found.set(key, { manifest: manifestOf(dir), dir, via, optional });
    if (!node.dependencies || walked.has(`${key}/${String(optional)}`)) return;
    walked.add(`${key}/${String(optional)}`);
    const manifest = manifestOf(dir);
    for (const [child, childNode] of Object.entries(node.dependencies)) {
      const declared = manifest.dependencies?.[child] !== undefined || manifest.optionalDependencies?.[child] !== undefined;
      // An optional peer is the consumer's to install (npm leaves it out); a required peer npm installs.
      if (!declared && manifest.peerDependenciesMeta?.[child]?.optional) continue;
      const viaOptional = manifest.optionalDependencies?.[child] !== undefined && manifest.dependencies?.[child] === undefined;
      walk(child, childNode, [...via, child], optional || viaOptional);
    }
  };
  for (const [name, node] of Object.entries(root.dependencies ?? {})) {
    if (node.path && manifestOf(node.path).private) continue; // examples: never published
    if (from(name)) walk(name, node, [name], false);
  }
  return found;
}

function npmLs(): LsNode {
  const ls = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ls', '--omit=dev', '--all', '--json', '--long'], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28, shell: process.platform === 'win32',
  });
  // npm ls exits 1 when it sees a problem (an extraneous package, say) but still prints the tree.
  if (!ls.stdout) throw new Error(`npm ls printed nothing: ${ls.stderr}`);
  return JSON.parse(ls.stdout) as LsNode;
}

/** The install-time hooks npm runs for a package: its scripts, or node-gyp for a binding.gyp. */
function installHooks({ manifest, dir }: Installed): string[] {
  const hooks = (['preinstall', 'install', 'postinstall'] as const).filter((h) => manifest.scripts?.[h]).map((h) => `${h}: ${manifest.scripts![h]!}`);
  if (!manifest.scripts?.['install'] && !manifest.scripts?.['preinstall'] && manifest.gypfile !== false && fs.existsSync(path.join(dir, 'binding.gyp'))) {
    hooks.push('binding.gyp: node-gyp rebuild');
  }
  return hooks;
}

function licenseOf(manifest: Manifest): string {
  if (typeof manifest.license === 'string') return manifest.license;
  if (manifest.license?.type) return manifest.license.type;
  if (manifest.licenses?.length) return manifest.licenses.map((l) => l.type).join(' OR ');
  return 'UNKNOWN';
}

/** An SPDX expression (AND binds tighter than OR, parentheses, a trailing +) satisfied by the allow-list. */
function licenseAllowed(expression: string): boolean {
  const tokens = expression.match(/[()]|[^\s()]+/g) ?? [];
  let i = 0;
  const atom = (): boolean => {
    const token = tokens[i++];
    if (token !== '(') return token !== undefined && ALLOWED_LICENSES.has(token.replace(/\+$/, ''));
    const inner = anyOf();
    return tokens[i++] === ')' && inner;
  };
  const allOf = (): boolean => { let ok = atom(); while (tokens[i] === 'AND') { i++; ok = atom() && ok; } return ok; };
  const anyOf = (): boolean => { let ok = allOf(); while (tokens[i] === 'OR') { i++; ok = allOf() || ok; } return ok; };
  return anyOf() && i === tokens.length;
}

describe('supply chain of a production install (npm ls --omit=dev, no network)', () => {
  let tree: Map<string, Installed>;
  beforeAll(() => { tree = productionTree(); }, 60_000);

  test('the walk starts at every published package, and at no example', () => {
    const ours = [...tree.values()].map((p) => p.manifest).filter((m) => m.name.startsWith('@imessenger/'));
    expect(ours.map((m) => m.name)).toEqual(expect.arrayContaining([
      '@imessenger/contract', '@imessenger/core', '@imessenger/contract-tests', '@imessenger/adapter-memory', '@imessenger/adapter-graph',
      '@imessenger/adapter-com', '@imessenger/shim', '@imessenger/cli', '@imessenger/migration',
    ]));
    expect(ours.filter((m) => m.private).map((m) => m.name)).toEqual([]);
  });

  test('install scripts: only winax, an optional dependency (Windows)', () => {
    const withHooks = [...tree.entries()].filter(([, p]) => installHooks(p).length > 0);
    console.log(`Install scripts in a production install (${tree.size} packages):\n${withHooks.map(([key, p]) =>
      `  ${key}${p.optional ? ' (optional)' : ''}: ${installHooks(p).join('; ')}\n    via ${p.via.join(' > ')}`).join('\n') || '  none'}`);
    expect(withHooks.map(([, p]) => p.manifest.name)).toEqual(['winax']);
    expect(withHooks[0]![1].optional).toBe(true);
  });

  const treeOf = (name: string): string[] => [...productionTree((n) => n === name).values()].map((p) => p.manifest.name).sort();

  test('@imessenger/cli: nothing native, no install script, no COM adapter (tree printed)', () => {
    const cli = productionTree((n) => n === '@imessenger/cli');
    console.log(`npm i @imessenger/cli brings ${cli.size} packages:\n  ${[...cli.keys()].sort().join('\n  ')}`);
    expect([...cli.values()].filter((p) => installHooks(p).length > 0).map((p) => p.manifest.name)).toEqual([]);
    expect(treeOf('@imessenger/cli')).not.toEqual(expect.arrayContaining(['winax']));
    expect(treeOf('@imessenger/cli').filter((n) => n === 'winax' || n === '@imessenger/adapter-com' || n === 'inversify')).toEqual([]);
    // What the CLI documents as included: the memory backend, the Graph backend and migration.
    expect(treeOf('@imessenger/cli')).toEqual(expect.arrayContaining(['@imessenger/adapter-memory', '@imessenger/adapter-graph', '@imessenger/migration']));
  });

  test('@imessenger/shim: the memory backend only; each backend adapter alone, without inversify', () => {
    expect(treeOf('@imessenger/shim').filter((n) => n.startsWith('@imessenger/'))).toEqual(['@imessenger/adapter-memory', '@imessenger/contract', '@imessenger/core', '@imessenger/durable', '@imessenger/shim']);
    for (const adapter of ['@imessenger/adapter-memory', '@imessenger/adapter-graph', '@imessenger/adapter-com', '@imessenger/contract-tests', '@imessenger/migration']) {
      expect({ adapter, inversify: treeOf(adapter).includes('inversify') }).toEqual({ adapter, inversify: false });
    }
  });

  test('@imessenger/migration: the memory backend only; the Graph adapter (and MSAL, the Graph client) is an optional peer', () => {
    const tree = treeOf('@imessenger/migration');
    expect(tree.filter((n) => n.startsWith('@imessenger/'))).toEqual([
      '@imessenger/adapter-memory', '@imessenger/command-line', '@imessenger/contract', '@imessenger/core', '@imessenger/durable', '@imessenger/migration',
    ]);
    expect(tree.filter((n) => n === '@azure/msal-node' || n === '@microsoft/microsoft-graph-client')).toEqual([]);
    const manifest = manifestOf(path.join(ROOT, 'packages', 'migration'));
    expect(manifest.peerDependenciesMeta?.['@imessenger/adapter-graph']?.optional).toBe(true);
  });

  test('the kit makes jest an optional peer: not a dependency, and no production node in the lockfile', () => {
    const kit = manifestOf(path.join(ROOT, 'packages', 'contract-tests'));
    expect(kit.dependencies?.['jest']).toBeUndefined();
    expect(kit.peerDependenciesMeta?.['jest']?.optional).toBe(true);
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
    for (const name of ['node_modules/jest', 'node_modules/@parcel/watcher']) {
      const entry = lock.packages[name];
      expect({ name, dev: Boolean(entry?.dev || entry?.devOptional) }).toEqual({ name, dev: true });
    }
  });

  test('licenses: every package is under an allowed licence (table printed)', () => {
    const byLicense = new Map<string, string[]>();
    for (const [key, p] of tree) {
      const license = licenseOf(p.manifest);
      byLicense.set(license, [...(byLicense.get(license) ?? []), key]);
    }
    const rows = [...byLicense.entries()].sort((a, b) => b[1].length - a[1].length);
    console.log(`Licences of a production install (${tree.size} packages):\n${rows.map(([license, keys]) =>
      `  ${license.padEnd(20)} ${String(keys.length).padStart(4)}${licenseAllowed(license) ? '' : `  NOT ALLOWED: ${keys.join(', ')}`}`).join('\n')}`);
    expect(rows.filter(([license]) => !licenseAllowed(license)).map(([license, keys]) => `${license}: ${keys.join(', ')}`)).toEqual([]);
  });

  test('the SPDX check reads expressions, not strings', () => {
    expect(licenseAllowed('MIT')).toBe(true);
    expect(licenseAllowed('(MIT OR CC0-1.0)')).toBe(true);
    expect(licenseAllowed('(MIT OR GPL-3.0-only)')).toBe(true);
    expect(licenseAllowed('MIT AND GPL-3.0-only')).toBe(false);
    expect(licenseAllowed('(MIT AND BSD-3-Clause) OR GPL-2.0')).toBe(true);
    expect(licenseAllowed('Apache-2.0 WITH LLVM-exception')).toBe(false);
    expect(licenseAllowed('UNKNOWN')).toBe(false);
    expect(licenseAllowed('CC-BY-4.0')).toBe(false);
  });
});
