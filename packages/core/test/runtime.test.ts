/**
 * Core's own plumbing that the kit cannot reach through a backend's other-side hooks: the event API's
 * once/off, a remote change of the user's own status, a remote change whose contact cannot be looked
 * up, and the status an event reports when even reading it fails (the memory backend's ports, some replaced: rig.ts).
 */
import {
  type BackendInfo, type BackendPorts, CAPABILITY_HRESULTS, HR, hresultName, MISTATUS, MUAFOLDER, type ServiceRecord, messengerError,
} from '@imessenger/contract';
import { Messenger } from '@imessenger/core';
import { memoryBackend } from '@imessenger/adapter-memory';
import { override, wrappedMessenger } from './rig';

const ANN = 'ann@contoso.com';
const seed = {
  signedIn: true,
  self: { signinName: ANN, password: 'pw' },
  contacts: [{ signinName: 'bob@contoso.com', status: MISTATUS.MISTATUS_ONLINE }],
  directory: [{ signinName: 'erin@contoso.com', status: MISTATUS.MISTATUS_ONLINE }],
};

const rig = (wrap?: (ports: BackendPorts) => Partial<BackendPorts>, info?: BackendInfo) => wrappedMessenger(seed, wrap, info);

const down = () => Promise.reject(messengerError('MSGR_E_SERVER_UNAVAILABLE', undefined, 'Simulated outage.'));

describe('core runtime: what no other-side hook reaches', () => {
  test('once() hears one event; off() stops a listener', async () => {
    const { msn, remote } = rig();
    const heard: number[] = [];
    const kept: number[] = [];
    msn.once('OnMyStatusChange', (_hr, status) => heard.push(status));
    const listener = (_hr: number, status: MISTATUS) => kept.push(status);
    msn.on('OnMyStatusChange', listener);
    remote({ type: 'myStatus', status: MISTATUS.MISTATUS_BUSY });
    msn.off('OnMyStatusChange', listener);
    remote({ type: 'myStatus', status: MISTATUS.MISTATUS_AWAY });
    expect([heard, kept]).toEqual([[MISTATUS.MISTATUS_BUSY], [MISTATUS.MISTATUS_BUSY]]);
  });

  test('B677: the user\'s status changed elsewhere raises OnMyStatusChange(S_OK, status)', () => {
    const { events, remote } = rig();
    remote({ type: 'myStatus', status: MISTATUS.MISTATUS_BE_RIGHT_BACK });
    expect(events).toEqual([['OnMyStatusChange', [HR.S_OK, MISTATUS.MISTATUS_BE_RIGHT_BACK]]]);
  });

  test('a remote change whose contact cannot be looked up raises nothing and warns (no unhandled rejection)', async () => {
    const { events, remote } = rig((ports) => ({
      directory: override(ports.directory!, { listContacts: down, listedContacts: down }),
    }));
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      remote({ type: 'contactStatus', signinName: 'bob@contoso.com', status: MISTATUS.MISTATUS_AWAY });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(warn.mock.calls).toEqual([[expect.stringContaining('bob@contoso.com'), 'MessengerEventWarning']]);
    } finally {
      warn.mockRestore();
    }
    expect(events).toEqual([]);
  });

  test('B681: a refused MyStatus put when the status cannot be read either: OnMyStatusChange(hr, MISTATUS_OFFLINE)', async () => {
    let failing = false;
    const { msn, events } = rig((ports) => ({
      presence: override(ports.presence!, {
        setMyStatus: () => { failing = true; return Promise.reject(messengerError('MSGR_E_SERVER_TOO_BUSY', undefined, 'Busy.')); },
      }),
      session: override(ports.session, { self: () => (failing ? down() : ports.session.self()) }),
    }));
    await msn.put_MyStatus(MISTATUS.MISTATUS_BUSY);
    expect(events).toEqual([['OnMyStatusChange', [HR.MSGR_E_SERVER_TOO_BUSY, MISTATUS.MISTATUS_OFFLINE]]]);
  });

  test('a missing capability: the HRESULT the backend declares for the member, else the capability\'s default; a declared name that is no HRESULT is ignored', async () => {
    const { msn } = rig(() => ({ mail: undefined, groups: undefined }), {
      name: 'memory (no mail, no groups)', unsupported: { 'IMessenger.OpenInbox': 'MSGR_E_NOT_LOGGED_ON', 'IMessenger2.MyGroups': 'NO_SUCH_HRESULT' },
    });
    const hr = (p: Promise<unknown>) => p.then(() => 'S_OK', (e: { hresult: number }) => hresultName(e.hresult));
    expect(await hr(msn.OpenInbox())).toBe('MSGR_E_NOT_LOGGED_ON');
    expect(await hr(msn.get_UnreadEmailCount(MUAFOLDER.MUAFOLDER_INBOX))).toBe(CAPABILITY_HRESULTS.mail);
    expect(await hr(msn.get_MyGroups())).toBe(CAPABILITY_HRESULTS.groups);
  });

  test('the primary service is the one marked primary, else the first; none at all -> E_FAIL', async () => {
    const services = (list: ServiceRecord[]) => rig((ports) => ({
      session: override(ports.session, { services: async () => list }),
    })).msn;
    const a = { id: '{A}', name: 'A', primary: false };
    const b = { id: '{B}', name: 'B', primary: true };
    expect(await services([a, b]).get_MyServiceId()).toBe('{B}');
    expect(await services([{ ...a }, { ...b, primary: false }]).get_MyServiceName()).toBe('A');
    // The error names where it arose (the service list), not the member that asked for it.
    await expect(services([]).get_MyServiceId()).rejects.toMatchObject({ hresult: HR.E_FAIL >>> 0, member: 'IMessenger.Services' });
  });

  test('identity is the sign-in name without regard to case, and nothing more: names that differ otherwise are two contacts', async () => {
    const { msn } = rig();
    expect(await msn.GetContact('Erin@Contoso.COM', '')).toBe(await msn.GetContact('erin@contoso.com', ''));
    // 'ß'.toUpperCase() is 'SS': folding to upper case would make these one contact.
    expect(await msn.GetContact('strasse@contoso.com', '')).not.toBe(await msn.GetContact('straße@contoso.com', ''));
  });

  test('the kept self contact after someone else signed in behind core\'s back: an ordinary contact, not the new user', async () => {
    let who = ANN;
    const { msn } = rig((ports) => ({
      session: override(ports.session, {
        self: async () => (who === ANN ? ports.session.self() : { ...(await ports.session.self()), signinName: who, friendlyName: 'Bob Kelly', status: MISTATUS.MISTATUS_BUSY }),
      }),
    }));
    const ann = await msn.GetContact(ANN, '');
    expect(await ann.get_Status()).toBe(MISTATUS.MISTATUS_ONLINE);
    who = 'bob@contoso.com';
    expect([await ann.get_FriendlyName(), await ann.get_Status()]).not.toContain('Bob Kelly');
    expect(await ann.get_Status()).not.toBe(MISTATUS.MISTATUS_BUSY);
    expect(await ann.get_IsSelf()).toBe(false);
  });

  test('… and after core signed in again: the old user\'s contact is read again from the list, as the new user lists her', async () => {
    let who = ANN;
    const { msn } = rig((ports) => ({
      session: override(ports.session, {
        self: async () => (who === ANN ? ports.session.self() : { ...(await ports.session.self()), signinName: who, friendlyName: 'Bob Kelly' }),
      }),
      // The new user's list has Ann, under the name he gave her.
      directory: override(ports.directory!, {
        listedContacts: async (names) => Promise.all(names.map(async (name) => (name.toLowerCase() === ANN
          ? { ...(await ports.directory!.lookup(ANN))!, friendlyName: 'Ann from accounting' }
          : (await ports.directory!.listedContacts!([name]))[0] ?? null))),
      }),
    }));
    const ann = await msn.GetContact(ANN, '');
    await msn.Signout();
    await msn.Signin(0, ANN, 'pw');
    who = 'bob@contoso.com';
    expect(await ann.get_FriendlyName()).toBe('Ann from accounting');
  });

  test('a window change or close for a window core does not hold (opened elsewhere) is ignored: no event, nothing thrown into the backend', () => {
    const { events, remote } = rig();
    expect(() => {
      remote({ type: 'windowContactAdded', windowId: 'not-held', signinName: 'bob@contoso.com' });
      remote({ type: 'windowContactRemoved', windowId: 'not-held', signinName: 'bob@contoso.com' });
      remote({ type: 'windowClosed', windowId: 'not-held' });
    }).not.toThrow();
    expect(events).toEqual([]);
  });

  test('a Messenger made over a backend signed in before it learns who the user is at its first roster: the self contact there follows MyStatus', async () => {
    const backend = memoryBackend({ seed: { ...structuredClone(seed), groups: [{ name: 'Me', members: [ANN, 'bob@contoso.com'] }] } });
    const first = new Messenger(backend.ports, { name: 'memory' });
    const late = new Messenger(backend.ports, { name: 'memory' });
    const [me] = (await late.get_MyGroups()).toArray();
    const [ann, bob] = (await me!.get_Contacts()).toArray();
    expect(await ann!.get_IsSelf()).toBe(true);
    await first.put_MyStatus(MISTATUS.MISTATUS_BUSY);
    expect(await ann!.get_Status()).toBe(MISTATUS.MISTATUS_BUSY);
    expect(await bob!.get_Status()).toBe(MISTATUS.MISTATUS_ONLINE);
    first.dispose();
    late.dispose();
  });

  test('… and at its first MyContacts, where the user is in their own list (B341)', async () => {
    const backend = memoryBackend({ seed: { ...structuredClone(seed), contacts: [...seed.contacts, { signinName: ANN }] } });
    const first = new Messenger(backend.ports, { name: 'memory' });
    const late = new Messenger(backend.ports, { name: 'memory' });
    const ann = (await late.get_MyContacts()).toArray().find((c) => c.record.signinName === ANN)!;
    await first.put_MyStatus(MISTATUS.MISTATUS_AWAY);
    expect(await ann.get_Status()).toBe(MISTATUS.MISTATUS_AWAY);
    first.dispose();
    late.dispose();
  });

  test('a backend without an events port: a Messenger works and is disposed; dispose stops remote changes reaching it', async () => {
    const { ports } = memoryBackend({ seed: structuredClone(seed) });
    const { events: _none, ...withoutEvents } = ports;
    const quiet = new Messenger(withoutEvents, { name: 'memory (no events)' });
    expect(await quiet.get_MyStatus()).toBe(MISTATUS.MISTATUS_ONLINE);
    expect(() => quiet.dispose()).not.toThrow();
    const { msn, events, remote } = rig();
    msn.dispose();
    remote({ type: 'myStatus', status: MISTATUS.MISTATUS_BUSY });
    expect(events).toEqual([]);
  });

  test('a closed window is forgotten: a later change for its id raises nothing', async () => {
    const { msn, events, remote } = rig();
    const window = (await msn.InstantMessage('bob@contoso.com')) as unknown as { record: { id: string }; Close(): Promise<void> };
    await window.Close();
    events.length = 0;
    remote({ type: 'windowContactAdded', windowId: window.record.id, signinName: 'erin@contoso.com' });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events).toEqual([]);
  });

  test('a backend that fails: each member\'s error is E_FAIL naming that member (the typelib\'s Interface.Member)', async () => {
    // Every port method but isSignedIn throws a plain Error, as a broken backend would.
    const failing = <T extends object>(port: T, keep: readonly string[] = []): T => new Proxy(port, {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function' || keep.includes(String(key))) return value;
        return () => Promise.reject(new Error('down'));
      },
    });
    const { msn } = rig((ports) => ({
      session: failing(ports.session, ['isSignedIn']), directory: failing(ports.directory!), groups: failing(ports.groups!),
      shell: failing(ports.shell!), preferences: failing(ports.preferences!), presence: failing(ports.presence!),
      conversations: failing(ports.conversations!),
    }));
    const calls: [string, () => Promise<unknown>][] = [
      ['IMessenger.MyStatus', () => msn.get_MyStatus()],
      ['IMessenger.MyServiceId', () => msn.get_MyServiceId()],
      ['IMessenger.MyServiceName', () => msn.get_MyServiceName()],
      ['IMessenger.Services', () => msn.get_Services()],
      ['IMessenger.InstantMessage', () => msn.InstantMessage('bob@contoso.com')],
      ['IMessenger.Page', () => msn.Page('bob@contoso.com')],
      ['IMessenger.MediaWizard', () => msn.MediaWizard(0)],
      ['IMessenger.Window', () => msn.get_Window()],
      ['IMessenger.ReceiveFileDirectory', () => msn.get_ReceiveFileDirectory()],
      ['IMessenger2.MyGroups', () => msn.get_MyGroups()],
    ];
    for (const [member, call] of calls) {
      const error = await call().then(() => undefined, (e: unknown) => e as { hresult: number; member: string });
      expect({ member, hresult: error?.hresult, named: error?.member }).toEqual({ member, hresult: HR.E_FAIL >>> 0, named: member });
    }
  });
});

describe('core runtime: contacts of an earlier session', () => {
  const BOB = 'bob@contoso.com';
  const ERIN = 'erin@contoso.com';
  const named = { ...seed, directory: [{ signinName: ERIN, friendlyName: 'Erin Moss', status: MISTATUS.MISTATUS_ONLINE }] };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

  test('B611 B635: list changes core never heard are found at the next session\'s first read: the one added now gets status updates, the one removed no longer does, and neither raises anything then', async () => {
    const { msn, events, ports, remote } = wrappedMessenger(named);
    const erin = await msn.GetContact(ERIN, '');
    const bob = await msn.GetContact(BOB, '');
    // Behind core's back (this rig hands core only the changes a test delivers).
    await ports.directory!.addContact(ERIN);
    await ports.directory!.removeContact(BOB);
    await msn.Signout();
    await msn.Signin(0, ANN, 'pw');
    await settle();
    events.length = 0;
    // Erin was a stranger: her first read in this session finds her listed; no name or status event for a contact that was not listed.
    expect([await erin.get_FriendlyName(), await erin.get_Status()]).toEqual(['Erin Moss', MISTATUS.MISTATUS_ONLINE]);
    expect(await bob.get_Status()).toBe(MISTATUS.MISTATUS_ONLINE);
    expect(events).toEqual([]);
    remote({ type: 'contactStatus', signinName: ERIN, status: MISTATUS.MISTATUS_AWAY });
    remote({ type: 'contactStatus', signinName: BOB, status: MISTATUS.MISTATUS_AWAY });
    await settle();
    expect(events).toEqual([['OnContactStatusChange', [erin, MISTATUS.MISTATUS_AWAY]]]);
  });

  test('signed out, a contact last read in an earlier session reads what it last knew, like one read in this session (a stranger stays MISTATUS_UNKNOWN: A15)', async () => {
    const { msn } = wrappedMessenger(named);
    const erin = await msn.GetContact(ERIN, '');
    await msn.Signout();
    await msn.Signin(0, ANN, 'pw');
    await msn.Signout();
    expect(await erin.get_Status()).toBe(MISTATUS.MISTATUS_UNKNOWN);
    expect(await erin.get_FriendlyName()).toBe(ERIN);
  });
});

describe('core runtime: a sign-in while a list read is under way', () => {
  const BOB = 'bob@contoso.com';
  const ERIN = 'erin@contoso.com';
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

  /**
   * The memory backend behind a list that a test controls (Bob's listed name, whether Erin is listed)
   * and that can hold one answer, computed when asked, until released: a slow list read that a
   * sign-in overtakes.
   */
  const racing = () => {
    const list = { bobName: 'Bob Kelly', erinListed: false };
    let held: { release: () => void; done: Promise<void> } | undefined;
    const rig = wrappedMessenger(seed, (ports) => ({
      directory: override(ports.directory!, {
        listedContacts: async (names) => {
          const answer = await Promise.all(names.map(async (name) => {
            if (name === ERIN) return list.erinListed ? ports.directory!.lookup(ERIN) : null;
            const [entry] = await ports.directory!.listedContacts!([name]);
            return entry && name === BOB ? { ...entry, friendlyName: list.bobName } : entry ?? null;
          }));
          const hold = held;
          held = undefined;
          if (hold) await hold.done;
          return answer;
        },
      }),
    }));
    const holdNext = () => {
      let release!: () => void;
      const done = new Promise<void>((resolve) => { release = resolve; });
      held = { release, done };
      return release;
    };
    const signInAgain = async () => { await rig.msn.Signout(); await rig.msn.Signin(0, ANN, 'pw'); await settle(); };
    return { ...rig, list, holdNext, signInAgain };
  };

  test('the sign-in\'s read of the kept contacts, overtaken by a later sign-in, is not kept: the later read is (B587)', async () => {
    const { msn, list, holdNext, signInAgain } = racing();
    const bob = await msn.GetContact(BOB, '');
    await msn.Signout();
    const release = holdNext();
    list.bobName = 'Bob (renamed once)';
    const first = msn.Signin(0, ANN, 'pw'); // its read of Bob is held
    await settle();
    list.bobName = 'Bob (renamed twice)';
    await signInAgain();
    release();
    await first;
    expect(await bob.get_FriendlyName()).toBe('Bob (renamed twice)');
  });

  test('the sign-in\'s answer for a kept contact read again meanwhile is not applied over what came since (B375)', async () => {
    const { msn, list, holdNext, remote } = racing();
    const bob = await msn.GetContact(BOB, '');
    await msn.Signout();
    list.bobName = 'Bob (listed then)';
    const release = holdNext();
    const signin = msn.Signin(0, ANN, 'pw'); // its read of Bob is held
    await settle();
    expect(await bob.get_FriendlyName()).toBe('Bob (listed then)'); // read again now
    remote({ type: 'contactFriendlyName', signinName: BOB, friendlyName: 'Bob (renamed since)' });
    release();
    await signin;
    expect(await bob.get_FriendlyName()).toBe('Bob (renamed since)');
  });

  test('of two first reads of an earlier session\'s contact, the later answer is not applied over what came since (B375)', async () => {
    const { msn, list, holdNext, remote } = racing();
    const erin = await msn.GetContact(ERIN, '');
    await msn.Signout();
    await msn.Signin(0, ANN, 'pw');
    list.erinListed = true;
    const release = holdNext();
    const first = erin.get_FriendlyName(); // held
    await settle();
    expect(await erin.get_FriendlyName()).toBe(ERIN); // the second read, answered now
    remote({ type: 'contactFriendlyName', signinName: ERIN, friendlyName: 'Erin (renamed since)' });
    release();
    await first;
    expect(await erin.get_FriendlyName()).toBe('Erin (renamed since)');
  });

  test('a first read of an earlier session\'s contact, overtaken by a sign-in, is not kept: the next read asks again (B635)', async () => {
    const { msn, list, holdNext, signInAgain } = racing();
    const erin = await msn.GetContact(ERIN, '');
    await signInAgain();
    const release = holdNext();
    const read = erin.get_Status(); // Erin not listed, in an answer that is held
    await settle();
    list.erinListed = true;
    await signInAgain();
    release();
    await read;
    expect(await erin.get_Status()).toBe(MISTATUS.MISTATUS_ONLINE); // listed now; held as a stranger, MISTATUS_UNKNOWN
  });
});
