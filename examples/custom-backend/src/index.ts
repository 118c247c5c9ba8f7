/**
 * A backend of your own: a company directory with presence. It implements three SPI ports —
 * session, directory, presence (+ events) — and nothing else; core answers every member that needs
 * groups, conversations, mail, preferences or a user interface with the documented HRESULT.
 */
import { ContainerModule } from 'inversify';
import {
  type BackendInfo, type ContactRecord, type DirectoryPort, type EventsPort, type FindQuery, MISTATUS, type OtherSide,
  type PresencePort, type RemoteChange, type SelfRecord, type ServiceRecord, type SessionPort, TOKENS, messengerError,
} from '@imessenger/contract';
import type { BackendDefinition } from '@imessenger/core';

export interface Person { signinName: string; friendlyName?: string; status?: number; blocked?: boolean }
export interface DirectorySeed { self: Person & { password?: string }; contacts?: Person[]; directory?: Person[]; signedIn?: boolean }

const SERVICE: ServiceRecord = { id: '{5f2c3a71-0000-4000-8000-00000000c0de}', name: 'Contoso Directory', primary: true };

export class CompanyDirectory implements SessionPort, DirectoryPort, PresencePort, EventsPort {
  private signedIn: boolean;
  private readonly people = new Map<string, ContactRecord>();
  private readonly list: string[];
  private readonly me: ContactRecord;
  private readonly listeners = new Set<(change: RemoteChange) => void>();

  constructor(private readonly seed: DirectorySeed) {
    const record = (p: Person, status: number): ContactRecord => ({
      signinName: p.signinName, friendlyName: p.friendlyName ?? p.signinName, status: (p.status ?? status) as MISTATUS,
      blocked: p.blocked ?? false, canPage: false, phones: {}, serviceId: SERVICE.id,
    });
    this.me = record(seed.self, MISTATUS.MISTATUS_ONLINE);
    for (const p of [...(seed.directory ?? []), ...(seed.contacts ?? [])]) this.people.set(p.signinName.toLowerCase(), record(p, MISTATUS.MISTATUS_OFFLINE));
    this.list = (seed.contacts ?? []).map((p) => p.signinName.toLowerCase());
    this.signedIn = seed.signedIn ?? false;
  }

  // SessionPort
  async isSignedIn() { return this.signedIn; }
  async signin({ signinName, password }: { signinName: string; password: string }): Promise<SelfRecord> {
    if (signinName && signinName.toLowerCase() !== this.me.signinName.toLowerCase()) throw messengerError('MSGR_E_USER_NOT_FOUND');
    if (signinName && this.seed.self.password !== undefined && password !== this.seed.self.password) throw messengerError('MSGR_E_INVALID_PASSWORD');
    this.signedIn = true;
    return this.self();
  }
  async signout() { this.signedIn = false; }
  async self(): Promise<SelfRecord> { return { ...this.me, phones: {}, serviceId: SERVICE.id }; }
  async services() { return [SERVICE]; }

  // DirectoryPort
  async listContacts() { return this.list.map((k) => this.people.get(k)!); }
  async lookup(signinName: string) { return this.people.get(signinName.toLowerCase()) ?? (signinName.toLowerCase() === this.me.signinName.toLowerCase() ? this.me : null); }
  async addContact(signinName: string) {
    const person = this.people.get(signinName.toLowerCase());
    if (!person) throw messengerError('MSGR_E_USER_NOT_FOUND');
    this.list.push(signinName.toLowerCase());
    return person;
  }
  async removeContact(signinName: string) { this.list.splice(this.list.indexOf(signinName.toLowerCase()), 1); }
  async setBlocked(signinName: string, blocked: boolean) {
    const person = this.people.get(signinName.toLowerCase());
    if (person) this.people.set(signinName.toLowerCase(), { ...person, blocked });
  }
  async find(query: FindQuery) {
    return [...this.people.values()].filter((p) => p.friendlyName.toLowerCase().includes(query.lastName.toLowerCase()));
  }

  // PresencePort
  async setMyStatus(status: MISTATUS) { Object.assign(this.me, { status }); }
  async statuses(names: readonly string[]) { return new Map(names.map((n) => [n, this.people.get(n.toLowerCase())?.status ?? MISTATUS.MISTATUS_UNKNOWN])); }

  // EventsPort
  watch(listener: (change: RemoteChange) => void) { this.listeners.add(listener); return () => { this.listeners.delete(listener); }; }

  /** Test hooks the conformance kit drives. */
  otherSide(): OtherSide {
    const person = (name: string) => { const p = this.people.get(name.toLowerCase()); if (!p) throw new Error(`No ${name}`); return p; };
    const emit = (change: RemoteChange) => { for (const l of this.listeners) l(change); };
    return {
      contactStatus: async (name, status) => { this.people.set(name.toLowerCase(), { ...person(name), status }); emit({ type: 'contactStatus', signinName: name, status }); },
      contactFriendlyName: async (name, friendlyName) => { this.people.set(name.toLowerCase(), { ...person(name), friendlyName }); emit({ type: 'contactFriendlyName', signinName: name, friendlyName }); },
      contactPhone: async () => { throw new Error('The directory has no phone numbers.'); },
      contactPager: async () => { throw new Error('The directory has no paging.'); },
      contactEmail: async () => { throw new Error('The directory has no e-mail addresses.'); },
      contactLeavesConversations: async () => { throw new Error('The directory has no conversations.'); },
      myFriendlyName: async (friendlyName) => { const previous = this.me.friendlyName; Object.assign(this.me, { friendlyName }); emit({ type: 'myFriendlyName', friendlyName, previous }); },
      myPhone: async () => { throw new Error('The directory has no phone numbers.'); },
      appShutdown: async () => { emit({ type: 'appShutdown' }); },
      unreadEmail: async () => { throw new Error('The directory has no mail.'); },
      signOut: async () => { this.signedIn = false; emit({ type: 'signedOut' }); },
      failNextCall: () => { throw new Error('The directory cannot inject faults.'); },
    };
  }
}

/** Members this backend cannot do, with the HRESULT core returns for them. */
export const UNSUPPORTED_HRESULT = { groups: 'MSGR_E_GROUPS_NOT_ENABLED', other: 'E_NOTIMPL' } as const;

export function companyDirectoryBackend(seed: DirectorySeed): BackendDefinition & { directory: CompanyDirectory } {
  const directory = new CompanyDirectory(seed);
  const info: BackendInfo = { name: 'company-directory' };
  const module = new ContainerModule(({ bind }) => {
    bind(TOKENS.BackendInfo).toConstantValue(info);
    for (const token of [TOKENS.SessionPort, TOKENS.DirectoryPort, TOKENS.PresencePort, TOKENS.EventsPort]) bind(token).toConstantValue(directory);
  });
  return { name: info.name, module, directory };
}
