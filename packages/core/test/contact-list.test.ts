/**
 * Contact resolution in core (issue 9): who is listed is answered from an index by sign-in name, so
 * resolving names costs no listing per name. Counted here in port calls, never in time.
 */
import { type DirectoryPort, HR, MISTATUS, type MessengerEventName, TOKENS, messengerError } from '@imessenger/contract';
import type { Messenger } from '@imessenger/core';
import { createContainer } from '@imessenger/core/container';
import { memoryBackend } from '@imessenger/adapter-memory';

const ANN = 'ann@contoso.com';
const nameOf = (i: number): string => `user${String(i).padStart(4, '0')}@contoso.com`;
const STRANGER = 'erin@contoso.com';

/** 1,000 contacts in 10 groups of 100, and one directory user outside the list. */
function seed(signedIn = true) {
  return {
    signedIn,
    self: { signinName: ANN },
    contacts: Array.from({ length: 1000 }, (_, i) => ({ signinName: nameOf(i), friendlyName: `User ${i}`, status: MISTATUS.MISTATUS_ONLINE })),
    directory: [{ signinName: STRANGER, friendlyName: 'Erin Moss', status: MISTATUS.MISTATUS_ONLINE }],
    groups: Array.from({ length: 10 }, (_, g) => ({ name: `Group ${g}`, members: Array.from({ length: 100 }, (_, i) => nameOf(g * 100 + i)) })),
  };
}

type Counted = 'listContacts' | 'listedContacts' | 'lookup';

/**
 * A Messenger on the memory backend whose DirectoryPort counts its calls; `single: false` hides the
 * optional listedContacts, as on Graph and COM (core then falls back to one listing).
 */
function rig(options: { single: boolean; signedIn?: boolean; slowListing?: Promise<void> }) {
  const backend = memoryBackend({ seed: seed(options.signedIn) });
  const container = createContainer({ backend });
  const inner = container.get<DirectoryPort>(TOKENS.DirectoryPort);
  const calls: Record<Counted, number> = { listContacts: 0, listedContacts: 0, lookup: 0 };
  const fault = { next: false };
  const failOnce = () => {
    if (!fault.next) return;
    fault.next = false;
    throw messengerError('E_FAIL', undefined, 'Simulated failure of a contact-list read.');
  };
  const directory: DirectoryPort = {
    async listContacts() {
      calls.listContacts++;
      failOnce();
      const records = await inner.listContacts();
      await options.slowListing;
      return records;
    },
    async lookup(s) { calls.lookup++; return inner.lookup(s); },
    addContact: (s) => inner.addContact(s),
    removeContact: (s) => inner.removeContact(s),
    setBlocked: (s, b) => inner.setBlocked(s, b),
    find: (q) => inner.find(q),
    ...(options.single ? { async listedContacts(names: readonly string[]) { calls.listedContacts++; failOnce(); return inner.listedContacts!(names); } } : {}),
  };
  container.rebind<DirectoryPort>(TOKENS.DirectoryPort).toConstantValue(directory);
  const msn = container.get<Messenger>(TOKENS.Messenger);
  const events: [MessengerEventName, readonly unknown[]][] = [];
  msn.onAny((event, args) => events.push([event, args]));
  return { msn, calls, backend, events, fault };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

async function walkGroups(msn: Messenger): Promise<number> {
  let members = 0;
  for await (const g of await msn.get_MyGroups()) for await (const c of await g.get_Contacts()) { await c.get_SigninName(); members++; }
  return members;
}

describe.each([
  ['listing fallback (no listedContacts: Graph, COM)', false],
  ['listedContacts (memory)', true],
])('contact resolution, %s', (_title, single) => {
  test('GetContact on 1,000 names before MyContacts: at most one listing', async () => {
    const { msn, calls } = rig({ single });
    for (let i = 0; i < 1000; i++) await msn.GetContact(nameOf(i), '');
    expect(calls.listContacts).toBe(single ? 0 : 1);
    expect(calls.listedContacts).toBe(single ? 1000 : 0);
  });

  test('every group roster before MyContacts: at most one listing; then MyContacts lists once and nothing more is listed', async () => {
    const { msn, calls } = rig({ single });
    expect(await walkGroups(msn)).toBe(1000);
    expect(calls.listContacts).toBe(single ? 0 : 1);
    expect(calls.listedContacts).toBe(single ? 10 : 0); // one question per roster
    await msn.get_MyContacts();
    await walkGroups(msn);
    await msn.GetContact(STRANGER, '');
    expect(calls.listContacts).toBe(single ? 1 : 2);
  });

  test('listed vs stranger (A15, B611, B635): a listed contact has its status and gets updates; a stranger is unknown and gets none', async () => {
    const { msn, backend, events } = rig({ single });
    const listed = await msn.GetContact(nameOf(7).toUpperCase(), '');
    const stranger = await msn.GetContact(STRANGER, '');
    expect(await listed.get_Status()).toBe(MISTATUS.MISTATUS_ONLINE);
    expect(await listed.get_FriendlyName()).toBe('User 7');
    expect(await stranger.get_Status()).toBe(MISTATUS.MISTATUS_UNKNOWN);
    expect(await stranger.get_FriendlyName()).toBe(STRANGER);
    await backend.otherSide.contactStatus(nameOf(7), MISTATUS.MISTATUS_BUSY);
    await backend.otherSide.contactStatus(STRANGER, MISTATUS.MISTATUS_AWAY);
    await settle();
    expect(events.filter(([e]) => e === 'OnContactStatusChange')).toEqual([['OnContactStatusChange', [listed, MISTATUS.MISTATUS_BUSY]]]);
  });

  test('one object per identity: a roster, GetContact and MyContacts give the same object', async () => {
    const { msn } = rig({ single });
    const fromGetContact = await msn.GetContact(nameOf(250), '');
    const roster = (await (await msn.get_MyGroups()).Item(2)).get_Contacts();
    expect((await roster).toArray()[50]).toBe(fromGetContact);
    expect((await msn.get_MyContacts()).toArray()[250]).toBe(fromGetContact);
  });

  test('AddContact and MyContacts.Remove keep the index: no listing per call', async () => {
    const { msn, calls } = rig({ single });
    await msn.AddContact(0, STRANGER);
    // B594: the answer arrives in OnContactListAdd; the call succeeds.
    const answers: number[] = [];
    msn.on('OnContactListAdd', (hr) => answers.push(hr));
    await msn.AddContact(0, STRANGER.toUpperCase());
    await msn.AddContact(0, nameOf(1));
    expect(answers).toEqual([HR.MSGR_E_ALREADY_IN_LIST, HR.MSGR_E_ALREADY_IN_LIST]);
    expect(await (await msn.GetContact(STRANGER, '')).get_FriendlyName()).toBe('Erin Moss');
    expect(calls.listContacts).toBe(single ? 0 : 1);

    const contacts = await msn.get_MyContacts(); // lists (MyContacts always reads the list)
    await contacts.Remove(await msn.GetContact(nameOf(3), ''));
    await msn.AddContact(0, nameOf(3));
    expect((await msn.GetContact(nameOf(3), '')).listed).toBe(true);
    expect(calls.listContacts).toBe(single ? 1 : 2);
  });

  test('a remote addition to the list: the newcomer resolves listed, with its own record', async () => {
    const { msn, backend, events } = rig({ single });
    await msn.GetContact(nameOf(1), ''); // the index is built
    backend.store.state.contactList.push(STRANGER); // another client adds Erin
    backend.store.notify({ type: 'contactListAdd', signinName: STRANGER });
    await settle();
    const erin = await msn.GetContact(STRANGER, '');
    expect(events.filter(([e]) => e === 'OnContactListAdd')).toEqual([['OnContactListAdd', [HR.S_OK, erin]]]);
    expect(erin.listed).toBe(true);
    expect(await erin.get_FriendlyName()).toBe('Erin Moss');
    expect(await erin.get_Status()).toBe(MISTATUS.MISTATUS_ONLINE);
  });

  test('a remote removal from the list: someone not yet read resolves as a stranger', async () => {
    const { msn, backend } = rig({ single });
    await msn.GetContact(nameOf(1), ''); // the index is built
    backend.store.state.contactList = backend.store.state.contactList.filter((k) => k !== nameOf(2));
    backend.store.notify({ type: 'contactListRemove', signinName: nameOf(2) });
    await settle();
    const gone = await msn.GetContact(nameOf(2), '');
    expect(gone.listed).toBe(false);
    await expect(msn.AddContact(0, nameOf(2))).resolves.toBeUndefined();
  });

  test('sign-out and sign-in drop the index: the next session lists again (fallback only)', async () => {
    const { msn, calls } = rig({ single });
    await msn.GetContact(nameOf(1), '');
    await msn.Signout();
    await msn.Signin(0, ANN, 'x');
    await msn.GetContact(nameOf(2), '');
    expect(calls.listContacts).toBe(single ? 0 : 2);
  });

  test('a failed read is not kept: that call fails, the next one asks again', async () => {
    const { msn, calls, fault } = rig({ single });
    fault.next = true;
    await expect(msn.GetContact(nameOf(1), '')).rejects.toMatchObject({ code: 'E_FAIL', member: 'IMessenger.GetContact' });
    expect(await (await msn.GetContact(nameOf(1), '')).get_Status()).toBe(MISTATUS.MISTATUS_ONLINE);
    expect(single ? calls.listedContacts : calls.listContacts).toBe(2);
  });
});

describe('contact resolution, listing fallback', () => {
  test('concurrent questions share one listing', async () => {
    const { msn, calls } = rig({ single: false });
    await Promise.all(Array.from({ length: 200 }, (_, i) => msn.GetContact(nameOf(i), '')));
    expect(calls.listContacts).toBe(1);
  });

  test('a listing under way when the list changes is not used: the question is answered from a new one', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => { open = resolve; });
    const { msn, backend, calls, events } = rig({ single: false, slowListing: gate });
    const pending = msn.GetContact(nameOf(5), ''); // its listing (which includes user0005) is under way
    await settle();
    backend.store.state.contactList = backend.store.state.contactList.filter((k) => k !== nameOf(5));
    backend.store.notify({ type: 'contactListRemove', signinName: nameOf(5) });
    open();
    const contact = await pending;
    await settle();
    expect(calls.listContacts).toBe(2);
    expect(contact.listed).toBe(false);
    expect(await contact.get_Status()).toBe(MISTATUS.MISTATUS_UNKNOWN);
    expect(events.filter(([e]) => e === 'OnContactListRemove')).toEqual([['OnContactListRemove', [HR.S_OK, contact]]]);
  });
});

describe('ContactList on its own', () => {
  // Imported here: the class is internal to core (runtime.ts holds one per Messenger).
  const { ContactList } = require('../src/contact-list') as typeof import('../src/contact-list');
  const record = (signinName: string) => ({ signinName, friendlyName: signinName, status: MISTATUS.MISTATUS_ONLINE, blocked: false, canPage: false, phones: {}, serviceId: 's' });
  /** A directory without listedContacts whose listing resolves when `release` is called (or at once). */
  const listing = (names: string[]) => {
    let calls = 0;
    let gate: (() => void) | undefined;
    const directory = {
      listContacts: async () => {
        calls++;
        const answer = names.map(record);
        if (gate === undefined) return answer;
        await new Promise<void>((resolve) => { const release = gate!; gate = () => { release(); resolve(); }; });
        return answer;
      },
    } as unknown as DirectoryPort;
    return { directory, calls: () => calls, hold: () => { gate = () => undefined; return () => { const g = gate!; gate = undefined; g(); }; } };
  };

  test('a backend without a directory: nobody is listed and the list is empty', async () => {
    const list = new ContactList(undefined);
    expect(await list.entries(['bob@contoso.com', 'erin@contoso.com'])).toEqual([null, null]);
    expect(await list.has('bob@contoso.com')).toBe(false);
    expect(await list.readAll()).toEqual([]);
  });

  test('MyContacts\' listing becomes the index (no listing after it) unless the list was dropped meanwhile', async () => {
    const { directory, calls, hold } = listing(['bob@contoso.com']);
    const list = new ContactList(directory);
    await list.readAll();
    expect(await list.has('BOB@contoso.com')).toBe(true);
    expect(calls()).toBe(1);
    const release = hold();
    const reading = list.readAll();
    list.invalidate();
    release();
    await reading;
    expect(await list.has('bob@contoso.com')).toBe(true);
    expect(calls()).toBe(3); // the listing that predates the drop was not installed: asked again
  });

  test('an addition or removal while a listing is under way: that listing is not used, the question is answered from a new one', async () => {
    for (const change of ['added', 'removed'] as const) {
      const { directory, calls, hold } = listing(['bob@contoso.com']);
      const list = new ContactList(directory);
      const release = hold();
      const asking = list.entries(['bob@contoso.com']);
      await new Promise((resolve) => setImmediate(resolve));
      if (change === 'added') list.added(record('erin@contoso.com')); else list.removed('bob@contoso.com');
      release();
      expect((await asking)[0]?.signinName).toBe('bob@contoso.com');
      expect(calls()).toBe(2);
      // In place afterwards: no listing for what core itself changed.
      list.added(record('dave@contoso.com'));
      list.removed('bob@contoso.com');
      expect(await list.entries(['dave@contoso.com', 'bob@contoso.com'])).toEqual([record('dave@contoso.com'), null]);
      expect(calls()).toBe(2);
    }
  });
});

describe('ContactList: a change while MyContacts is listing', () => {
  const { ContactList } = require('../src/contact-list') as typeof import('../src/contact-list');
  const record = (signinName: string) => ({ signinName, friendlyName: signinName, status: MISTATUS.MISTATUS_ONLINE, blocked: false, canPage: false, phones: {}, serviceId: 's' });

  test.each(['added', 'removed'] as const)('%s during the listing: the listing (which may predate it) is not installed; the next question lists again and sees the change', async (change) => {
    const names = ['bob@contoso.com'];
    let release!: () => void;
    let calls = 0;
    const directory = {
      listContacts: async () => {
        calls++;
        const answer = names.map(record);
        if (calls === 1) await new Promise<void>((resolve) => { release = resolve; });
        return answer;
      },
    } as unknown as DirectoryPort;
    const list = new ContactList(directory);
    const reading = list.readAll();
    await new Promise((resolve) => setImmediate(resolve));
    // AddContact / MyContacts.Remove completed meanwhile (the backend's list has changed).
    if (change === 'added') { names.push('erin@contoso.com'); list.added(record('erin@contoso.com')); } else { names.length = 0; list.removed('bob@contoso.com'); }
    release();
    await reading;
    expect(await list.has('erin@contoso.com')).toBe(change === 'added');
    expect(await list.has('bob@contoso.com')).toBe(change === 'added');
    expect(calls).toBe(2);
  });
});
