/**
 * The copy journal: every record written whole and fsync'd before the step goes on, readable after
 * each step; replayed on open; a torn last line ignored (and cut off before the next append);
 * intents left by a killed run resolved by looking at the target.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyUsers } from '../src/copy';
import { Journal, JournalError, type JournalFs, readJournal, stepKey } from '../src/journal';
import { memoryProvider } from '../src/providers-memory';

/** Scratch directories, removed after the file's tests. */
const scratchDirs: string[] = [];
const scratch = (prefix: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => { for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true }); });

const tmp = () => scratch('migration-journal-');
const ALICE = 'alice@example.com';

/** The real fs, recording the calls that matter for durability. */
function recordingFs(): { io: JournalFs; calls: string[] } {
  const calls: string[] = [];
  const io: JournalFs = {
    openSync: (f, flags, mode) => { calls.push(`open ${flags}`); return fs.openSync(f, flags, mode); },
    writeSync: (fd, b, o, l) => { calls.push('write'); return fs.writeSync(fd, b, o, l); },
    fsyncSync: (fd) => { calls.push('fsync'); fs.fsyncSync(fd); },
    ftruncateSync: (fd, len) => { calls.push(`truncate ${len}`); fs.ftruncateSync(fd, len); },
    fstatSync: (fd) => fs.fstatSync(fd),
    closeSync: (fd) => { calls.push('close'); fs.closeSync(fd); },
    readFileSync: (f) => fs.readFileSync(f),
    existsSync: (f) => fs.existsSync(f),
  };
  return { io, calls };
}

describe('Journal', () => {
  test('each record is one write followed by an fsync, and is on disk when the call returns', () => {
    const file = path.join(tmp(), 'j.jsonl');
    const { io, calls } = recordingFs();
    const journal = Journal.open(file, { fs: io });
    calls.length = 0;
    journal.intent(ALICE, 'group|friends');
    expect(calls).toEqual(['write', 'fsync']);
    expect(readJournal(file).records).toMatchObject([{ v: 1, type: 'intent', user: ALICE, step: 'group|friends' }]);
    journal.done(ALICE, 'group|friends', 'created');
    journal.failed(ALICE, 'contact|x', 'MSGR_E_USER_NOT_FOUND', 'No user "x".');
    expect(calls).toEqual(['write', 'fsync', 'write', 'fsync', 'write', 'fsync']);
    expect(readJournal(file).records.map((r) => r.type)).toEqual(['intent', 'done', 'failed']);
    journal.close();
  });

  test('the steps one write carries (a group with its members): their intents in one write and one fsync, their outcomes in another', () => {
    const file = path.join(tmp(), 'j.jsonl');
    const { io, calls } = recordingFs();
    const journal = Journal.open(file, { fs: io });
    calls.length = 0;
    const keys = [stepKey('group', 'Team'), stepKey('member', 'Team', 'amy@x.com'), stepKey('member', 'Team', 'ghost@x.com')];
    journal.intents(ALICE, keys);
    expect(calls).toEqual(['write', 'fsync']);
    expect(keys.map((k) => journal.state(ALICE, k))).toEqual(keys.map(() => ({ last: 'intent' })));
    journal.settle(ALICE, [
      { step: keys[0]!, outcome: 'created' }, { step: keys[1]!, outcome: 'created' },
      { step: keys[2]!, hr: 'MSGR_E_USER_NOT_FOUND', reason: 'no user "ghost@x.com"' },
    ]);
    expect(calls).toEqual(['write', 'fsync', 'write', 'fsync']);
    journal.close();
    const replayed = Journal.open(file, { readOnly: true });
    expect(keys.map((k) => replayed.state(ALICE, k))).toEqual([{ last: 'done', done: 'created' }, { last: 'done', done: 'created' }, { last: 'failed' }]);
    expect(readJournal(file).records.map((r) => r.type)).toEqual(['intent', 'intent', 'intent', 'done', 'done', 'failed']);
  });

  test('a multi-record append torn by a kill keeps its whole lines: those steps are in flight, the partial line is cut off', () => {
    const file = path.join(tmp(), 'j.jsonl');
    const journal = Journal.open(file);
    journal.intents(ALICE, [stepKey('group', 'Team'), stepKey('member', 'Team', 'amy@x.com')]);
    journal.close();
    const lines = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, lines.slice(0, lines.indexOf('\n') + 1 + 20)); // the second record torn
    const reopened = Journal.open(file);
    expect(reopened.tornTail).toBe(true);
    expect(reopened.state(ALICE, stepKey('group', 'Team'))).toEqual({ last: 'intent' });
    expect(reopened.state(ALICE, stepKey('member', 'Team', 'amy@x.com'))).toBeUndefined();
    reopened.settle(ALICE, [{ step: stepKey('group', 'Team'), outcome: 'present' }]);
    reopened.close();
    expect(readJournal(file)).toMatchObject({ torn: false, records: [{ type: 'intent' }, { type: 'done', outcome: 'present' }] });
  });

  test('replays on open: done, in flight (intent without done), failed', () => {
    const file = path.join(tmp(), 'j.jsonl');
    const first = Journal.open(file);
    first.run('memory:a', 'memory:b');
    first.intent(ALICE, 'a'); first.done(ALICE, 'a', 'created');
    first.intent(ALICE, 'b');
    first.intent(ALICE, 'c'); first.failed(ALICE, 'c', 'E_FAIL', 'no');
    first.close();
    const again = Journal.open(file);
    expect(again.replayed).toBe(6);
    expect(again.runs).toMatchObject([{ from: 'memory:a', to: 'memory:b' }]);
    expect(again.state('ALICE@example.com', 'a')).toEqual({ last: 'done', done: 'created' });
    expect(again.state(ALICE, 'b')).toEqual({ last: 'intent' });
    expect(again.state(ALICE, 'c')).toEqual({ last: 'failed' });
    expect(again.state(ALICE, 'd')).toBeUndefined();
    expect([...again.stepsOf(ALICE).keys()]).toEqual(['a', 'b', 'c']);
    again.close();
  });

  test('a torn last line (a kill in the middle of a write) is ignored, then cut off before the next record', () => {
    const file = path.join(tmp(), 'j.jsonl');
    const j = Journal.open(file);
    j.intent(ALICE, 'a'); j.done(ALICE, 'a', 'created');
    j.close();
    fs.appendFileSync(file, '{"v":1,"type":"intent","at":"2026-01-01T00:00:00.000Z","user":"alice@exa');
    expect(readJournal(file)).toMatchObject({ torn: true });
    expect(readJournal(file).records).toHaveLength(2);
    const { io, calls } = recordingFs();
    const reopened = Journal.open(file, { fs: io });
    expect(reopened.tornTail).toBe(true);
    expect(calls).toContain(`truncate ${fs.readFileSync(file, 'utf8').lastIndexOf('\n') + 1}`);
    reopened.intent(ALICE, 'b');
    reopened.close();
    const read = readJournal(file);
    expect(read.torn).toBe(false);
    expect(read.records.map((r) => r.type === 'run' ? 'run' : `${r.type} ${r.step}`)).toEqual(['intent a', 'done a', 'intent b']);
  });

  test('a damaged line before the end is an error naming the line', () => {
    const file = path.join(tmp(), 'j.jsonl');
    fs.writeFileSync(file, '{"v":1,"type":"intent","at":"x","user":"u","step":"s"}\nnot json\n{"v":1,"type":"intent","at":"x","user":"u","step":"t"}\n');
    expect(() => Journal.open(file)).toThrow(JournalError);
    expect(() => readJournal(file)).toThrow(/j\.jsonl:2: not a journal record/);
    fs.writeFileSync(file, '{"v":2,"type":"intent"}\n');
    expect(() => readJournal(file)).toThrow(/not a journal record of version 1/);
  });

  test('read-only: replays, creates no file, refuses to write', () => {
    const file = path.join(tmp(), 'j.jsonl');
    const j = Journal.open(file, { readOnly: true });
    expect(fs.existsSync(file)).toBe(false);
    expect(() => j.intent(ALICE, 'a')).toThrow(/open read-only/);
  });

  test('step keys: lower-cased, escaped parts', () => {
    expect(stepKey('member', 'Work | Team', 'Bob@Example.com')).toBe('member|work%20%7C%20team|bob%40example.com');
    expect(stepKey('sortOrder')).toBe('sortOrder');
  });
});

describe('the journal of a copy', () => {
  function dirs(targetGroups: { name: string; members?: string[] }[] = []) {
    const root = tmp();
    for (const d of ['source', 'target']) fs.mkdirSync(path.join(root, d));
    fs.writeFileSync(path.join(root, 'source', `${ALICE}.seed.json`), JSON.stringify({
      self: { signinName: ALICE }, contacts: [{ signinName: 'bob@example.com' }, { signinName: 'cat@example.com' }],
      groups: [{ name: 'Work', members: ['bob@example.com', 'cat@example.com'] }, { name: 'Home', members: ['cat@example.com'] }],
    }));
    fs.writeFileSync(path.join(root, 'target', `${ALICE}.seed.json`), JSON.stringify({
      self: { signinName: ALICE }, directory: [{ signinName: 'bob@example.com' }, { signinName: 'cat@example.com' }], groups: targetGroups,
    }));
    return {
      root, journal: path.join(root, 'journal.jsonl'),
      from: memoryProvider({ dir: path.join(root, 'source'), readOnly: true }), to: memoryProvider({ dir: path.join(root, 'target') }),
    };
  }

  test('is readable after each step: every write has its intent before it and its done record as soon as it is acknowledged', async () => {
    const d = dirs();
    const checks: string[] = [];
    const report = await copyUsers({
      from: d.from, to: d.to, users: [ALICE], journal: d.journal,
      onProgress: () => {
        // Whatever the process dies after, the file on disk says exactly this much.
        const records = readJournal(d.journal).records.filter((r) => r.type !== 'run');
        const done = records.filter((r) => r.type === 'done').length;
        checks.push(`${records.length - done}/${done}`);
      },
    });
    expect(report.totals.created).toBe(7);
    const records = readJournal(d.journal).records;
    expect(records[0]).toMatchObject({ type: 'run', from: 'memory', to: 'memory' });
    // intent, done pairs in order, one per write.
    const steps = records.slice(1);
    expect(steps).toHaveLength(14);
    steps.forEach((r, i) => expect(r.type).toBe(i % 2 === 0 ? 'intent' : 'done'));
    // Each progress event came after its step's done record was durable.
    expect(checks.filter((c, i) => i === 0 || c !== checks[i - 1])).toEqual(['0/0', '1/1', '2/2', '3/3', '4/4', '5/5', '6/6', '7/7']);
  });

  test('a group created just before a kill (intent, write, no done) is found on the target, not created again', async () => {
    const d = dirs([{ name: 'Work', members: ['bob@example.com'] }]);
    // What a killed run left: an intent for the group and for one member, whose writes reached the target.
    const killed = Journal.open(d.journal);
    killed.run('memory', 'memory');
    killed.intent(ALICE, stepKey('group', 'Work'));
    killed.close();
    const report = await copyUsers({ from: d.from, to: d.to, users: [ALICE], journal: d.journal });
    const items = report.users[0]!.items;
    expect(items.find((i) => i.kind === 'group' && i.name === 'Work')).toEqual({
      kind: 'group', name: 'Work', outcome: 'present', reason: 'in flight when an earlier run stopped; found on the target',
    });
    const state = JSON.parse(fs.readFileSync(path.join(d.root, 'target', `${ALICE}.json`), 'utf8')) as { groups: { name: string; members: string[] }[] };
    expect(state.groups.filter((g) => g.name === 'Work')).toHaveLength(1);
    expect(state.groups.map((g) => [g.name, g.members.sort()])).toEqual([['Work', ['bob@example.com', 'cat@example.com']], ['Home', ['cat@example.com']]]);
    // The intent is closed: the journal now says done.
    expect(Journal.open(d.journal, { readOnly: true }).state(ALICE, stepKey('group', 'Work'))).toEqual({ last: 'done', done: 'present' });
  });

  test('an intent whose write never reached the target is redone (after looking)', async () => {
    const d = dirs();
    const killed = Journal.open(d.journal);
    killed.run('memory', 'memory');
    killed.intent(ALICE, stepKey('group', 'Home'));
    killed.close();
    const report = await copyUsers({ from: d.from, to: d.to, users: [ALICE], journal: d.journal });
    expect(report.users[0]!.items.find((i) => i.kind === 'group' && i.name === 'Home')).toMatchObject({
      outcome: 'created', reason: expect.stringMatching(/^in flight when an earlier run stopped: the target is looked at again/),
    });
  });

  test('a journal belongs to one source and one target', async () => {
    const d = dirs();
    await copyUsers({ from: d.from, to: d.to, users: [ALICE], journal: d.journal, endpoints: { from: 'memory:/old', to: 'memory:/new' } });
    await expect(copyUsers({ from: d.from, to: d.to, users: [ALICE], journal: d.journal, endpoints: { from: 'memory:/old', to: 'graph:/t.json' } }))
      .rejects.toThrow(/belongs to a copy from memory:\/old to memory:\/new, not from memory:\/old to graph:\/t.json/);
  });
});
