/**
 * The state of one in-memory service, shared by all of its ports: reads, writes that persist
 * before they return, remote-change listeners, and injected faults.
 */
import {
  type ContactRecord, type HResultName, type RemoteChange, type WindowGeometry, type WindowRecord, messengerError,
} from '@imessenger/contract';
import type { StateFile } from './persistence';
import type { GroupState, MemoryState, UserState } from './state';

/** An open conversation: session state, never persisted. */
export interface WindowState { record: WindowRecord; geometry: WindowGeometry; history: string[] }

export class MemoryStore {
  /** Open conversation windows by id. */
  readonly windows = new Map<string, WindowState>();
  private readonly listeners = new Set<(change: RemoteChange) => void>();
  private nextFault: HResultName | undefined;

  constructor(public state: MemoryState, private readonly file?: StateFile) {}

  /** Every port call starts here: an injected fault fails exactly one call. */
  enter(operation: string): void {
    const fault = this.nextFault;
    if (fault) {
      this.nextFault = undefined;
      throw messengerError(fault, undefined, `Simulated server error in ${operation}.`);
    }
  }

  failNext(hr: HResultName): void { this.nextFault = hr; }

  /** Apply a change and persist it before acknowledging; a failed save undoes the change. */
  write<T>(change: (state: MemoryState) => T): T {
    if (!this.file) return change(this.state);
    const before = structuredClone(this.state);
    try {
      const result = change(this.state);
      this.file.save(this.state);
      return result;
    } catch (error) {
      this.state = before;
      throw error;
    }
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

  user(signinName: string): UserState | undefined {
    const key = signinName.toLowerCase();
    return key === this.state.self.signinName.toLowerCase() ? this.state.self : this.state.users[key];
  }

  inList(signinName: string): boolean { return this.state.contactList.includes(signinName.toLowerCase()); }

  group(id: string): GroupState {
    const group = this.state.groups.find((g) => g.id === id);
    if (!group) throw messengerError('MSGR_E_GROUP_DOES_NOT_EXIST', undefined, `No group with id ${id}.`);
    return group;
  }

  record(u: UserState): ContactRecord {
    const primary = this.state.services.find((s) => s.primary) ?? this.state.services[0]!;
    return {
      signinName: u.signinName, friendlyName: u.friendlyName, status: u.status as ContactRecord['status'],
      blocked: u.blocked, canPage: u.canPage, phones: { ...u.phones }, serviceId: primary.id,
      ...(u.email === undefined ? {} : { email: u.email }),
    };
  }
}
