/**
 * The phased-migration example (examples/phased-migration), run end to end over two in-memory
 * services per user standing in for the legacy backend ("old", com) and Teams ("new", graph):
 * stage 1 moves groups to Teams for 10% of users, stage 2 for everyone, stage 3 moves presence too.
 * For several users and every stage, the test asserts which backend served groups, presence and the
 * contact list, that the pilot's group writes were dual-written, that presence was shadowed and its
 * differences recorded, and that the one-file plan (plan.yaml) routes exactly like the stage files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MISTATUS } from '@imessenger/contract';
import { createMessenger, type Messenger } from '@imessenger/core';
import { memoryBackend, type MemoryBackend } from '@imessenger/adapter-memory';
import {
  type MigrationConfig, cohortBucket, fileMismatchStore, loadMigrationConfig, memoryWriteQueue, routesCommand,
  readMismatches, routesFor, routingBackend, summarise, withStage,
} from '../packages/migration/src/index-routing';
import { main } from '../packages/cli/src/main';

const EXAMPLE = path.join(__dirname, '..', 'examples', 'phased-migration');
const STAGES = {
  1: path.join(EXAMPLE, 'stage-1-groups-10.yaml'),
  2: path.join(EXAMPLE, 'stage-2-groups-100.yaml'),
  3: path.join(EXAMPLE, 'stage-3-groups-presence-100.yaml'),
} as const;
const PLAN_STAGES = { 1: 'groups-10', 2: 'groups-100', 3: 'groups-presence-100' } as const;

/** In the 10% cohort: buckets 105 and 787 (of 10000). */
const PILOT = ['oscar@contoso.com', 'quinn@contoso.com'];
/** Outside it: 1113 (joins at 11.14%), 2429, 9421. */
const OTHERS = ['walter@contoso.com', 'ann@contoso.com', 'victor@contoso.com'];
const USERS = [...PILOT, ...OTHERS];

const seedFor = (side: 'old' | 'new', user: string): object => {
  const seed = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'seeds', `${side}.json`), 'utf8')) as { self: { signinName: string } };
  return { ...seed, self: { ...seed.self, signinName: user } };
};

/** Each user's two services, kept across the stages (what a user did in stage 1 is there in stage 3). */
const services = new Map<string, { old: MemoryBackend; new: MemoryBackend }>();
let dir: string;
let mismatchFile: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phased-migration-'));
  mismatchFile = path.join(dir, 'mismatches.jsonl');
  for (const user of USERS) services.set(user, { old: memoryBackend({ seed: seedFor('old', user) }), new: memoryBackend({ seed: seedFor('new', user) }) });
});
afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });

const queue = memoryWriteQueue();

/** A signed-in Messenger for `user` under a configuration, as an application would open it. */
async function open(config: MigrationConfig, user: string) {
  const s = services.get(user)!;
  const backend = routingBackend({ old: s.old, new: s.new, config, mismatches: fileMismatchStore(mismatchFile), queue });
  const msn = createMessenger({ backend });
  await msn.Signin(0, user, '');
  return { msn, backend, ...s };
}

/** Where groups came from: only Teams has the "Project Phoenix" group chat. */
async function groupsFrom(msn: Messenger): Promise<'old' | 'new'> {
  const names = await Promise.all((await msn.get_MyGroups()).toArray().map((g) => g.get_Name()));
  return names.includes('Project Phoenix') ? 'new' : 'old';
}
/** Where presence came from: Carol is away on the legacy backend, busy on Teams. */
async function presenceFrom(msn: Messenger): Promise<'old' | 'new'> {
  const carol = (await msn.get_MyContacts()).toArray().find((c) => c.record.signinName === 'carol@contoso.com')!;
  return (await carol.get_Status()) === MISTATUS.MISTATUS_BUSY ? 'new' : 'old';
}
/** Where the contact list came from: only the legacy backend lists Dave. */
async function contactsFrom(msn: Messenger): Promise<'old' | 'new'> {
  const names = await Promise.all((await msn.get_MyContacts()).toArray().map((c) => c.get_SigninName()));
  return names.includes('dave@contoso.com') ? 'old' : 'new';
}

describe('the phased migration example', () => {
  test('the cohort: the pilot users are in the 10% by hash, the others are not', () => {
    expect(PILOT.map(cohortBucket).every((b) => b < 1000)).toBe(true);
    expect(OTHERS.map(cohortBucket).every((b) => b >= 1000)).toBe(true);
  });

  test.each([
    [1, { pilot: { groups: 'new', presence: 'old' }, others: { groups: 'old', presence: 'old' } }],
    [2, { pilot: { groups: 'new', presence: 'old' }, others: { groups: 'new', presence: 'old' } }],
    [3, { pilot: { groups: 'new', presence: 'new' }, others: { groups: 'new', presence: 'new' } }],
  ] as const)('stage %i: each capability is served where the stage says, for every user', async (stage, expected) => {
    const config = loadMigrationConfig(STAGES[stage]);
    for (const user of USERS) {
      const { msn, backend } = await open(config, user);
      const want = PILOT.includes(user) ? expected.pilot : expected.others;
      expect({ user, groups: await groupsFrom(msn), presence: await presenceFrom(msn), contacts: await contactsFrom(msn) })
        .toEqual({ user, ...want, contacts: 'old' });
      await backend.idle();
      await msn.Signout();
    }
  });

  test('stage 1: a pilot user\'s group writes reach both backends (dual-write), so a rollback loses nothing', async () => {
    const { msn, old, new: neu } = await open(loadMigrationConfig(STAGES[1]), 'oscar@contoso.com');
    const service = await (await msn.get_Services()).get_PrimaryService();
    const group = await msn.CreateGroup('Launch', service);
    await group.AddContact('dave@contoso.com');
    expect(neu.store.state.groups.find((g) => g.name === 'Launch')?.members).toEqual(['dave@contoso.com']);
    expect(old.store.state.groups.find((g) => g.name === 'Launch')?.members).toEqual(['dave@contoso.com']);
    expect(queue.entries).toEqual([]);
    await msn.Signout();

    // Rolled back (nobody in the cohort): the legacy backend answers, with the pilot's group.
    const rolledBack = await open({ ...loadMigrationConfig(STAGES[1]), cohort: { percent: 0 } }, 'oscar@contoso.com');
    const names = await Promise.all((await rolledBack.msn.get_MyGroups()).toArray().map((g) => g.get_Name()));
    expect(names).toEqual(['Coworkers', 'Launch']);
    await rolledBack.msn.Signout();
  });

  test('stages 1 and 2: presence was shadowed and the differences recorded; `migrate report` summarises them', async () => {
    // Recorded while the stage tests above ran (one mismatch file for the whole rollout).
    const records = readMismatches(mismatchFile);
    // Stage 1 shadowed presence for the pilot only; stage 2 for everyone; stage 3 for no one.
    const users = new Set(records.map((r) => r.user));
    expect([...users].sort()).toEqual([...USERS].sort());
    expect(records.every((r) => r.capability === 'presence' && r.member === 'statuses')).toBe(true);
    expect(records[0]!.difference).toEqual([{ path: 'carol@contoso.com', kind: 'changed', primary: 'away', secondary: 'busy' }]);
    expect(summarise(records).byMember[0]).toMatchObject({ capability: 'presence', member: 'statuses', users: USERS.length });

    let out = '';
    const io = { stdout: { write: (t: string) => { out += t; } }, stderr: { write: (t: string) => { out += t; } } };
    expect(await routesCommand(['migrate', 'report', '--mismatches', mismatchFile], io)).toBe(0);
    expect(out).toContain('presence.statuses:');
    expect(out).toContain(`(${USERS.length} users`);
    expect(out).toContain('x carol@contoso.com: differs');
  });

  test('stage 3: a user\'s own status is set on Teams; groups created now exist on Teams only', async () => {
    const { msn, old, new: neu } = await open(loadMigrationConfig(STAGES[3]), 'walter@contoso.com');
    await msn.put_MyStatus(MISTATUS.MISTATUS_BUSY);
    expect(neu.store.state.self.status).toBe(MISTATUS.MISTATUS_BUSY);
    expect(old.store.state.self.status).toBe(MISTATUS.MISTATUS_ONLINE);
    await msn.CreateGroup('Retro', await (await msn.get_Services()).get_PrimaryService());
    expect(neu.store.state.groups.map((g) => g.name)).toContain('Retro');
    expect(old.store.state.groups.map((g) => g.name)).not.toContain('Retro');
    await msn.Signout();
  });

  test('the one-file plan routes exactly like the three stage files, for every user and capability', () => {
    const plan = loadMigrationConfig(path.join(EXAMPLE, 'plan.yaml'));
    for (const stage of [1, 2, 3] as const) {
      const files = loadMigrationConfig(STAGES[stage]);
      const staged = withStage(plan, PLAN_STAGES[stage]);
      for (const user of [...USERS, 'someone@fabrikam.com']) {
        expect(routesFor(staged, user)).toEqual(routesFor(files, user));
      }
    }
  });

  test('`migrate routes` prints a user\'s routes for each stage', async () => {
    const print = async (file: string, user: string): Promise<string> => {
      let out = '';
      const io = { stdout: { write: (t: string) => { out += t; } }, stderr: { write: (t: string) => { out += t; } } };
      expect(await routesCommand(['migrate', 'routes', '--config', file, '--user', user], io)).toBe(0);
      return out;
    };
    const oscar1 = await print(STAGES[1], 'oscar@contoso.com');
    expect(oscar1).toContain('Cohort: in (bucket 105 of 10000: joins at 1.06%, cohort is 10%)');
    expect(oscar1).toMatch(/groups +new \(graph\) +dual-write +old \(com\) +in/);
    expect(oscar1).toMatch(/presence +old \(com\) +shadow +new \(graph\) +in/);
    const walter1 = await print(STAGES[1], 'walter@contoso.com');
    expect(walter1).toContain('Cohort: out (bucket 1113 of 10000: joins at 11.14%, cohort is 10%)');
    expect(walter1).toMatch(/groups +old \(com\) +route +- +out/);
    expect(await print(STAGES[3], 'walter@contoso.com')).toMatch(/presence +new \(graph\) +route/);
  });
});

/**
 * The README's commands, as pasted: every `$ imessenger …` line of its code blocks, in order, run
 * through the CLI (`main`) from a copy of the example's folder (so `out/` is written there), with
 * the output the README shows under it (timestamps aside) and exit code 0, or the one its comment
 * names ("# … exit 1 …"). Needs the build (`tsc -b`): `run` starts the shim's worker from dist.
 */
describe('examples/phased-migration/README.md: its commands run as pasted', () => {
  jest.setTimeout(60_000);

  interface Pasted { readonly line: string; readonly argv: string[]; readonly output: string; readonly exit: number }

  /** A shell line's words: plain words and '…' / "…" quoted ones, up to a # comment. */
  const words = (line: string): { argv: string[]; comment: string } => {
    const argv: string[] = [];
    const re = /\s*(?:'([^']*)'|"([^"]*)"|(#.*)$|(\S+))/gy;
    let comment = '';
    for (let m = re.exec(line); m && m[0] !== ''; m = re.exec(line)) {
      if (m[3] !== undefined) { comment = m[3]; break; }
      argv.push(m[1] ?? m[2] ?? m[4]!);
    }
    return { argv, comment };
  };

  const pasted = (readme: string): Pasted[] => {
    const commands: Pasted[] = [];
    for (const block of readme.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)) {
      const lines = block[1]!.split('\n');
      lines.forEach((line, i) => {
        if (!line.startsWith('$ imessenger ')) return;
        const end = lines.findIndex((l, j) => j > i && l.startsWith('$ '));
        const output = lines.slice(i + 1, end < 0 ? undefined : end).join('\n').replace(/\s+$/, '');
        const { argv, comment } = words(line.slice('$ imessenger '.length));
        commands.push({ line, argv, output: output ? `${output}\n` : '', exit: Number(/\bexit (\d+)/.exec(comment)?.[1] ?? 0) });
      });
    }
    return commands;
  };

  const TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g;

  test('every command, in order, with the output and exit code the README shows', async () => {
    const readme = fs.readFileSync(path.join(EXAMPLE, 'README.md'), 'utf8');
    const commands = pasted(readme);
    // The CLI tries a stage (writing the mismatch file the config names), then the checks read it.
    expect(commands.map((c) => c.argv.slice(0, 2).join(' '))).toEqual(expect.arrayContaining(['run --backend', 'migrate routes', 'migrate report', 'migrate reconcile']));
    expect(commands.findIndex((c) => c.argv[0] === 'run')).toBeLessThan(commands.findIndex((c) => c.argv[1] === 'report'));
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'phased-readme-'));
    try {
      fs.cpSync(EXAMPLE, cwd, { recursive: true, filter: (source) => path.basename(source) !== 'out' });
      for (const command of commands) {
        let out = '';
        let err = '';
        const code = await main(command.argv, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, cwd, env: {} });
        expect({ line: command.line, code, err }).toEqual({ line: command.line, code: command.exit, err: '' });
        if (command.output) expect({ line: command.line, out: out.replace(TIME, '<time>') }).toEqual({ line: command.line, out: command.output.replace(TIME, '<time>') });
      }
      expect(readMismatches(path.join(cwd, 'out', 'mismatches.jsonl'))).toHaveLength(1);
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  });
});
