/**
 * The emulated "other side" (OtherSide of packages/contract/src/testing.ts): the people and the
 * server the emulated client talks to. Each hook changes the state, then raises the event the
 * native client raises for it, synchronously (so by the time the returned promise settles, every
 * sink has been called), with the arguments in the documented order. Mirrors the in-memory
 * backend's hooks (adapters/memory/src/other-side.ts) together with core's handling of the remote
 * change (Runtime.onRemoteChange).
 */
import {
  type ContactRecord, HR, type HResultName, MCONTACTPROPERTY, type MISTATUS, type MPHONE_TYPE, type MUAFOLDER,
  type OtherSide,
} from '@imessenger/contract';
import { type Contact, closeAllWindows, contactByName, contactFor } from './objects';
import type { Session } from './session';
import { type UserState, keyOf, phoneKind, visibleStatus } from './state';

export function emulatedOtherSide(session: Session): OtherSide {
  const { state } = session;
  const S_OK = HR.S_OK;

  const userOf = (signinName: string): UserState => {
    const user = state.user(signinName);
    if (!user) throw new Error(`The emulated service has no user "${signinName}".`);
    return user;
  };

  const kindOf = (phoneType: MPHONE_TYPE) => {
    const kind = phoneKind(phoneType);
    if (!kind) throw new Error(`Phone type ${phoneType} names no single number.`);
    return kind;
  };

  /**
   * The contact a remote change is about, as the client knows it, with what it knew before: the
   * object already handed out, else (made now) a contact in the list. Someone neither handed out nor
   * listed is unknown to the client: no event. `before` is the user's record before the change.
   */
  const subject = (user: UserState, before: ContactRecord): { contact: Contact; before: ContactRecord } | undefined => {
    const known = session.contacts.get(keyOf(user.signinName));
    if (known) return { contact: known, before: known.record };
    if (!state.inList(user.signinName)) return undefined;
    return { contact: contactFor(session, state.record(user), true), before };
  };

  return {
    async contactStatus(signinName: string, status: MISTATUS) {
      const user = userOf(signinName);
      const before = state.record(user);
      user.status = status;
      const s = subject(user, before);
      // B635: only contacts in the contact list get status updates; B611: a removed one no longer does.
      if (!s?.contact.listed) return;
      // B374: a contact who goes invisible appears offline; B634: the same status again raises nothing.
      const visible = visibleStatus(status);
      if (visibleStatus(s.before.status) === visible) return;
      s.contact.record = { ...s.contact.record, status: visible };
      session.fire('OnContactStatusChange', s.contact.object, visible); // A07: the new status
    },

    async contactFriendlyName(signinName: string, friendlyName: string) {
      const user = userOf(signinName);
      const before = state.record(user);
      user.friendlyName = friendlyName;
      const s = subject(user, before);
      if (!s || s.before.friendlyName === friendlyName) return;
      s.contact.record = { ...s.contact.record, friendlyName };
      session.fire('OnContactFriendlyNameChange', S_OK, s.contact.object, s.before.friendlyName); // B585: the previous name
    },

    async contactPhone(signinName: string, phoneType: MPHONE_TYPE, number: string) {
      const user = userOf(signinName);
      const kind = kindOf(phoneType);
      const before = state.record(user);
      user.phones[kind] = number;
      const s = subject(user, before);
      if (!s) return;
      s.contact.record = { ...s.contact.record, phones: { ...s.contact.record.phones, [kind]: number } };
      session.fire('OnContactPhoneChange', S_OK, s.contact.object, phoneType, number);
    },

    async contactPager(signinName: string, canPage: boolean) {
      const user = userOf(signinName);
      const before = state.record(user);
      user.canPage = canPage;
      const s = subject(user, before);
      if (!s || s.before.canPage === canPage) return;
      s.contact.record = { ...s.contact.record, canPage };
      session.fire('OnContactPagerChange', S_OK, s.contact.object, canPage);
    },

    async contactEmail(signinName: string, email: string) {
      const user = userOf(signinName);
      const before = state.record(user);
      user.email = email;
      const s = subject(user, before);
      if (!s || s.before.email === email) return;
      s.contact.record = { ...s.contact.record, email };
      session.fire('OnContactPropertyChange', S_OK, s.contact.object, MCONTACTPROPERTY.MCONTACTPROP_EMAIL, email);
    },

    async contactLeavesConversations(signinName: string) {
      for (const window of [...session.windows.values()]) {
        const left = window.conversation.contacts.find((c) => keyOf(c) === keyOf(signinName));
        if (window.closed || left === undefined) continue;
        window.conversation.contacts = window.conversation.contacts.filter((c) => c !== left);
        session.fire('OnIMWindowContactRemoved', contactByName(session, left).object, window.object);
      }
    },

    async contactJoinsConversations(signinName: string) {
      const user = userOf(signinName);
      for (const window of [...session.windows.values()]) {
        const contacts = window.conversation.contacts;
        if (window.closed || contacts.some((c) => keyOf(c) === keyOf(user.signinName))) continue;
        contacts.push(user.signinName);
        session.fire('OnIMWindowContactAdded', contactByName(session, user.signinName).object, window.object);
      }
    },

    async conversationsClosed(signinName: string) {
      for (const window of [...session.windows.values()]) {
        if (window.closed || !window.conversation.contacts.some((c) => keyOf(c) === keyOf(signinName))) continue;
        state.conversations.delete(window.conversation.id);
        window.markClosed(); // OnIMWindowDestroyed (B664)
      }
    },

    async contactListAdd(signinName: string) {
      const user = userOf(signinName);
      if (state.inList(user.signinName)) return;
      state.data.contactList.push(keyOf(user.signinName));
      session.fire('OnContactListAdd', S_OK, contactFor(session, state.record(user), true).object);
    },

    async contactListRemove(signinName: string) {
      const user = userOf(signinName);
      if (!state.inList(user.signinName)) return;
      state.data.contactList = state.data.contactList.filter((k) => k !== keyOf(user.signinName));
      const contact = contactFor(session, state.record(user), false);
      session.fire('OnContactListRemove', S_OK, contact.object);
    },

    async myFriendlyName(friendlyName: string) {
      const previous = state.data.self.friendlyName;
      state.data.self.friendlyName = friendlyName;
      session.fire('OnMyFriendlyNameChange', S_OK, previous); // B666: the previous name
    },

    async myPhone(phoneType: MPHONE_TYPE, number: string) {
      state.data.self.phones[kindOf(phoneType)] = number;
      session.fire('OnMyPhoneChange', phoneType, number);
    },

    async appShutdown() {
      session.fire('OnAppShutdown');
    },

    async unreadEmail(folder: MUAFOLDER, count: number) {
      state.data.unreadEmail = count;
      // B705: the client shows no alert here, so pBoolfEnableDefault is passed as plain TRUE.
      session.fire('OnUnreadEmailChange', folder, count, true);
    },

    async signOut() {
      state.data.signedIn = false;
      closeAllWindows(session);
      session.fire('OnSignout');
    },

    failNextCall(hr: HResultName) { state.failNext(hr); },
  };
}
