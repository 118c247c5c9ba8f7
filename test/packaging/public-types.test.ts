/**
 * inversify and @azure/msal-node stay out of the public types (issue 12, item 2): from each published
 * package's entry points, every emitted declaration file reachable through imports (relative ones,
 * and other @imessenger packages' entry points) is walked, and none may import inversify,
 * @inversifyjs/* or @azure/msal-node. inversify 8 is ESM-only: a declaration naming it breaks
 * CommonJS consumers on node10/node16 resolution and TypeScript before 5.8. msal-node's CommonJS
 * typings re-export its ES-module ones, so a CommonJS consumer on module node16/nodenext before
 * TypeScript 5.8 gets TS1479 in them without skipLibCheck; adapter-graph takes MSAL's plugin and option
 * types in its own structural copies (auth/msal-types.ts). The one entry allowed to name inversify is
 * the advanced composition root, `@imessenger/core/container`, and the walk is shown to find it there
 * (and to find msal-node from adapter-graph's internal MSAL helpers, which no entry point reaches).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');
/** The advanced entry, documented as the only one whose types name inversify (docs/decisions.md). */
const ADVANCED = new Set(['@imessenger/core/container']);

interface Manifest { readonly name: string; readonly private?: boolean; readonly exports?: Record<string, string | Record<string, string>> }
const workspaces = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces
  .flatMap((pattern) => fs.readdirSync(path.join(ROOT, pattern.replace(/\/\*$/, ''))).map((name) => path.join(ROOT, pattern.replace(/\/\*$/, ''), name)))
  .filter((dir) => fs.existsSync(path.join(dir, 'package.json')));
const manifests = new Map(workspaces.map((dir) => [dir, JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest]));

/** Every typed entry point of every package: `@imessenger/core/container` -> its .d.ts. */
const ENTRIES = new Map<string, string>();
for (const [dir, m] of manifests) {
  for (const [key, target] of Object.entries(m.exports ?? {})) {
    if (typeof target === 'object' && target['types']) ENTRIES.set(path.posix.join(m.name, key), path.join(dir, target['types']));
  }
}
const PUBLIC = [...ENTRIES.keys()].filter((spec) => !manifests.get(workspaces.find((d) => spec.startsWith(manifests.get(d)!.name))!)?.private);

/** The third-party modules the declarations reachable from `entry` import, each with the file importing it. */
function thirdPartyImports(entry: string): Map<string, string> {
  const found = new Map<string, string>();
  const seen = new Set<string>();
  const queue = [ENTRIES.get(entry)!];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!fs.existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: run "npm run build" first.`);
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    for (const { fileName: spec } of [...info.importedFiles, ...info.typeReferenceDirectives]) {
      if (spec.startsWith('.')) {
        const base = path.resolve(path.dirname(file), spec).replace(/\.js$/, '');
        queue.push(fs.existsSync(`${base}.d.ts`) ? `${base}.d.ts` : path.join(base, 'index.d.ts'));
      } else if (ENTRIES.has(spec)) {
        queue.push(ENTRIES.get(spec)!);
      } else if (!found.has(spec)) {
        found.set(spec, path.relative(ROOT, file));
      }
    }
  }
  return found;
}

const isInversify = (spec: string): boolean => /^(inversify|@inversifyjs\/|reflect-metadata)(\/|$)/.test(spec);
const isMsalNode = (spec: string): boolean => /^@azure\/msal-node(\/|$)/.test(spec);

test('every published package has its entry points walked', () => {
  expect(PUBLIC.length).toBeGreaterThanOrEqual(11);
  expect(PUBLIC).toEqual(expect.arrayContaining(['@imessenger/core', '@imessenger/adapter-memory', '@imessenger/adapter-graph', '@imessenger/adapter-com', '@imessenger/contract-tests', '@imessenger/migration', '@imessenger/core/container']));
});

test.each(PUBLIC.filter((spec) => !ADVANCED.has(spec)))('%s: no reachable declaration imports inversify', (entry) => {
  expect([...thirdPartyImports(entry)].filter(([spec]) => isInversify(spec)).map(([spec, file]) => `${file} imports ${spec}`)).toEqual([]);
});

test.each(PUBLIC)('%s: no reachable declaration imports @azure/msal-node', (entry) => {
  expect([...thirdPartyImports(entry)].filter(([spec]) => isMsalNode(spec)).map(([spec, file]) => `${file} imports ${spec}`)).toEqual([]);
});

test('the walk finds @azure/msal-node where it is: adapter-graph\'s internal MSAL helpers', () => {
  ENTRIES.set('internal:msal-support', path.join(ROOT, 'adapters/graph/dist/auth/msal-support.d.ts'));
  try {
    expect([...thirdPartyImports('internal:msal-support').keys()].filter(isMsalNode)).toEqual(['@azure/msal-node']);
  } finally {
    ENTRIES.delete('internal:msal-support');
  }
});

test('the walk finds inversify where it is: the advanced @imessenger/core/container entry', () => {
  expect([...thirdPartyImports('@imessenger/core/container').keys()].filter(isInversify)).toEqual(['inversify']);
});
