import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMessenger } from '@imessenger/core';
import { memoryBackend, type PersistenceFs, StateFile } from '@imessenger/adapter-memory';

const seed = {
  self: { signinName: 'ann@contoso.com' },
  contacts: [{ signinName: 'bob@contoso.com' }],
  directory: [{ signinName: 'erin@contoso.com' }],
};
let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-state-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A file system that crashes (throws, and never does anything again) at the n-th call of `op`. */
function crashingFs(op: keyof PersistenceFs, n: number): PersistenceFs & { crashed: boolean } {
  let calls = 0;
  const io = { crashed: false } as PersistenceFs & { crashed: boolean };
  for (const key of ['openSync', 'writeSync', 'fsyncSync', 'closeSync', 'renameSync', 'readFileSync', 'existsSync'] as const) {
    (io as unknown as Record<string, unknown>)[key] = (...args: unknown[]) => {
      if (io.crashed) throw new Error('process is dead');
      if (key === op && ++calls === n) { io.crashed = true; throw new Error(`crash in ${key}`); }
      return (fs[key] as (...a: unknown[]) => unknown)(...args);
    };
  }
  return io;
}

describe('file persistence', () => {
  test('state survives a restart: a new backend on the same file sees every acknowledged write', async () => {
    const stateFile = path.join(dir, 'state.json');
    const first = createMessenger({ backend: memoryBackend({ seed, stateFile }) });
    await first.AutoSignin();
    await first.AddContact(0, 'erin@contoso.com');
    await (await first.CreateGroup('Team', await first.get_MyServiceId())).AddContact('bob@contoso.com');
    await first.put_ContactsSortOrder(1);

    const second = createMessenger({ backend: memoryBackend({ seed: { self: { signinName: 'someone@else.com' } }, stateFile }) });
    expect(await second.get_MySigninName()).toBe('ann@contoso.com');
    const contacts = (await second.get_MyContacts()).toArray();
    expect(await Promise.all(contacts.map((c) => c.get_SigninName()))).toEqual(['bob@contoso.com', 'erin@contoso.com']);
    const [team] = (await second.get_MyGroups()).toArray();
    expect(await team!.get_Name()).toBe('Team');
    expect(await (await team!.get_Contacts()).get_Count()).toBe(1);
    expect(await second.get_ContactsSortOrder()).toBe(1);
  });

  test('the file is written with mode 0600 and is valid JSON after every write', async () => {
    const stateFile = path.join(dir, 'state.json');
    const msn = createMessenger({ backend: memoryBackend({ seed, stateFile }) });
    await msn.AutoSignin();
    expect(fs.statSync(stateFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(stateFile, 'utf8')).signedIn).toBe(true);
  });

  // A crash at any step of a write: the file holds every write acknowledged before it, and is whole.
  const steps: [keyof PersistenceFs, number][] = [['openSync', 1], ['writeSync', 1], ['fsyncSync', 1], ['renameSync', 1]];
  test.each(steps)('a crash in %s during the next write loses nothing already acknowledged', async (op, n) => {
    const stateFile = path.join(dir, 'state.json');
    const healthy = createMessenger({ backend: memoryBackend({ seed, stateFile }) });
    await healthy.AutoSignin();
    await healthy.AddContact(0, 'erin@contoso.com'); // acknowledged

    const io = crashingFs(op, n);
    const doomed = createMessenger({ backend: memoryBackend({ seed, stateFile, fs: io }) });
    await expect(doomed.CreateGroup('Lost', '{9b017612-c9f1-11d2-8d9f-0000f875c541}')).rejects.toMatchObject({ name: 'MessengerError', code: 'E_FAIL' });
    expect(io.crashed).toBe(true);
    // The failed write was not applied in memory either: bad luck loses nothing and invents nothing.
    expect(await (await doomed.get_MyGroups()).get_Count()).toBe(0);

    const state = new StateFile(stateFile).load();
    expect(state?.contactList).toEqual(['bob@contoso.com', 'erin@contoso.com']);
    expect(state?.groups.map((g) => g.name)).toEqual([]);
  });

  test('a corrupt state file is reported with its path, not silently replaced by the seed', () => {
    const stateFile = path.join(dir, 'state.json');
    fs.writeFileSync(stateFile, '{"version": 1, "trunc');
    expect(() => memoryBackend({ seed, stateFile })).toThrow(`The state file ${stateFile} is not valid JSON`);
  });
});
