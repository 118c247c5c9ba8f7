/**
 * The migration's durable files under their locks (within one process here; across processes:
 * test/reliability/locks*.test.ts): the copy journal refuses a second writer, naming the holder; a
 * retry pass settles against the queue as it is then, keeping entries added meanwhile; an append
 * after a torn last line is not glued to it (and lost with it).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BackendPorts } from '@imessenger/contract';
import { Journal, JournalError } from '../src/journal';
import { fileWriteQueue, readQueue, retryQueue, type QueuedWrite } from '../src/dual-write';
import { fileMismatchStore, readMismatches, type MismatchRecord } from '../src/mismatch-store';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migration-durable-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const entry = (id: string, order: 0 | 1 = 1): QueuedWrite => ({
  id, time: '2026-01-01T00:00:00.000Z', user: 'ann@contoso.com', target: 'new',
  write: { capability: 'preferences', member: 'setSortOrder', order }, error: { $error: 'E_FAIL' }, attempts: 1,
});

describe('the copy journal', () => {
  test('open for writing, it is locked: a second opening is refused naming the holder; read-only openings are not', () => {
    const file = path.join(dir, 'journal.jsonl');
    const first = Journal.open(file);
    first.run('memory:/a', 'memory:/b');
    let error: unknown;
    try { Journal.open(file); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(JournalError);
    expect((error as Error).message).toMatch(new RegExp(
      `^The copy journal .*journal\\.jsonl is in use by process ${process.pid} on ${os.hostname()} \\(this process\\) since \\S+: another copy runs on this journal`));
    expect(Journal.open(file, { readOnly: true }).runs).toHaveLength(1);
    first.close();
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
    const again = Journal.open(file);
    expect(again.runs).toHaveLength(1);
    again.close();
  });

  test('a journal that cannot be read is closed again: its lock is released', () => {
    const file = path.join(dir, 'journal.jsonl');
    fs.writeFileSync(file, 'not json\n{"v":1}\n');
    expect(() => Journal.open(file)).toThrow(JournalError);
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });
});

describe('the dual-write queue', () => {
  test('a retry pass keeps the entries enqueued while it ran (it settles against the queue as it is then)', async () => {
    const file = path.join(dir, 'queue.jsonl');
    const queue = fileWriteQueue(file);
    await queue.enqueue(entry('first'));
    await queue.enqueue(entry('second'));
    // Another writer (another process, in production) enqueues while the pass applies "first".
    const other = fileWriteQueue(file);
    let applying = 0;
    const ports = {
      preferences: {
        sortOrder: async () => 0, receiveFileDirectory: async () => '',
        setSortOrder: async () => { if (applying++ === 0) await other.enqueue(entry('meanwhile')); },
      },
    } as unknown as BackendPorts;
    const report = await retryQueue(queue, () => ports);
    expect(report).toMatchObject({ attempted: 2, succeeded: 2, failed: 0, remaining: 1 });
    expect(readQueue(file).map((e) => e.id)).toEqual(['meanwhile']);
  });

  test('an entry that fails again keeps its place and records the new attempt', async () => {
    const file = path.join(dir, 'queue.jsonl');
    const queue = fileWriteQueue(file);
    for (const id of ['a', 'b']) await queue.enqueue(entry(id));
    const failing = { preferences: { setSortOrder: async () => { throw new Error('still down'); } } } as unknown as BackendPorts;
    const report = await retryQueue(queue, () => failing);
    expect(report).toMatchObject({ attempted: 1, failed: 1, remaining: 2 });
    expect(readQueue(file).map((e) => [e.id, e.attempts])).toEqual([['a', 2], ['b', 1]]);
  });

  test('an entry appended after a torn last line (a writer killed mid-append) is kept, not glued to it', async () => {
    const file = path.join(dir, 'queue.jsonl');
    fs.writeFileSync(file, `${JSON.stringify(entry('whole'))}\n{"id":"torn","ti`);
    await fileWriteQueue(file).enqueue(entry('after'));
    expect(readQueue(file).map((e) => e.id)).toEqual(['whole', 'after']);
    expect(fs.readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
  });
});

describe('the mismatch store', () => {
  test('a record appended after a torn last line is kept, not glued to it', async () => {
    const file = path.join(dir, 'mismatches.jsonl');
    const record = (member: string): MismatchRecord => ({
      time: '2026-01-01T00:00:00.000Z', capability: 'groups', member, args: [], primary: 1, secondary: 2, difference: [],
    });
    fs.writeFileSync(file, `${JSON.stringify(record('whole'))}\n{"time":"2026-`);
    await fileMismatchStore(file).append(record('after'));
    expect(readMismatches(file).map((r) => r.member)).toEqual(['whole', 'after']);
  });
});
