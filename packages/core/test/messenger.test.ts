/**
 * What the Messenger object hands to the backend and the edges the memory backend cannot show: the
 * arguments FindContact, ViewProfile, SendMail, OptionsPages and MediaWizard pass to the shell and
 * mail ports (the memory backend's are silent), a sign-in or name read that fails with something
 * other than a MessengerError, a backend without a contact list or groups, the Property defaults,
 * and a service id in another case (the memory backend's ports, some replaced: rig.ts).
 */
import {
  type BackendPorts, HR, hresultName, MCONTACTPROPERTY, MISTATUS, MMESSENGERPROPERTY, MOPTIONPAGE, MUASORT, messengerError,
} from '@imessenger/contract';
import { override, wrappedMessenger } from './rig';

const ANN = 'ann@contoso.com';
const seed = {
  signedIn: true,
  self: { signinName: ANN, password: 'pw' },
  contacts: [{ signinName: 'bob@contoso.com', status: MISTATUS.MISTATUS_ONLINE, email: 'bob.kelly@contoso.com' }],
  directory: [{ signinName: 'erin@contoso.com', status: MISTATUS.MISTATUS_ONLINE }],
};
const hr = (p: Promise<unknown>): Promise<string | undefined> => p.then(() => 'S_OK', (e: { hresult: number }) => hresultName(e.hresult));

describe('the Messenger object: what reaches the backend', () => {
  test('FindContact, ViewProfile, SendMail, OptionsPages and MediaWizard hand the backend what the caller gave', async () => {
    const calls: unknown[][] = [];
    const record = (name: string) => async (...args: unknown[]) => { calls.push([name, ...args]); };
    const { msn } = wrappedMessenger(seed, (ports) => ({
      shell: override(ports.shell!, { findContact: record('findContact'), viewProfile: record('viewProfile'), optionsPages: record('optionsPages'), mediaWizard: record('mediaWizard') }),
      mail: override(ports.mail!, { compose: record('compose') }),
    }));
    await msn.FindContact(0, 'Erin', 'Moss', 'Redmond', 'WA', 'US');
    await msn.FindContact(0, '', '', undefined, null as unknown as string, '');
    await msn.ViewProfile('erin@contoso.com');
    await msn.SendMail('bob@contoso.com');
    await msn.SendMail('erin@contoso.com');
    await msn.OptionsPages(0, MOPTIONPAGE.MOPT_PRIVACY_PAGE);
    await msn.MediaWizard(0);
    // B003: AddContact with no name opens the Add a Contact wizard (the client's contact search).
    await msn.AddContact(0, '');
    expect(calls).toEqual([
      ['findContact', { firstName: 'Erin', lastName: 'Moss', city: 'Redmond', state: 'WA', country: 'US' }],
      ['findContact', { firstName: '', lastName: '', city: undefined, state: undefined, country: undefined }],
      ['viewProfile', 'erin@contoso.com'],
      ['compose', 'bob.kelly@contoso.com'],
      ['compose', 'erin@contoso.com'],
      ['optionsPages', MOPTIONPAGE.MOPT_PRIVACY_PAGE],
      ['mediaWizard'],
      ['findContact', { firstName: '', lastName: '' }],
    ]);
    expect(await hr(msn.FindContact(0, 'Erin', 'Moss', undefined, undefined, 'Espa\u00f1a'))).toBe('E_INVALIDARG');
    expect(await hr(msn.FindContact(0, 'Erin', 'Moss', undefined, undefined, '~'))).toBe('S_OK');
  });

  test('a sign-in that fails with no HRESULT: OnSignin(E_FAIL) and the call\'s E_FAIL', async () => {
    const { msn, events } = wrappedMessenger({ ...seed, signedIn: false }, (ports) => ({
      session: override(ports.session, { signin: () => Promise.reject(new Error('The socket closed.')) }),
    }));
    expect(await hr(msn.Signin(0, ANN, 'pw'))).toBe('E_FAIL');
    expect(events).toEqual([['OnSignin', [HR.E_FAIL]]]);
  });

  test('B111 B112: MyFriendlyName is empty signed out, and E_FAIL when the local user is disconnected', async () => {
    const { msn } = wrappedMessenger(seed, (ports) => ({
      session: override(ports.session, { self: () => Promise.reject(messengerError('MSGR_E_DISCONNECTED', undefined, 'Lost.')) }),
    }));
    expect(await hr(msn.get_MyFriendlyName())).toBe('E_FAIL');
    const offline = wrappedMessenger({ ...seed, signedIn: false }).msn;
    expect(await offline.get_MyFriendlyName()).toBe('');
  });

  test('a backend without a contact list: MyContacts is empty; ContactsSortOrder needs the groups capability', async () => {
    const { msn } = wrappedMessenger(seed, () => ({ directory: undefined, groups: undefined } as Partial<BackendPorts>));
    expect(await (await msn.get_MyContacts()).get_Count()).toBe(0);
    expect(await hr(msn.get_ContactsSortOrder())).toBe('MSGR_E_GROUPS_NOT_ENABLED');
    expect(await hr(msn.put_ContactsSortOrder(MUASORT.MUASORT_GROUPS))).toBe('MSGR_E_GROUPS_NOT_ENABLED');
  });

  test('IMessenger3.Property: version 5.1.0701 and LCID 1033 unless the options say otherwise', async () => {
    const plain = wrappedMessenger(seed).msn;
    expect([await plain.get_Property(MMESSENGERPROPERTY.MMESSENGERPROP_VERSION), await plain.get_Property(MMESSENGERPROPERTY.MMESSENGERPROP_PLCID)]).toEqual(['5.1.0701', 1033]);
    const set = wrappedMessenger(seed, undefined, undefined, { version: '4.7.3001', lcid: 1031 }).msn;
    expect([await set.get_Property(MMESSENGERPROPERTY.MMESSENGERPROP_VERSION), await set.get_Property(MMESSENGERPROPERTY.MMESSENGERPROP_PLCID)]).toEqual(['4.7.3001', 1031]);
  });

  test('GetContact: a service id in another case is the same service; the self contact is not blocked, cannot be paged, and its e-mail is its sign-in name', async () => {
    const { msn } = wrappedMessenger(seed);
    const id = await msn.get_MyServiceId();
    const other = id === id.toLowerCase() ? id.toUpperCase() : id.toLowerCase();
    expect(other).not.toBe(id);
    const bob = await msn.GetContact('bob@contoso.com', other);
    expect(await bob.get_SigninName()).toBe('bob@contoso.com');
    const self = await msn.GetContact(ANN, id);
    expect([await self.get_Blocked(), await self.get_CanPage(), await self.get_Property(MCONTACTPROPERTY.MCONTACTPROP_EMAIL)]).toEqual([false, false, ANN]);
  });
});

describe('the Messenger object: what sign-in, conversations and CreateGroup hand the backend', () => {
  const BOB = 'bob@contoso.com';
  const pageable = {
    ...seed, contacts: [{ signinName: BOB, status: MISTATUS.MISTATUS_ONLINE, canPage: true, phones: { mobile: '+1 425 555 0100' } }],
  };

  test('AutoSignin (im-imessenger-autosignin.md: the stored account) asks the backend with empty credentials, not with missing ones', async () => {
    const requests: unknown[] = [];
    const { msn } = wrappedMessenger({ ...seed, signedIn: false }, (ports) => ({
      session: override(ports.session, { signin: (request) => { requests.push(request); return ports.session.signin(request); } }),
    }));
    await msn.AutoSignin();
    expect(requests).toEqual([{ signinName: '', password: '' }]);
  });

  test('B690: a sign-in rejected with nothing at all still reaches OnSignin, as E_FAIL', async () => {
    const { msn, events } = wrappedMessenger({ ...seed, signedIn: false }, (ports) => ({
      session: override(ports.session, { signin: () => Promise.reject(undefined) }),
    }));
    expect(await hr(msn.Signin(0, ANN, 'pw'))).toBe('E_FAIL');
    expect(events).toEqual([['OnSignin', [HR.E_FAIL]]]);
  });

  test('B003 B016: AddContact with NULL given as undefined opens the wizard like an empty name; signed out, nothing opens', async () => {
    const calls: unknown[] = [];
    const wrap = (ports: BackendPorts) => ({ shell: override(ports.shell!, { findContact: async (query) => { calls.push(query); } }) });
    await wrappedMessenger(seed, wrap).msn.AddContact(0, undefined as unknown as string);
    expect(calls).toEqual([{ firstName: '', lastName: '' }]);
    calls.length = 0;
    const offline = wrappedMessenger({ ...seed, signedIn: false }, wrap);
    expect(await hr(offline.msn.AddContact(0, ''))).toBe('S_OK');
    expect([calls, offline.events]).toEqual([[], []]);
  });

  /** A Messenger whose conversations port records every open; `fresh`: each open makes a new window, as a backend whose kinds are separate windows would. */
  const recording = (fresh = false) => {
    const opened: [string, string, { reuse?: string; detail?: string } | undefined][] = [];
    const rig = wrappedMessenger(pageable, (ports) => ({
      conversations: override(ports.conversations!, {
        open: (kind, name, options) => {
          opened.push([kind, name, options]);
          return ports.conversations!.open(kind, name, fresh ? { ...options, reuse: undefined } : options);
        },
      }),
    }));
    return { ...rig, opened };
  };

  test('each conversation member opens its own kind; B177 B193: NULL for a number or a file name sends none', async () => {
    const { msn, opened } = recording();
    const kinds: [string, () => Promise<unknown>][] = [
      ['im', () => msn.InstantMessage(BOB)], ['voice', () => msn.StartVoice(BOB)], ['video', () => msn.StartVideo(BOB)],
      ['page', () => msn.Page(BOB)], ['phone', () => msn.Phone(BOB, 2, null as unknown as string)],
      ['file', () => msn.SendFile(BOB, null as unknown as string)], ['app', () => msn.InviteApp(BOB, '{F1B1920C-6A3C-4ce7-B18C-AFAB305FD03D}')],
    ];
    for (const [, call] of kinds) await call();
    expect(opened.map(([kind]) => kind)).toEqual(kinds.map(([kind]) => kind));
    expect(opened.map(([, name]) => name)).toEqual(kinds.map(() => BOB));
    expect(opened.find(([kind]) => kind === 'phone')![2]?.detail).toBeUndefined();
    expect(opened.find(([kind]) => kind === 'file')![2]?.detail).toBeUndefined();
  });

  test('B075 B662: one window per contact: the same kind again returns it without asking the backend; another kind asks the backend to reuse it', async () => {
    const { msn, opened, events } = recording();
    const first = await msn.InstantMessage(BOB);
    expect(await msn.InstantMessage(BOB)).toBe(first);
    expect(opened).toHaveLength(1);
    expect(await msn.StartVoice(BOB)).toBe(first);
    expect(opened.map(([kind, , options]) => [kind, options?.reuse])).toEqual([['im', undefined], ['voice', first.record.id]]);
    // The backend gave the same window back: OnIMWindowCreated was raised once, for the first open.
    expect(events.filter(([name]) => name === 'OnIMWindowCreated')).toHaveLength(1);
  });

  test('B662: a backend that answers another kind with a new window: OnIMWindowCreated for that window too', async () => {
    const { msn, events } = recording(true);
    const im = await msn.InstantMessage(BOB);
    const voice = await msn.StartVoice(BOB);
    expect(voice).not.toBe(im);
    expect(events.filter(([name]) => name === 'OnIMWindowCreated').map(([, args]) => args[0])).toEqual([im, voice]);
  });

  describe('B640-B642: CreateGroup refused by the service after its own checks passed', () => {
    /** A groups port that makes the group (another client was quicker) and then refuses with `refusal`; the lookup after it fails when `lookupFails`. */
    const racing = (refusal: 'MSGR_E_GROUP_ALREADY_EXISTS' | 'MSGR_E_SERVER_TOO_BUSY', lookupFails = false) => {
      let lists = 0;
      return wrappedMessenger(seed, (ports) => ({
        groups: override(ports.groups!, {
          create: async (name, serviceId) => { await ports.groups!.create(name, serviceId); throw messengerError(refusal, undefined, 'Refused.'); },
          list: () => (lookupFails && ++lists > 1 ? Promise.reject(messengerError('E_FAIL', undefined, 'Lost.')) : ports.groups!.list()),
        }),
      }));
    };
    const inMyGroups = async (msn: ReturnType<typeof wrappedMessenger>['msn'], group: unknown) => {
      for await (const g of await msn.get_MyGroups()) if (g === group) return true;
      return false;
    };

    test('MSGR_E_GROUP_ALREADY_EXISTS: the group another client made under that name, in OnGroupAdded and as the result', async () => {
      const { msn, events } = racing('MSGR_E_GROUP_ALREADY_EXISTS');
      const group = await msn.CreateGroup('Friends', await msn.get_MyServiceId());
      expect(events.filter(([name]) => name === 'OnGroupAdded')).toEqual([['OnGroupAdded', [HR.MSGR_E_GROUP_ALREADY_EXISTS, group]]]);
      expect(await inMyGroups(msn, group)).toBe(true);
    });

    test('another refusal: the group that was not made, even though one of that name exists now', async () => {
      const { msn, events } = racing('MSGR_E_SERVER_TOO_BUSY');
      const group = await msn.CreateGroup('Friends', await msn.get_MyServiceId());
      expect(events.filter(([name]) => name === 'OnGroupAdded')).toEqual([['OnGroupAdded', [HR.MSGR_E_SERVER_TOO_BUSY, group]]]);
      expect(await inMyGroups(msn, group)).toBe(false);
    });

    test('MSGR_E_GROUP_ALREADY_EXISTS and the lookup fails: the group that was not made', async () => {
      const { msn, events } = racing('MSGR_E_GROUP_ALREADY_EXISTS', true);
      const group = await msn.CreateGroup('Friends', await msn.get_MyServiceId());
      expect(events.filter(([name]) => name === 'OnGroupAdded')).toEqual([['OnGroupAdded', [HR.MSGR_E_GROUP_ALREADY_EXISTS, group]]]);
      expect(await group.get_Name()).toBe('Friends');
    });
  });
});
