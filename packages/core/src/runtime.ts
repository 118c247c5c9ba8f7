/**
 * What every object of one Messenger shares: the backend's ports, the identity maps (one object per
 * contact, group, service and window), the event emitter, and the state and capability rules.
 */
import {
  type BackendInfo, type BackendPorts, CAPABILITY_HRESULTS, type Capability, type ContactRecord, type GroupRecord,
  type HResultName, HR, isMessengerError, MCONTACTPROPERTY, MessengerError, MISTATUS, messengerError, type RemoteChange,
  type SelfRecord, type ServiceRecord, type WindowRecord,
} from '@imessenger/contract';
import { ContactList } from './contact-list';
import { MessengerEventEmitter } from './events';
import type { OutcomeMode } from './outcomes';
import { MessengerContact, visibleStatus, withPhone } from './objects/contact';
import { MessengerGroup } from './objects/group';
import { MessengerService } from './objects/service';
import { ConversationWindow } from './objects/window';

export const keyOf = (signinName: string): string => signinName.toLowerCase();

/** The remote changes of a contact's own record (what the list's entry holds). */
const CONTACT_CHANGES: ReadonlySet<RemoteChange['type']> = new Set(['contactStatus', 'contactFriendlyName', 'contactPhone', 'contactPager', 'contactEmail']);

/** What core knows of someone outside the contact list: status unknown, the sign-in name as friendly name (A15). */
function strangerRecord(signinName: string, serviceId: string): ContactRecord {
  return { signinName, friendlyName: signinName, status: MISTATUS.MISTATUS_UNKNOWN, blocked: false, canPage: false, phones: {}, serviceId };
}

/** Identity: the one object for `key`, created on first sight; a newer record refreshes it. */
function intern<R, O extends { record: R }>(map: Map<string, O>, key: string, record: R, create: () => O): O {
  const existing = map.get(key);
  if (existing) { existing.record = record; return existing; }
  const created = create();
  map.set(key, created);
  return created;
}

export class Runtime {
  readonly events: MessengerEventEmitter;
  /** Who is in the contact list, by keyOf: O(1) per name, at most one listing per session. */
  readonly contactList: ContactList;
  private readonly contacts = new Map<string, MessengerContact>();
  private readonly groups = new Map<string, MessengerGroup>();
  private readonly services = new Map<string, MessengerService>();
  private readonly windows = new Map<string, ConversationWindow>();
  private readonly stopWatching: (() => void) | undefined;
  /**
   * keyOf the local user's sign-in name, once core has seen it (sign-in, GetContact, a roster):
   * the contact object of that name is the self contact, whose record is the session's own. Kept
   * after sign-out (the self contact then reads offline); replaced at the next sign-in.
   */
  private selfKey: string | undefined;
  /** Counts core's sign-ins: a contact record read in an earlier session is read again at its next use. */
  private session = 0;
  /**
   * Core signed out, or the backend reported a sign-out, and has not signed in since. A signed-out
   * client hears nothing of its contacts: their remote changes are not applied meanwhile, and what
   * changed is found when the records are read again after the next sign-in (refreshKept: B587, B634).
   */
  private knownSignedOut = false;

  /**
   * `outcomeMode`: how a write the service refused ends (outcomes.ts): 'events', the pages' way (the
   * call succeeds, its event carries the hr), or 'reject' (createMessenger's opt-in for new code).
   */
  constructor(readonly ports: BackendPorts, readonly info: BackendInfo, events?: MessengerEventEmitter, readonly outcomeMode: OutcomeMode = 'events') {
    this.events = events ?? new MessengerEventEmitter();
    this.contactList = new ContactList(ports.directory);
    this.stopWatching = ports.events?.watch((change) => this.onRemoteChange(change));
  }

  dispose(): void { this.stopWatching?.(); }

  /**
   * Runs one member: errors leave as MessengerError naming the member; anything else a backend
   * throws becomes E_FAIL with the original as its cause (never an unhandled rejection).
   */
  async run<T>(member: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      if (isMessengerError(error)) {
        return error.member ? Promise.reject(error) : Promise.reject(new MessengerError(error.hresult, { member, detail: error.description, cause: error }));
      }
      throw new MessengerError(HR.E_FAIL, { member, detail: `The backend failed: ${error instanceof Error ? error.message : String(error)}`, cause: error });
    }
  }

  async signedIn(): Promise<boolean> { return this.ports.session.isSignedIn(); }

  /** The signed-out rule of a member: the HRESULT its page documents for "not signed in". */
  async requireSignedIn(member: string, hr: HResultName = 'MSGR_E_NOT_LOGGED_ON'): Promise<void> {
    if (!(await this.signedIn())) throw messengerError(hr, member, 'The client is not signed in.');
  }

  /**
   * The port for a capability, or the documented HRESULT for its absence: the backend's own
   * declaration for this member first, then the capability's default.
   */
  port<C extends Capability>(capability: C, member: string): NonNullable<BackendPorts[C]> {
    const port = this.ports[capability];
    if (port) return port as NonNullable<BackendPorts[C]>;
    throw this.unsupported(member, CAPABILITY_HRESULTS[capability], `The ${this.info.name} backend has no ${capability} capability.`);
  }

  /** A documented-unsupported member: the HRESULT the backend declared, else `fallback`. */
  unsupported(member: string, fallback: HResultName, detail: string): MessengerError {
    const declared = this.info.unsupported?.[member];
    return declared && declared in HR ? messengerError(declared as HResultName, member, detail) : messengerError(fallback, member, detail);
  }

  // ---- identity maps -------------------------------------------------------------------------

  async primaryService(): Promise<ServiceRecord> {
    const all = await this.ports.session.services();
    const primary = all.find((s) => s.primary) ?? all[0];
    if (!primary) throw messengerError('E_FAIL', 'IMessenger.Services', 'The backend reports no service.');
    return primary;
  }

  service(record: ServiceRecord): MessengerService {
    return intern(this.services, record.id, record, () => new MessengerService(this, record));
  }

  /**
   * The one contact object for a sign-in name; `record` refreshes what it knows; `listed`, when
   * given, records whether the contact is in the contact list (B611, B635).
   */
  contact(record: ContactRecord, listed?: boolean): MessengerContact {
    return this.intern(keyOf(record.signinName), record, listed);
  }

  private intern(key: string, record: ContactRecord, listed?: boolean): MessengerContact {
    const contact = this.contacts.get(key);
    if (!contact) return this.make(key, record, listed ?? false);
    contact.record = record;
    contact.session = this.session;
    if (listed !== undefined) contact.listed = listed;
    return contact;
  }

  /** A new contact object, for a key that has none yet. */
  private make(key: string, record: ContactRecord, listed: boolean): MessengerContact {
    const contact = new MessengerContact(this, record, key);
    contact.session = this.session;
    contact.listed = listed;
    this.contacts.set(key, contact);
    return contact;
  }

  // ---- the current record of a contact ----------------------------------------------------------

  /**
   * A contact's record as it is now; every property read of a contact goes through here. There is
   * one record per identity, on the one object the identity map holds, and every write (Blocked put,
   * AddContact), every listing (MyContacts, a roster) and every remote change updates that record, so
   * a read normally costs no backend call. Two exceptions, each at most once per read:
   * - the self contact is the session's own record (what MyStatus and MyFriendlyName read), so it
   *   shows MyStatus put and a rename elsewhere at once; signed out it reads MISTATUS_OFFLINE;
   * - a record read in an earlier session is read again, once (what changed while signed out is
   *   not reported by every backend); if that fails, the record held is used and read again next time.
   */
  async current(contact: MessengerContact, member: string): Promise<ContactRecord> {
    if (contact.key === this.selfKey) return this.run(member, () => this.selfContactRecord(contact));
    if (contact.session !== this.session) await this.reread(contact);
    return contact.record;
  }

  /** Whether a contact's record is current as it is (no call needed): the fast path of every property read. */
  isCurrent(contact: MessengerContact): boolean { return contact.session === this.session && contact.key !== this.selfKey; }

  /** Core signed in as `self`: a new session (records of the last one are read again: refreshKept, or when used). */
  signedInAs(self: SelfRecord): void {
    this.session++;
    this.knownSignedOut = false;
    this.noteSelf(self);
  }

  /** The session ended (core's Signout, or the backend's): its list is read again when needed, its windows close (B076). */
  sessionEnded(): void {
    this.knownSignedOut = true;
    this.contactList.invalidate();
    this.closeAllWindows();
  }

  /** Whether core knows who the local user is (learnSelf has nothing to do). */
  get knowsSelf(): boolean { return this.selfKey !== undefined; }

  /** The local user as the session reports it (GetContact, sign-in): names the self contact. */
  noteSelf(self: SelfRecord): void { this.selfKey = keyOf(self.signinName); }

  /** Learn who the local user is where core has not met it yet (a Messenger over a backend signed in before it); callers ask knowsSelf first. */
  async learnSelf(): Promise<void> {
    try {
      if (await this.signedIn()) this.noteSelf(await this.ports.session.self());
    } catch {
      // Asked again next time; the names in hand are resolved as before.
    }
  }

  private async selfContactRecord(contact: MessengerContact): Promise<ContactRecord> {
    if (!(await this.signedIn())) {
      // Signed out, the local user is offline (as MyStatus reads); the rest stays as last read.
      return contact.record.status === MISTATUS.MISTATUS_OFFLINE ? contact.record : { ...contact.record, status: MISTATUS.MISTATUS_OFFLINE };
    }
    const self = await this.ports.session.self();
    this.noteSelf(self);
    // Someone else signed in since: this is an ordinary contact now.
    if (keyOf(self.signinName) !== contact.key) {
      if (contact.session !== this.session) await this.reread(contact);
      return contact.record;
    }
    contact.record = { ...contact.record, friendlyName: self.friendlyName, status: self.status, phones: self.phones };
    contact.session = this.session;
    return contact.record;
  }

  /** Read a record of an earlier session again, at its first use: the list's entry now (refreshed). */
  private async reread(contact: MessengerContact): Promise<void> {
    const session = this.session;
    try {
      if (!(await this.signedIn())) return;
      const [entry] = await this.contactList.entries([contact.record.signinName]);
      if (session === this.session && contact.session !== session) this.refreshed(contact, entry ?? null);
    } catch {
      // The record held is the best there is; the next read tries again.
    }
  }

  /**
   * After core's sign-in (the OnMyStatusChange that completes it raised, B680): read the kept
   * contacts that were in the list again, in one question, and report what changed while signed
   * out (refreshed). No backend call when none is kept. If the read fails, each is read again at its
   * first use (current), which reports the same way.
   */
  async refreshKept(): Promise<void> {
    const session = this.session;
    const kept = [...this.contacts.values()].filter((c) => c.listed && c.session !== session && c.key !== this.selfKey);
    if (kept.length === 0) return;
    let entries: readonly (ContactRecord | null)[];
    try {
      entries = await this.contactList.entries(kept.map((c) => c.record.signinName));
    } catch {
      return;
    }
    if (session !== this.session) return;
    kept.forEach((contact, i) => { if (contact.session !== session) this.refreshed(contact, entries[i] ?? null); });
  }

  /**
   * A record of an earlier session, read again: the list's entry now (B611: one no longer listed
   * keeps its record). For a contact that was and is in the list, what changed while signed out is
   * reported as the pages say it is at sign-in: a new friendly name by OnContactFriendlyNameChange(S_OK,
   * contact, previous name) (B587), then a new status by OnContactStatusChange(contact, status) (B634,
   * B375). Other changes (phones, pager, e-mail) have no sign-in event on their pages: taken silently.
   */
  private refreshed(contact: MessengerContact, entry: ContactRecord | null): void {
    const before = contact.record;
    const wasListed = contact.listed;
    if (entry) contact.record = entry;
    contact.listed = entry !== null;
    contact.session = this.session;
    if (!entry || !wasListed) return;
    if (entry.friendlyName !== before.friendlyName) this.events.emit('OnContactFriendlyNameChange', HR.S_OK, contact, before.friendlyName);
    const status = visibleStatus(entry.status);
    if (status !== visibleStatus(before.status)) this.events.emit('OnContactStatusChange', contact, status);
  }

  knownContact(signinName: string): MessengerContact | undefined { return this.contacts.get(keyOf(signinName)); }

  /**
   * The contact object for a sign-in name: the one already held, else a listed contact from the
   * contact-list index, else a stranger (status unknown, name as friendly name: A15, B635).
   */
  async contactByName(signinName: string): Promise<MessengerContact> {
    return this.knownContact(signinName) ?? (await this.contactsByName([signinName]))[0]!;
  }

  /** contactByName for many names at once (a group's or a window's members): one index read for all. */
  async contactsByName(signinNames: readonly string[]): Promise<MessengerContact[]> {
    const found: (MessengerContact | undefined)[] = new Array(signinNames.length);
    const missing: string[] = [];
    const missingKeys: string[] = [];
    for (let i = 0; i < signinNames.length; i++) {
      const key = keyOf(signinNames[i]!);
      const contact = this.contacts.get(key);
      if (contact) found[i] = contact; else { missing.push(signinNames[i]!); missingKeys.push(key); }
    }
    if (missing.length === 0) return found as MessengerContact[];
    if (!this.knowsSelf) await this.learnSelf();
    const held = this.contacts.size;
    const entries = await this.contactList.entries(missing);
    const serviceId = entries.includes(null) ? (await this.primaryService()).id : '';
    // Another call may have made some of these objects meanwhile (it may know more, e.g. a newer
    // status): keep those. Objects are never dropped, so an unchanged count means none was made.
    const madeMeanwhile = this.contacts.size !== held;
    for (let i = 0, next = 0; i < signinNames.length; i++) {
      if (found[i]) continue;
      const key = missingKeys[next]!;
      const listed = entries[next++] ?? null;
      const record = listed ?? strangerRecord(signinNames[i]!, serviceId);
      found[i] = (madeMeanwhile ? this.contacts.get(key) : undefined) ?? this.make(key, record, listed !== null);
    }
    return found as MessengerContact[];
  }

  group(record: GroupRecord): MessengerGroup {
    return intern(this.groups, record.id, record, () => new MessengerGroup(this, record));
  }

  window(record: WindowRecord): ConversationWindow {
    return intern(this.windows, record.id, record, () => new ConversationWindow(this, record));
  }

  /** The open conversation window with a contact, if any (StartVideo/InstantMessage identity). */
  openWindowWith(signinName: string): ConversationWindow | undefined {
    const key = keyOf(signinName);
    for (const window of this.windows.values()) {
      if (!window.closed && window.record.contacts.length === 1 && keyOf(window.record.contacts[0] ?? '') === key) return window;
    }
    return undefined;
  }

  forgetWindow(id: string): void { this.windows.delete(id); }

  /** Signing out closes every conversation window (B076, B093, B196, B246, B307). */
  closeAllWindows(): void { for (const window of [...this.windows.values()]) window.markClosed(); }

  // ---- the other side ------------------------------------------------------------------------

  private onRemoteChange(change: RemoteChange): void {
    const ok = HR.S_OK;
    // Signed out, a contact's change is not heard: the next sign-in finds it (refreshKept).
    if (this.knownSignedOut && CONTACT_CHANGES.has(change.type)) return;
    switch (change.type) {
      case 'contactStatus':
        this.withContact(change.signinName, (c, fresh) => {
          // B635: only contacts in the contact list get status updates; B611: a removed one no longer does.
          if (!c.listed) return;
          // B374: a contact who goes invisible appears offline to subscribers.
          const status = visibleStatus(change.status);
          // A contact looked up just now already shows the new status: the backend says it changed.
          if (!fresh && visibleStatus(c.record.status) === status) return;
          c.record = { ...c.record, status };
          this.events.emit('OnContactStatusChange', c, status);
        });
        return;
      case 'contactFriendlyName':
        this.withContact(change.signinName, (c) => {
          const previous = c.record.friendlyName;
          if (previous === change.friendlyName) return;
          c.record = { ...c.record, friendlyName: change.friendlyName };
          this.events.emit('OnContactFriendlyNameChange', ok, c, previous);
        });
        return;
      case 'contactPhone':
        this.withContact(change.signinName, (c) => {
          c.record = { ...c.record, phones: withPhone(c.record.phones, change.phoneType, change.number) };
          this.events.emit('OnContactPhoneChange', ok, c, change.phoneType, change.number);
        });
        return;
      case 'contactPager':
        this.withContact(change.signinName, (c) => {
          if (c.record.canPage === change.canPage) return;
          c.record = { ...c.record, canPage: change.canPage };
          this.events.emit('OnContactPagerChange', ok, c, change.canPage);
        });
        return;
      case 'contactEmail':
        this.withContact(change.signinName, (c) => {
          if (c.record.email === change.email) return;
          c.record = { ...c.record, email: change.email };
          this.events.emit('OnContactPropertyChange', ok, c, MCONTACTPROPERTY.MCONTACTPROP_EMAIL, change.email);
        });
        return;
      case 'contactListAdd': {
        // The index gets the record of a contact held here; of anyone else it is listed again when next needed.
        const known = this.knownContact(change.signinName);
        if (known) this.contactList.added(known.record); else this.contactList.invalidate();
        this.withContact(change.signinName, (c) => { c.listed = true; this.events.emit('OnContactListAdd', ok, c); });
        return;
      }
      case 'contactListRemove':
        this.contactList.removed(change.signinName);
        this.withContact(change.signinName, (c) => { c.listed = false; this.events.emit('OnContactListRemove', ok, c); });
        return;
      case 'myStatus': this.events.emit('OnMyStatusChange', ok, change.status); return;
      // B666: the event carries the previous name; MyFriendlyName already reads the new one.
      case 'myFriendlyName': this.events.emit('OnMyFriendlyNameChange', ok, change.previous); return;
      case 'myPhone': this.events.emit('OnMyPhoneChange', change.phoneType, change.number); return;
      case 'unreadEmail': this.events.emit('OnUnreadEmailChange', change.folder, change.count, { value: true }); return;
      case 'windowContactAdded':
      case 'windowContactRemoved': {
        const window = this.windows.get(change.windowId);
        if (!window) return;
        const key = keyOf(change.signinName);
        const others = window.record.contacts.filter((s) => keyOf(s) !== key);
        window.record = { ...window.record, contacts: change.type === 'windowContactAdded' ? [...others, change.signinName] : others };
        this.withContact(change.signinName, (c) => this.events.emit(
          change.type === 'windowContactAdded' ? 'OnIMWindowContactAdded' : 'OnIMWindowContactRemoved', c, window));
        return;
      }
      case 'windowClosed': this.windows.get(change.windowId)?.markClosed(); return;
      case 'signedOut': this.sessionEnded(); this.events.emit('OnSignout'); return;
      case 'appShutdown': this.events.emit('OnAppShutdown'); return;
    }
  }

  /**
   * Apply a remote change to a contact: at once for a contact we hold (so events keep their order),
   * after a lookup otherwise, never letting a lookup failure escape as an unhandled rejection.
   */
  private withContact(signinName: string, body: (contact: MessengerContact, fresh: boolean) => void): void {
    const known = this.knownContact(signinName);
    if (known) { body(known, false); return; }
    this.contactByName(signinName).then((contact) => body(contact, true), (error: unknown) => {
      process.emitWarning(`Dropped a remote change for ${signinName}: ${error instanceof Error ? error.message : String(error)}`, 'MessengerEventWarning');
    });
  }
}
