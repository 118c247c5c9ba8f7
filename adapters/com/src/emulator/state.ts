/**
 * What the emulated Messenger client knows: the in-memory backend's state, built by the same
 * `stateFromSeed` from the same seed document (so a seed means the same world on every backend),
 * plus what lives only as long as the client session: open conversation windows, the main window,
 * and an injected fault. Plain data operations only: the Messenger rules (arguments, signed-out
 * results, identity, events) live in the object modules, as they do in core.
 */
import {
  type ContactRecord, type ConversationKind, type HResultName, MISTATUS, MPHONE_TYPE, type Phones, type ServiceRecord,
} from '@imessenger/contract';
import { type MemoryState, stateFromSeed } from '@imessenger/adapter-memory';

export type UserState = MemoryState['users'][string];
export type GroupState = MemoryState['groups'][number];

export interface Geometry { left: number; top: number; width: number; height: number }

/** An open conversation window (session state: never part of the seed). */
export interface ConversationState {
  readonly id: string;
  readonly hwnd: number;
  kind: ConversationKind;
  /** Sign-in names of the other participants. */
  contacts: string[];
  readonly geometry: Geometry;
  readonly history: string[];
}

export const keyOf = (signinName: string): string => signinName.toLowerCase();

/** Phone kinds by MPHONE_TYPE value (HOME 0 … CUSTOM 3). */
const PHONE_KINDS = ['home', 'work', 'mobile', 'custom'] as const;
export function phoneKind(type: number): (typeof PHONE_KINDS)[number] | undefined { return PHONE_KINDS[type]; }

/** The number of one phone type; MPHONE_TYPE_ALL gives the first number set, in enum order (as core's phoneOf). */
export function phoneOf(phones: Phones, type: number): string | undefined {
  if (type === MPHONE_TYPE.MPHONE_TYPE_ALL) return PHONE_KINDS.map((k) => phones[k]).find((n) => n);
  const kind = phoneKind(type);
  return kind ? phones[kind] : undefined;
}

/** A remote contact's status as subscribers see it: MISTATUS_INVISIBLE appears as MISTATUS_OFFLINE (B374). */
export function visibleStatus(status: MISTATUS): MISTATUS {
  return status === MISTATUS.MISTATUS_INVISIBLE ? MISTATUS.MISTATUS_OFFLINE : status;
}

export class EmulatorState {
  readonly data: MemoryState;
  /** Open conversation windows by id; closing one removes it. */
  readonly conversations = new Map<string, ConversationState>();
  /** The Messenger main window: closing it only hides it (to the tray), Show brings it back. */
  readonly mainWindow = { hwnd: 0x10001, closed: false, geometry: { left: 0, top: 0, width: 300, height: 600 } as Geometry };
  private nextHwnd = 0x10010;
  private fault: HResultName | undefined;

  constructor(seed: unknown) { this.data = stateFromSeed(seed); }

  get signedIn(): boolean { return this.data.signedIn; }

  // ---- injected faults -------------------------------------------------------------------------

  failNext(hr: HResultName): void { this.fault = hr; }

  /** The pending fault, once. */
  takeFault(): HResultName | undefined {
    const fault = this.fault;
    this.fault = undefined;
    return fault;
  }

  // ---- users and the contact list ---------------------------------------------------------------

  /** A user the service knows: the local user, a contact or a directory user. */
  user(signinName: string): UserState | undefined {
    const key = keyOf(signinName);
    // Own keys only: "constructor" or "__proto__" is nobody, not a member of Object.prototype.
    return key === keyOf(this.data.self.signinName) ? this.data.self : Object.hasOwn(this.data.users, key) ? this.data.users[key] : undefined;
  }

  isSelf(signinName: string): boolean { return keyOf(signinName) === keyOf(this.data.self.signinName); }

  inList(signinName: string): boolean { return this.data.contactList.includes(keyOf(signinName)); }

  /** The contact list, in list order. */
  listed(): UserState[] {
    return this.data.contactList.map((key) => this.user(key)).filter((u): u is UserState => u !== undefined);
  }

  /** What the client knows about a user, as core's ContactRecord (the memory store's `record`). */
  record(u: UserState): ContactRecord {
    return {
      signinName: u.signinName, friendlyName: u.friendlyName, status: u.status as MISTATUS, blocked: u.blocked,
      canPage: u.canPage, phones: { ...u.phones }, serviceId: this.primaryService().id,
      ...(u.email === undefined ? {} : { email: u.email }),
    };
  }

  /** Someone outside the contact list: status unknown, the sign-in name as friendly name (A15). */
  strangerRecord(signinName: string): ContactRecord {
    return {
      signinName, friendlyName: signinName, status: MISTATUS.MISTATUS_UNKNOWN, blocked: false, canPage: false,
      phones: {}, serviceId: this.primaryService().id,
    };
  }

  /** The local user as a contact (GetContact with the own sign-in name). */
  selfRecord(): ContactRecord {
    const self = this.data.self;
    return { ...this.record(self), blocked: false, canPage: false, email: self.signinName };
  }

  // ---- services and groups -----------------------------------------------------------------------

  primaryService(): ServiceRecord {
    return this.data.services.find((s) => s.primary) ?? this.data.services[0]!;
  }

  service(id: string): ServiceRecord | undefined {
    return this.data.services.find((s) => s.id.toLowerCase() === id.toLowerCase());
  }

  groupNamed(name: string): GroupState | undefined {
    return this.data.groups.find((g) => g.name.toLowerCase() === name.toLowerCase());
  }

  hasGroup(group: GroupState): boolean { return this.data.groups.includes(group); }

  createGroup(name: string, serviceId: string): GroupState {
    const group: GroupState = { id: `group-${this.data.nextId++}`, name, serviceId, members: [] };
    this.data.groups.push(group);
    return group;
  }

  removeGroup(group: GroupState): void { this.data.groups = this.data.groups.filter((g) => g !== group); }

  // ---- conversations -----------------------------------------------------------------------------

  /**
   * Open a conversation of `kind` with one contact, or turn the open window `reuse` into that kind
   * (same id, handle and participants). `detail` (a file, a number, an application) goes to History.
   */
  openConversation(kind: ConversationKind, signinName: string, reuse?: ConversationState, detail?: string): ConversationState {
    const conversation = reuse ?? {
      id: `window-${this.data.nextId++}`, hwnd: this.nextHwnd++, kind, contacts: [signinName],
      geometry: { left: 100, top: 100, width: 420, height: 380 }, history: [],
    };
    conversation.kind = kind;
    if (detail) conversation.history.push(`[${kind}] ${detail}`);
    this.conversations.set(conversation.id, conversation);
    return conversation;
  }
}
