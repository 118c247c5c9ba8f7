/**
 * No durable file is unlocked (issue 10, item 1): writers in separate processes (locks-fixtures on
 * the built dist) share the dual-write queue, a memory state file and an MSAL token cache file, and
 * every write any of them had acknowledged is there at the end. Leftover temporary files of saves a
 * killed process left behind are removed at the next start. Before the locks: a retry pass lost
 * enqueued entries, two processes on one state file lost each other's groups, token caches lost
 * each other's entries, and leftovers stayed forever.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { memoryBackend } from '@imessenger/adapter-memory';
import { TokenCacheFile } from '@imessenger/adapter-graph';
import { fileWriteQueue, readQueue, retryQueue, type QueuedWrite } from '@imessenger/migration';

jest.setTimeout(20_000);

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(__dirname, 'locks-fixtures');
const BUILT = ['packages/migration/dist/dual-write.js', 'adapters/memory/dist/index.js', 'adapters/graph/dist/auth/token-cache-file.js'];

const dirs: string[] = [];
const scratch = (): string => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reliability-locks-')));
  dirs.push(dir);
  return dir;
};
beforeAll(() => {
  for (const file of BUILT) if (!fs.existsSync(path.join(ROOT, file))) throw new Error(`${file} is missing: build first (npx tsc -b); the child processes run the built dist.`);
});
afterAll(() => { for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true }); });

interface Run { readonly child: ChildProcess; readonly done: Promise<{ code: number | null; stdout: string; stderr: string }> }

function run(fixture: string, args: readonly string[]): Run {
  const child = spawn(process.execPath, [path.join(FIXTURES, fixture), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const lines = (text: string, tag: string): string[] => [...text.matchAll(new RegExp(`^${tag} (.+)$`, 'gm'))].map((m) => m[1]!);

test('dual-write queue: three enqueuers and a retrier running at once lose no acknowledged entry', async () => {
  const dir = scratch();
  const queue = path.join(dir, 'dual-write-ann.jsonl');
  const stop = path.join(dir, 'stop');
  const retrier = run('queue-retrier.js', [queue, stop]);
  const writers = ['a', 'b', 'c'].map((tag) => run('queue-writer.js', [queue, tag, '250']));
  const written = await Promise.all(writers.map((w) => w.done));
  fs.writeFileSync(stop, '');
  const retried = await retrier.done;
  expect([...written, retried].map((r) => ({ code: r.code, stderr: r.stderr }))).toEqual([0, 0, 0, 0].map(() => ({ code: 0, stderr: '' })));

  const acknowledged = written.flatMap((r) => lines(r.stdout, 'ack'));
  expect(acknowledged).toHaveLength(750);
  const applied = new Set(lines(retried.stdout, 'applied'));
  const left = new Set(readQueue(queue).map((e) => e.id));
  const lost = acknowledged.filter((id) => !applied.has(id) && !left.has(id));
  // The retrier worked while the writers wrote (several passes), and every acknowledged entry was either applied or is still queued.
  expect(lines(retried.stdout, 'pass').length).toBeGreaterThan(1);
  expect({ lost: lost.length, examples: lost.slice(0, 5) }).toEqual({ lost: 0, examples: [] });
  expect(left.size).toBe(0); // the last passes drained it
});

test('memory state file: two processes writing one state file lose none of each other\'s acknowledged writes', async () => {
  const dir = scratch();
  const stateFile = path.join(dir, 'ann.json');
  const runs = ['left', 'right'].map((tag) => run('state-writer.js', [stateFile, tag, '120']));
  const results = await Promise.all(runs.map((r) => r.done));
  expect(results.map((r) => ({ code: r.code, stderr: r.stderr }))).toEqual([{ code: 0, stderr: '' }, { code: 0, stderr: '' }]);
  const acknowledged = results.flatMap((r) => lines(r.stdout, 'ack'));
  expect(acknowledged).toHaveLength(240);
  const saved = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { groups: { id: string; name: string }[] };
  const names = new Set(saved.groups.map((g) => g.name));
  const lost = acknowledged.filter((name) => !names.has(name));
  expect({ lost: lost.length, examples: lost.slice(0, 5) }).toEqual({ lost: 0, examples: [] });
  // Each group once, each id once.
  expect(saved.groups).toHaveLength(240);
  expect(new Set(saved.groups.map((g) => g.id)).size).toBe(240);
});

test('MSAL token cache file: three processes\' read-modify-writes lose no entry', async () => {
  const dir = scratch();
  const cacheFile = path.join(dir, 'msal-cache.json');
  const runs = ['x', 'y', 'z'].map((tag) => run('cache-writer.js', [cacheFile, tag, '60']));
  const results = await Promise.all(runs.map((r) => r.done));
  expect(results.map((r) => ({ code: r.code, stderr: r.stderr }))).toEqual(runs.map(() => ({ code: 0, stderr: '' })));
  const acknowledged = results.flatMap((r) => lines(r.stdout, 'ack'));
  const cache = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { AccessToken: Record<string, unknown> };
  const lost = acknowledged.filter((key) => !(key in cache.AccessToken));
  expect(acknowledged).toHaveLength(180);
  expect({ lost: lost.length, examples: lost.slice(0, 5) }).toEqual({ lost: 0, examples: [] });
});

test('leftover temporary files of killed saves are removed at the next start; a live writer\'s are kept', async () => {
  const dir = scratch();
  const deadPid = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
  // A state-file writer SIGKILLed while writing, plus what killed saves of each file leave (the names each writer uses).
  const stateFile = path.join(dir, 'ann.json');
  const writer = run('state-writer.js', [stateFile, 'killed', '100000']);
  await new Promise<void>((resolve) => { const poll = setInterval(() => { if (fs.existsSync(stateFile)) { clearInterval(poll); resolve(); } }, 5); });
  writer.child.kill('SIGKILL');
  await writer.done;
  const queueFile = path.join(dir, 'queue.jsonl');
  const cacheFile = path.join(dir, 'cache.json');
  const leftovers = [
    `ann.json.${writer.child.pid}.tmp`, `ann.json.${deadPid}.tmp`, `ann.json.${deadPid}.0badf00d.tmp`,
    `.queue.jsonl.${deadPid}.tmp`, `queue.jsonl.${deadPid}.12345678.tmp`,
    `.cache.json.${deadPid}.0123456789ab.tmp`,
  ];
  const live = [`ann.json.${process.pid}.feedbeef.tmp`, `.queue.jsonl.${process.pid}.tmp`];
  for (const name of [...leftovers, ...live]) fs.writeFileSync(path.join(dir, name), '{"half a sa');

  // The next start of each: a memory backend on the state file, a retry pass on the queue, a token cache access.
  memoryBackend({ stateFile });
  const entry: QueuedWrite = {
    id: 'one', time: new Date().toISOString(), target: 'new', write: { capability: 'preferences', member: 'setSortOrder', order: 1 },
    error: { $error: 'E_FAIL' }, attempts: 1,
  };
  const queue = fileWriteQueue(queueFile);
  await queue.enqueue(entry);
  await retryQueue(queue, () => undefined); // nothing applies: the queue is left as it is
  await retryQueue(queue, () => ({ preferences: { sortOrder: async () => 0, setSortOrder: async () => undefined, receiveFileDirectory: async () => '' } }) as never);
  const cache = new TokenCacheFile(cacheFile);
  const context = { cacheHasChanged: false, tokenCache: { deserialize: () => undefined, serialize: () => '{}' } };
  await cache.beforeCacheAccess(context as never);
  await cache.afterCacheAccess(context as never);

  const remaining = fs.readdirSync(dir).filter((name) => name.endsWith('.tmp')).sort();
  expect(remaining).toEqual(live.sort());
  expect(fs.readdirSync(dir).filter((name) => name.endsWith('.lock'))).toEqual([]);
});
