/**
 * The backend SPI: what an adapter implements. Small capability ports that move plain data;
 * every documented rule (argument checks, signed-out behaviour, identity, events) lives once in
 * @imessenger/core, never here. A port an adapter leaves out is a capability it lacks: core answers
 * the members that need it with the documented HRESULT (CAPABILITY_HRESULTS).
 *
 * Sign-in names cross the SPI as given by the caller; adapters compare them case-insensitively.
 * An adapter reports failure by throwing a MessengerError (converted in one errors.ts per adapter).
 */
import type { MISTATUS, MPHONE_TYPE, MUAFOLDER, MUASORT } from './enums';
import type { HResultName } from './hresult';
import type { BackendInfo } from './tokens';

/** Phone numbers by kind (MPHONE_TYPE_HOME, _WORK, _MOBILE, _CUSTOM). */
export type PhoneKind = 'home' | 'work' | 'mobile' | 'custom';
export type Phones = Partial<Record<PhoneKind, string>>;

export interface SelfRecord {
  readonly signinName: string;
  readonly friendlyName: string;
  readonly status: MISTATUS;
  readonly phones: Phones;
  readonly serviceId: string;
}

export interface ServiceRecord {
  readonly id: string;
  readonly name: string;
  readonly primary: boolean;
}

export interface ContactRecord {
  readonly signinName: string;
  readonly friendlyName: string;
  readonly status: MISTATUS;
  readonly blocked: boolean;
  readonly canPage: boolean;
  readonly phones: Phones;
  readonly email?: string;
  readonly serviceId: string;
}

export interface GroupRecord {
  /** Stable id of the group in the backend (names can change). */
  readonly id: string;
  readonly name: string;
  readonly serviceId: string;
  /** Sign-in names of the members. */
  readonly members: readonly string[];
}

export type ConversationKind = 'im' | 'video' | 'voice' | 'page' | 'phone' | 'file' | 'app';

export interface WindowRecord {
  readonly id: string;
  readonly hwnd: number;
  readonly kind: ConversationKind;
  /** Sign-in names of the other participants. */
  readonly contacts: readonly string[];
  /** Where the conversation can be joined (e.g. a Teams meeting link), when the backend has one. */
  readonly joinUrl?: string;
}

export interface WindowGeometry { readonly left: number; readonly top: number; readonly width: number; readonly height: number }

export interface SigninRequest {
  /** Empty for AutoSignin (the stored or default account). */
  readonly signinName: string;
  readonly password: string;
}

/** Session: sign in and out, who am I, which services. Required of every backend. */
export interface SessionPort {
  isSignedIn(): Promise<boolean>;
  signin(request: SigninRequest): Promise<SelfRecord>;
  signout(): Promise<void>;
  self(): Promise<SelfRecord>;
  services(): Promise<readonly ServiceRecord[]>;
}

export interface FindQuery {
  readonly firstName: string;
  readonly lastName: string;
  readonly city?: string;
  readonly state?: string;
  readonly country?: string;
}

/** Directory and contact list. */
export interface DirectoryPort {
  listContacts(): Promise<readonly ContactRecord[]>;
  /** A user of the service by sign-in name, in the list or not; null when the service has none. */
  lookup(signinName: string): Promise<ContactRecord | null>;
  /**
   * Optional: the contact-list entry of each sign-in name, in order, as `listContacts` gives it, or
   * null for a name whose user is not in the contact list (a stranger, or no such user). It answers
   * "are these listed?" without listing everyone: core asks it with one name (GetContact) or a whole
   * roster (a group's members). A backend that can answer cheaply (an index, one request per batch)
   * provides it; without it core lists the contacts once per session and indexes them itself.
   */
  listedContacts?(signinNames: readonly string[]): Promise<readonly (ContactRecord | null)[]>;
  addContact(signinName: string): Promise<ContactRecord>;
  removeContact(signinName: string): Promise<void>;
  setBlocked(signinName: string, blocked: boolean): Promise<void>;
  find(query: FindQuery): Promise<readonly ContactRecord[]>;
}

/** Presence: own status and others'. */
export interface PresencePort {
  /**
   * Sets the local user's status. A backend that set another status in its place (the Graph
   * adapter's `statusPolicy: 'nearest'`) resolves to the status now in effect, which MyStatus reads
   * back and OnMyStatusChange reports; otherwise it resolves to nothing (the status given is in effect).
   */
  setMyStatus(status: MISTATUS): Promise<MISTATUS | void>;
  statuses(signinNames: readonly string[]): Promise<ReadonlyMap<string, MISTATUS>>;
}

/** Contact groups. */
export interface GroupsPort {
  list(): Promise<readonly GroupRecord[]>;
  create(name: string, serviceId: string): Promise<GroupRecord>;
  rename(groupId: string, name: string): Promise<void>;
  remove(groupId: string): Promise<void>;
  addMember(groupId: string, signinName: string): Promise<void>;
  removeMember(groupId: string, signinName: string): Promise<void>;
}

/** Conversation windows: IM, video, voice, paging, phone, file transfer, app invitations. */
export interface ConversationsPort {
  /** Open a conversation of `kind` with one contact, or upgrade the window `reuse` to that kind. */
  open(kind: ConversationKind, signinName: string, options?: { reuse?: string; detail?: string }): Promise<WindowRecord>;
  addParticipant(windowId: string, signinName: string): Promise<void>;
  history(windowId: string): Promise<string>;
  close(windowId: string): Promise<void>;
}

/** Mail: unread counts and the mail client. */
export interface MailPort {
  unreadCount(folder: MUAFOLDER): Promise<number>;
  openInbox(): Promise<void>;
  compose(to: string): Promise<void>;
}

/** Per-user preferences. */
export interface PreferencesPort {
  sortOrder(): Promise<MUASORT>;
  setSortOrder(order: MUASORT): Promise<void>;
  receiveFileDirectory(): Promise<string>;
}

/** The user interface the client showed: profile, options, media wizard, main window. */
export interface ShellPort {
  viewProfile(signinName: string): Promise<void>;
  findContact(query: FindQuery): Promise<void>;
  optionsPages(page: number): Promise<void>;
  mediaWizard(): Promise<void>;
  mainWindow(): Promise<WindowRecord>;
  geometry(windowId: string): Promise<WindowGeometry>;
  setGeometry(windowId: string, geometry: Partial<WindowGeometry>): Promise<void>;
  show(windowId: string): Promise<void>;
}

/** Something that happened on the other side (another user, the server), reported by the backend. */
export type RemoteChange =
  | { readonly type: 'contactStatus'; readonly signinName: string; readonly status: MISTATUS }
  | { readonly type: 'contactFriendlyName'; readonly signinName: string; readonly friendlyName: string }
  | { readonly type: 'contactPhone'; readonly signinName: string; readonly phoneType: MPHONE_TYPE; readonly number: string }
  | { readonly type: 'contactPager'; readonly signinName: string; readonly canPage: boolean }
  | { readonly type: 'contactEmail'; readonly signinName: string; readonly email: string }
  | { readonly type: 'contactListAdd'; readonly signinName: string }
  | { readonly type: 'contactListRemove'; readonly signinName: string }
  | { readonly type: 'myStatus'; readonly status: MISTATUS }
  | { readonly type: 'myFriendlyName'; readonly friendlyName: string; readonly previous: string }
  | { readonly type: 'myPhone'; readonly phoneType: MPHONE_TYPE; readonly number: string }
  | { readonly type: 'unreadEmail'; readonly folder: MUAFOLDER; readonly count: number }
  | { readonly type: 'windowContactAdded'; readonly windowId: string; readonly signinName: string }
  | { readonly type: 'windowContactRemoved'; readonly windowId: string; readonly signinName: string }
  | { readonly type: 'windowClosed'; readonly windowId: string }
  | { readonly type: 'signedOut' }
  | { readonly type: 'appShutdown' };

/** Remote changes the backend watches for; returns a function that stops watching. */
export interface EventsPort {
  watch(listener: (change: RemoteChange) => void): () => void;
}

/** Every port, by capability name. `session` is required; the rest are optional capabilities. */
export interface BackendPorts {
  readonly session: SessionPort;
  readonly directory?: DirectoryPort;
  readonly presence?: PresencePort;
  readonly groups?: GroupsPort;
  readonly conversations?: ConversationsPort;
  readonly mail?: MailPort;
  readonly preferences?: PreferencesPort;
  readonly shell?: ShellPort;
  readonly events?: EventsPort;
}


/**
 * A backend as core consumes it: a plain object of ports, made by the backend's factory
 * (`memoryBackend({ seed })`, `graphBackend({ auth, tenantId })`, `comBackend()`), as unstorage drivers,
 * keyv adapters and Prisma driver adapters are. Nothing here needs a container: wrapping a backend
 * (faults, routing, a custom presence source) is making another such object. Factories add their own
 * members beside these (the memory backend's `otherSide`, the Graph backend's `watcher`, …).
 */
export interface BackendDefinition {
  /** Short name: error texts, the compatibility matrix, `imessenger --backend`. */
  readonly name: string;
  /** The backend's ports: `session` is required; a capability left out is answered by core with its documented HRESULT. */
  readonly ports: BackendPorts;
  /** What the backend declares about itself (default `{ name }`): the members it documents as unsupported. */
  readonly info?: BackendInfo;
}

export type Capability = Exclude<keyof BackendPorts, 'session'>;

export const CAPABILITIES = [
  'directory', 'presence', 'groups', 'conversations', 'mail', 'preferences', 'shell', 'events',
] as const satisfies readonly Capability[];

/**
 * What core answers when a member needs a capability the backend lacks: the HRESULT the docs give
 * for that situation (CreateGroup: "the current service does not support groups"), E_NOTIMPL where
 * the docs name none.
 */
export const CAPABILITY_HRESULTS: { readonly [C in Capability]: HResultName } = {
  directory: 'E_NOTIMPL',
  presence: 'E_NOTIMPL',
  groups: 'MSGR_E_GROUPS_NOT_ENABLED',
  conversations: 'E_NOTIMPL',
  mail: 'E_NOTIMPL',
  preferences: 'E_NOTIMPL',
  shell: 'E_NOTIMPL',
  events: 'E_NOTIMPL',
};
