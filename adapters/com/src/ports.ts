/**
 * Every SPI port over the Messenger automation object (IMessenger, IMessenger2 and the objects they
 * hand out). Plain mappings: core checks arguments, state and identity; what the object refuses
 * comes back with its own HRESULT (errors.ts). vContact and vService are VARIANTs that take a
 * sign-in name or service id as well as an object, so the adapter passes the strings core gives.
 *
 * Echoes: the object raises DMessengerEvents for the adapter's own writes too, and core raises the
 * documented events for those writes itself, so each write registers the change it will echo and
 * the event is dropped when it comes (events.ts). Only changes made elsewhere reach core.
 */
import {
  type BackendPorts, type ContactRecord, type ConversationKind, type ConversationsPort, type DirectoryPort, type EventsPort,
  type GroupRecord, type GroupsPort, HR, hresultHex, isEnumValue, isMessengerError, type MailPort, MCONTACTPROPERTY, MessengerError,
  messengerError, MISTATUS, MPHONE_TYPE, type MUAFOLDER, type MUASORT, type Phones, type PhoneKind, type PreferencesPort,
  type PresencePort, type RemoteChange, type SelfRecord, type ServiceRecord, type SessionPort, type ShellPort, succeeded,
  type WindowGeometry, type WindowRecord,
} from '@imessenger/contract';
import { type Com, flag, int, Registry, text } from './com';
import type { AutomationObject } from './dispatch';
import type { ObjectKind } from './event-args';
import { ComEvents } from './events';

export interface ComPortsOptions {
  /** How long Signin/AutoSignin wait for OnSignin (ms). */
  readonly signinTimeoutMs: number;
  /** How long AddContact, Contacts.Remove and Signout wait for the event that confirms them (ms); then they succeed. */
  readonly confirmTimeoutMs: number;
  /** How long the echo of an own write is expected (ms). */
  readonly echoWindowMs: number;
  /** Message pump interval while events are advised (ms). */
  readonly pumpIntervalMs: number;
}

export interface ComSession {
  readonly ports: Required<BackendPorts>;
  readonly events: ComEvents;
  /** Unadvise the sink and release every object the session holds (signed out). */
  teardown(): void;
  /** teardown, then release the main window as well. */
  dispose(): void;
}

const I = {
  M: 'IMessenger', M2: 'IMessenger2', C: 'IMessengerContact', CS: 'IMessengerContacts', G: 'IMessengerGroup',
  GS: 'IMessengerGroups', S: 'IMessengerService', SS: 'IMessengerServices', W: 'IMessengerWindow', CW: 'IMessengerConversationWnd',
} as const;

const MAIN = 'main';
const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const statusOf = (value: unknown): MISTATUS => (isEnumValue('MISTATUS', value) ? value : MISTATUS.MISTATUS_UNKNOWN);
/** A status the client settles in once signed in (not unknown, offline or a local transition). */
const settled = (status: number): boolean => status !== MISTATUS.MISTATUS_UNKNOWN && status !== MISTATUS.MISTATUS_OFFLINE && status < 0x100;
const failedHr = (value: unknown): boolean => typeof value === 'number' && !succeeded(value);

const PHONE_KINDS: readonly [PhoneKind, MPHONE_TYPE][] = [
  ['home', MPHONE_TYPE.MPHONE_TYPE_HOME], ['work', MPHONE_TYPE.MPHONE_TYPE_WORK],
  ['mobile', MPHONE_TYPE.MPHONE_TYPE_MOBILE], ['custom', MPHONE_TYPE.MPHONE_TYPE_CUSTOM],
];

/** How each conversation kind is opened: member of IMessenger/IMessenger2 and its arguments. */
const OPENERS: { readonly [K in ConversationKind]: { readonly iface: string; readonly member: string; readonly args: (name: string, detail?: string) => unknown[] } } = {
  im: { iface: I.M, member: 'InstantMessage', args: (name) => [name] },
  video: { iface: I.M2, member: 'StartVideo', args: (name) => [name] },
  voice: { iface: I.M, member: 'StartVoice', args: (name) => [name] },
  page: { iface: I.M, member: 'Page', args: (name) => [name] },
  // core passes the number the caller gave, if any: with none, the client offers every number it knows.
  phone: { iface: I.M, member: 'Phone', args: (name, detail) => [name, detail ? MPHONE_TYPE.MPHONE_TYPE_CUSTOM : MPHONE_TYPE.MPHONE_TYPE_ALL, detail ?? ''] },
  file: { iface: I.M, member: 'SendFile', args: (name, detail) => [name, detail ?? ''] },
  app: { iface: I.M, member: 'InviteApp', args: (name, detail) => [name, detail ?? ''] },
};

export function comPorts(com: Com, root: AutomationObject, options: ComPortsOptions): ComSession {
  const groups = new Registry<undefined>('group');
  const windows = new Registry<WindowRecord>('window');
  let mainWindow: AutomationObject | undefined;

  // ---- reading objects ----------------------------------------------------------------------

  const obj = (value: unknown, via: string): AutomationObject => com.object(value, via);
  const contactName = (contact: unknown): string => text(com.get(obj(contact, 'contact'), 'SigninName', I.C));
  const hwndKey = (window: AutomationObject) => (): string | undefined => {
    const hwnd = int(com.tryGet(window, 'HWND'));
    return hwnd ? `hwnd:${hwnd}` : undefined;
  };

  const phones = (read: (type: MPHONE_TYPE) => unknown): Phones => {
    const result: { -readonly [K in PhoneKind]?: string } = {};
    for (const [kind, type] of PHONE_KINDS) {
      const number = text(read(type));
      if (number) result[kind] = number;
    }
    return result;
  };

  const services = (): ServiceRecord[] => {
    const myId = text(com.tryGet(root, 'MyServiceId'));
    const collection = com.tryGet(root, 'Services');
    if (typeof collection === 'object' || typeof collection === 'function') {
      const all = com.items(obj(collection, 'IMessenger.Services'), I.SS);
      const primaryObject = com.tryGet(obj(collection, 'IMessenger.Services'), 'PrimaryService');
      const primaryId = primaryObject ? text(com.tryGet(obj(primaryObject, 'PrimaryService'), 'ServiceID')) : myId;
      const records = all.map((s) => {
        const id = text(com.get(s, 'ServiceID', I.S));
        return { id, name: text(com.tryGet(s, 'ServiceName')), primary: primaryId !== '' && same(id, primaryId) };
      });
      if (records.length > 0) {
        return records.some((r) => r.primary) ? records : records.map((r, i) => ({ ...r, primary: i === 0 }));
      }
    }
    // Clients without a Services collection (Windows Messenger 4.x): the one service they sign in to.
    return [{ id: myId, name: text(com.tryGet(root, 'MyServiceName')), primary: true }];
  };

  const primaryServiceId = (): string => {
    const myId = text(com.tryGet(root, 'MyServiceId'));
    return myId || (services().find((s) => s.primary)?.id ?? '');
  };

  const contactRecord = (contact: AutomationObject): ContactRecord => {
    const signinName = text(com.get(contact, 'SigninName', I.C));
    const email = text(com.tryCall(contact, 'Property', [MCONTACTPROPERTY.MCONTACTPROP_EMAIL]));
    return {
      signinName,
      friendlyName: text(com.tryGet(contact, 'FriendlyName')) || signinName,
      status: statusOf(com.get(contact, 'Status', I.C)),
      blocked: flag(com.tryGet(contact, 'Blocked')),
      canPage: flag(com.tryGet(contact, 'CanPage')),
      phones: phones((type) => com.tryCall(contact, 'PhoneNumber', [type])),
      ...(email ? { email } : {}),
      serviceId: text(com.tryGet(contact, 'ServiceID')) || primaryServiceId(),
    };
  };

  const self = (): SelfRecord => ({
    signinName: text(com.get(root, 'MySigninName', I.M)),
    friendlyName: text(com.tryGet(root, 'MyFriendlyName')),
    status: statusOf(com.get(root, 'MyStatus', I.M)),
    phones: phones((type) => com.tryCall(root, 'MyPhoneNumber', [type])),
    serviceId: primaryServiceId(),
  });

  const myContacts = (): AutomationObject => obj(com.get(root, 'MyContacts', I.M), 'IMessenger.MyContacts');
  const getContact = (name: string): AutomationObject => obj(com.call(root, 'GetContact', [name, ''], I.M), 'IMessenger.GetContact');
  const listedContact = (name: string): AutomationObject | undefined =>
    com.items(myContacts(), I.CS).find((c) => same(text(com.get(c, 'SigninName', I.C)), name));

  const groupRecord = (group: AutomationObject): GroupRecord => {
    const name = text(com.get(group, 'Name', I.G));
    const id = groups.idOf(group, () => name.toLowerCase(), () => undefined);
    groups.update(id, { key: name.toLowerCase() });
    const service = com.tryGet(group, 'Service');
    const serviceId = service ? text(com.tryGet(obj(service, 'IMessengerGroup.Service'), 'ServiceID')) : '';
    const members = com.items(obj(com.get(group, 'Contacts', I.G), 'IMessengerGroup.Contacts'), I.CS)
      .map((c) => text(com.get(c, 'SigninName', I.C)));
    return { id, name, serviceId: serviceId || primaryServiceId(), members };
  };

  const groupObject = (id: string): AutomationObject => {
    const group = groups.objectOf(id);
    if (!group) throw messengerError('MSGR_E_GROUP_DOES_NOT_EXIST', undefined, `No group ${id} in this session.`);
    return group;
  };

  const windowObject = (id: string): AutomationObject => {
    if (id === MAIN) return main();
    const window = windows.objectOf(id);
    if (!window) throw messengerError('E_FAIL', undefined, 'The window has been closed.');
    return window;
  };

  const main = (): AutomationObject => (mainWindow ??= obj(com.get(root, 'Window', I.M), 'IMessenger.Window'));

  /** Forget windows and groups and release their COM objects. */
  const releaseChildren = (): void => {
    const objects = [...windows.clear(), ...groups.clear()];
    if (mainWindow) objects.push(mainWindow);
    mainWindow = undefined;
    if (objects.length > 0) com.port.release(...objects);
  };

  // ---- events -------------------------------------------------------------------------------

  const probe = (value: unknown): ObjectKind | undefined => {
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
    const o = value as AutomationObject;
    if (typeof com.tryGet(o, 'SigninName') === 'string') return 'contact';
    if (typeof com.tryGet(o, 'HWND') === 'number') return 'window';
    if (typeof com.tryGet(o, 'Name') === 'string') return 'group';
    return undefined;
  };

  const knownWindow = (window: unknown): string | undefined => {
    if ((typeof window !== 'object' && typeof window !== 'function') || window === null) return undefined;
    const w = window as AutomationObject;
    return windows.find(w, hwndKey(w));
  };

  const toChange = (event: string, args: readonly unknown[]): RemoteChange | undefined => {
    // Events that carry a failed hr report a failed operation: core raises no event for those.
    const hrFirst = (): boolean => failedHr(args[0]);
    switch (event) {
      case 'OnContactStatusChange':
        return { type: 'contactStatus', signinName: contactName(args[0]), status: statusOf(args[1]) };
      case 'OnContactFriendlyNameChange':
        if (hrFirst()) return undefined;
        return { type: 'contactFriendlyName', signinName: contactName(args[1]), friendlyName: text(com.get(obj(args[1], 'pMContact'), 'FriendlyName', I.C)) };
      case 'OnContactPhoneChange':
        if (hrFirst() || !isEnumValue('MPHONE_TYPE', args[2])) return undefined;
        return { type: 'contactPhone', signinName: contactName(args[1]), phoneType: args[2], number: text(args[3]) };
      case 'OnContactPagerChange':
        if (hrFirst()) return undefined;
        return { type: 'contactPager', signinName: contactName(args[1]), canPage: flag(args[2]) };
      case 'OnContactPropertyChange':
        if (hrFirst() || args[2] !== MCONTACTPROPERTY.MCONTACTPROP_EMAIL) return undefined;
        return { type: 'contactEmail', signinName: contactName(args[1]), email: text(args[3]) };
      case 'OnContactListAdd':
        return hrFirst() ? undefined : { type: 'contactListAdd', signinName: contactName(args[1]) };
      case 'OnContactListRemove':
        return hrFirst() ? undefined : { type: 'contactListRemove', signinName: contactName(args[1]) };
      case 'OnMyStatusChange':
        return hrFirst() ? undefined : { type: 'myStatus', status: statusOf(args[1]) };
      case 'OnMyFriendlyNameChange':
        if (hrFirst()) return undefined;
        return { type: 'myFriendlyName', friendlyName: text(com.tryGet(root, 'MyFriendlyName')), previous: text(args[1]) };
      case 'OnMyPhoneChange':
        return isEnumValue('MPHONE_TYPE', args[0]) ? { type: 'myPhone', phoneType: args[0], number: text(args[1]) } : undefined;
      case 'OnUnreadEmailChange':
        return isEnumValue('MUAFOLDER', args[0]) ? { type: 'unreadEmail', folder: args[0], count: int(args[1]) } : undefined;
      case 'OnIMWindowContactAdded':
      case 'OnIMWindowContactRemoved': {
        // Windows the adapter did not open (an incoming conversation) are unknown to core as well.
        const windowId = knownWindow(args[1]);
        if (windowId === undefined) return undefined;
        const signinName = contactName(args[0]);
        const record = windows.extraOf(windowId);
        if (record) {
          const others = record.contacts.filter((c) => !same(c, signinName));
          windows.update(windowId, { extra: { ...record, contacts: event === 'OnIMWindowContactAdded' ? [...others, signinName] : others } });
        }
        return { type: event === 'OnIMWindowContactAdded' ? 'windowContactAdded' : 'windowContactRemoved', windowId, signinName };
      }
      case 'OnIMWindowDestroyed': {
        const windowId = knownWindow(args[0]);
        if (windowId === undefined) return undefined;
        const window = windows.forget(windowId);
        if (window) com.port.release(window);
        return { type: 'windowClosed', windowId };
      }
      case 'OnSignout': return { type: 'signedOut' };
      case 'OnAppShutdown': return { type: 'appShutdown' };
      default: return undefined;
    }
  };

  let signingOut = false;
  const teardown = (): void => {
    events.unadvise();
    releaseChildren();
  };

  const events = new ComEvents(com, root, {
    pumpIntervalMs: options.pumpIntervalMs,
    echoWindowMs: options.echoWindowMs,
    toChange,
    probe,
    // Signed out elsewhere (or by the server): the session's sink and objects go.
    afterEvent: (event) => { if (event === 'OnSignout' && !signingOut) teardown(); },
  });

  /**
   * Make a write whose result the client reports through an event (`confirm`): register the echo and
   * the wait before the call, reject with the event's failed hr, succeed when the event does not come.
   */
  const confirmed = async (write: () => void, confirm: { event: string; match: (args: readonly unknown[]) => boolean; what: string },
    echo?: (change: RemoteChange) => boolean): Promise<void> => {
    const cancelEcho = echo ? events.expectEcho(echo) : undefined;
    const wait = events.waitFor(confirm.event, confirm.match, options.confirmTimeoutMs);
    try {
      write();
    } catch (error) {
      wait.cancel();
      cancelEcho?.();
      throw error;
    }
    const args = await wait.promise;
    if (args && failedHr(args[0])) {
      cancelEcho?.();
      const hr = args[0] as number;
      throw new MessengerError(hr, { detail: `The client reported that ${confirm.what} failed (${confirm.event} ${hresultHex(hr)}).` });
    }
  };

  /** OnContactListAdd/Remove for `name`: the named contact, or a failure whose contact cannot be read. */
  const aboutContact = (name: string) => (args: readonly unknown[]): boolean => {
    try {
      return same(contactName(args[1]), name);
    } catch {
      return failedHr(args[0]);
    }
  };

  // ---- session ------------------------------------------------------------------------------

  const session: SessionPort = {
    async isSignedIn() {
      try {
        return settled(statusOf(com.get(root, 'MyStatus', I.M)));
      } catch (error) {
        if (isMessengerError(error, 'MSGR_E_NOT_LOGGED_ON')) return false;
        throw error;
      }
    },

    /**
     * The client signs in asynchronously and reports the result through OnSignin: wait for it
     * (subscribed before the call), then for the status it settles in, which is core's to raise.
     */
    async signin({ signinName, password }) {
      let signinSeen = false;
      let statusSeen = false;
      const unmute = events.mute((change) => {
        if (change.type !== 'myStatus') return false;
        if (signinSeen && settled(change.status)) statusSeen = true;
        return true;
      });
      let me: SelfRecord;
      try {
        const wait = events.waitFor('OnSignin', () => { signinSeen = true; return true; }, options.signinTimeoutMs);
        try {
          if (signinName) com.call(root, 'Signin', [0, signinName, password], I.M);
          else com.call(root, 'AutoSignin', [], I.M);
        } catch (error) {
          wait.cancel();
          throw error;
        }
        const args = await wait.promise;
        if (!args) {
          throw messengerError('MSGR_E_LOGON_TIMEOUT', undefined,
            `The client (${com.progId}) did not report the sign-in (OnSignin) within ${options.signinTimeoutMs} ms.`);
        }
        const hr = typeof args[0] === 'number' ? args[0] : HR.S_OK;
        if (!succeeded(hr)) throw new MessengerError(hr, { detail: `The client reported that the sign-in failed (OnSignin ${hresultHex(hr)}).` });
        me = self();
      } finally {
        unmute();
      }
      if (!statusSeen) {
        // The client settles after OnSignin (through the local connecting states): core already reports it.
        events.expectEcho((c) => c.type === 'myStatus' && c.status >= 0x100, { sticky: true });
        events.expectEcho((c) => c.type === 'myStatus' && c.status === me.status);
      }
      return me;
    },

    async signout() {
      signingOut = true;
      const unmute = events.mute(() => true);
      try {
        const wait = events.advised ? events.waitFor('OnSignout', () => true, options.confirmTimeoutMs) : undefined;
        try {
          com.call(root, 'Signout', [], I.M);
        } catch (error) {
          wait?.cancel();
          throw error;
        }
        await wait?.promise;
        teardown();
      } finally {
        unmute();
        signingOut = false;
      }
    },

    async self() { return self(); },
    async services() { return services(); },
  };

  // ---- directory and presence ---------------------------------------------------------------

  const directory: DirectoryPort = {
    async listContacts() { return com.items(myContacts(), I.CS).map(contactRecord); },

    async lookup(signinName) {
      try {
        return contactRecord(getContact(signinName));
      } catch (error) {
        if (isMessengerError(error, 'MSGR_E_USER_NOT_FOUND')) return null;
        throw error;
      }
    },

    async addContact(signinName) {
      await confirmed(
        () => com.call(root, 'AddContact', [0, signinName], I.M),
        { event: 'OnContactListAdd', match: aboutContact(signinName), what: `AddContact("${signinName}")` },
        (c) => c.type === 'contactListAdd' && same(c.signinName, signinName),
      );
      return contactRecord(listedContact(signinName) ?? getContact(signinName));
    },

    async removeContact(signinName) {
      const contacts = myContacts();
      const contact = com.items(contacts, I.CS).find((c) => same(text(com.get(c, 'SigninName', I.C)), signinName));
      if (!contact) throw messengerError('MSGR_E_USER_NOT_FOUND', undefined, `"${signinName}" is not in the contact list.`);
      await confirmed(
        () => com.call(contacts, 'Remove', [contact], I.CS),
        { event: 'OnContactListRemove', match: aboutContact(signinName), what: `MyContacts.Remove("${signinName}")` },
        (c) => c.type === 'contactListRemove' && same(c.signinName, signinName),
      );
    },

    async setBlocked(signinName, blocked) {
      com.put(getContact(signinName), 'Blocked', blocked, I.C);
    },

    /** The automation API has no directory search (FindContact only opens the client's dialog): the list is searched. */
    async find(query) {
      const words = [query.firstName, query.lastName].filter(Boolean).map((w) => w.toLowerCase());
      return (await directory.listContacts()).filter((c) => words.every((w) => c.friendlyName.toLowerCase().includes(w)));
    },
  };

  const presence: PresencePort = {
    async setMyStatus(status) {
      const cancelEcho = events.expectEcho((c) => c.type === 'myStatus' && c.status === status);
      try {
        com.put(root, 'MyStatus', status, I.M);
      } catch (error) {
        cancelEcho();
        throw error;
      }
    },

    async statuses(signinNames) {
      const result = new Map<string, MISTATUS>();
      for (const name of signinNames) {
        try {
          result.set(name, statusOf(com.get(getContact(name), 'Status', I.C)));
        } catch (error) {
          if (!isMessengerError(error, 'MSGR_E_USER_NOT_FOUND')) throw error;
          result.set(name, MISTATUS.MISTATUS_UNKNOWN);
        }
      }
      return result;
    },
  };

  // ---- groups -------------------------------------------------------------------------------

  const groupsPort: GroupsPort = {
    async list() {
      const records = com.items(obj(com.get(root, 'MyGroups', I.M2), 'IMessenger2.MyGroups'), I.GS).map(groupRecord);
      // Groups removed elsewhere: their ids answer MSGR_E_GROUP_DOES_NOT_EXIST from now on.
      const present = new Set(records.map((r) => r.id));
      const gone = groups.ids().filter((id) => !present.has(id)).map((id) => groups.forget(id)).filter((o): o is AutomationObject => o !== undefined);
      if (gone.length > 0) com.port.release(...gone);
      return records;
    },

    async create(name, serviceId) {
      const group = com.call(root, 'CreateGroup', [name, serviceId || primaryServiceId()], I.M2);
      return groupRecord(obj(group, 'IMessenger2.CreateGroup'));
    },

    async rename(groupId, name) {
      com.put(groupObject(groupId), 'Name', name, I.G);
      groups.update(groupId, { key: name.toLowerCase() });
    },

    async remove(groupId) {
      const group = groupObject(groupId);
      com.call(obj(com.get(root, 'MyGroups', I.M2), 'IMessenger2.MyGroups'), 'Remove', [group], I.GS);
      groups.forget(groupId);
      com.port.release(group);
    },

    async addMember(groupId, signinName) { com.call(groupObject(groupId), 'AddContact', [signinName], I.G); },
    async removeMember(groupId, signinName) { com.call(groupObject(groupId), 'RemoveContact', [signinName], I.G); },
  };

  // ---- conversations ------------------------------------------------------------------------

  const conversations: ConversationsPort = {
    async open(kind, signinName, openOptions = {}) {
      const opener = OPENERS[kind];
      const window = obj(com.call(root, opener.member, opener.args(signinName, openOptions.detail), opener.iface), `${opener.iface}.${opener.member}`);
      const hwnd = int(com.tryGet(window, 'HWND'));
      const reused = openOptions.reuse ? windows.extraOf(openOptions.reuse) : undefined;
      let created = false;
      const id = windows.idOf(window, hwndKey(window), (newId) => {
        created = true;
        return { id: newId, hwnd, kind, contacts: [signinName] };
      });
      const previous = windows.extraOf(id);
      const record: WindowRecord = { id, hwnd, kind, contacts: previous?.contacts ?? reused?.contacts ?? [signinName] };
      windows.update(id, { extra: record });
      // The real client reports the first participant joining a new window: core knows already.
      if (created) events.expectEcho((c) => c.type === 'windowContactAdded' && c.windowId === id && same(c.signinName, signinName));
      return record;
    },

    async addParticipant(windowId, signinName) {
      const window = windowObject(windowId);
      const cancelEcho = events.expectEcho((c) => c.type === 'windowContactAdded' && c.windowId === windowId && same(c.signinName, signinName));
      try {
        com.call(window, 'AddContact', [signinName], I.CW);
      } catch (error) {
        cancelEcho();
        throw error;
      }
      const record = windows.extraOf(windowId);
      if (record && !record.contacts.some((c) => same(c, signinName))) {
        windows.update(windowId, { extra: { ...record, contacts: [...record.contacts, signinName] } });
      }
    },

    async history(windowId) { return text(com.get(windowObject(windowId), 'History', I.CW)); },

    async close(windowId) {
      const window = windowObject(windowId);
      const cancelEcho = events.expectEcho((c) => c.type === 'windowClosed' && c.windowId === windowId);
      try {
        com.call(window, 'Close', [], I.W);
      } catch (error) {
        cancelEcho();
        throw error;
      }
      windows.forget(windowId);
      com.port.release(window);
    },
  };

  // ---- mail, preferences, shell -------------------------------------------------------------

  const mail: MailPort = {
    async unreadCount(folder: MUAFOLDER) { return int(com.call(root, 'UnreadEmailCount', [folder], I.M)); },
    async openInbox() { com.call(root, 'OpenInbox', [], I.M); },
    async compose(to) { com.call(root, 'SendMail', [to], I.M); },
  };

  const preferences: PreferencesPort = {
    async sortOrder() { return int(com.get(root, 'ContactsSortOrder', I.M2)) as MUASORT; },
    async setSortOrder(order) { com.put(root, 'ContactsSortOrder', order, I.M2); },
    async receiveFileDirectory() { return text(com.get(root, 'ReceiveFileDirectory', I.M)); },
  };

  const EDGES: readonly [keyof WindowGeometry, string][] = [['left', 'Left'], ['top', 'Top'], ['width', 'Width'], ['height', 'Height']];

  const shell: ShellPort = {
    async viewProfile(signinName) { com.call(root, 'ViewProfile', [signinName], I.M); },
    async findContact(query) {
      // vbstrCity, vbstrState and vbstrCountry are optional VARIANTs: trailing ones left out are omitted.
      const optional = [query.city, query.state, query.country];
      while (optional.length > 0 && optional[optional.length - 1] === undefined) optional.pop();
      com.call(root, 'FindContact', [0, query.firstName, query.lastName, ...optional.map((v) => v ?? '')], I.M);
    },
    async optionsPages(page) { com.call(root, 'OptionsPages', [0, page], I.M); },
    async mediaWizard() { com.call(root, 'MediaWizard', [0], I.M); },
    async mainWindow() { return { id: MAIN, hwnd: int(com.get(main(), 'HWND', I.W)), kind: 'im', contacts: [] }; },
    async geometry(windowId) {
      const window = windowObject(windowId);
      const [left, top, width, height] = EDGES.map(([, name]) => int(com.get(window, name, I.W))) as [number, number, number, number];
      return { left, top, width, height };
    },
    async setGeometry(windowId, geometry) {
      const window = windowObject(windowId);
      for (const [edge, name] of EDGES) {
        const value = geometry[edge];
        if (value !== undefined) com.put(window, name, value, I.W);
      }
    },
    async show(windowId) { com.call(windowObject(windowId), 'Show', [], I.W); },
  };

  const eventsPort: EventsPort = { watch: (listener) => events.watch(listener) };

  return {
    ports: { session, directory, presence, groups: groupsPort, conversations, mail, preferences, shell, events: eventsPort },
    events,
    teardown,
    dispose: () => { teardown(); },
  };
}
