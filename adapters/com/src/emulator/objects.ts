/**
 * The objects the Messenger object hands out: MessengerContact, MessengerGroup, MessengerService,
 * the conversation windows and the main window. Each mirrors its core counterpart
 * (packages/core/src/objects) synchronously, with the same checks in the same order, and is
 * interned in the session so that the same contact, group, service or window is always the same
 * object (GetContact, every collection and every event agree).
 */
import {
  type ContactRecord, HR, MCONTACTPROPERTY, MISTATUS, MPHONE_TYPE, MWINDOWPROPERTY, type ServiceRecord, messengerError,
} from '@imessenger/contract';
import { rules } from '@imessenger/core';
import type { AutomationObject } from '../dispatch';
import { automationObject } from './automation';
import { contactsCollection } from './collections';
import type { Session } from './session';
import { type ConversationState, type Geometry, type GroupState, keyOf, phoneOf, visibleStatus } from './state';

const S_OK = HR.S_OK;

// ---- contacts ------------------------------------------------------------------------------------

export class Contact {
  readonly object: AutomationObject;
  /** In the contact list: only listed contacts get status updates (B611, B635). */
  listed = false;

  constructor(private readonly session: Session, public record: ContactRecord) {
    const { state } = session;
    this.object = automationObject<'IMessengerContact'>(session, {
      get: {
        Blocked: () => state.signedIn && this.record.blocked, // B323: offline, always FALSE
        CanPage: () => state.signedIn && this.record.canPage, // B331: offline, always FALSE
        FriendlyName: () => this.record.friendlyName,
        IsSelf: () => state.signedIn && state.isSelf(this.record.signinName), // B342
        ServiceID: () => this.record.serviceId,
        ServiceName: () => (state.service(this.record.serviceId) ?? state.primaryService()).name,
        SigninName: () => this.record.signinName,
        Status: () => visibleStatus(this.record.status), // B374: never MISTATUS_INVISIBLE
      },
      put: { Blocked: (value) => this.putBlocked(value) },
      call: {
        PhoneNumber: (type) => this.phoneNumber(type),
        Property: (type) => this.property(type),
      },
    });
    session.owners.set(this.object, this);
  }

  private putBlocked(value: unknown): void {
    const member = 'IMessengerContact.Blocked';
    if (typeof value !== 'boolean') throw messengerError('E_INVALIDARG', member, 'vBoolBlock must be a boolean.');
    this.session.requireSignedIn(member);
    if (this.record.blocked === value) return; // S_FALSE: nothing changes, no event.
    const user = this.session.state.user(this.record.signinName);
    if (!user) throw messengerError('MSGR_E_USER_NOT_FOUND', member, `No user "${this.record.signinName}" on this service.`);
    user.blocked = value;
    this.record = { ...this.record, blocked: value };
    this.session.fire('OnContactBlockChange', S_OK, this.object, value);
  }

  private phoneNumber(type: unknown): string {
    const member = 'IMessengerContact.PhoneNumber';
    const phoneType = rules.checkEnum('MPHONE_TYPE', type, member, 'PhoneType', 'E_FAIL');
    // B350: MPHONE_TYPE_ALL and MPHONE_TYPE_CUSTOM are valid with Phone only.
    if (phoneType === MPHONE_TYPE.MPHONE_TYPE_ALL || phoneType === MPHONE_TYPE.MPHONE_TYPE_CUSTOM) {
      throw messengerError('E_FAIL', member, 'MPHONE_TYPE_ALL and MPHONE_TYPE_CUSTOM are valid with IMessenger.Phone only.');
    }
    const number = phoneOf(this.record.phones, phoneType);
    if (!number) throw messengerError('E_FAIL', member, 'The contact has no phone number of that type.'); // B346
    return number;
  }

  private property(type: unknown): string | string[] {
    const member = 'IMessengerContact.Property';
    const prop = rules.checkEnum('MCONTACTPROPERTY', type, member, 'ePropType');
    if (prop === MCONTACTPROPERTY.MCONTACTPROP_INVALID_PROPERTY) throw messengerError('E_INVALIDARG', member, 'ePropType is MCONTACTPROP_INVALID_PROPERTY.');
    if (prop === MCONTACTPROPERTY.MCONTACTPROP_EMAIL) return this.record.email ?? this.record.signinName;
    // MCONTACTPROP_GROUPS_PROPERTY: the names of the groups the contact is in (a SAFEARRAY of BSTR).
    const key = keyOf(this.record.signinName);
    return this.session.state.data.groups.filter((g) => g.members.some((m) => keyOf(m) === key)).map((g) => g.name);
  }
}

/** The one contact object for a sign-in name; `record` refreshes what it knows, `listed` (when given) its list membership. */
export function contactFor(session: Session, record: ContactRecord, listed?: boolean): Contact {
  const key = keyOf(record.signinName);
  let contact = session.contacts.get(key);
  if (contact) contact.record = record;
  else session.contacts.set(key, (contact = new Contact(session, record)));
  if (listed !== undefined) contact.listed = listed;
  return contact;
}

/** The contact for a sign-in name: the object already handed out, else a listed contact, else a stranger (A15). */
export function contactByName(session: Session, signinName: string): Contact {
  const known = session.contacts.get(keyOf(signinName));
  if (known) return known;
  const { state } = session;
  const user = state.inList(signinName) ? state.user(signinName) : undefined;
  return user ? contactFor(session, state.record(user), true) : contactFor(session, state.strangerRecord(signinName), false);
}

/**
 * A vContact VARIANT: one of this client's contact objects, or a sign-in name checked by the shared
 * rule (NULL, empty, leading space, too long, CR/LF, wrong type -> E_INVALIDARG).
 */
export function contactName(session: Session, value: unknown, member: string): string {
  const owner = typeof value === 'object' && value !== null ? session.owners.get(value as AutomationObject) : undefined;
  if (owner instanceof Contact) return owner.record.signinName;
  const arg = rules.checkContactArg(value, member);
  if (typeof arg !== 'string') throw messengerError('E_INVALIDARG', member, 'vContact is not a MessengerContact of this client.');
  return arg;
}

// ---- groups --------------------------------------------------------------------------------------

export class Group {
  readonly object: AutomationObject;
  /** Removed through Groups.Remove: the object stays, its members fail with MSGR_E_GROUP_DOES_NOT_EXIST. */
  removed = false;

  /** `group` is the live entry of the state (renames and membership changes are seen at once). */
  constructor(private readonly session: Session, readonly group: GroupState) {
    const { state } = session;
    this.object = automationObject<'IMessengerGroup'>(session, {
      get: {
        Contacts: () => this.contacts(),
        Name: () => { session.requireSignedIn('IMessengerGroup.Name'); return group.name; },
        Service: () => serviceFor(session, state.service(group.serviceId) ?? state.primaryService()).object,
      },
      put: { Name: (value) => this.rename(value) },
      call: {
        AddContact: (vContact) => this.addContact(vContact),
        RemoveContact: (vContact) => this.removeContact(contactName(session, vContact, 'IMessengerGroup.RemoveContact')),
      },
    });
    session.owners.set(this.object, this);
  }

  private rename(value: unknown): void {
    const member = 'IMessengerGroup.Name';
    const name = rules.checkGroupName(value, member); // A05: the CreateGroup rules
    this.session.requireSignedIn(member);
    if (name === this.group.name) return;
    const { state } = this.session;
    if (!state.hasGroup(this.group)) throw messengerError('MSGR_E_GROUP_DOES_NOT_EXIST', member, 'The group was removed.');
    const other = state.groupNamed(name);
    if (other && other !== this.group) throw messengerError('MSGR_E_GROUP_ALREADY_EXISTS', member, `A group named "${name}" already exists.`);
    this.group.name = name;
    this.session.fire('OnGroupNameChanged', S_OK, this.object);
  }

  private addContact(vContact: unknown): void {
    const member = 'IMessengerGroup.AddContact';
    const name = contactName(this.session, vContact, member);
    this.session.requireSignedIn(member);
    const user = this.session.state.user(name);
    if (!user) throw messengerError('MSGR_E_USER_NOT_FOUND', member, `No user "${name}" on this service.`);
    this.requireExists(member);
    if (this.group.members.some((m) => keyOf(m) === keyOf(name))) return; // already a member: nothing to do
    this.group.members.push(user.signinName);
    this.session.fire('OnContactAddedToGroup', S_OK, this.object, contactByName(this.session, user.signinName).object);
  }

  /** Also the Remove of the group's Contacts collection. */
  removeContact(signinName: string): void {
    const member = 'IMessengerGroup.RemoveContact';
    this.session.requireSignedIn(member);
    this.requireExists(member);
    const present = this.group.members.find((m) => keyOf(m) === keyOf(signinName));
    if (!present) throw messengerError('MSGR_E_USER_NOT_FOUND', member, `"${signinName}" is not a member of this group.`);
    this.group.members = this.group.members.filter((m) => m !== present);
    this.session.fire('OnContactRemovedFromGroup', S_OK, this.object, contactByName(this.session, present).object);
  }

  /** Signed out: an empty collection with S_OK (A06). */
  private contacts(): AutomationObject {
    if (!this.session.state.signedIn) return contactsCollection(this.session, [], () => undefined);
    const members = this.group.members.map((m) => contactByName(this.session, m).object);
    return contactsCollection(this.session, members, (item) => {
      const owner = this.session.owners.get(item);
      if (owner instanceof Contact) this.removeContact(owner.record.signinName);
    });
  }

  private requireExists(member: string): void {
    if (this.removed) throw messengerError('MSGR_E_GROUP_DOES_NOT_EXIST', member, `The group "${this.group.name}" no longer exists.`);
  }
}

export function groupFor(session: Session, group: GroupState): Group {
  let existing = session.groups.get(group.id);
  if (!existing) session.groups.set(group.id, (existing = new Group(session, group)));
  return existing;
}

// ---- services ------------------------------------------------------------------------------------

export class Service {
  readonly object: AutomationObject;

  constructor(session: Session, public record: ServiceRecord) {
    const { state } = session;
    this.object = automationObject<'IMessengerService'>(session, {
      get: {
        MyFriendlyName: () => { session.requireSignedIn('IMessengerService.MyFriendlyName'); return state.data.self.friendlyName; },
        MySigninName: () => { session.requireSignedIn('IMessengerService.MySigninName'); return state.data.self.signinName; },
        MyStatus: () => (state.signedIn ? state.data.self.status : MISTATUS.MISTATUS_OFFLINE),
        ServiceID: () => this.record.id,
        ServiceName: () => this.record.name,
      },
      put: {},
      call: {
        // The page: E_INVALIDARG "Returned in all cases. Reserved." (after the range check).
        Property: (type) => {
          const member = 'IMessengerService.Property';
          rules.checkEnum('MSERVICEPROPERTY', type, member, 'ePropType');
          throw messengerError('E_INVALIDARG', member, 'Service properties are reserved.');
        },
      },
    });
    session.owners.set(this.object, this);
  }
}

export function serviceFor(session: Session, record: ServiceRecord): Service {
  let existing = session.services.get(record.id);
  if (existing) existing.record = record;
  else session.services.set(record.id, (existing = new Service(session, record)));
  return existing;
}

// ---- windows -------------------------------------------------------------------------------------

/** What a window kind supplies to the members every IMessengerWindow shares. */
interface WindowBehaviour {
  readonly hwnd: number;
  isClosed(): boolean;
  geometry(): Geometry;
  close(): void;
  show(): void;
  property(type: unknown): unknown;
}

function requireOpen(closed: boolean, member: string, detail = 'The window has been closed.'): void {
  if (closed) throw messengerError('E_FAIL', member, detail);
}

/** HWND, IsClosed, Left/Top/Width/Height (get and put), Close, Show, Property: as core's WindowBase. */
function windowMembers(w: WindowBehaviour) {
  const edge = (name: 'Left' | 'Top' | 'Width' | 'Height') => {
    const key = name.toLowerCase() as keyof Geometry;
    const member = `IMessengerWindow.${name}`;
    return {
      get: () => { requireOpen(w.isClosed(), member); return w.geometry()[key]; },
      put: (value: unknown) => {
        // Width and Height: zero or negative -> E_INVALIDARG (B500); any non-integer -> E_INVALIDARG.
        const n = rules.checkInteger(value, member, `l${name}`, { positive: name === 'Width' || name === 'Height' });
        requireOpen(w.isClosed(), member);
        w.geometry()[key] = n;
      },
    };
  };
  const [left, top, width, height] = [edge('Left'), edge('Top'), edge('Width'), edge('Height')];
  return {
    get: {
      HWND: () => { requireOpen(w.isClosed(), 'IMessengerWindow.HWND'); return w.hwnd; },
      IsClosed: () => w.isClosed(),
      Left: left.get, Top: top.get, Width: width.get, Height: height.get,
    },
    put: { Left: left.put, Top: top.put, Width: width.put, Height: height.put },
    call: { Close: () => w.close(), Show: () => w.show(), Property: (type: unknown) => w.property(type) },
  };
}

/** A conversation window (InstantMessage, StartVideo, StartVoice, Page, Phone, SendFile, InviteApp). */
export class ConversationWindow {
  readonly object: AutomationObject;
  closed = false;
  private readonly view = new Map<number, boolean>([
    [MWINDOWPROPERTY.MWINDOWPROP_VIEW_SIDEBAR, true],
    [MWINDOWPROPERTY.MWINDOWPROP_VIEW_TOOLBAR, true],
  ]);

  constructor(private readonly session: Session, readonly conversation: ConversationState) {
    const base = windowMembers({
      hwnd: conversation.hwnd,
      isClosed: () => this.closed,
      geometry: () => conversation.geometry,
      close: () => this.close(),
      show: () => requireOpen(this.closed, 'IMessengerWindow.Show', 'Window instance destroyed.'),
      property: (type) => this.view.get(this.checkProperty(type, 'IMessengerWindow.Property')) ?? false,
    });
    this.object = automationObject<'IMessengerWindow' | 'IMessengerConversationWnd'>(session, {
      get: { ...base.get, Contacts: () => this.contacts(), History: () => this.history() },
      put: base.put,
      call: { ...base.call, AddContact: (vContact) => this.addContact(vContact) },
    });
    session.owners.set(this.object, this);
  }

  private close(): void {
    if (this.closed) return; // S_FALSE: already closed.
    this.session.state.conversations.delete(this.conversation.id);
    this.markClosed();
  }

  /** Closed here, by a sign-out or by the other side: OnIMWindowDestroyed once. */
  markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.session.windows.delete(this.conversation.id);
    this.session.fire('OnIMWindowDestroyed', this.object);
  }

  private contacts(): AutomationObject {
    const member = 'IMessengerConversationWnd.Contacts';
    this.session.requireSignedIn(member, 'E_FAIL');
    const participants = this.conversation.contacts.map((c) => contactByName(this.session, c).object);
    return contactsCollection(this.session, participants, (_item, m) => {
      throw messengerError('E_NOTIMPL', m, 'Participants cannot be removed from a conversation.');
    });
  }

  private history(): string {
    const member = 'IMessengerConversationWnd.History';
    this.session.requireSignedIn(member, 'E_FAIL');
    requireOpen(this.closed, member, 'The conversation window is closed.');
    return this.conversation.history.join('\n');
  }

  private addContact(vContact: unknown): void {
    const member = 'IMessengerConversationWnd.AddContact';
    const name = contactName(this.session, vContact, member);
    this.session.requireSignedIn(member, 'E_FAIL');
    requireOpen(this.closed, member);
    if (this.session.state.isSelf(name)) throw messengerError('E_FAIL', member, 'The local user cannot be added to their own conversation.');
    if (this.conversation.kind === 'video' || this.conversation.kind === 'voice') {
      throw messengerError('MSGR_E_SESSION_FULL', member, 'The window is hosting a voice or video conversation.');
    }
    if (this.conversation.contacts.some((c) => keyOf(c) === keyOf(name))) return;
    this.conversation.contacts.push(name);
    this.session.fire('OnIMWindowContactAdded', contactByName(this.session, name).object, this.object);
  }

  private checkProperty(type: unknown, member: string): number {
    const prop = rules.checkEnum('MWINDOWPROPERTY', type, member, 'ePropType');
    if (prop === MWINDOWPROPERTY.MWINDOWPROP_INVALID_PROPERTY) throw messengerError('E_INVALIDARG', member, 'ePropType is MWINDOWPROP_INVALID_PROPERTY.');
    if (this.conversation.kind === 'phone') throw messengerError('E_NOTIMPL', member, 'Window properties are not available on the Phone window.');
    return prop;
  }
}

export function windowFor(session: Session, conversation: ConversationState): ConversationWindow {
  let existing = session.windows.get(conversation.id);
  if (!existing) session.windows.set(conversation.id, (existing = new ConversationWindow(session, conversation)));
  return existing;
}

/** The open window whose only participant is this contact (one conversation window per contact). */
export function openWindowWith(session: Session, signinName: string): ConversationWindow | undefined {
  for (const window of session.windows.values()) {
    const only = window.conversation.contacts.length === 1 ? window.conversation.contacts[0] : undefined;
    if (!window.closed && only !== undefined && keyOf(only) === keyOf(signinName)) return window;
  }
  return undefined;
}

/** Signing out (here or by the server) closes every conversation window (B076). */
export function closeAllWindows(session: Session): void {
  session.state.conversations.clear();
  for (const window of [...session.windows.values()]) window.markClosed();
}

/** The Messenger main window (IMessenger.Window): one object; Close only hides it, Show brings it back (B496, B527). */
export class MainWindow {
  readonly object: AutomationObject;

  constructor(session: Session) {
    const main = session.state.mainWindow;
    const base = windowMembers({
      hwnd: main.hwnd,
      isClosed: () => main.closed,
      geometry: () => main.geometry,
      close: () => { main.closed = true; },
      show: () => { main.closed = false; },
      // The page: E_NOTIMPL on the main application window (after the range check).
      property: (type) => {
        const member = 'IMessengerWindow.Property';
        rules.checkEnum('MWINDOWPROPERTY', type, member, 'ePropType');
        throw messengerError('E_NOTIMPL', member, 'Window properties are not available on the main application window.');
      },
    });
    this.object = automationObject<'IMessengerWindow'>(session, base);
    session.owners.set(this.object, this);
  }
}
