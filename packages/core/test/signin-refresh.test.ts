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
    },
  });
  const container = createContainer({ backend });
  const inner = container.get<DirectoryPort>(TOKENS.DirectoryPort);
  const reads = { count: 0, failNext: false };
  const read = <T>(answer: () => Promise<T>): Promise<T> => {
    reads.count++;
    if (!reads.failNext) return answer();
    reads.failNext = false;
    return Promise.reject(messengerError('MSGR_E_SERVER_TOO_BUSY', undefined, 'Simulated failure of a contact-list read.'));
  };
  const directory: DirectoryPort = {
    listContacts: () => read(() => inner.listContacts()),
    listedContacts: (names) => read(() => inner.listedContacts!(names)),
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

  test('the read at sign-in fails: the sign-in succeeds, and the contact reports the change at its first read', async () => {
    const { msn, other, events, reads } = rig();
    await msn.Signin(0, ANN, 'pw');
    const bob = await msn.GetContact(BOB, '');
    await msn.Signout();
    await other.contactFriendlyName(BOB, 'Robert Kelly');
    reads.failNext = true;
    await msn.Signin(0, ANN, 'pw');
    events.length = 0;
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
});
