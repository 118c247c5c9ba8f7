/**
 * A backend of your own: a company directory with presence. It implements four SPI ports —
 * session, directory, presence and events — and nothing else; core answers every member that needs
 * groups, conversations, mail, preferences or a user interface with the documented HRESULT, and the
 * backend's test declares those members (test/company-directory.contract.test.ts).
 */
import {
  type BackendDefinition, type BackendInfo, type ContactRecord, type DirectoryPort, type EventsPort, type FindQuery, type HResultName, MISTATUS,
  MPHONE_TYPE, type OtherSide, type PhoneKind, type Phones, type PresencePort, type RemoteChange, type SelfRecord,
  type ServiceRecord, type SessionPort, type SigninRequest, messengerError,
} from '@imessenger/contract';

export interface Person {
  signinName: string;
  friendlyName?: string;
  status?: number;
  blocked?: boolean;
  canPage?: boolean;
  phones?: Phones;
  email?: string;
}
export interface DirectorySeed {
  self: Person & { password?: string };
  contacts?: Person[];
  directory?: Person[];
  signedIn?: boolean;
  services?: ServiceRecord[];
}

const DEFAULT_SERVICE: ServiceRecord = { id: '{5f2c3a71-0000-4000-8000-00000000c0de}', name: 'Contoso Directory', primary: true };
const PHONE_KINDS: Record<number, PhoneKind> = { [MPHONE_TYPE.MPHONE_TYPE_HOME]: 'home', [MPHONE_TYPE.MPHONE_TYPE_WORK]: 'work', [MPHONE_TYPE.MPHONE_TYPE_MOBILE]: 'mobile', [MPHONE_TYPE.MPHONE_TYPE_CUSTOM]: 'custom' };

export class CompanyDirectory implements SessionPort, DirectoryPort, PresencePort, EventsPort {
  private signedIn: boolean;
  private readonly service: ServiceRecord;
  private readonly people = new Map<string, ContactRecord>();
  private readonly list: string[];
  private me: ContactRecord;
  private readonly listeners = new Set<(change: RemoteChange) => void>();
  private fault: HResultName | undefined;

  constructor(private readonly seed: DirectorySeed) {
    this.service = seed.services?.find((s) => s.primary) ?? seed.services?.[0] ?? DEFAULT_SERVICE;
    const record = (p: Person, status: number): ContactRecord => ({
      signinName: p.signinName, friendlyName: p.friendlyName ?? p.signinName, status: (p.status ?? status) as MISTATUS,
      blocked: p.blocked ?? false, canPage: p.canPage ?? false, phones: { ...p.phones }, serviceId: this.service.id,
      ...(p.email ? { email: p.email } : {}),
    });
    this.me = record(seed.self, MISTATUS.MISTATUS_ONLINE);
    for (const p of [...(seed.directory ?? []), ...(seed.contacts ?? [])]) this.people.set(key(p.signinName), record(p, MISTATUS.MISTATUS_OFFLINE));
    this.list = (seed.contacts ?? []).map((p) => key(p.signinName));
    this.signedIn = seed.signedIn ?? false;
  }

  /** Every call starts here: an injected fault fails exactly one call, as a real server might. */
  private enter(): void {
    const fault = this.fault;
    this.fault = undefined;
    if (fault) throw messengerError(fault);
  }

  private person(signinName: string): ContactRecord {
    const p = this.people.get(key(signinName));
    if (!p) throw messengerError('MSGR_E_USER_NOT_FOUND', undefined, `No one called ${signinName} works here.`);
    return p;
  }

  private update(signinName: string, change: Partial<ContactRecord>): ContactRecord {
    const updated = { ...this.person(signinName), ...change };
    this.people.set(key(signinName), updated);
    return updated;
  }

  // ---- SessionPort
  async isSignedIn() { return this.signedIn; }
  async signin({ signinName, password }: SigninRequest): Promise<SelfRecord> {
    this.enter();
    if (signinName && key(signinName) !== key(this.me.signinName)) throw messengerError('MSGR_E_USER_NOT_FOUND');
    if (signinName && this.seed.self.password !== undefined && password !== this.seed.self.password) throw messengerError('MSGR_E_INVALID_PASSWORD');
    this.signedIn = true;
    return this.self();
  }
  async signout() { this.enter(); this.signedIn = false; }
  async self(): Promise<SelfRecord> {
    this.enter();
    const { signinName, friendlyName, status, phones } = this.me;
    return { signinName, friendlyName, status, phones, serviceId: this.service.id };
  }
  async services() { return [this.service]; }

  // ---- DirectoryPort
  async listContacts() { this.enter(); return this.list.map((k) => this.people.get(k)!); }
  async lookup(signinName: string) {
    this.enter();
    return key(signinName) === key(this.me.signinName) ? this.me : this.people.get(key(signinName)) ?? null;
  }
  async addContact(signinName: string) {
    this.enter();
    const person = this.person(signinName);
    if (this.list.includes(key(signinName))) throw messengerError('MSGR_E_ALREADY_IN_LIST');
    this.list.push(key(signinName));
    return person;
  }
  async removeContact(signinName: string) {
    this.enter();
    const at = this.list.indexOf(key(signinName));
    if (at < 0) throw messengerError('MSGR_E_USER_NOT_FOUND');
    this.list.splice(at, 1);
  }
  async setBlocked(signinName: string, blocked: boolean) { this.enter(); this.update(signinName, { blocked }); }
  async find(query: FindQuery) {
    this.enter();
    const words = [query.firstName, query.lastName].filter(Boolean).map((w) => w.toLowerCase());
    return [...this.people.values()].filter((p) => words.every((w) => p.friendlyName.toLowerCase().includes(w)));
  }

  // ---- PresencePort
  async setMyStatus(status: MISTATUS) { this.enter(); this.me = { ...this.me, status }; }
  async statuses(names: readonly string[]) {
    this.enter();
    return new Map(names.map((n) => [n, this.people.get(key(n))?.status ?? MISTATUS.MISTATUS_UNKNOWN]));
  }

  // ---- EventsPort
  watch(listener: (change: RemoteChange) => void) { this.listeners.add(listener); return () => { this.listeners.delete(listener); }; }
  private emit(change: RemoteChange): void { for (const l of [...this.listeners]) l(change); }

  /** Test hooks the conformance kit drives; what this backend has no notion of rejects with E_NOTIMPL. */
  otherSide(): OtherSide {
    const none = (what: string) => async () => { throw messengerError('E_NOTIMPL', undefined, `The directory has no ${what}.`); };
    return {
      contactStatus: async (name, status) => { this.update(name, { status }); this.emit({ type: 'contactStatus', signinName: name, status }); },
      contactFriendlyName: async (name, friendlyName) => { this.update(name, { friendlyName }); this.emit({ type: 'contactFriendlyName', signinName: name, friendlyName }); },
      contactPhone: async (name, phoneType, number) => {
        this.update(name, { phones: { ...this.person(name).phones, [PHONE_KINDS[phoneType]!]: number } });
        this.emit({ type: 'contactPhone', signinName: name, phoneType, number });
      },
      contactPager: async (name, canPage) => { this.update(name, { canPage }); this.emit({ type: 'contactPager', signinName: name, canPage }); },
      contactEmail: async (name, email) => { this.update(name, { email }); this.emit({ type: 'contactEmail', signinName: name, email }); },
      contactLeavesConversations: none('conversations'),
      contactJoinsConversations: none('conversations'),
      conversationsClosed: none('conversations'),
      contactListAdd: async (name) => {
        this.person(name);
        if (this.list.includes(key(name))) return;
        this.list.push(key(name));
        this.emit({ type: 'contactListAdd', signinName: name });
      },
      contactListRemove: async (name) => {
        if (!this.list.includes(key(name))) return;
        this.list.splice(this.list.indexOf(key(name)), 1);
        this.emit({ type: 'contactListRemove', signinName: name });
      },
      myFriendlyName: async (friendlyName) => {
        const previous = this.me.friendlyName;
        this.me = { ...this.me, friendlyName };
        this.emit({ type: 'myFriendlyName', friendlyName, previous });
      },
      myPhone: async (phoneType, number) => {
        this.me = { ...this.me, phones: { ...this.me.phones, [PHONE_KINDS[phoneType]!]: number } };
        this.emit({ type: 'myPhone', phoneType, number });
      },
      appShutdown: async () => { this.emit({ type: 'appShutdown' }); },
      unreadEmail: none('mail'),
      signOut: async () => { this.signedIn = false; this.emit({ type: 'signedOut' }); },
      failNextCall: (hr) => { this.fault = hr; },
    };
  }
}

const key = (signinName: string): string => signinName.toLowerCase();

export function companyDirectoryBackend(seed: DirectorySeed): BackendDefinition & { directory: CompanyDirectory } {
  const directory = new CompanyDirectory(seed);
  const info: BackendInfo = { name: 'company-directory' };
  // The four ports it has; the ones left out (groups, conversations, mail, …) core answers with their HRESULTs.
  const ports = { session: directory, directory, presence: directory, events: directory };
  return { name: info.name, ports, info, directory };
}
