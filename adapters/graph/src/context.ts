/**
 * The state of one Graph session, shared by the ports: who is signed in, the contact list and the
 * presence the watcher keeps current, the profile extension, users already resolved. Ports read
 * from here and make a request only for what it does not know yet.
 */
import {
  type ContactRecord, MISTATUS, type Phones, type RemoteChange, type SelfRecord, messengerError,
} from '@imessenger/contract';
import type { GraphAuth } from './auth/auth';
import { GRAPH_CAPABILITIES, type GraphCapability, unsupportedIn } from './permissions';
import type { GraphHttp } from './http';
import { type BatchRequest, type BatchResponse, batchItemError, segment, userPath } from './http';
import type { Launcher } from './launcher';
import { emptyProfile, PROFILE_EXTENSION, type Profile, type ProfileDocument, profileFromDocument, profileToDocument } from './profile';
import { type GraphPresence, statusFromGraph } from './presence-map';

export const USER_SELECT = 'id,displayName,userPrincipalName,mail,businessPhones,mobilePhone';
/**
 * Without the directoryPhones capability other users are read without phones: User.ReadBasic.All
 * does not include them and Graph would answer them blank (permissions.ts), which would read as
 * "phones removed". A user read without phones leaves the phones known (the Outlook contact's) alone.
 */
export const BASIC_USER_SELECT = 'id,displayName,userPrincipalName,mail';
export const CONTACT_EXTENSION = 'com.imessenger.contact';
/** getPresencesByUserId takes at most 650 ids (FACTS #1). */
export const PRESENCE_ID_LIMIT = 650;
/** The presence of many users (ENDPOINTS.md #9). */
export const PRESENCE_BY_ID = '/communications/getPresencesByUserId';
type PresenceCollection = { value: (GraphPresence & { id: string })[] };

export interface GraphUser {
  readonly id: string;
  readonly displayName: string;
  readonly userPrincipalName: string;
  readonly mail?: string | null;
  readonly businessPhones?: readonly string[];
  readonly mobilePhone?: string | null;
}

/** A Messenger contact: an Outlook contact tagged with our extension, and the directory user behind it. */
export interface ListedContact {
  readonly contactId: string;
  readonly userId: string;
  signinName: string;
  friendlyName: string;
  phones: Phones;
  email?: string;
}

/**
 * The contact list by lower-case sign-in name, also indexed by directory user id: presence comes
 * back by user id, so each entry of a poll finds its contact in O(1) and a round costs time linear in
 * the list. The index follows every set, delete and clear.
 */
export class ContactList extends Map<string, ListedContact> {
  private readonly byId = new Map<string, ListedContact>();

  override set(name: string, contact: ListedContact): this {
    const previous = super.get(name);
    super.set(name, contact);
    if (previous && previous !== contact) this.unindex(previous);
    if (!this.byId.has(contact.userId)) this.byId.set(contact.userId, contact);
    return this;
  }

  override delete(name: string): boolean {
    const previous = super.get(name);
    if (!super.delete(name)) return false;
    if (previous) this.unindex(previous);
    return true;
  }

  override clear(): void {
    super.clear();
    this.byId.clear();
  }

  /** The listed contact of a directory user (the first one listed, should two Outlook contacts name the same user). */
  byUserId(userId: string): ListedContact | undefined { return this.byId.get(userId); }

  private unindex(contact: ListedContact): void {
    if (this.byId.get(contact.userId) !== contact) return;
    this.byId.delete(contact.userId);
    // Rare (a contact removed or replaced): another contact for the same user takes its place.
    for (const other of super.values()) {
      if (other.userId === contact.userId) { this.byId.set(other.userId, other); break; }
    }
  }
}

export interface GraphContextOptions {
  readonly http: GraphHttp;
  readonly auth: GraphAuth;
  readonly tenantId: string;
  readonly serviceName: string;
  readonly launcher: Launcher;
  readonly receiveFileDirectory: string;
  /** What this deployment turned on (permissions.ts); default every capability. */
  readonly capabilities?: ReadonlySet<GraphCapability>;
}

const key = (upn: string): string => upn.toLowerCase();
const ALL_CAPABILITIES: ReadonlySet<GraphCapability> = new Set(GRAPH_CAPABILITIES);

/** A chat member as POST /chats and POST /chats/{id}/members take it (chat-post.md). */
export const chatMember = (user: Pick<GraphUser, 'id'>) => ({
  '@odata.type': '#microsoft.graph.aadUserConversationMember',
  roles: ['owner'],
  'user@odata.bind': `https://graph.microsoft.com/v1.0/users('${user.id}')`,
});

export const phonesOf = (u: Pick<GraphUser, 'businessPhones' | 'mobilePhone'>): Phones => ({
  ...(u.businessPhones?.[0] ? { work: u.businessPhones[0] } : {}),
  ...(u.mobilePhone ? { mobile: u.mobilePhone } : {}),
});

/**
 * A request to send in the same $batch as a presence read, ahead of it (the sign-in's opening of the
 * presence session): `answered` takes its response and says whether it succeeded.
 */
export interface PresenceAhead {
  readonly request: BatchRequest;
  answered(response: BatchResponse): boolean;
}

export class GraphContext {
  readonly http: GraphHttp;
  signedIn = false;
  me: GraphUser | undefined;
  myStatus: MISTATUS = MISTATUS.MISTATUS_OFFLINE;
  /** The contact list by lower-case sign-in name (and by user id); undefined until loaded. */
  contacts: ContactList | undefined;
  /** Presence by user object id, as last read. */
  readonly presence = new Map<string, MISTATUS>();
  private readonly usersByName = new Map<string, GraphUser | null>();
  private readonly usersById = new Map<string, GraphUser>();
  private profile: Profile | undefined;
  private profileStored = false;
  private readonly listeners = new Set<(change: RemoteChange) => void>();

  constructor(readonly options: GraphContextOptions) { this.http = options.http; }

  /** /me for delegated tokens; /users/{id} for an application token acting as a user. */
  get mePath(): string {
    const { auth } = this.options;
    return auth.mode === 'application' ? userPath(auth.actAs ?? '') : '/me';
  }

  /**
   * The tenant id: as configured when it is a GUID; for a tenant configured by a domain
   * (contoso.onmicrosoft.com), the `tid` of the tokens once one was seen (backend.ts), else the domain.
   */
  get tenantId(): string { return this.learnedTenantId ?? this.options.tenantId; }
  learnedTenantId: string | undefined;

  get serviceId(): string { return `{${this.tenantId}}`; }

  /** Is this capability turned on (permissions.ts)? */
  can(capability: GraphCapability): boolean { return (this.options.capabilities ?? ALL_CAPABILITIES).has(capability); }

  /**
   * Refuse, before any request, a member whose capability is turned off or that Graph cannot serve
   * with this kind of sign-in (permissions.ts: a request with no permission of that type). Nothing
   * has been written when this throws: no orphan meeting, no half-hidden chat.
   */
  requireCapability(capability: GraphCapability, member: string): void {
    const mode = this.options.auth.mode;
    const missing = unsupportedIn(mode, capability);
    if (missing) throw messengerError('E_NOTIMPL', undefined, `${member} needs ${missing.method} ${missing.path}, which Microsoft Graph does not allow with ${mode} permissions: sign in as the user (delegated).`);
    if (!this.can(capability)) throw messengerError('E_NOTIMPL', undefined, `${member} needs the '${capability}' capability, which this configuration turned off.`);
  }

  /** `$select` for a user: phones for me (delegated: User.Read covers my whole profile), for others only with directoryPhones. */
  userSelect(self = false): string {
    return (self && this.options.auth.mode === 'delegated') || this.can('directoryPhones') ? USER_SELECT : BASIC_USER_SELECT;
  }

  requireMe(): GraphUser {
    if (!this.signedIn || !this.me) throw messengerError('MSGR_E_NOT_LOGGED_ON', undefined, 'Not signed in to Microsoft Graph.');
    return this.me;
  }

  self(): SelfRecord {
    const me = this.requireMe();
    return { signinName: me.userPrincipalName, friendlyName: me.displayName, status: this.myStatus, phones: phonesOf(me), serviceId: this.serviceId };
  }

  // ---- remote changes ------------------------------------------------------------------------

  watch(listener: (change: RemoteChange) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  notify(change: RemoteChange): void { for (const listener of [...this.listeners]) listener(change); }

  // ---- users -----------------------------------------------------------------------------------

  remember(user: GraphUser): GraphUser {
    this.usersByName.set(key(user.userPrincipalName), user);
    this.usersById.set(user.id, user);
    return user;
  }

  userById(id: string): GraphUser | undefined { return this.usersById.get(id); }

  /** Directory users by sign-in name: from what is known, the rest in $batch requests of 20. */
  async resolveUsers(names: readonly string[]): Promise<Map<string, GraphUser | null>> {
    // Listed contacts carry their user id: no lookup for them.
    for (const name of names) {
      const listed = this.listed(name);
      if (listed && !this.usersByName.has(key(name))) {
        this.usersByName.set(key(name), { id: listed.userId, userPrincipalName: listed.signinName, displayName: listed.friendlyName });
      }
    }
    const unknown = [...new Set(names.map(key))].filter((n) => !this.usersByName.has(n));
    if (unknown.length === 1) {
      const name = unknown[0]!;
      const user = await this.http.find<GraphUser>(userPath(name), { resource: 'user', query: { $select: this.userSelect() } });
      if (user) this.remember(user);
      else this.usersByName.set(name, null);
    } else if (unknown.length > 1) {
      const responses = await this.http.batch<GraphUser>(unknown.map((n) => ({ method: 'GET', url: `${userPath(n)}?$select=${this.userSelect()}` })));
      responses.forEach((r, i) => {
        if (r.status === 200 && r.body) this.remember(r.body);
        else if (r.status === 404) this.usersByName.set(unknown[i]!, null);
        else throw messengerError('E_FAIL', undefined, `GET ${userPath(unknown[i]!)}: HTTP ${r.status}`);
      });
    }
    return new Map(names.map((n) => [key(n), this.usersByName.get(key(n)) ?? null]));
  }

  async resolveUser(name: string): Promise<GraphUser> {
    const user = (await this.resolveUsers([name])).get(key(name));
    if (!user) throw messengerError('MSGR_E_USER_NOT_FOUND', undefined, `No user "${name}" in this tenant.`);
    return user;
  }

  // ---- the contact list ------------------------------------------------------------------------

  static contactListQuery(top = 1000): Record<string, string | number> {
    const filter = `id eq '${CONTACT_EXTENSION}'`;
    return {
      $filter: `Extensions/any(f:f/${filter})`,
      $expand: `Extensions($filter=${filter})`,
      $select: 'id,displayName,emailAddresses,businessPhones,mobilePhone,homePhones',
      $top: top,
    };
  }

  listedFromOutlook(contact: OutlookContact): ListedContact | undefined {
    const ext = contact.extensions?.find((e) => e.id?.toLowerCase().endsWith(CONTACT_EXTENSION));
    const signinName = ext?.signinName ?? contact.emailAddresses?.[0]?.address;
    if (!ext?.userId || !signinName) return undefined;
    return {
      contactId: contact.id, userId: ext.userId, signinName, friendlyName: contact.displayName || signinName,
      phones: { ...(contact.homePhones?.[0] ? { home: contact.homePhones[0] } : {}), ...phonesOf(contact) },
      ...(contact.emailAddresses?.[0]?.address ? { email: contact.emailAddresses[0].address } : {}),
    };
  }

  setContacts(contacts: readonly OutlookContact[]): void {
    this.contacts = new ContactList();
    for (const c of contacts) {
      const listed = this.listedFromOutlook(c);
      if (listed) this.contacts.set(key(listed.signinName), listed);
    }
  }

  listed(name: string): ListedContact | undefined { return this.contacts?.get(key(name)); }

  contactRecord(listed: Pick<ListedContact, 'signinName' | 'friendlyName' | 'phones' | 'email' | 'userId'>): ContactRecord {
    return {
      signinName: listed.signinName, friendlyName: listed.friendlyName,
      status: this.presence.get(listed.userId) ?? MISTATUS.MISTATUS_UNKNOWN,
      blocked: false, canPage: false, phones: listed.phones, serviceId: this.serviceId,
      ...(listed.email ? { email: listed.email } : {}),
    };
  }

  // ---- presence --------------------------------------------------------------------------------

  /**
   * getPresencesByUserId: one call per 650 ids (FACTS #1), never one per contact. A single call is
   * sent as it is; several travel as the items of $batch requests (20 per batch, FACTS #3), which
   * http.batch sends a few at a time: ⌈⌈n/650⌉/20⌉ round trips, not ⌈n/650⌉ one after another.
   * A failed call fails the whole read, as the same request sent alone would (errors.ts).
   */
  async fetchPresence(userIds: readonly string[], ahead?: PresenceAhead): Promise<Map<string, MISTATUS>> {
    const result = new Map<string, MISTATUS>();
    const take = (value: readonly (GraphPresence & { id: string })[]) => {
      for (const p of value) result.set(p.id, statusFromGraph(p, { self: p.id === this.me?.id }));
    };
    const ids = [...new Set(userIds)];
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += PRESENCE_ID_LIMIT) chunks.push(ids.slice(i, i + PRESENCE_ID_LIMIT));
    if (chunks.length === 1 && !ahead) {
      take((await this.http.post<PresenceCollection>(PRESENCE_BY_ID, { ids: chunks[0] }, { resource: 'presence' })).value);
    } else if (chunks.length > 0) {
      // The request ahead first; the reads depend on it, so they see what it did (Graph runs them after it).
      const reads = chunks.map((chunk): BatchRequest => ({ method: 'POST', url: PRESENCE_BY_ID, body: { ids: chunk }, ...(ahead ? { dependsOn: [0] } : {}) }));
      const responses = await this.http.batch<PresenceCollection>(ahead ? [ahead.request, ...reads] : reads);
      // A refused request ahead leaves its dependants refused too (424): read them again, alone.
      if (ahead && !ahead.answered(responses.shift()!)) return this.fetchPresence(userIds);
      for (const r of responses) {
        if (r.status !== 200 || !r.body) throw batchItemError(r, `POST ${PRESENCE_BY_ID}`, 'presence');
        take(r.body.value);
      }
    }
    return result;
  }

  // ---- the profile extension -------------------------------------------------------------------

  adoptProfile(doc: ProfileDocument | undefined): void {
    this.profile = profileFromDocument(doc);
    this.profileStored = doc !== undefined;
  }

  async loadProfile(): Promise<Profile> {
    if (this.profile) return this.profile;
    this.adoptProfile(await this.http.find<ProfileDocument>(`${this.mePath}/extensions/${segment(PROFILE_EXTENSION)}`, { resource: 'extension' }));
    return this.profile ?? emptyProfile();
  }

  /** Change the profile and store it whole (a PATCH deletes the properties it leaves out). */
  async saveProfile(change: (profile: Profile) => void): Promise<Profile> {
    const write = await this.profileWrite(change);
    await this.http.raw(write.request.method, write.request.url, write.request.body, { resource: 'extension', retry: write.request.method !== 'POST' });
    return write.commit();
  }

  /**
   * The request that stores a changed profile, to send alone or in a $batch with another request;
   * `commit` adopts the change once Graph has accepted it.
   */
  async profileWrite(change: (profile: Profile) => void): Promise<{ request: BatchRequest; commit(): Profile }> {
    const next: Profile = structuredClone(await this.loadProfile());
    change(next);
    const body = profileToDocument(next);
    const request: BatchRequest = this.profileStored
      ? { method: 'PATCH', url: `${this.mePath}/extensions/${segment(PROFILE_EXTENSION)}`, body }
      : { method: 'POST', url: `${this.mePath}/extensions`, body };
    return { request, commit: () => { this.profile = next; this.profileStored = true; return next; } };
  }

  reset(): void {
    this.signedIn = false;
    this.me = undefined;
    this.contacts = undefined;
    this.profile = undefined;
    this.profileStored = false;
    this.presence.clear();
    this.myStatus = MISTATUS.MISTATUS_OFFLINE;
  }
}

/** An Outlook contact as the contact list query returns it. */
export interface OutlookContact {
  readonly id: string;
  readonly displayName?: string;
  readonly emailAddresses?: readonly { readonly address?: string; readonly name?: string }[];
  readonly businessPhones?: readonly string[];
  readonly mobilePhone?: string | null;
  readonly homePhones?: readonly string[];
  readonly extensions?: readonly { readonly id?: string; readonly userId?: string; readonly signinName?: string }[];
}
