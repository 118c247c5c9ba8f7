/**
 * The lock of a durable file, across real processes (test/fixtures on the built dist): a refusal
 * names the holder; a wait ends when the holder releases; increments by several processes at once
 * add up exactly; a SIGKILLed holder's lock is recovered at once; a stale lock of another host is
 * recovered after `stale`, a live local holder's never; leftover temporary files of dead writers go.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  FileLockedError, cleanTmpFiles, isProcessAlive, lockDirOf, lockFile, lockFileSync, lockHolder, refuse, tmpFileFor, wait, withFileLock,
} from '@imessenger/durable';

jest.setTimeout(20_000);

const DIST = path.resolve(__dirname, '..', 'dist', 'index.js');
const HOLDER = path.join(__dirname, 'fixtures', 'holder.js');
const COUNTER = path.join(__dirname, 'fixtures', 'counter.js');

const dirs: string[] = [];
const scratch = (): string => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'durable-lock-')));
  dirs.push(dir);
  return dir;
};
afterAll(() => { for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true }); });
beforeAll(() => {
  if (!fs.existsSync(DIST)) throw new Error(`${DIST} is missing: build first (npx tsc -b); the child processes run the built dist.`);
});

/** A child holding the lock of `file`; resolves once it does. */
function holder(file: string, holdMs?: number): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [HOLDER, file, ...(holdMs === undefined ? [] : [String(holdMs)])], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; if (out.includes('locked')) resolve({ child, exited }); });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => reject(new Error(chunk)));
  });
}

const killed = (child: ChildProcess): Promise<void> => new Promise((resolve) => { child.on('close', () => resolve()); child.kill('SIGKILL'); });

test('a refusal names the holder: pid, host and since', async () => {
  const file = path.join(scratch(), 'journal.jsonl');
  const { child, exited } = await holder(file);
  try {
    let error: unknown;
    try { lockFileSync(file, refuse('copy journal', 'another copy runs on it')); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(FileLockedError);
    const locked = error as FileLockedError;
    expect(locked.holder).toMatchObject({ pid: child.pid, hostname: os.hostname(), what: 'test file' });
    expect(locked.message).toBe(`The copy journal ${file} is in use by process ${child.pid} on ${os.hostname()} since ${locked.holder!.since}: another copy runs on it`);
    expect(Date.parse(locked.holder!.since)).toBeLessThanOrEqual(Date.now());
    expect(lockHolder(file)?.pid).toBe(child.pid);
    await expect(lockFile(file, wait('queue', 200))).rejects.toThrow(new RegExp(`is still in use by process ${child.pid} .* after waiting`));
  } finally {
    await killed(child);
    await exited;
  }
});

test('wait: the lock is taken as soon as the holder releases it', async () => {
  const file = path.join(scratch(), 'queue.jsonl');
  const { exited } = await holder(file, 600);
  const started = Date.now();
  const release = await lockFile(file, wait('queue', 10_000));
  const waited = Date.now() - started;
  expect(lockHolder(file)?.pid).toBe(process.pid);
  await release();
  expect(fs.existsSync(lockDirOf(file))).toBe(false);
  expect(await exited).toBe(0);
  expect(waited).toBeGreaterThan(200);
  expect(waited).toBeLessThan(5_000);
});

test('four processes incrementing one counter under the lock (async and sync API) add up exactly', async () => {
  const file = path.join(scratch(), 'counter.txt');
  const children = Array.from({ length: 4 }, () => spawn(process.execPath, [COUNTER, file, '60'], { stdio: ['ignore', 'ignore', 'pipe'] }));
  const results = await Promise.all(children.map((child) => new Promise<{ code: number | null; stderr: string }>((resolve) => {
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    child.on('close', (code) => resolve({ code, stderr }));
  })));
  expect(results).toEqual(children.map(() => ({ code: 0, stderr: '' })));
  expect(Number(fs.readFileSync(file, 'utf8'))).toBe(240);
  expect(fs.existsSync(lockDirOf(file))).toBe(false);
});

test('a SIGKILLed holder: its lock stays behind and is recovered at once by the next process, not after `stale`', async () => {
  const file = path.join(scratch(), 'state.json');
  const { child } = await holder(file);
  const pid = child.pid!;
  await killed(child);
  expect(isProcessAlive(pid)).toBe(false);
  expect(lockHolder(file)?.pid).toBe(pid); // left behind
  const started = Date.now();
  const release = lockFileSync(file, refuse('memory state file'));
  expect(Date.now() - started).toBeLessThan(1_000);
  expect(lockHolder(file)?.pid).toBe(process.pid);
  release();
});

test('a lock of another host is recovered only when stale; a live process of this host keeps its lock however old its mtime', async () => {
  const dir = scratch();
  const plant = (file: string, holder: object, ageMs: number): void => {
    const lock = lockDirOf(file);
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'holder.json'), JSON.stringify(holder));
    const at = new Date(Date.now() - ageMs);
    fs.utimesSync(lock, at, at);
  };
  const remote = { pid: 4242, hostname: 'elsewhere.example', since: '2026-01-01T00:00:00.000Z', token: 'abc' };
  const fresh = path.join(dir, 'fresh.json');
  plant(fresh, remote, 0);
  expect(() => lockFileSync(fresh, refuse('token cache file'))).toThrow(/in use by process 4242 on elsewhere\.example since 2026-01-01T00:00:00\.000Z/);
  const stale = path.join(dir, 'stale.json');
  plant(stale, remote, 60_000);
  lockFileSync(stale, refuse('token cache file'))();
  // A live local process (a sleeping child) that wrote a holder record long ago: never taken over.
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    const busy = path.join(dir, 'busy.json');
    plant(busy, { pid: sleeper.pid, hostname: os.hostname(), since: '2026-01-01T00:00:00.000Z', token: 'def' }, 60_000);
    expect(() => lockFileSync(busy, refuse('dual-write queue'))).toThrow(new RegExp(`in use by process ${sleeper.pid} on`));
    expect(fs.existsSync(lockDirOf(busy))).toBe(true);
  } finally {
    await killed(sleeper);
  }
});

test('within one process a locked file is refused, or waited for until released', async () => {
  const file = path.join(scratch(), 'journal.jsonl');
  const release = await lockFile(file, refuse('copy journal'));
  expect(() => lockFileSync(file, wait('copy journal', 1_000))).toThrow(/\(this process\)/);
  const second = withFileLock(file, wait('copy journal', 5_000), () => 'second');
  setTimeout(() => { void release(); }, 100);
  await expect(second).resolves.toBe('second');
});

test('a lock directory never exists without its holder record; makings left by dead processes are removed at the next lock', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-making-'));
  const file = path.join(dir, 'journal.jsonl');
  const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
  // What holders killed while making their lock directory leave: before writing their record (CI saw
  // this one outlive the next start), after it; and a live maker's, which stays.
  const nameless = `${lockDirOf(file)}.${dead}.0123456789abcdef.tmp`;
  const named = `${lockDirOf(file)}.${dead}.fedcba9876543210.tmp`;
  const live = `${lockDirOf(file)}.${process.pid}.00112233aabbccdd.tmp`;
  for (const making of [nameless, named, live]) fs.mkdirSync(making);
  fs.writeFileSync(path.join(named, 'holder.json'), JSON.stringify({ pid: dead, hostname: os.hostname(), since: new Date().toISOString(), token: 'fedcba9876543210' }));
  const release = lockFileSync(file, refuse('journal'));
  expect(fs.readdirSync(dir).sort()).toEqual(['journal.jsonl.lock', path.basename(live)]);
  expect(lockHolder(file)?.pid).toBe(process.pid);
  release();
  expect(fs.readdirSync(dir)).toEqual([path.basename(live)]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('cleanTmpFiles removes the temporary files of dead writers, keeps those of live ones and everything else', () => {
  const dir = scratch();
  const file = path.join(dir, 'state.json');
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const deadPid = Number(dead.stdout);
  const names = {
    deadPlain: `state.json.${deadPid}.tmp`, deadRandom: `state.json.${deadPid}.1a2b3c.tmp`, deadHidden: `.state.json.${deadPid}.9f8e7d6c5b4a.tmp`,
    live: `state.json.${process.pid}.0001.tmp`, other: 'other.json.123.tmp', notTmp: 'state.json.bak',
  };
  for (const name of Object.values(names)) fs.writeFileSync(path.join(dir, name), '{"partial');
  fs.writeFileSync(file, '{}');
  const removed = cleanTmpFiles(file).map((p) => path.basename(p)).sort();
  expect(removed).toEqual([names.deadPlain, names.deadRandom, names.deadHidden].sort());
  expect(fs.readdirSync(dir).sort()).toEqual([names.live, names.notTmp, names.other, 'state.json'].sort());
  expect(path.basename(tmpFileFor(file))).toMatch(new RegExp(`^state\\.json\\.${process.pid}\\.[0-9a-f]{8}\\.tmp$`));
});
