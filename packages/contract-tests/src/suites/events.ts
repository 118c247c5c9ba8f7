/**
 * DMessengerEvents raised by the other side (not by one of the caller's own calls): the events whose
 * trigger is a remote change. Events raised by the caller's own calls are checked in the suites of
 * those calls (CreateGroup -> OnGroupAdded, …).
 */
import { HR, MCONTACTPROPERTY, MESSENGER_EVENT_NAMES, MISTATUS, MPHONE_TYPE } from '@imessenger/contract';
import { BOB, CAROL, DAVE, ERIN, KIT_SERVICE_ID } from '../fixture';
import { expectHr, type KitContext, type KitRun, settle } from '../kit';

const trigger = (body: (k: KitContext) => Promise<void>) => body;

/** The sign-in names in MyContacts, lower case, sorted. */
const listed = async (k: KitContext): Promise<string[]> => {
  const names: string[] = [];
  for await (const c of await k.msn.get_MyContacts()) names.push((await c.get_SigninName()).toLowerCase());
  return names.sort();
};

/** The 25 events of the DMessengerEvents page (B565). */
const DOCUMENTED_EVENTS = [
  'OnAppShutdown', 'OnContactAddedToGroup', 'OnContactBlockChange', 'OnContactFriendlyNameChange', 'OnContactListAdd',
  'OnContactListRemove', 'OnContactPagerChange', 'OnContactPhoneChange', 'OnContactPropertyChange', 'OnContactRemovedFromGroup',
  'OnContactStatusChange', 'OnGroupAdded', 'OnGroupNameChanged', 'OnGroupRemoved', 'OnIMWindowContactAdded',
  'OnIMWindowContactRemoved', 'OnIMWindowCreated', 'OnIMWindowDestroyed', 'OnMyFriendlyNameChange', 'OnMyPhoneChange',
  'OnMyPropertyChange', 'OnMyStatusChange', 'OnSignin', 'OnSignout', 'OnUnreadEmailChange',
];

export function eventSuites(run: KitRun): void {
  run.member('DMessengerEvents.OnContactPagerChange', trigger((k) => k.otherSide.contactPager(BOB, false)), (t) => {
    t.it('B614', 'a contact turning paging off raises OnContactPagerChange(S_OK, contact, false) and CanPage follows', async (k) => {
      const bob = await k.msn.GetContact(BOB, KIT_SERVICE_ID);
      expect(await bob.get_CanPage()).toBe(true);
      await k.otherSide.contactPager(BOB, false);
      await k.until(() => k.eventsNamed('OnContactPagerChange').length > 0, 'OnContactPagerChange');
      expect(k.eventsNamed('OnContactPagerChange')).toEqual([[HR.S_OK, bob, false]]);
      expect(await bob.get_CanPage()).toBe(false);
    });
  });

  run.member('DMessengerEvents.OnContactPropertyChange', trigger((k) => k.otherSide.contactEmail(BOB, 'bob@new.example')), (t) => {
    t.it('B622', 'a new e-mail address raises OnContactPropertyChange(S_OK, contact, MCONTACTPROP_EMAIL, address)', async (k) => {
      const bob = await k.msn.GetContact(BOB, KIT_SERVICE_ID);
      await k.otherSide.contactEmail(BOB, 'bob@new.example');
      await k.until(() => k.eventsNamed('OnContactPropertyChange').length > 0, 'OnContactPropertyChange');
      expect(k.eventsNamed('OnContactPropertyChange')).toEqual([[HR.S_OK, bob, MCONTACTPROPERTY.MCONTACTPROP_EMAIL, 'bob@new.example']]);
      expect(await bob.get_Property(MCONTACTPROPERTY.MCONTACTPROP_EMAIL)).toBe('bob@new.example');
    });
    t.it('B585 B614 B622', 'a contact\'s name, paging or e-mail set again to what it is changes nothing: no OnContactFriendlyNameChange, OnContactPagerChange or OnContactPropertyChange; a real change after it is reported', async (k) => {
      const bob = await k.msn.GetContact(BOB, KIT_SERVICE_ID);
      await k.otherSide.contactFriendlyName(BOB, 'Bob Kelly');
      await k.otherSide.contactPager(BOB, true);
      await k.otherSide.contactEmail(BOB, 'bob.kelly@contoso.com');
      await k.otherSide.contactPager(BOB, false);
      await k.until(() => k.eventsNamed('OnContactPagerChange').length > 0, 'OnContactPagerChange');
      await settle();
      expect(k.events.map((e) => e.name).filter((name) => name.startsWith('OnContact'))).toEqual(['OnContactPagerChange']);
      expect(k.eventsNamed('OnContactPagerChange')).toEqual([[HR.S_OK, bob, false]]);
    }, { needs: ['DMessengerEvents.OnContactFriendlyNameChange', 'DMessengerEvents.OnContactPagerChange'] });
  });

  run.member('DMessengerEvents.OnIMWindowContactRemoved', trigger((k) => k.otherSide.contactLeavesConversations(BOB)), (t) => {
    t.it('B659', 'a participant who leaves raises OnIMWindowContactRemoved(contact, window) and leaves the window\'s Contacts', async (k) => {
      const window = await k.msn.InstantMessage(BOB);
      await window.AddContact(CAROL);
      await k.otherSide.contactLeavesConversations(CAROL);
      await k.until(() => k.eventsNamed('OnIMWindowContactRemoved').length > 0, 'OnIMWindowContactRemoved');
      const carol = await k.msn.GetContact(CAROL, KIT_SERVICE_ID);
      expect(k.eventsNamed('OnIMWindowContactRemoved')).toEqual([[carol, window]]);
      const left = await window.get_Contacts();
      expect(await left.get_Count()).toBe(1);
      expect(await left.Item(0)).toBe(await k.msn.GetContact(BOB, KIT_SERVICE_ID));
    });
  });

  run.member('DMessengerEvents.OnMyFriendlyNameChange', trigger((k) => k.otherSide.myFriendlyName('Ann L.')), (t) => {
    t.it('B666 B667', 'a name changed elsewhere raises OnMyFriendlyNameChange(S_OK, previous name); MyFriendlyName reads the new one', async (k) => {
      await k.otherSide.myFriendlyName('Ann L.');
      await k.until(() => k.eventsNamed('OnMyFriendlyNameChange').length > 0, 'OnMyFriendlyNameChange');
      expect(k.eventsNamed('OnMyFriendlyNameChange')).toEqual([[HR.S_OK, 'Ann Lee']]);
      expect(await k.msn.get_MyFriendlyName()).toBe('Ann L.');
    });
  });

  run.member('DMessengerEvents.OnMyPhoneChange', trigger((k) => k.otherSide.myPhone(MPHONE_TYPE.MPHONE_TYPE_MOBILE, '+1 425 555 0177')), (t) => {
    t.it('B670', 'a phone number changed elsewhere raises OnMyPhoneChange(type, number); MyPhoneNumber reads it', async (k) => {
      await k.otherSide.myPhone(MPHONE_TYPE.MPHONE_TYPE_MOBILE, '+1 425 555 0177');
      await k.until(() => k.eventsNamed('OnMyPhoneChange').length > 0, 'OnMyPhoneChange');
      expect(k.eventsNamed('OnMyPhoneChange')).toEqual([[MPHONE_TYPE.MPHONE_TYPE_MOBILE, '+1 425 555 0177']]);
      expect(await k.msn.get_MyPhoneNumber(MPHONE_TYPE.MPHONE_TYPE_MOBILE)).toBe('+1 425 555 0177');
    });
  });

  run.member('DMessengerEvents.OnMyPropertyChange', (k) => k.msn.put_MyProperty(MCONTACTPROPERTY.MCONTACTPROP_EMAIL, 'ann@new.example'), (t) => {
    t.always('B673 A33', 'MyProperty is reserved: its put fails with E_INVALIDARG and OnMyPropertyChange is never raised', async (k) => {
      await expectHr(k.msn.put_MyProperty(MCONTACTPROPERTY.MCONTACTPROP_EMAIL, 'ann@new.example'), 'E_INVALIDARG', 'IMessenger.MyProperty');
      expect(k.eventsNamed('OnMyPropertyChange')).toEqual([]);
    });
  });

  run.member('DMessengerEvents.OnAppShutdown', trigger((k) => k.otherSide.appShutdown()), (t) => {
    t.it('B566', 'the client shutting down raises OnAppShutdown() with no arguments', async (k) => {
      await k.otherSide.appShutdown();
      await k.until(() => k.eventsNamed('OnAppShutdown').length > 0, 'OnAppShutdown');
      expect(k.eventsNamed('OnAppShutdown')).toEqual([[]]);
    });
    t.it('B567', 'no upgrade, no event: closing the main window (to the tray) and signing out raise no OnAppShutdown', async (k) => {
      await (await k.msn.get_Window()).Close();
      await k.msn.Signout();
      expect(k.eventsNamed('OnSignout')).toEqual([[]]);
      expect(k.eventsNamed('OnAppShutdown')).toHaveLength(0);
    }, { needs: ['IMessenger.Window'] });
  });

  run.member('DMessengerEvents.OnContactStatusChange', trigger((k) => k.otherSide.contactStatus(BOB, MISTATUS.MISTATUS_AWAY)), (t) => {
    t.it('B635', 'fires only for contacts in the contact list: not for ERIN (known, not listed), and for her once she is added', async (k) => {
      const erin = await k.msn.GetContact(ERIN, KIT_SERVICE_ID);
      const bob = await k.msn.GetContact(BOB, KIT_SERVICE_ID);
      await k.otherSide.contactStatus(ERIN, MISTATUS.MISTATUS_AWAY);
      // A later change of a listed contact marks the point by which ERIN's would have been reported.
      await k.otherSide.contactStatus(BOB, MISTATUS.MISTATUS_BUSY);
      await k.until(() => k.eventsNamed('OnContactStatusChange').length > 0, 'OnContactStatusChange');
      expect(k.eventsNamed('OnContactStatusChange')).toEqual([[bob, MISTATUS.MISTATUS_BUSY]]);
      await k.msn.AddContact(0, ERIN);
      k.clearEvents();
      await k.otherSide.contactStatus(ERIN, MISTATUS.MISTATUS_BUSY);
      await k.until(() => k.eventsNamed('OnContactStatusChange').length > 0, 'OnContactStatusChange for ERIN');
      expect(k.eventsNamed('OnContactStatusChange')).toEqual([[erin, MISTATUS.MISTATUS_BUSY]]);
    });
  });

  run.member('DMessengerEvents.OnContactListRemove', trigger(async (k) => { const c = await k.msn.get_MyContacts(); await c.Remove(await c.Item(0)); }), (t) => {
    t.it('B611', 'a removed contact stays a valid object (InstantMessage takes it) but gets no further status updates', async (k) => {
      const bob = await k.msn.GetContact(BOB, KIT_SERVICE_ID);
      const carol = await k.msn.GetContact(CAROL, KIT_SERVICE_ID);
      await (await k.msn.get_MyContacts()).Remove(bob);
      const window = await k.msn.InstantMessage(bob);
      expect(await (await window.get_Contacts()).Item(0)).toBe(bob);
      expect(await bob.get_SigninName()).toBe(BOB);
      await k.otherSide.contactStatus(BOB, MISTATUS.MISTATUS_AWAY);
      // A later change of a listed contact marks the point by which BOB's would have been reported.
      await k.otherSide.contactStatus(CAROL, MISTATUS.MISTATUS_BUSY);
      await k.until(() => k.eventsNamed('OnContactStatusChange').length > 0, 'OnContactStatusChange');
      expect(k.eventsNamed('OnContactStatusChange')).toEqual([[carol, MISTATUS.MISTATUS_BUSY]]);
      expect(await bob.get_Status()).toBe(MISTATUS.MISTATUS_ONLINE);
    }, { needs: ['IMessenger.InstantMessage'] });
  });

  // A legacy program often only listens: it never calls GetContact, so the first it hears of a contact
  // is the event (B633), and the object the event carries is the one GetContact gives afterwards.
  run.member('DMessengerEvents.OnContactStatusChange (never fetched)', trigger((k) => k.otherSide.contactStatus(CAROL, MISTATUS.MISTATUS_BUSY)), (t) => {
    t.it('B633 B635', 'a listed contact the program never fetched: OnContactStatusChange(contact, new status) once; not for a stranger never fetched', async (k) => {
      await k.otherSide.contactStatus(ERIN, MISTATUS.MISTATUS_AWAY);
      await k.otherSide.contactStatus(CAROL, MISTATUS.MISTATUS_BUSY);
      await k.until(() => k.eventsNamed('OnContactStatusChange').length > 0, 'OnContactStatusChange');
      const carol = await k.msn.GetContact(CAROL, KIT_SERVICE_ID);
      expect(k.eventsNamed('OnContactStatusChange')).toEqual([[carol, MISTATUS.MISTATUS_BUSY]]);
      expect(await carol.get_Status()).toBe(MISTATUS.MISTATUS_BUSY);
    });
    t.it('B634', 'never fetched: after the first change, the same status again raises nothing and the next change does', async (k) => {
      await k.otherSide.contactStatus(CAROL, MISTATUS.MISTATUS_BUSY);
      await k.until(() => k.eventsNamed('OnContactStatusChange').length > 0, 'the first OnContactStatusChange');
      await k.otherSide.contactStatus(CAROL, MISTATUS.MISTATUS_BUSY);
      await k.otherSide.contactStatus(CAROL, MISTATUS.MISTATUS_ONLINE);
      await k.until(() => k.eventsNamed('OnContactStatusChange').length > 1, 'the second OnContactStatusChange');
      const carol = await k.msn.GetContact(CAROL, KIT_SERVICE_ID);
      expect(k.eventsNamed('OnContactStatusChange')).toEqual([[carol, MISTATUS.MISTATUS_BUSY], [carol, MISTATUS.MISTATUS_ONLINE]]);
    });
    t.it('B374 B633', 'never fetched: a contact who goes invisible is reported as MISTATUS_OFFLINE', async (k) => {
      await k.otherSide.contactStatus(BOB, MISTATUS.MISTATUS_INVISIBLE);
      await k.until(() => k.eventsNamed('OnContactStatusChange').length > 0, 'OnContactStatusChange');
      const bob = await k.msn.GetContact(BOB, KIT_SERVICE_ID);
      expect(k.eventsNamed('OnContactStatusChange')).toEqual([[bob, MISTATUS.MISTATUS_OFFLINE]]);
      expect(await bob.get_Status()).toBe(MISTATUS.MISTATUS_OFFLINE);
    });
  });

  // Changes to the contact list made elsewhere (another client, the Add a Contact wizard, B003).
  run.member('DMessengerEvents.OnContactListAdd (remote)', trigger((k) => k.otherSide.contactListAdd(ERIN)), (t) => {
    t.it('B590', 'a contact added elsewhere: OnContactListAdd(S_OK, contact) once; MyContacts has them and their status changes are reported', async (k) => {
      await k.otherSide.contactListAdd(ERIN);
      await k.until(() => k.eventsNamed('OnContactListAdd').length > 0, 'OnContactListAdd');
      const erin = await k.msn.GetContact(ERIN, KIT_SERVICE_ID);
      expect(k.eventsNamed('OnContactListAdd')).toEqual([[HR.S_OK, erin]]);
      expect(await listed(k)).toEqual([BOB, CAROL, DAVE, ERIN].sort());
      expect(await erin.get_FriendlyName()).toBe('Erin Moss');
      await k.otherSide.contactStatus(ERIN, MISTATUS.MISTATUS_AWAY);
      await k.until(() => k.eventsNamed('OnContactStatusChange').length > 0, 'OnContactStatusChange for ERIN');
      expect(k.eventsNamed('OnContactStatusChange')).toEqual([[erin, MISTATUS.MISTATUS_AWAY]]);
    });
    t.it('B590 B635', 'a stranger the program holds (GetContact) and who is then added elsewhere: the same object, listed from then on', async (k) => {
      const erin = await k.msn.GetContact(ERIN, KIT_SERVICE_ID);
      expect(await listed(k)).toEqual([BOB, CAROL, DAVE].sort());
      await k.otherSide.contactListAdd(ERIN);
      await k.until(() => k.eventsNamed('OnContactListAdd').length > 0, 'OnContactListAdd');
      expect(k.eventsNamed('OnContactListAdd')).toEqual([[HR.S_OK, erin]]);
      const contacts = await k.msn.get_MyContacts();
      expect(await contacts.get_Count()).toBe(4);
      expect(await listed(k)).toEqual([BOB, CAROL, DAVE, ERIN].sort());
      // Listed now: the contact list's record, no longer a stranger's (A15).
      expect(await erin.get_FriendlyName()).toBe('Erin Moss');
      await k.otherSide.contactStatus(ERIN, MISTATUS.MISTATUS_BUSY);
      await k.until(() => k.eventsNamed('OnContactStatusChange').length > 0, 'OnContactStatusChange for ERIN');
      expect(k.eventsNamed('OnContactStatusChange')).toEqual([[erin, MISTATUS.MISTATUS_BUSY]]);
      expect(await erin.get_Status()).toBe(MISTATUS.MISTATUS_BUSY);
    });
  });

  run.member('DMessengerEvents.OnContactListRemove (remote)', trigger((k) => k.otherSide.contactListRemove(BOB)), (t) => {
    t.it('B603 B611', 'a contact removed elsewhere: OnContactListRemove(S_OK, contact) once; gone from MyContacts, no further status updates', async (k) => {
      const bob = await k.msn.GetContact(BOB, KIT_SERVICE_ID);
      const carol = await k.msn.GetContact(CAROL, KIT_SERVICE_ID);
      await k.otherSide.contactListRemove(BOB);
      await k.until(() => k.eventsNamed('OnContactListRemove').length > 0, 'OnContactListRemove');
      expect(k.eventsNamed('OnContactListRemove')).toEqual([[HR.S_OK, bob]]);
      expect(await listed(k)).toEqual([CAROL, DAVE].sort());
      await k.otherSide.contactStatus(BOB, MISTATUS.MISTATUS_AWAY);
      // A later change of a listed contact marks the point by which BOB's would have been reported.
      await k.otherSide.contactStatus(CAROL, MISTATUS.MISTATUS_BUSY);
      await k.until(() => k.eventsNamed('OnContactStatusChange').length > 0, 'OnContactStatusChange');
      expect(k.eventsNamed('OnContactStatusChange')).toEqual([[carol, MISTATUS.MISTATUS_BUSY]]);
    });
    t.it('B603', 'a contact the program never fetched, removed elsewhere: OnContactListRemove(S_OK, contact), the object GetContact then gives', async (k) => {
      await k.otherSide.contactListRemove(CAROL);
      await k.until(() => k.eventsNamed('OnContactListRemove').length > 0, 'OnContactListRemove');
      expect(k.eventsNamed('OnContactListRemove')).toEqual([[HR.S_OK, await k.msn.GetContact(CAROL, KIT_SERVICE_ID)]]);
      expect(await listed(k)).toEqual([BOB, DAVE].sort());
    });
  });

  // Conversations changed elsewhere: someone joins, the user closes the window in the client.
  run.member('DMessengerEvents.OnIMWindowContactAdded (remote)', trigger((k) => k.otherSide.contactJoinsConversations(CAROL)), (t) => {
    t.it('B656', 'a participant who joins from the other side raises OnIMWindowContactAdded(contact, window) and is in the window\'s Contacts', async (k) => {
      const window = await k.msn.InstantMessage(BOB);
      k.clearEvents();
      await k.otherSide.contactJoinsConversations(CAROL);
      await k.until(() => k.eventsNamed('OnIMWindowContactAdded').length > 0, 'OnIMWindowContactAdded');
      const carol = await k.msn.GetContact(CAROL, KIT_SERVICE_ID);
      expect(k.eventsNamed('OnIMWindowContactAdded')).toEqual([[carol, window]]);
      const members: unknown[] = [];
      for await (const c of await window.get_Contacts()) members.push(c);
      expect(members).toEqual([await k.msn.GetContact(BOB, KIT_SERVICE_ID), carol]);
      // The window now has two participants: it is no longer BOB's one-to-one window.
      expect(await k.msn.InstantMessage(BOB)).not.toBe(window);
    }, { needs: ['IMessenger.InstantMessage', 'IMessengerConversationWnd.Contacts'] });
  });

  run.member('DMessengerEvents.OnIMWindowDestroyed (remote)', trigger((k) => k.otherSide.conversationsClosed(BOB)), (t) => {
    t.it('B664', 'a window closed elsewhere raises OnIMWindowDestroyed(window) once; IsClosed is true and the next InstantMessage opens a new window', async (k) => {
      const window = await k.msn.InstantMessage(BOB);
      const other = await k.msn.InstantMessage(CAROL);
      k.clearEvents();
      await k.otherSide.conversationsClosed(BOB);
      await k.until(() => k.eventsNamed('OnIMWindowDestroyed').length > 0, 'OnIMWindowDestroyed');
      expect(k.eventsNamed('OnIMWindowDestroyed')).toEqual([[window]]);
      expect(await window.get_IsClosed()).toBe(true);
      expect(await other.get_IsClosed()).toBe(false);
      const again = await k.msn.InstantMessage(BOB);
      expect(again).not.toBe(window);
      expect(k.eventsNamed('OnIMWindowCreated')).toEqual([[again]]);
    }, { needs: ['IMessenger.InstantMessage', 'IMessengerWindow.IsClosed (conversation)'] });
  });

  run.member('DMessengerEvents (interface)', async (k) => k.msn.on('OnSignin', () => undefined), (t) => {
    t.it('B565', 'exactly the 25 documented events, and a listener can be added and removed for each', async (k) => {
      expect([...MESSENGER_EVENT_NAMES].sort()).toEqual([...DOCUMENTED_EVENTS].sort());
      for (const name of MESSENGER_EVENT_NAMES) {
        const off = k.msn.on(name, () => undefined);
        expect(typeof off).toBe('function');
        off();
      }
    });
  });
}
