/**
 * DMessengerEvents raised by the other side (not by one of the caller's own calls): the events whose
 * trigger is a remote change. Events raised by the caller's own calls are checked in the suites of
 * those calls (CreateGroup -> OnGroupAdded, …).
 */
import { HR, MCONTACTPROPERTY, MESSENGER_EVENT_NAMES, MISTATUS, MPHONE_TYPE } from '@imessenger/contract';
import { BOB, CAROL, ERIN, KIT_SERVICE_ID } from '../fixture';
import { expectHr, type KitContext, type KitRun } from '../kit';

const trigger = (body: (k: KitContext) => Promise<void>) => body;

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
