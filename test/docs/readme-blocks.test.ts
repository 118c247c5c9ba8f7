/**
 * Docs that run as pasted: every fenced `ts`/`js`/`sh`/`bash` block of every README (the root's,
 * packages/*, adapters/*, examples/*) is extracted and run.
 *
 * - TypeScript blocks are type-checked together by tsc (strict, `module: nodenext`, as ES modules: top-level
 *   `await` works, `require` does not) against the built packages (`dist`, through their `exports`), then
 *   each is run by node in a directory of its own, with what the README says the reader has: the files
 *   (`seed.json`, a script) and, declared before the block, the values (`seed`, `output`…) — see CODE below.
 * - JavaScript blocks run as CommonJS under node, or, for legacy JScript, under `imessenger run`.
 * - Shell blocks run line by line under bash, with node_modules/.bin on the PATH and npm offline against
 *   a registry that does not answer (nothing reaches the network), in the repository or in a directory
 *   holding the files the README names. Only commands known to be safe and fast run; every other line
 *   must be in SHELL below, run or skipped with its reason.
 *
 * Nothing is skipped silently: a skipped block or line is a `test.skip` whose title gives the reason,
 * and an entry of CODE or SHELL that matches no block fails (the README changed: update the entry).
 * Runs after `tsc -b` (npm test builds first): the blocks use the packages as installed, from dist.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const LEGACY = 'examples/legacy-jscript';

/** What the READMEs say the reader has, as declarations put before a block. */
const GIVEN = {
  seed: "import { readFileSync as readSeed } from 'node:fs';\nconst seed = JSON.parse(readSeed('seed.json', 'utf8'));",
} as const;

interface CodeSpec {
  /** The README, and a line of the block (its first, usually). */
  readonly file: string;
  readonly match: string;
  /** Declarations of what the README says the reader has, put before the block. */
  readonly given?: string;
  /** Files at hand in the block's directory: name -> file of the repository. */
  readonly files?: Readonly<Record<string, string>>;
  /** How a `js` block runs: as a CommonJS module under node (default), or as a WSH script under `imessenger run`. */
  readonly runner?: 'node' | 'imessenger';
  /** What the output shows, in this order. */
  readonly output?: readonly string[];
  /** Type-checked, not run: why. */
  readonly skipRun?: string;
  /** The block is this file of the repository, which the test suite runs: compared, not run again. */
  readonly sameAs?: string;
  /** Neither compiled nor run: why. */
  readonly skip?: string;
}

const CODE: readonly CodeSpec[] = [
  {
    file: 'README.md', match: "import { createMessenger } from '@imessenger/core';",
    files: { 'seed.json': `${LEGACY}/seed.json` },
    output: ['Bob Kelly 2', 'Grace Hall 14', '-2130705583 IMessenger2.CreateGroup: MSGR_E_BAD_GROUP_NAME'],
  },
  {
    file: 'packages/contract/README.md', match: 'import { HR, MISTATUS, TYPELIB',
    output: ['81000351 -2130705583', 'true', '-2147024809', '34'],
  },
  {
    file: 'packages/core/README.md', match: "import { createMessenger } from '@imessenger/core';",
    files: { 'seed.json': `${LEGACY}/seed.json` },
    given: `${GIVEN.seed}
import { MISTATUS, type PresencePort } from '@imessenger/contract';
const myPresence: PresencePort = { setMyStatus: async () => undefined, statuses: async (names) => new Map(names.map((n) => [n, MISTATUS.MISTATUS_ONLINE])) };`,
  },
  {
    file: 'packages/core/README.md', match: "import { createContainer } from '@imessenger/core/container';",
    files: { 'seed.json': `${LEGACY}/seed.json` },
    given: `${GIVEN.seed}
import { MISTATUS, type PresencePort } from '@imessenger/contract';
const myPresence: PresencePort = { setMyStatus: async () => undefined, statuses: async (names) => new Map(names.map((n) => [n, MISTATUS.MISTATUS_ONLINE])) };`,
  },
  {
    file: 'packages/contract-tests/README.md', match: "runMessengerContract('memory'",
    sameAs: 'test/memory.contract.test.ts',
  },
  {
    file: 'packages/durable/README.md', match: "import { lockFile, lockFileSync, refuse, wait, withFileLock",
    given: "import { appendFileSync } from 'node:fs';\nconst appendAndFsync = () => appendFileSync('queue.jsonl', '{}\\n');",
  },
  {
    file: 'packages/shim/README.md', match: "const { createAutomationHost } = require('@imessenger/shim');",
    files: { 'seed.json': `${LEGACY}/seed.json` },
    output: ['bob@contoso.com 2'],
  },
  {
    file: 'packages/shim/README.md', match: 'const sandbox = {};',
    files: { 'seed.json': `${LEGACY}/seed.json` },
    given: `${GIVEN.seed}
import type { BackendConfig } from '@imessenger/shim';
const backend: BackendConfig = { kind: 'memory', seed };
const source = 'var msn = new ActiveXObject("Messenger.UIAutomation.1"); msn.AutoSignin(); WScript.Echo(WScript.ScriptName, WScript.Arguments.Item(0), msn.MyContacts.Count);';`,
    output: ['msn.js /verbose 5'],
  },
  {
    file: 'packages/shim/README.md', match: 'var msn = new ActiveXObject("Messenger.UIAutomation.1");',
    runner: 'imessenger', given: 'var list = { innerHTML: "" };', output: [],
  },
  {
    file: 'packages/shim/README.md', match: "var msn = require('@imessenger/shim').installLegacyGlobals",
    files: { 'seed.json': `${LEGACY}/seed.json` },
    given: "var seed = require('./seed.json'); var list = { innerHTML: '' }; process.on('exit', () => console.log(list.innerHTML));",
    output: ['Bob Kelly<br>'],
  },
  {
    file: 'packages/cli/README.md', match: '/*@cc_on @*/',
    runner: 'imessenger', output: ['JScript 5.8', 'debug'],
  },
  {
    file: 'packages/cli/README.md', match: "import { runScript } from '@imessenger/cli';",
    files: { 'seed.json': `${LEGACY}/seed.json`, 'contacts.js': `${LEGACY}/contacts.js` },
    given: `${GIVEN.seed}\nconst output: string[] = [];\nconst errors: string[] = [];`,
  },
  {
    file: 'packages/server/README.md', match: "import { startDaemon } from '@imessenger/server';",
    files: { 'seed.json': `${LEGACY}/seed.json` }, given: GIVEN.seed, output: ['127.0.0.1 true'],
  },
  {
    file: 'packages/server/README.md', match: "import { RemoteSession, ServeClient } from '@imessenger/server';",
    skipRun: 'needs a running daemon on the per-user serve file; packages/server/test/remote.test.ts and test/server.contract.test.ts drive RemoteSession',
  },
  {
    file: 'packages/migration/README.md', match: "const msn = createMessenger({ backend });\nawait msn.Signin",
    given: "import type { GraphAuth } from '@imessenger/adapter-graph';\ndeclare const auth: GraphAuth;\ndeclare const tenantId: string;",
    skipRun: 'needs the Messenger client on Windows and a Microsoft 365 tenant; test/phased-migration.test.ts runs the same stage on two in-memory services',
  },
  {
    file: 'packages/migration/README.md', match: 'const msn = createMessenger({ backend });        // backend name',
    given: "import type { GraphAuth } from '@imessenger/adapter-graph';\ndeclare const auth: GraphAuth;\ndeclare const tenantId: string;",
    skipRun: 'needs the Messenger client on Windows and a Microsoft 365 tenant; test/phased-migration.test.ts runs the same stage on two in-memory services',
  },
  {
    file: 'packages/migration/README.md', match: '// Providers',
    skip: 'a list of signatures (the API at a glance), not a program',
  },
  {
    file: 'examples/phased-migration/README.md', match: "import { loadMigrationConfig, routingBackend } from '@imessenger/migration';",
    given: "import type { GraphAuth } from '@imessenger/adapter-graph';\ndeclare const auth: GraphAuth;\ndeclare const tenantId: string;",
    skipRun: 'needs the Messenger client on Windows and a Microsoft 365 tenant; test/phased-migration.test.ts runs these stages on two in-memory services',
  },
  {
    file: 'adapters/memory/README.md', match: "import { memoryBackend } from '@imessenger/adapter-memory';",
    files: { 'seed.json': `${LEGACY}/seed.json` },
    output: [],
  },
  {
    file: 'adapters/com/README.md', match: "import { comBackend } from '@imessenger/adapter-com';",
    skipRun: "needs Office Communicator on Windows (progId 'Communicator.UIAutomation', through winax): the windows-com workflow runs the adapter on a runner that has it; the conformance kit runs it over the emulator",
  },
  {
    file: 'adapters/graph/README.md', match: "import { DeviceCodeAuth, graphBackend } from '@imessenger/adapter-graph';",
    skipRun: 'signs in to a Microsoft 365 tenant with a device code (a person at a browser, and the network); test/graph.contract.test.ts runs the adapter on the fake tenant',
  },
  {
    file: 'examples/custom-backend/README.md', match: "runMessengerContract('company-directory'",
    given: "import { runMessengerContract } from '@imessenger/contract-tests';\nimport { companyDirectoryBackend } from '@imessenger/example-custom-backend';",
    skipRun: 'a Jest test file (it declares the kit\'s tests); examples/custom-backend/test/company-directory.contract.test.ts runs it in full',
  },
];

interface ShellSpec {
  readonly file: string;
  /** The line, without its trailing comment. */
  readonly command: string;
  /** Not run: why. */
  readonly skip?: string;
  /** Run this instead of the line: why, in `skip`'s place. */
  readonly instead?: { readonly command: string; readonly why: string };
  /** Exit codes that mean it worked (default: 0). */
  readonly exit?: readonly number[];
  /** The README's next `text` block is what it prints. */
  readonly printsNextText?: true;
}

/** Where each README's shell lines run: the repository, or a directory with these files. */
const SHELL_DIRS: Readonly<Record<string, Readonly<Record<string, string>> | 'repo'>> = {
  'README.md': 'repo',
  [`${LEGACY}/README.md`]: 'repo',
  'packages/cli/README.md': { 'contacts.js': `${LEGACY}/contacts.js`, 'team.json': `${LEGACY}/seed.json` },
  'packages/shim/README.md': { 'watch.js': `${LEGACY}/status-watcher.js` },
};

/** `contacts.js` exits with the number of contacts online (`IF ERRORLEVEL 1 …`): 1 in the seed. */
const CONTACTS_EXIT = [1];

const SHELL: readonly ShellSpec[] = [
  {
    file: 'README.md', command: 'npm ci && npm start', printsNextText: true,
    instead: { command: 'npm start', why: '`npm ci` would reinstall node_modules under the running tests (.ci/run runs it on a clean clone)' },
  },
  { file: 'README.md', command: 'npm test', skip: 'it is the test suite that runs this test' },
  {
    file: 'README.md',
    command: `npx esbuild main.ts --bundle --platform=node --format=esm --external:winax --external:@imessenger/shim --external:@imessenger/cli --banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" --outfile=main.mjs`,
    skip: 'esbuild is not a dependency of the repository; test/packaging/consumers.test.ts installs it in a consumer and runs this bundle',
  },
  { file: 'README.md', command: 'FUZZ_RUNS=100000 FUZZ_SEED=7 npx jest test/reliability/fuzz', skip: 'about ten minutes; npm test runs the same fuzz test on a fixed seed' },
  { file: 'packages/cli/README.md', command: 'imessenger run contacts.js', exit: CONTACTS_EXIT },
  { file: 'packages/cli/README.md', command: 'imessenger run contacts.js --seed team.json --state state.json', exit: CONTACTS_EXIT },
  { file: 'packages/cli/README.md', command: 'imessenger run contacts.js --backend com', exit: CONTACTS_EXIT },
  { file: 'packages/cli/README.md', command: 'imessenger run contacts.js --backend graph --graph-config graph.json -- /online', skip: 'needs a Microsoft 365 tenant (graph.json names it)' },
  { file: 'packages/cli/README.md', command: 'imessenger run contacts.js --timeout 30', exit: CONTACTS_EXIT },
  { file: 'packages/cli/README.md', command: 'imessenger run contacts.js --isolate --timeout 30 --max-memory 256 --state state.json', exit: CONTACTS_EXIT },
  ...['imessenger serve --backend graph --graph-config teams.json', 'imessenger serve --detach --backend memory --seed seed.json', 'imessenger serve --status', 'imessenger serve --stop']
    .map((command) => ({ file: 'packages/cli/README.md', command, skip: 'starts, asks or stops the per-user daemon of whoever runs the tests; packages/cli/test/serve.test.ts runs these on a private serve file' })),
  ...['imessenger serve --detach --backend graph --graph-config teams.json', 'imessenger serve --status', 'imessenger serve --stop']
    .map((command) => ({ file: 'packages/server/README.md', command, skip: 'starts, asks or stops the per-user daemon of whoever runs the tests; packages/cli/test/serve.test.ts runs these on a private serve file' })),
  { file: 'packages/shim/README.md', command: 'imessenger run watch.js --backend graph --graph-config teams.json -- /online', skip: 'needs a Microsoft 365 tenant (teams.json names it)' },
  { file: `${LEGACY}/README.md`, command: 'npm run build', skip: 'npm test has just built every package (tsc -b runs before jest); building again would rewrite dist under the running tests' },
  { file: `${LEGACY}/README.md`, command: 'npx imessenger run examples/legacy-jscript/contacts.js', exit: CONTACTS_EXIT },
  { file: `${LEGACY}/README.md`, command: 'npx imessenger run examples/legacy-jscript/contacts.js --backend com', exit: CONTACTS_EXIT },
  { file: `${LEGACY}/README.md`, command: 'npx imessenger run examples/legacy-jscript/contacts.js --backend graph --graph-config graph.json', skip: 'needs a Microsoft 365 tenant (graph.json names it)' },
];

/** Shell lines that run without an entry: the CLI on the bundled or given files (fast, local). */
const SAFE = /^(npx (--no-install )?)?imessenger (run|--help|-h)\b/;

// ---------------------------------------------------------------------------------------------

const LANGS: Readonly<Record<string, 'ts' | 'js' | 'sh'>> = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js', sh: 'sh', bash: 'sh', shell: 'sh' };

interface Block { readonly file: string; readonly line: number; readonly lang: 'ts' | 'js' | 'sh'; readonly text: string; readonly nextText?: string }

function readmes(): string[] {
  const found = ['README.md'];
  for (const dir of ['packages', 'adapters', 'examples']) {
    for (const name of fs.readdirSync(path.join(ROOT, dir)).sort()) {
      if (fs.existsSync(path.join(ROOT, dir, name, 'README.md'))) found.push(`${dir}/${name}/README.md`);
    }
  }
  return found;
}

/** The fenced blocks of a README in the languages that run, each with the next `text` block (before another block that runs). */
function blocksOf(file: string): Block[] {
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const fences: { line: number; lang: string; text: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
    fences.push({ line: start + 1, lang: open[1]!, text: body.join('\n') });
  }
  const blocks: Block[] = [];
  fences.forEach((f, k) => {
    const lang = LANGS[f.lang];
    if (!lang) return;
    const next = fences.slice(k + 1).find((g) => g.lang === 'text' || LANGS[g.lang]);
    blocks.push({ file, line: f.line, lang, text: f.text, ...(next?.lang === 'text' ? { nextText: next.text } : {}) });
  });
  return blocks;
}

const ALL = readmes().flatMap(blocksOf);
const CODE_BLOCKS = ALL.filter((b) => b.lang !== 'sh');
const SHELL_BLOCKS = ALL.filter((b) => b.lang === 'sh');

const specOf = (b: Block): CodeSpec | undefined => CODE.find((s) => s.file === b.file && b.text.includes(s.match));

interface ShellLine { readonly file: string; readonly line: number; readonly command: string; readonly nextText?: string }
const SHELL_LINES: ShellLine[] = SHELL_BLOCKS.flatMap((b) => {
  const out: ShellLine[] = [];
  const lines = b.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let text = lines[i]!;
    const line = b.line + 1 + i;
    while (text.endsWith('\\') && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i]!.trim()}`;
    const command = text.replace(/(^|\s+)#.*$/, '').trim();
    if (command) out.push({ file: b.file, line, command, ...(b.nextText === undefined ? {} : { nextText: b.nextText }) });
  }
  return out;
});
const shellSpecOf = (l: ShellLine): ShellSpec | undefined => SHELL.find((s) => s.file === l.file && s.command === l.command);

// ---------------------------------------------------------------------------------------------

let work: string;
/** A registry address where nothing listens: npm, offline anyway, could not reach the network. */
const NO_REGISTRY = 'http://127.0.0.1:9/';
const ENV: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
  PATH: `${path.join(ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env['PATH'] ?? ''}`,
  npm_config_offline: 'true',
  npm_config_registry: NO_REGISTRY,
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
};

function dirFor(name: string, files: Readonly<Record<string, string>> = {}): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [as, from] of Object.entries(files)) fs.copyFileSync(path.join(ROOT, from), path.join(dir, as));
  return dir;
}

const where = (b: Block): string => `${b.file}:${b.line}`;
const slug = (b: Block): string => `${b.file.replace(/[/.]/g, '_')}_${b.line}`;
const firstLine = (text: string): string => text.split('\n').find((l) => l.trim())!.trim().slice(0, 70);

/** tsc's complaints about the TypeScript blocks, by block. */
const typeErrors = new Map<string, string[]>();

beforeAll(() => {
  for (const pkg of ['packages/cli', 'packages/core', 'packages/shim', 'adapters/memory']) {
    if (!fs.existsSync(path.join(ROOT, pkg, 'dist', 'index.js'))) throw new Error(`${pkg}/dist is missing: the README blocks run against the build (run "npm run build" first).`);
  }
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-blocks-'));
  // The blocks see the workspace's packages as an installed application would, through node_modules.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(work, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
  const tsBlocks = CODE_BLOCKS.filter((b) => b.lang === 'ts' && !specOf(b)?.skip && !specOf(b)?.sameAs);
  const sameAs = CODE_BLOCKS.filter((b) => b.lang === 'ts' && specOf(b)?.sameAs);
  const files: string[] = [];
  for (const b of [...tsBlocks, ...sameAs]) {
    const spec = specOf(b);
    const dir = dirFor(slug(b), spec?.files);
    const given = spec?.given ? `${spec.given}\n` : '';
    // `export {}`: each block is a module of its own, as a file of the reader's would be.
    fs.writeFileSync(path.join(dir, 'block.ts'), `${given}${b.text}\nexport {};\n`);
    files.push(path.join(dir, 'block.ts'));
  }
  fs.writeFileSync(path.join(work, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['ES2022'], types: ['node', 'jest'],
      strict: true, skipLibCheck: true, noEmitOnError: false, rootDir: '.',
    },
    files,
  }));
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', work, '--pretty', 'false'], { cwd: work, encoding: 'utf8', timeout: 120_000 });
  for (const raw of `${tsc.stdout}${tsc.stderr}`.split('\n').filter((l) => l.trim())) {
    const m = /^(.*?)[/\\]block\.ts\((\d+),(\d+)\): (.*)$/.exec(raw);
    const b = m && [...tsBlocks, ...sameAs].find((x) => path.join(work, slug(x)) === path.resolve(work, m[1]!));
    if (!m || !b) { typeErrors.set('(tsc)', [...(typeErrors.get('(tsc)') ?? []), raw]); continue; }
    const givenLines = specOf(b)?.given ? specOf(b)!.given!.split('\n').length : 0;
    const line = Number(m[2]) - givenLines;
    const at = line >= 1 ? `${b.file}:${b.line + line}` : `${where(b)} (in its given declarations)`;
    typeErrors.set(slug(b), [...(typeErrors.get(slug(b)) ?? []), `${at}: ${m[4]}`]);
  }
}, 180_000);

afterAll(() => { if (work) fs.rmSync(work, { recursive: true, force: true }); });

function run(command: string, args: readonly string[], cwd: string, timeout = 60_000) {
  const r = spawnSync(command, args, { cwd, env: ENV, encoding: 'utf8', timeout, input: '' });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

function expectOutput(out: string, lines: readonly string[] | undefined, context: string): void {
  let from = 0;
  for (const want of lines ?? []) {
    const at = out.indexOf(want, from);
    if (at < 0) throw new Error(`${context}: the output lacks ${JSON.stringify(want)} (after what came before):\n${out}`);
    from = at + want.length;
  }
}

test('there are README blocks to check, and every entry of CODE and SHELL matches one', () => {
  expect(CODE_BLOCKS.length).toBeGreaterThan(10);
  expect(SHELL_LINES.length).toBeGreaterThan(10);
  for (const s of CODE) expect([s.file, s.match, CODE_BLOCKS.some((b) => b.file === s.file && b.text.includes(s.match))]).toEqual([s.file, s.match, true]);
  for (const s of SHELL) expect([s.file, s.command, SHELL_LINES.some((l) => l.file === s.file && l.command === s.command)]).toEqual([s.file, s.command, true]);
  for (const b of CODE_BLOCKS) expect([where(b), CODE.filter((s) => s.file === b.file && b.text.includes(s.match)).length <= 1]).toEqual([where(b), true]);
});

describe.each(readmes().filter((f) => CODE_BLOCKS.some((b) => b.file === f)))('%s: code blocks', (file) => {
  for (const b of CODE_BLOCKS.filter((x) => x.file === file)) {
    const spec = specOf(b);
    const title = `line ${b.line} (${b.lang}): ${firstLine(b.text)}`;
    if (spec?.skip) { test.skip(`${title} — skipped: ${spec.skip}`, () => undefined); continue; }
    if (spec?.sameAs) {
      test(`${title} — is ${spec.sameAs}, which the suite runs (type-checked here)`, () => {
        const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
        expect(norm(b.text)).toBe(norm(fs.readFileSync(path.join(ROOT, spec.sameAs!), 'utf8')));
        expect(typeErrors.get(slug(b)) ?? []).toEqual([]);
      });
      continue;
    }
    if (b.lang === 'ts') {
      test(`${title} — type-checks`, () => {
        expect(typeErrors.get('(tsc)') ?? []).toEqual([]);
        expect(typeErrors.get(slug(b)) ?? []).toEqual([]);
      });
    }
    if (spec?.skipRun) { test.skip(`${title} — run skipped: ${spec.skipRun}`, () => undefined); continue; }
    test(`${title} — runs`, () => {
      const dir = b.lang === 'ts' ? path.join(work, slug(b)) : dirFor(slug(b), spec?.files);
      const given = spec?.given ? `${spec.given}\n` : '';
      let r: ReturnType<typeof run>;
      if (b.lang === 'ts') {
        r = run(process.execPath, ['block.js'], dir);
      } else if (spec?.runner === 'imessenger') {
        fs.writeFileSync(path.join(dir, 'block.js'), `${given}${b.text}\n`);
        r = run('imessenger', ['run', 'block.js'], dir);
      } else {
        fs.writeFileSync(path.join(dir, 'block.cjs'), `${given}${b.text}\n`);
        r = run(process.execPath, ['block.cjs'], dir);
      }
      const context = `${where(b)} (run in ${dir})`;
      if (r.status !== 0) throw new Error(`${context}: exit ${r.status ?? r.signal}${r.error ? ` (${r.error.message})` : ''}\n${r.stdout}\n${r.stderr}`);
      expectOutput(r.stdout, spec?.output, context);
    });
  }
});

describe.each(readmes().filter((f) => SHELL_LINES.some((l) => l.file === f)))('%s: shell lines', (file) => {
  for (const l of SHELL_LINES.filter((x) => x.file === file)) {
    const spec = shellSpecOf(l);
    const title = `line ${l.line}: ${l.command.slice(0, 90)}`;
    if (spec?.skip) { test.skip(`${title} — skipped: ${spec.skip}`, () => undefined); continue; }
    if (!spec && !SAFE.test(l.command)) {
      test(`${title} — needs an entry in SHELL`, () => {
        throw new Error(`${l.file}:${l.line}: "${l.command}" is not known to be safe and fast to run: add it to SHELL in test/docs/readme-blocks.test.ts, to run or to skip with a reason.`);
      });
      continue;
    }
    const command = spec?.instead?.command ?? l.command;
    test(`${title}${spec?.instead ? ` — runs "${command}": ${spec.instead.why}` : ''}`, () => {
      const setting = SHELL_DIRS[file];
      if (setting === undefined) throw new Error(`${file}: no working directory for its shell lines in SHELL_DIRS`);
      const cwd = setting === 'repo' ? ROOT : dirFor(`sh_${file.replace(/[/.]/g, '_')}_${l.line}`, setting);
      const r = run('bash', ['-c', command], cwd, 120_000);
      const ok = spec?.exit ?? [0];
      if (r.status === null || !ok.includes(r.status)) {
        throw new Error(`${file}:${l.line}: "${command}" exited ${r.status ?? r.signal} (expected ${ok.join(' or ')}) in ${cwd}\n${r.stdout}\n${r.stderr}`);
      }
      expect(r.stderr).not.toMatch(/\b(Error|error)\b.*\n\s+at /); // no stack trace
      if (spec?.printsNextText) {
        if (l.nextText === undefined) throw new Error(`${file}:${l.line}: no \`text\` block follows`);
        expect(r.stdout).toContain(l.nextText.trim());
      }
    });
  }
});
