/**
 * What changed while signed out, at the next sign-in (docs/decisions.md, "Objects are live"; B587,
 * B634): core reads the kept contacts' records again in one question and reports a new friendly name
 * and a new status with the events the pages give, after the OnMyStatusChange that completes the
 * sign-in. The kit checks the main case on every backend; these are the edges, counted in port calls.
 */
import { type DirectoryPort, HR, MISTATUS, type MessengerEventName, TOKENS, messengerError } from '@imessenger/contract';
import type { Messenger } from '@imessenger/core';
import { createContainer } from '@imessenger/core/container';
import { memoryBackend } from '@imessenger/adapter-memory';

const ANN = 'ann@contoso.com';
const BOB = 'bob@contoso.com';
const ERIN = 'erin@contoso.com';

function rig() {
  const backend = memoryBackend({
    seed: {
      signedIn: false,
      self: { signinName: ANN, password: 'pw' },
      contacts: [{ signinName: BOB, friendlyName: 'Bob Kelly', status: MISTATUS.MISTATUS_ONLINE }],
      directory: [{ signinName: ERIN, friendlyName: 'Erin Moss', status: MISTATUS.MISTATUS_ONLINE }],
      groups: [{ name: 'Friends', members: [BOB] }],
    },
  });
  const container = createContainer({ backend });
  const inner = container.get<DirectoryPort>(TOKENS.DirectoryPort);
  const reads = { count: 0, failNext: false, asked: [] as string[][] };
  const read = <T>(answer: () => Promise<T>, names?: readonly string[]): Promise<T> => {
    reads.count++;
    if (names) reads.asked.push([...names]);
    if (!reads.failNext) return answer();
    reads.failNext = false;
    return Promise.reject(messengerError('MSGR_E_SERVER_TOO_BUSY', undefined, 'Simulated failure of a contact-list read.'));
  };
  const directory: DirectoryPort = {
    listContacts: () => read(() => inner.listContacts()),
    listedContacts: (names) => read(() => inner.listedContacts!(names), names),
    lookup: (s) => inner.lookup(s),
    addContact: (s) => inner.addContact(s),
    removeContact: (s) => inner.removeContact(s),
    setBlocked: (s, b) => inner.setBlocked(s, b),
    find: (q) => inner.find(q),
  };
  container.rebind<DirectoryPort>(TOKENS.DirectoryPort).toConstantValue(directory);
  const msn = container.get<Messenger>(TOKENS.Messenger);
  const events: [MessengerEventName, readonly unknown[]][] = [];
  msn.onAny((event, args) => events.push([event, args]));
  return { msn, other: backend.otherSide, events, reads };
}

describe('the next sign-in reports what changed while signed out', () => {
  test('nothing kept: the sign-in reads no contact record', async () => {
    const { msn, reads } = rig();
    await msn.Signin(0, ANN, 'pw');
    expect(reads.count).toBe(0);
  });

  test('signed out, a change is not heard; at sign-in the name, then the status, after OnMyStatusChange; nothing again at the next read', async () => {
    const { msn, other, events } = rig();
    await msn.Signin(0, ANN, 'pw');
    const bob = await msn.GetContact(BOB, '');
    await msn.Signout();
    events.length = 0;
    await other.contactFriendlyName(BOB, 'Robert Kelly');
    await other.contactStatus(BOB, MISTATUS.MISTATUS_BUSY);
    expect(events).toEqual([]);
    expect(await bob.get_FriendlyName()).toBe('Bob Kelly');
    await msn.Signin(0, ANN, 'pw');
    expect(events).toEqual([
      ['OnSignin', [HR.S_OK]],
      ['OnMyStatusChange', [HR.S_OK, MISTATUS.MISTATUS_ONLINE]],
      ['OnContactFriendlyNameChange', [HR.S_OK, bob, 'Bob Kelly']],
      ['OnContactStatusChange', [bob, MISTATUS.MISTATUS_BUSY]],
    ]);
    expect(await bob.get_FriendlyName()).toBe('Robert Kelly');
    expect(await bob.get_Status()).toBe(MISTATUS.MISTATUS_BUSY);
    expect(events).toHaveLength(4);
  });

  /** Bob renamed while signed out, and the read at the next sign-in failed: his record is the first session's. */
  async function renamedAndNotReadAtSignin() {
    const { msn, other, events, reads } = rig();
    await msn.Signin(0, ANN, 'pw');
    const bob = await msn.GetContact(BOB, '');
    await msn.Signout();
    await other.contactFriendlyName(BOB, 'Robert Kelly');
    reads.failNext = true;
    await msn.Signin(0, ANN, 'pw');
    events.length = 0;
    return { bob, events };
  }

  test('the read at sign-in fails: the sign-in succeeds, and the contact reports the change at its first read', async () => {
    const { bob, events } = await renamedAndNotReadAtSignin();
    expect(await bob.get_FriendlyName()).toBe('Robert Kelly');
    expect(events).toEqual([['OnContactFriendlyNameChange', [HR.S_OK, bob, 'Bob Kelly']]]);
  });

  test('a kept stranger (not in the list, B635) gets no event, and neither does a contact removed meanwhile (B611)', async () => {
    const { msn, other, events } = rig();
    await msn.Signin(0, ANN, 'pw');
    const erin = await msn.GetContact(ERIN, '');
    const bob = await msn.GetContact(BOB, '');
    await (await msn.get_MyContacts()).Remove(bob);
    await msn.Signout();
    await other.contactFriendlyName(ERIN, 'Erin M.');
    await other.contactFriendlyName(BOB, 'Robert Kelly');
    events.length = 0;
    await msn.Signin(0, ANN, 'pw');
    await erin.get_FriendlyName();
    await bob.get_FriendlyName();
    expect(events.map(([name]) => name)).toEqual(['OnSignin', 'OnMyStatusChange']);
  });

  test('the question at sign-in names the kept contacts in the list only: no stranger, no removed contact, not the user', async () => {
    const { msn, reads } = rig();
    await msn.Signin(0, ANN, 'pw');
    await msn.GetContact(ERIN, '');
    await msn.GetContact(ANN, '');
    await msn.GetContact(BOB, '');
    await msn.Signout();
    reads.asked.length = 0;
    await msn.Signin(0, ANN, 'pw');
    expect(reads.asked).toEqual([[BOB]]);
  });

  test('a contact read in this session is not read again: its properties and a roster of held contacts cost no list read', async () => {
    const { msn, reads } = rig();
    await msn.Signin(0, ANN, 'pw');
    const bob = await msn.GetContact(BOB, '');
    reads.count = 0;
    await bob.get_FriendlyName();
    await bob.get_Status();
    await bob.get_Blocked();
    await msn.GetContact(BOB, '');
    const [friends] = (await msn.get_MyGroups()).toArray();
    expect((await friends!.get_Contacts()).toArray()).toEqual([bob]);
    await msn.SendMail(BOB); // reads the record it addresses (its e-mail) through the same path
    expect(reads.count).toBe(0);
  });

  test('signed out, a record of an earlier session is not read again (the client hears nothing): the old name, no event', async () => {
    const { msn, other, events, reads } = rig();
    await msn.Signin(0, ANN, 'pw');
    const bob = await msn.GetContact(BOB, '');
    await msn.Signout();
    reads.failNext = true;
    await msn.Signin(0, ANN, 'pw'); // the read at sign-in fails: bob's record stays the first session's
    await msn.Signout();
    await other.contactFriendlyName(BOB, 'Robert Kelly');
    events.length = 0;
    reads.count = 0;
    expect(await bob.get_FriendlyName()).toBe('Bob Kelly');
    expect([events, reads.count]).toEqual([[], 0]);
  });

  test('two reads of a record of an earlier session at once: one event, the same new name', async () => {
    const { bob, events } = await renamedAndNotReadAtSignin();
    expect(await Promise.all([bob.get_FriendlyName(), bob.get_FriendlyName()])).toEqual(['Robert Kelly', 'Robert Kelly']);
    expect(events).toEqual([['OnContactFriendlyNameChange', [HR.S_OK, bob, 'Bob Kelly']]]);
  });

  test('a contact removed from the list while signed out (B611): listed no more after the sign-in, so no status update', async () => {
    const { msn, other, events } = rig();
    await msn.Signin(0, ANN, 'pw');
    const bob = await msn.GetContact(BOB, '');
    await msn.Signout();
    await other.contactListRemove(BOB);
    await msn.Signin(0, ANN, 'pw');
    events.length = 0;
    await other.contactStatus(BOB, MISTATUS.MISTATUS_BUSY);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events).toEqual([]);
    expect(await bob.get_Status()).toBe(MISTATUS.MISTATUS_ONLINE);
  });

  test('two lookups of one new name at once give one object (the identity map keeps the first made)', async () => {
    const { msn } = rig();
    await msn.Signin(0, ANN, 'pw');
    const [a, b] = await Promise.all([msn.GetContact(ERIN, ''), msn.GetContact(ERIN, '')]);
    expect(a).toBe(b);
    expect(await msn.GetContact(ERIN, '')).toBe(a);
  });
});
