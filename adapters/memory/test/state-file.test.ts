/**
 * The state file: validated as fully as a seed when it is read (a StateFileError names the file and
 * the key path), and shared safely by several backends (processes): every write is a locked
 * load-compare-save, a call whose write finds the file changed is run again on the new state.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMessenger } from '@imessenger/core';
import { memoryBackend, StateFile, StateFileError, stateFromSeed, validateState } from '@imessenger/adapter-memory';

const seed = {
  self: { signinName: 'ann@contoso.com' },
  contacts: [{ signinName: 'bob@contoso.com' }],
  directory: [{ signinName: 'erin@contoso.com' }],
  groups: [{ name: 'Team', members: ['bob@contoso.com'] }],
};
let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-state-file-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('state file validation', () => {
  const valid = (): Record<string, unknown> => JSON.parse(JSON.stringify(stateFromSeed(seed))) as Record<string, unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: the tests corrupt the state document freely.
  const edit = (change: (s: any) => void): Record<string, unknown> => { const s = valid(); change(s); return s; };

  test('what the backend writes is valid, and loads back as it was', async () => {
    const stateFile = path.join(dir, 'state.json');
    const msn = createMessenger({ backend: memoryBackend({ seed, stateFile }) });
    await msn.AutoSignin();
    await msn.AddContact(0, 'erin@contoso.com');
    const saved = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as unknown;
    expect(validateState(saved, stateFile)).toEqual(saved);
    expect(new StateFile(stateFile).load()).toEqual(saved);
  });

  test.each([
    ['a wrong type', edit((s) => { s.users['bob@contoso.com'].status = 'online'; }), 'users["bob@contoso.com"].status', 'expected an integer, got string "online"'],
    ['a status out of range', edit((s) => { s.self.status = 99; }), 'self.status', '99 is not one of'],
    ['an unknown key', edit((s) => { s.colour = 'blue'; }), 'colour', 'unknown key "colour"'],
    ['an unknown key in a group', edit((s) => { s.groups[0].owner = 'x'; }), 'groups[0].owner', 'unknown key "owner"'],
    ['a missing key', edit((s) => { delete s.contactList; }), '$', 'missing required key "contactList"'],
    ['another format version', edit((s) => { s.version = 2; }), 'version', '2 is not a known format version'],
    ['a user under another key', edit((s) => { s.users['carl@contoso.com'] = s.users['erin@contoso.com']; }), 'users["carl@contoso.com"]', 'is keyed "carl@contoso.com" but is the user "erin@contoso.com"'],
    ['a listed contact nobody knows', edit((s) => { s.contactList.push('ghost@contoso.com'); }), 'contactList[1]', '"ghost@contoso.com" is not a key of users'],
    ['a group member nobody knows', edit((s) => { s.groups[0].members.push('ghost@contoso.com'); }), 'groups[0].members[1]', '"ghost@contoso.com" is not self or a user of users'],
    ['a group on no service', edit((s) => { s.groups[0].serviceId = '{x}'; }), 'groups[0].serviceId', '"{x}" is not one of the services'],
    ['a next id that a group has', edit((s) => { s.nextId = 1; }), 'nextId', '1 would give a new group the id of groups[0]'],
    ['two primary services', edit((s) => { s.services.push({ id: '{y}', name: 'Y', primary: true }); }), 'services', 'more than one service is primary'],
  ])('%s is refused naming the file and the key path', (_what, doc, keyPath, problem) => {
    const file = path.join(dir, 'state.json');
    fs.writeFileSync(file, JSON.stringify(doc));
    let error: unknown;
    try { memoryBackend({ seed, stateFile: file }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(StateFileError);
    expect(error).toMatchObject({ file, path: keyPath });
    expect((error as Error).message).toContain(`The state file ${file} is invalid at ${keyPath}: ${problem}`);
  });

  test.each([
    ['at the top', '{"__proto__": {"signedIn": true}, "version": 1}', '["__proto__"]'],
    ['in self', (text: string) => text.replace('"self": {', '"self": {"__proto__": {"password": "x"}, '), 'self["__proto__"]'],
    ['as "constructor" in a group', (text: string) => text.replace('"members"', '"constructor": {}, "members"'), 'groups[0]["constructor"]'],
  ])('a prototype key %s is refused, not merged into the state', (_where, doc, keyPath) => {
    const file = path.join(dir, 'state.json');
    const text = typeof doc === 'string' ? doc : doc(JSON.stringify(stateFromSeed(seed), null, 1).replace(/\n\s*/g, ' '));
    fs.writeFileSync(file, text);
    let error: unknown;
    try { new StateFile(file).load(); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(StateFileError);
    expect(error).toMatchObject({ file, path: keyPath });
    expect((error as Error).message).toMatch(/is invalid at .*: a prototype key \("(__proto__|constructor)"\) is not state/);
    expect(({} as Record<string, unknown>)['signedIn']).toBeUndefined(); // nothing reached Object.prototype
  });

  test('a user whose sign-in name is "__proto__" is data: kept under its own key, loaded back', () => {
    const file = path.join(dir, 'state.json');
    const state = stateFromSeed({ self: { signinName: 'ann@contoso.com' }, contacts: [{ signinName: '__proto__' }] });
    new StateFile(file).save(state);
    const loaded = new StateFile(file).load()!;
    expect(Object.hasOwn(loaded.users, '__proto__')).toBe(true);
    expect(loaded.contactList).toEqual(['__proto__']);
  });
});

describe('a state file shared by two backends (two processes: see test/reliability/locks.test.ts)', () => {
  test('writes of both are kept; a call whose write found the file changed runs again on the new state', async () => {
    const stateFile = path.join(dir, 'state.json');
    const one = createMessenger({ backend: memoryBackend({ seed, stateFile }) });
    await one.AutoSignin();
    const two = createMessenger({ backend: memoryBackend({ seed, stateFile }) });
    try { await two.AutoSignin(); } catch { /* signed in by the first: the state says so */ }
    const service = await one.get_MyServiceId();
    for (let i = 0; i < 5; i++) {
      await one.CreateGroup(`one ${i}`, service);
      await two.CreateGroup(`two ${i}`, service);
    }
    // The same contact added by both: the second add's check runs on the new state and sees the first
    // (it is refused as already listed, or succeeds without a change, as core decides): no duplicate.
    await one.AddContact(0, 'erin@contoso.com');
    await two.AddContact(0, 'erin@contoso.com').catch((error: { code?: string }) => expect(error.code).toBe('MSGR_E_ALREADY_IN_LIST'));
    const saved = new StateFile(stateFile).load()!;
    expect(saved.groups.map((g) => g.name).sort()).toEqual(['Team', ...[0, 1, 2, 3, 4].flatMap((i) => [`one ${i}`, `two ${i}`])].sort());
    expect(new Set(saved.groups.map((g) => g.id)).size).toBe(11);
    expect(saved.contactList).toEqual(['bob@contoso.com', 'erin@contoso.com']);
    // Each sees the other's writes at its next call.
    expect(await (await one.get_MyGroups()).get_Count()).toBe(11);
  });

  test('a read-only backend never locks or writes the file, and keeps its own changes in memory', async () => {
    const stateFile = path.join(dir, 'state.json');
    const writer = createMessenger({ backend: memoryBackend({ seed, stateFile }) });
    await writer.AutoSignin();
    const before = fs.readFileSync(stateFile, 'utf8');
    const reader = memoryBackend({ seed, stateFile, readOnly: true });
    const msn = createMessenger({ backend: reader });
    await expect(msn.AutoSignin()).rejects.toMatchObject({ code: 'MSGR_E_ALREADY_LOGGED_ON' });
    await msn.CreateGroup('Only in memory', await msn.get_MyServiceId());
    expect(fs.readFileSync(stateFile, 'utf8')).toBe(before);
    expect(reader.store.state.groups.map((g) => g.name)).toContain('Only in memory');
    expect(fs.existsSync(`${stateFile}.lock`)).toBe(false);
  });
});
