/**
 * Core's contact, group and window objects where the memory backend would answer the same as core
 * (its own checks mask core's): ports that re-check nothing or that record their calls show what
 * core decides itself and what it hands the backend (rig.ts).
 */
import { type BackendPorts, HR, hresultName, MISTATUS, MPHONE_TYPE, MWINDOWPROPERTY, messengerError } from '@imessenger/contract';
import { override, wrappedMessenger } from './rig';

const ANN = 'ann@contoso.com';
const BOB = 'bob@contoso.com';
const DAVE = 'dave@contoso.com';
const seed = {
  signedIn: true,
  self: { signinName: ANN, password: 'pw' },
  contacts: [
    { signinName: BOB, status: MISTATUS.MISTATUS_ONLINE, phones: { custom: '+1 425 555 0199' } },
    { signinName: DAVE, status: MISTATUS.MISTATUS_ONLINE },
  ],
  groups: [{ name: 'Friends', members: [BOB] }, { name: 'Work', members: [] }],
};
const hr = (p: Promise<unknown>): Promise<string | undefined> => p.then(() => 'S_OK', (e: { hresult: number }) => hresultName(e.hresult));
const memberOf = (p: Promise<unknown>): Promise<string | undefined> => p.then(() => undefined, (e: { member?: string }) => e.member);

/** Groups ports that apply every change without checking anything, recording the calls. */
function laxGroups(calls: string[]) {
  return (ports: BackendPorts): Partial<BackendPorts> => ({
    groups: override(ports.groups!, {
      rename: async (_id, name) => { calls.push(`rename ${name}`); },
      addMember: async (id, name) => { calls.push(`addMember ${id} ${name}`); },
      removeMember: async (_id, name) => { calls.push(`removeMember ${name}`); },
    }),
  });
}

describe('groups: what core decides before the service', () => {
  const friends = async (msn: ReturnType<typeof wrappedMessenger>['msn']) => {
    for (const g of (await msn.get_MyGroups()).toArray()) if ((await g.get_Name()) === 'Friends') return g;
    throw new Error('no Friends group');
  };

  test('IMessengerGroup.Name put: renaming a group to the name it has asks nothing', async () => {
    const calls: string[] = [];
    const { msn, events } = wrappedMessenger(seed, laxGroups(calls));
    await (await friends(msn)).put_Name('Friends');
    expect([calls, events]).toEqual([[], []]);
  });

  test('IMessengerGroup.Name put: a name another group has (in another case) is refused before the service, in OnGroupNameChanged(MSGR_E_GROUP_ALREADY_EXISTS)', async () => {
    const calls: string[] = [];
    const { msn, events } = wrappedMessenger(seed, laxGroups(calls));
    const group = await friends(msn);
    await group.put_Name('WORK');
    expect(calls).toEqual([]);
    expect(events).toEqual([['OnGroupNameChanged', [HR.MSGR_E_GROUP_ALREADY_EXISTS, group]]]);
  });

  test('B414: renaming a group removed elsewhere is refused before the service', async () => {
    const calls: string[] = [];
    const { msn, ports, events } = wrappedMessenger(seed, laxGroups(calls));
    const group = await friends(msn);
    await ports.groups!.remove(group.record.id); // behind core's back
    // The call's own error, not an event's (outcomes.ts: B414 is the call's).
    expect(await hr(group.put_Name('Besties'))).toBe('MSGR_E_GROUP_DOES_NOT_EXIST');
    expect([calls, events]).toEqual([[], []]);
  });

  test('IMessengerGroup.AddContact: a member already in the group asks nothing and raises nothing', async () => {
    const calls: string[] = [];
    const { msn, events } = wrappedMessenger(seed, laxGroups(calls));
    await (await friends(msn)).AddContact(BOB.toUpperCase());
    expect([calls, events]).toEqual([[], []]);
  });

  test('B573 B630: a group removed through core, or never made, refuses members before the service', async () => {
    const calls: string[] = [];
    const { msn, events } = wrappedMessenger(seed, (ports) => ({
      groups: override(laxGroups(calls)(ports).groups!, { create: () => Promise.reject(messengerError('MSGR_E_SERVER_TOO_BUSY', undefined, 'Busy.')) }),
    }));
    const group = await friends(msn);
    await (await msn.get_MyGroups()).Remove(group);
    const unmade = await msn.CreateGroup('New', await msn.get_MyServiceId());
    events.length = 0;
    for (const g of [group, unmade]) {
      await g.AddContact(DAVE);
      await g.RemoveContact(BOB);
    }
    expect(calls).toEqual([]);
    expect(events.map(([name, args]) => `${name} ${hresultName(args[0] as number)}`)).toEqual([
      'OnContactAddedToGroup MSGR_E_GROUP_DOES_NOT_EXIST', 'OnContactRemovedFromGroup MSGR_E_GROUP_DOES_NOT_EXIST',
      'OnContactAddedToGroup MSGR_E_GROUP_DOES_NOT_EXIST', 'OnContactRemovedFromGroup MSGR_E_GROUP_DOES_NOT_EXIST',
    ]);
  });

  test('B629: removing someone who is not a member, on a backend without a directory: not a member', async () => {
    const { msn, events } = wrappedMessenger(seed, () => ({ directory: undefined } as Partial<BackendPorts>));
    const group = await friends(msn);
    await group.RemoveContact(DAVE);
    expect(events.map(([name, args]) => `${name} ${hresultName(args[0] as number)}`)).toEqual(['OnContactRemovedFromGroup MSGR_E_USER_NOT_GROUP_MEMBER']);
  });

  test('Contacts.Remove on a group\'s collection drops the contact from that collection; signed out the collection is empty', async () => {
    const { msn } = wrappedMessenger(seed);
    const group = await friends(msn);
    const members = await group.get_Contacts();
    expect(await members.get_Count()).toBe(1);
    await members.Remove(await members.Item(0));
    expect(await members.get_Count()).toBe(0);
    const other = wrappedMessenger(seed).msn;
    const kept = await friends(other);
    await other.Signout();
    expect(await (await kept.get_Contacts()).get_Count()).toBe(0); // B435: signed out, groups show nobody
  });

  test('IMessengerGroup.Name put: a new case of its own name is no clash; IMessengerGroup.AddContact adds someone new to a group with members', async () => {
    const calls: string[] = [];
    const { msn } = wrappedMessenger(seed, laxGroups(calls));
    const group = await friends(msn);
    await group.put_Name('FRIENDS');
    await group.AddContact(DAVE);
    expect(calls).toEqual(['rename FRIENDS', `addMember ${group.record.id} ${DAVE}`]);
  });
});

describe('contacts', () => {
  test('B323: Blocked put with something other than a boolean -> E_INVALIDARG', async () => {
    const { msn } = wrappedMessenger(seed);
    expect(await hr((await msn.GetContact(BOB, '')).put_Blocked('yes' as never))).toBe('E_INVALIDARG');
  });

  test('B350: PhoneNumber(MPHONE_TYPE_CUSTOM) is E_FAIL even for a contact with a custom number, which Phone uses', async () => {
    const { msn } = wrappedMessenger(seed);
    const bob = await msn.GetContact(BOB, '');
    expect(await hr(bob.get_PhoneNumber(MPHONE_TYPE.MPHONE_TYPE_CUSTOM))).toBe('E_FAIL');
    expect(await hr(msn.Phone(BOB, MPHONE_TYPE.MPHONE_TYPE_CUSTOM, ''))).toBe('S_OK');
    expect(await hr(msn.Phone(DAVE, MPHONE_TYPE.MPHONE_TYPE_CUSTOM, ''))).toBe('MSGR_E_PHONE_INVALID_NUMBER');
  });

  test('the self contact\'s reads that fail name their member', async () => {
    // GetContact itself asks self(): reach the self contact through a roster, self() failing after sign-in.
    const late = wrappedMessenger({ ...seed, groups: [{ name: 'Me', members: [ANN] }] }, (ports) => {
      let calls = 0;
      return { session: override(ports.session, { self: () => (++calls > 1 ? Promise.reject(new Error('lost')) : ports.session.self()) }) };
    });
    const me = await (await (await late.msn.get_MyGroups()).Item(0)).get_Contacts();
    const ann = await me.Item(0);
    expect(await memberOf(ann.get_FriendlyName())).toBe('IMessengerContact.FriendlyName');
    expect(await memberOf(ann.get_Status())).toBe('IMessengerContact.Status');
    expect(await memberOf(ann.get_CanPage())).toBe('IMessengerContact.CanPage');
    expect(await memberOf(ann.get_Blocked())).toBe('IMessengerContact.Blocked');
  });
});

describe('windows', () => {
  test('a closed conversation window: HWND fails naming its member; Close again asks the backend nothing', async () => {
    const closes: string[] = [];
    const { msn } = wrappedMessenger(seed, (ports) => ({
      conversations: override(ports.conversations!, { close: async (id) => { closes.push(id); return ports.conversations!.close(id); } }),
    }));
    const w = await msn.InstantMessage(BOB);
    await w.Close();
    await w.Close();
    expect(closes).toHaveLength(1);
    expect(await memberOf(w.get_HWND())).toBe('IMessengerWindow.HWND');
  });

  test('a participant already in the conversation is not added again, whoever else is in it', async () => {
    const added: string[] = [];
    const { msn } = wrappedMessenger(seed, (ports) => ({
      conversations: override(ports.conversations!, { addParticipant: async (id, name) => { added.push(name); return ports.conversations!.addParticipant(id, name); } }),
    }));
    const w = await msn.InstantMessage(BOB);
    await w.AddContact(BOB.toUpperCase());
    await w.AddContact(DAVE);
    await w.AddContact(BOB);
    expect(added).toEqual([DAVE]);
  });

  test('B664: a window closed here and then by the other side is destroyed once', async () => {
    const { msn, events, remote } = wrappedMessenger(seed);
    const w = await msn.InstantMessage(BOB);
    await w.Close();
    remote({ type: 'windowClosed', windowId: w.record.id });
    w.markClosed();
    expect(events.filter(([name]) => name === 'OnIMWindowDestroyed')).toEqual([['OnIMWindowDestroyed', [w]]]);
  });

  test('IMessengerWindow.Property (B521, B522): the sidebar and the toolbar are shown until put; a value that is no boolean -> E_INVALIDARG', async () => {
    const { msn } = wrappedMessenger(seed);
    const w = await msn.InstantMessage(BOB);
    expect([await w.get_Property(MWINDOWPROPERTY.MWINDOWPROP_VIEW_SIDEBAR), await w.get_Property(MWINDOWPROPERTY.MWINDOWPROP_VIEW_TOOLBAR)]).toEqual([true, true]);
    await w.put_Property(MWINDOWPROPERTY.MWINDOWPROP_VIEW_TOOLBAR, false);
    expect(await w.get_Property(MWINDOWPROPERTY.MWINDOWPROP_VIEW_TOOLBAR)).toBe(false);
    expect(await hr(w.put_Property(MWINDOWPROPERTY.MWINDOWPROP_VIEW_SIDEBAR, 1 as never))).toBe('E_INVALIDARG');
  });

  test('a video window carries the conversation\'s join link', async () => {
    const { msn } = wrappedMessenger(seed);
    expect((await msn.StartVideo(BOB)).joinUrl).toMatch(/^memory:\/\/conversation\//);
  });

  test('the main window\'s Show and a conversation window\'s Close name their members when the backend fails', async () => {
    const { msn } = wrappedMessenger(seed, (ports) => ({
      shell: override(ports.shell!, { show: () => Promise.reject(new Error('no shell')) }),
      conversations: override(ports.conversations!, { close: () => Promise.reject(new Error('lost')) }),
    }));
    expect(await memberOf((await msn.get_Window()).Show())).toBe('IMessengerWindow.Show');
    expect(await memberOf((await msn.InstantMessage(BOB)).Close())).toBe('IMessengerWindow.Close');
  });
});

describe('collections', () => {
  test('Remove(undefined) is Remove(NULL): E_POINTER, for contacts and groups; a window\'s participants cannot be removed (E_NOTIMPL)', async () => {
    const { msn } = wrappedMessenger(seed);
    expect(await hr((await msn.get_MyContacts()).Remove(undefined as never))).toBe('E_POINTER');
    expect(await hr((await msn.get_MyGroups()).Remove(undefined as never))).toBe('E_POINTER');
    const participants = await (await msn.InstantMessage(BOB)).get_Contacts();
    expect(await hr(participants.Remove(await participants.Item(0)))).toBe('E_NOTIMPL');
  });

  test('_NewEnum\'s enumerator is itself async-iterable (for await over it walks the snapshot)', async () => {
    const { msn } = wrappedMessenger(seed);
    const names: string[] = [];
    for await (const c of await (await msn.get_MyContacts()).get__NewEnum()) names.push(await c.get_SigninName());
    expect(names).toEqual([BOB, DAVE]);
  });
});

describe('a second service', () => {
  const PRIMARY = '{9b017612-c9f1-11d2-8d9f-0000f875c541}';
  const SECOND = '{83d4679e-b6d7-11d2-bf36-00c04fb90a03}';
  const twoServices = { ...seed, services: [{ id: PRIMARY, name: '.NET Messenger Service', primary: true }, { id: SECOND, name: 'Exchange Instant Messaging' }] };

  test('a contact and a group of the non-primary service name that service, not the primary', async () => {
    const { msn } = wrappedMessenger(twoServices, (ports) => ({
      directory: override(ports.directory!, {
        listedContacts: async (names) => (await ports.directory!.listedContacts!(names)).map((r) => r && { ...r, serviceId: SECOND }),
      }),
      groups: override(ports.groups!, { list: async () => (await ports.groups!.list()).map((g) => ({ ...g, serviceId: SECOND })) }),
    }));
    const bob = await msn.GetContact(BOB, '');
    expect(await bob.get_ServiceName()).toBe('Exchange Instant Messaging');
    bob.record = { ...bob.record, serviceId: '{00000000-0000-0000-0000-000000000000}' }; // a service the backend no longer lists
    expect(await bob.get_ServiceName()).toBe('.NET Messenger Service');
    const group = await (await msn.get_MyGroups()).Item(0);
    expect(await (await group.get_Service()).get_ServiceName()).toBe('Exchange Instant Messaging');
  });
});
