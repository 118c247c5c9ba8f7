/**
 * The other side of the wire, for tests: what the conformance kit asks a backend's test fixture to
 * make happen (another user changes status, the server fails the next call). Backends implement it
 * on their fake (memory: in-process; Graph: the fake tenant; COM: the emulator).
 */
import type { MISTATUS, MPHONE_TYPE, MUAFOLDER } from './enums';
import type { HResultName } from './hresult';

export interface OtherSide {
  /** A contact's presence changes (they sign in, go away, …). */
  contactStatus(signinName: string, status: MISTATUS): Promise<void>;
  /** A contact changes their display name. */
  contactFriendlyName(signinName: string, friendlyName: string): Promise<void>;
  /** A contact changes a phone number. */
  contactPhone(signinName: string, phoneType: MPHONE_TYPE, number: string): Promise<void>;
  /** A contact turns mobile (paging) services on or off. */
  contactPager(signinName: string, canPage: boolean): Promise<void>;
  /** A contact's e-mail address (MCONTACTPROP_EMAIL) changes. */
  contactEmail(signinName: string, email: string): Promise<void>;
  /** A contact leaves every open conversation they are in. */
  contactLeavesConversations(signinName: string): Promise<void>;
  /** A contact joins every open conversation (someone in it invited them): OnIMWindowContactAdded. */
  contactJoinsConversations(signinName: string): Promise<void>;
  /** Every open conversation window with this contact is closed outside the program (the user closes it): OnIMWindowDestroyed. */
  conversationsClosed(signinName: string): Promise<void>;
  /** A user of the service is added to the contact list elsewhere (another client, the Add a Contact wizard): OnContactListAdd. */
  contactListAdd(signinName: string): Promise<void>;
  /** A contact is removed from the contact list elsewhere: OnContactListRemove. */
  contactListRemove(signinName: string): Promise<void>;
  /** The user's own display name is changed elsewhere (another client, the directory). */
  myFriendlyName(friendlyName: string): Promise<void>;
  /** One of the user's own phone numbers is changed elsewhere. */
  myPhone(phoneType: MPHONE_TYPE, number: string): Promise<void>;
  /** The client application shuts down. */
  appShutdown(): Promise<void>;
  /** New mail arrives (or is read): the unread count of a folder becomes `count`. */
  unreadEmail(folder: MUAFOLDER, count: number): Promise<void>;
  /** The server signs the user out (another sign-in elsewhere, shutdown). */
  signOut(): Promise<void>;
  /** The next backend call fails with this HRESULT (then calls succeed again). */
  failNextCall(hr: HResultName): void;
}
