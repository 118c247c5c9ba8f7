/**
 * Objects are live: a contact or group object a program keeps shows the state as it is now, not as
 * it was when the object was read. The self contact (GetContact(MySigninName, MyServiceId)) reads
 * the session's own status and name; any contact shows a remote change, a write made through
 * another object or collection of the same identity, and what changed while signed out once signed
 * in again, reported by the events the pages give at sign-in (B587, B634); a group shows a rename and a membership change made through any object for it.
 * Rules: docs/BEHAVIOUR.md.
 */
import { HR, MCONTACTPROPERTY, MISTATUS, MPHONE_TYPE } from '@imessenger/contract';
import type { MessengerContact, MessengerGroups } from '@imessenger/core';
import { BOB, CAROL, DAVE, KIT_PASSWORD, KIT_SELF, KIT_SERVICE_ID } from '../fixture';
import { groupNamed, type KitContext, type KitRun, memberNames, settle } from '../kit';

const contactOf = (k: KitContext, name: string): Promise<MessengerContact> => k.msn.GetContact(name, KIT_SERVICE_ID);
/** The self contact, the way the pages name it: GetContact(MySigninName, MyServiceId). */
const selfContact = async (k: KitContext): Promise<MessengerContact> =>
  k.msn.GetContact(await k.msn.get_MySigninName(), await k.msn.get_MyServiceId());

export function liveSuites(run: KitRun): void {
  // ---- the self contact ------------------------------------------------------------------------

  run.member('IMessengerContact.Status', async (k) => (await selfContact(k)).get_Status(), (t) => {
    t.it('B373 B677', 'the self contact kept from GetContact(MySigninName, MyServiceId) reads each status MyStatus put sets, as MyStatus does', async (k) => {
      const self = await selfContact(k);
      expect(await self.get_Status()).toBe(MISTATUS.MISTATUS_ONLINE);
      const plan = [MISTATUS.MISTATUS_BUSY, MISTATUS.MISTATUS_AWAY, MISTATUS.MISTATUS_BE_RIGHT_BACK, MISTATUS.MISTATUS_ONLINE]
        .filter((s) => k.refusedStatus(s) === undefined);
      expect(plan.length).toBeGreaterThan(1);
      for (const status of plan) {
        await k.msn.put_MyStatus(status);
        expect(await self.get_Status()).toBe(status);
        expect(await self.get_Status()).toBe(await k.msn.get_MyStatus());
      }
      expect(await selfContact(k)).toBe(self);
    }, { needs: ['IMessenger.MyStatus'] });
    t.it('B677 B233', 'the kept self contact reads MISTATUS_OFFLINE once signed out (OnMyStatusChange at sign-out), and the session\'s status after the next sign-in', async (k) => {
      const self = await selfContact(k);
      await k.msn.Signout();
      expect(await self.get_Status()).toBe(MISTATUS.MISTATUS_OFFLINE);
      expect(await self.get_Status()).toBe(await k.msn.get_MyStatus());
      await k.msn.Signin(0, KIT_SELF, KIT_PASSWORD);
      expect(await self.get_Status()).toBe(await k.msn.get_MyStatus());
      expect(await self.get_Status()).not.toBe(MISTATUS.MISTATUS_OFFLINE);
    });
    t.it('B375 B633 B634', 'a kept contact whose status changed while the client was signed out: no event signed out; at the next sign-in OnContactStatusChange(contact, new status) once, after the OnMyStatusChange that completes it, and Status reads it', async (k) => {
      const bob = await contactOf(k, BOB);
      await k.msn.Signout();
      await k.otherSide.contactStatus(BOB, MISTATUS.MISTATUS_AWAY);
      await settle();
      expect(k.eventsNamed('OnContactStatusChange')).toEqual([]);
      k.clearEvents();
      await k.msn.Signin(0, KIT_SELF, KIT_PASSWORD);
      await k.until(() => k.eventsNamed('OnContactStatusChange').length > 0, 'OnContactStatusChange');
      expect(k.eventsNamed('OnContactStatusChange')).toEqual([[bob, MISTATUS.MISTATUS_AWAY]]);
      expect(k.events.map((e) => e.name)).toEqual(['OnSignin', 'OnMyStatusChange', 'OnContactStatusChange']);
      expect(await bob.get_Status()).toBe(MISTATUS.MISTATUS_AWAY);
      expect(await contactOf(k, BOB)).toBe(bob);
      await settle();
      expect(k.eventsNamed('OnContactStatusChange')).toHaveLength(1);
    });
    t.it('B375 B390', 'a contact kept from GetContact and the one MyContacts.Item gives are one object: a remote change shows on both', async (k) => {
      const kept = await contactOf(k, BOB);
      const list = await k.msn.get_MyContacts();
      let listed: MessengerContact | undefined;
      for await (const c of list) if ((await c.get_SigninName()).toLowerCase() === BOB) listed = c;
      expect(listed).toBe(kept);
      await k.otherSide.contactStatus(BOB, MISTATUS.MISTATUS_BUSY);
      await k.until(() => k.eventsNamed('OnContactStatusChange').length > 0, 'OnContactStatusChange');
      expect(await kept.get_Status()).toBe(MISTATUS.MISTATUS_BUSY);
      // Reading the list again changes nothing it does not know: the kept object keeps the current status.
      await k.msn.get_MyContacts();
      expect(await kept.get_Status()).toBe(MISTATUS.MISTATUS_BUSY);
    });
  });

  run.member('IMessengerContact.FriendlyName', async (k) => (await selfContact(k)).get_FriendlyName(), (t) => {
    t.it('B587 B585', 'a kept contact renamed while the client was signed out: no event signed out; at the next sign-in OnContactFriendlyNameChange(S_OK, contact, previous name) once, after the OnMyStatusChange that completes it, and FriendlyName reads the new name', async (k) => {
      const bob = await contactOf(k, BOB);
      const carol = await contactOf(k, CAROL);
      await k.msn.Signout();
      await k.otherSide.contactFriendlyName(BOB, 'Robert Kelly');
      await settle();
      expect(k.eventsNamed('OnContactFriendlyNameChange')).toEqual([]);
      k.clearEvents();
      await k.msn.Signin(0, KIT_SELF, KIT_PASSWORD);
      await k.until(() => k.eventsNamed('OnContactFriendlyNameChange').length > 0, 'OnContactFriendlyNameChange');
      expect(k.eventsNamed('OnContactFriendlyNameChange')).toEqual([[HR.S_OK, bob, 'Bob Kelly']]);
      // CAROL, kept too, changed nothing: no event for her.
      expect(k.events.map((e) => e.name)).toEqual(['OnSignin', 'OnMyStatusChange', 'OnContactFriendlyNameChange']);
      expect(await bob.get_FriendlyName()).toBe('Robert Kelly');
      expect(await carol.get_FriendlyName()).toBe('Carol Diaz');
      await settle();
      expect(k.eventsNamed('OnContactFriendlyNameChange')).toHaveLength(1);
    });
    t.it('B614 B618 B622 B587', 'a kept contact\'s phone, pager and e-mail changed while the client was signed out: no event then, none at the next sign-in (those pages give no sign-in event), and the contact reads the new values', async (k) => {
      const bob = await contactOf(k, BOB);
      await k.msn.Signout();
      await k.otherSide.contactPhone(BOB, MPHONE_TYPE.MPHONE_TYPE_WORK, '+1 425 555 0111');
      await k.otherSide.contactPager(BOB, false);
      await k.otherSide.contactEmail(BOB, 'bob@new.example');
      await settle();
      await k.msn.Signin(0, KIT_SELF, KIT_PASSWORD);
      await settle();
      expect(k.events.map((e) => e.name).filter((name) => /^OnContact(Phone|Pager|Property)Change$/.test(name))).toEqual([]);
      expect(await bob.get_PhoneNumber(MPHONE_TYPE.MPHONE_TYPE_WORK)).toBe('+1 425 555 0111');
      expect(await bob.get_CanPage()).toBe(false);
      expect(await bob.get_Property(MCONTACTPROPERTY.MCONTACTPROP_EMAIL)).toBe('bob@new.example');
    }, { needs: ['DMessengerEvents.OnContactPhoneChange', 'DMessengerEvents.OnContactPagerChange', 'DMessengerEvents.OnContactPropertyChange'] });
    t.it('B666 B585', 'the kept self contact reads the new name after a rename elsewhere (OnMyFriendlyNameChange), as MyFriendlyName does', async (k) => {
      const self = await selfContact(k);
      expect(await self.get_FriendlyName()).toBe('Ann Lee');
      await k.otherSide.myFriendlyName('Ann L.');
      await k.until(() => k.eventsNamed('OnMyFriendlyNameChange').length > 0, 'OnMyFriendlyNameChange');
      expect(await self.get_FriendlyName()).toBe('Ann L.');
      expect(await self.get_FriendlyName()).toBe(await k.msn.get_MyFriendlyName());
    });
  });

  // ---- writes through another object of the same identity -----------------------------------------

  run.member('IMessengerContact.Blocked', async (k) => (await contactOf(k, BOB)).put_Blocked(true), (t) => {
    t.it('B314 B322', 'a kept contact shows a Blocked put made through the object MyContacts.Item gave for it', async (k) => {
      const kept = await contactOf(k, BOB);
      const list = await k.msn.get_MyContacts();
      for (let i = 0; i < (await list.get_Count()); i++) {
        const c = await list.Item(i);
        if ((await c.get_SigninName()).toLowerCase() === BOB) await c.put_Blocked(true);
      }
      expect(await kept.get_Blocked()).toBe(true);
      expect(k.eventsNamed('OnContactBlockChange')).toEqual([[HR.S_OK, kept, true]]);
    });
  });

  run.member('IMessengerGroup.Name', async (k) => (await groupNamed(k, 'Coworkers')).get_Name(), (t) => {
    t.it('B645 B646 B354', 'a kept group shows a rename made through the object a contact\'s Property(MCONTACTPROP_GROUPS_PROPERTY) gave for it', async (k) => {
      const kept = await groupNamed(k, 'Coworkers');
      const bobGroups = await (await contactOf(k, BOB)).get_Property(MCONTACTPROPERTY.MCONTACTPROP_GROUPS_PROPERTY) as MessengerGroups;
      const other = await bobGroups.Item(0);
      expect(other).toBe(kept);
      await other.put_Name('Team');
      expect(await kept.get_Name()).toBe('Team');
      expect(k.eventsNamed('OnGroupNameChanged')).toEqual([[HR.S_OK, kept]]);
      expect(await groupNamed(k, 'Team')).toBe(kept);
    }, { needs: ['IMessenger2.MyGroups', 'IMessengerContact.Property'] });
  });

  run.member('IMessengerGroup.Contacts', async (k) => (await groupNamed(k, 'Friends')).get_Contacts(), (t) => {
    t.it('B408 B570 B627', 'a kept group shows members added and removed through the object a second MyGroups gave for it', async (k) => {
      const kept = await groupNamed(k, 'Friends');
      const again = await groupNamed(k, 'Friends');
      expect(again).toBe(kept);
      await again.AddContact(DAVE);
      expect(await memberNames(kept)).toEqual([DAVE]);
      await again.RemoveContact(DAVE);
      expect(await memberNames(kept)).toEqual([]);
    }, { needs: ['IMessenger2.MyGroups', 'IMessengerGroup.AddContact', 'IMessengerGroup.RemoveContact'] });
  });
}
