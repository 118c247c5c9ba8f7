/**
 * The state of one in-memory service, shared by all of its ports: reads, writes that persist
 * before they return, remote-change listeners, and injected faults.
 */
import {
  type ContactRecord, type HResultName, type RemoteChange, type WindowGeometry, type WindowRecord, messengerError,
} from '@imessenger/contract';
import { StateChangedError, type StateFile } from './persistence';
import type { GroupState, MemoryState, UserState } from './state';

/** An open conversation: session state, never persisted. */
export interface WindowState { record: WindowRecord; geometry: WindowGeometry; history: string[] }

/** state.users[key], own properties only. */
const ownUser = (users: Readonly<Record<string, UserState>>, key: string): UserState | undefined =>
  (Object.hasOwn(users, key) ? users[key] : undefined);

export class MemoryStore {
  /** Open conversation windows by id. */
  readonly windows = new Map<string, WindowState>();
  private readonly listeners = new Set<(change: RemoteChange) => void>();
  private nextFault: HResultName | undefined;
  /** The users of state.contactList by key, built on first use (see listedUsers). */
  private listed: { list: string[]; length: number; from: Record<string, UserState>; users: Map<string, UserState | undefined> } | undefined;

  constructor(public state: MemoryState, private readonly file?: StateFile) {}

  /**
   * Every port call starts here: the state another process saved to the file since is loaded (see
   * write); an injected fault fails exactly one call.
   */
  enter(operation: string): void {
    const changed = this.file?.changed();
    if (changed) this.adopt(changed);
    const fault = this.nextFault;
    if (fault) {
      this.nextFault = undefined;
      throw messengerError(fault, undefined, `Simulated server error in ${operation}.`);
    }
  }

  failNext(hr: HResultName): void { this.nextFault = hr; }

  /**
   * Apply a change and persist it before acknowledging; a failed save undoes the change. With a
   * state file, under its lock: if another process changed the file since this one read it, the
   * change is not applied; its state is adopted and StateChangedError thrown, and the port call is
   * run again on the new state (rerunOnStateChange in backend.ts), its checks included.
   */
  write<T>(change: (state: MemoryState) => T): T {
    const file = this.file;
    if (!file) return change(this.state);
    let before: MemoryState | undefined;
    try {
      return file.commit(() => {
        before = structuredClone(this.state);
        return { state: this.state, result: change(this.state) };
      });
    } catch (error) {
      if (error instanceof StateChangedError) this.adopt(error.state);
      else if (before) this.state = before; // the change failed, or its save: undone in memory too
      throw error;
    }
  }

  /** Take the state another process saved. Window ids keep counting up (open windows keep theirs). */
  private adopt(state: MemoryState): void {
    state.nextId = Math.max(state.nextId, this.state.nextId);
    this.state = state;
  }

  watch(listener: (change: RemoteChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(change: RemoteChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }

  requireSignedIn(operation: string): void {
    if (!this.state.signedIn) throw messengerError('MSGR_E_NOT_LOGGED_ON', undefined, `${operation}: not signed in.`);
  }

  /** The user of a sign-in name (an own key of state.users only: "constructor" or "__proto__" is nobody, not Object.prototype's member). */
  user(signinName: string): UserState | undefined {
    const key = signinName.toLowerCase();
    return key === this.state.self.signinName.toLowerCase() ? this.state.self : ownUser(this.state.users, key);
  }

  inList(signinName: string): boolean { return this.listedUsers().has(signinName.toLowerCase()); }

  /** Add a user of the service to the contact list (persisted), keeping listedUsers current. */
  addToList(signinName: string): void {
    const key = signinName.toLowerCase();
    const users = this.validListed();
    this.write((s) => { s.contactList.push(key); });
    users?.set(key, this.user(key));
    this.listed = users && { list: this.state.contactList, length: this.state.contactList.length, from: this.state.users, users };
  }

  /** Remove from the contact list (persisted), keeping listedUsers current. */
  removeFromList(signinName: string): void {
    const key = signinName.toLowerCase();
    const users = this.validListed();
    this.write((s) => { s.contactList = s.contactList.filter((k) => k !== key); });
    users?.delete(key);
    this.listed = users && { list: this.state.contactList, length: this.state.contactList.length, from: this.state.users, users };
  }

  /**
   * The contact list's keys with their users (undefined for a key with no user): O(1) membership
   * and lookup. Rebuilt when the list or the users were changed other than through
   * addToList/removeFromList.
   */
  listedUsers(): ReadonlyMap<string, UserState | undefined> {
    const valid = this.validListed();
    if (valid) return valid;
    const { contactList: list, users: from } = this.state;
    const users = new Map<string, UserState | undefined>();
    // The local user may be in their own list (B341): self is not in `users`.
    for (const key of list) users.set(key, this.user(key));
    this.listed = { list, length: list.length, from, users };
    return users;
  }

  /** The map, if it still describes the state: the same list array (not replaced by a removal, an undone write or new state), of the same length, and the same users. */
  private validListed(): Map<string, UserState | undefined> | undefined {
    const l = this.listed;
    return l && l.list === this.state.contactList && l.length === l.list.length && l.from === this.state.users ? l.users : undefined;
  }

  group(id: string): GroupState {
    const group = this.state.groups.find((g) => g.id === id);
    if (!group) throw messengerError('MSGR_E_GROUP_DOES_NOT_EXIST', undefined, `No group with id ${id}.`);
    return group;
  }

  /** The primary service's id (records carry it). */
  primaryServiceId(): string {
    return (this.state.services.find((s) => s.primary) ?? this.state.services[0]!).id;
  }

  /**
   * A user as a ContactRecord: a new object, so nothing outside changes the state. Its phones object
   * is shared, not copied: the store never changes a phones object in place, it replaces it
   * (other-side.ts), so a record keeps the numbers it was made with (a walk of 10^5 contacts makes
   * 10^5 records: one object each, not two).
   */
  record(u: UserState, serviceId = this.primaryServiceId()): ContactRecord {
    const record = {
      signinName: u.signinName, friendlyName: u.friendlyName, status: u.status as ContactRecord['status'],
      blocked: u.blocked, canPage: u.canPage, phones: u.phones, serviceId,
    };
    return u.email === undefined ? record : { ...record, email: u.email };
  }
}
