/**
 * The data of the fake Graph tenant: directory users (with presence, open extensions, an Outlook
 * mailbox holding contacts and an inbox count), Teams chats with their members and messages,
 * online meetings and subscriptions. Built from the seed every backend of the kit is seeded with
 * (KitSeed / the memory adapter's SeedDocument), the way the Graph adapter would have left a
 * real tenant: contacts as Outlook contacts with the `com.imessenger.contact` extension, groups as
 * group chats, and what Teams cannot hold in the `com.imessenger.profile` extension.
 */
import { createHash, randomBytes } from 'node:crypto';
import { MISTATUS } from '@imessenger/contract';
import type { GraphPresence } from '../presence-map';
import { graphPresenceFor } from './graph-presence-for';
import { aggregate, type PresenceSessions } from './fake-presence';

/** Extension names the adapter uses (ENDPOINTS.md #4, #21). */
export const CONTACT_EXTENSION = 'com.imessenger.contact';
export const PROFILE_EXTENSION = 'com.imessenger.profile';
/** Outlook items prefix the id of an open extension with this (docs/opentypeextension-get.md). */
export const OUTLOOK_EXTENSION_PREFIX = 'Microsoft.OutlookServices.OpenTypeExtension.';

// ---------------------------------------------------------------------------------------------
// Seed

export interface FakeSeedUser {
  readonly signinName: string;
  readonly friendlyName?: string;
  readonly status?: number;
  readonly phones?: Readonly<Record<string, string>>;
  readonly email?: string;
}
/** The parts of the kit seed the fake tenant uses (other keys are accepted and ignored). */
export interface FakeSeed {
  readonly self: FakeSeedUser;
  readonly contacts: readonly FakeSeedUser[];
  readonly directory: readonly FakeSeedUser[];
  readonly groups: readonly { readonly name: string; readonly members: readonly string[] }[];
  readonly sortOrder: number;
  readonly unreadEmail: number;
}

/** Check the shape of a seed (the memory adapter's validateSeed checks the rest; no dependency on it here). */
export function parseSeed(value: unknown): FakeSeed {
  const doc = objectAt(value, 'seed');
  const users = (key: string): FakeSeedUser[] => arrayAt(doc[key], key).map((u, i) => seedUser(u, `${key}[${i}]`));
  const groups = arrayAt(doc['groups'], 'groups').map((g, i) => {
    const o = objectAt(g, `groups[${i}]`);
    if (typeof o['name'] !== 'string') throw new TypeError(`FakeTenant seed: groups[${i}].name must be a string`);
    const members = arrayAt(o['members'], `groups[${i}].members`).map((m, j) => stringAt(m, `groups[${i}].members[${j}]`));
    return { name: o['name'], members };
  });
  return {
    self: seedUser(doc['self'], 'self'),
    contacts: users('contacts'),
    directory: users('directory'),
    groups,
    sortOrder: typeof doc['sortOrder'] === 'number' ? doc['sortOrder'] : 0,
    unreadEmail: typeof doc['unreadEmail'] === 'number' ? doc['unreadEmail'] : 0,
  };
}

function seedUser(value: unknown, path: string): FakeSeedUser {
  const o = objectAt(value, path);
  const phones = o['phones'] === undefined ? undefined : objectAt(o['phones'], `${path}.phones`);
  return {
    signinName: stringAt(o['signinName'], `${path}.signinName`),
    friendlyName: typeof o['friendlyName'] === 'string' ? o['friendlyName'] : undefined,
    status: typeof o['status'] === 'number' ? o['status'] : undefined,
    phones: phones ? Object.fromEntries(Object.entries(phones).filter((e): e is [string, string] => typeof e[1] === 'string')) : undefined,
    email: typeof o['email'] === 'string' ? o['email'] : undefined,
  };
}

function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`FakeTenant seed: ${path} must be an object`);
  return value as Record<string, unknown>;
}
function arrayAt(value: unknown, path: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError(`FakeTenant seed: ${path} must be an array`);
  return value;
}
function stringAt(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`FakeTenant seed: ${path} must be a non-empty string`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Records

export type Primitive = string | number | boolean | null;
/** Open extension values: primitives or arrays of primitives (docs/opentypeextension-update.md). */
export type ExtensionValue = Primitive | Primitive[];

export interface OpenExtension {
  /** `extensionName` on users; `Microsoft.OutlookServices.OpenTypeExtension.<name>` on Outlook items. */
  readonly id: string;
  readonly extensionName: string;
  properties: Record<string, ExtensionValue>;
}

export interface ContactRecord {
  readonly id: string;
  readonly createdDateTime: string;
  /** Contact properties as posted (displayName, emailAddresses, businessPhones, mobilePhone, homePhones, …). */
  readonly fields: Record<string, unknown>;
  readonly extensions: OpenExtension[];
}

export interface UserRecord {
  readonly id: string;
  readonly upn: string;
  displayName: string;
  businessPhones: string[];
  mobilePhone: string | null;
  /** Presence sessions: a Teams client's, apps' (setPresence), and the preferred presence (fake-presence.ts). */
  readonly presence: PresenceSessions;
  /** Open extensions on the user (directory object: id = extensionName). */
  readonly extensions: OpenExtension[];
  /** Outlook contacts in this user's mailbox. */
  readonly contacts: ContactRecord[];
  unreadItemCount: number;
}

export interface MemberRecord {
  /** Opaque membership id (docs/chat-list.md): never the user id. */
  readonly id: string;
  readonly userId: string;
  readonly roles: string[];
  readonly visibleHistoryStartDateTime: string;
}

export interface MessageRecord {
  readonly id: string;
  readonly fromUserId: string;
  readonly createdDateTime: string;
  readonly contentType: 'text' | 'html';
  readonly content: string;
}

export interface ChatRecord {
  readonly id: string;
  readonly chatType: 'group' | 'oneOnOne';
  topic: string | null;
  readonly createdDateTime: string;
  lastUpdatedDateTime: string;
  readonly members: MemberRecord[];
  /** User ids that hid the chat (hideForUser); a new message clears it (docs/chat-hideforuser.md). */
  readonly hiddenFor: Set<string>;
  readonly messages: MessageRecord[];
}

export interface MeetingRecord {
  readonly id: string;
  readonly organizerId: string;
  readonly externalId: string;
  readonly subject: string | null;
  readonly creationDateTime: string;
  readonly startDateTime: string;
  readonly endDateTime: string;
  readonly joinWebUrl: string;
  readonly threadId: string;
  readonly attendees: readonly unknown[];
}

export interface SubscriptionRecord {
  readonly id: string;
  readonly creatorId: string;
  readonly resource: string;
  readonly changeType: string;
  readonly notificationUrl: string;
  readonly lifecycleNotificationUrl: string | null;
  readonly clientState: string | null;
  readonly includeResourceData: boolean;
  readonly encryptionCertificateId: string | null;
  expirationDateTime: string;
}

// ---------------------------------------------------------------------------------------------
// Ids

/** The object id of a user: a GUID derived from the UPN, so tests can predict it. */
export function guidFromUpn(upn: string): string {
  const h = createHash('sha1').update(`imessenger-fake-tenant:${upn.toLowerCase()}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50; // version 5 (name-based)
  h[8] = (h[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');
/**
 * Opaque ids shaped like real membership and Outlook ids (padded base64 with the URL-safe
 * alphabet, so they end in '=='): random, so nobody is tempted to parse them, and still in need
 * of percent-encoding in a path.
 */
const opaqueId = (): string => randomBytes(37).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');

const now = (): string => new Date().toISOString();

// ---------------------------------------------------------------------------------------------
// The tenant

export class TenantState {
  readonly users = new Map<string, UserRecord>();
  readonly chats: ChatRecord[] = [];
  readonly meetings: MeetingRecord[] = [];
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  /** The seed's `self`: the user whose mailbox and profile the seed describes. */
  readonly selfId: string;
  private messageClock = Date.now();
  /** The tenant's clock (FakeTenantOptions.clock): presence sessions expire by it. */
  clock: () => number = Date.now;

  constructor(readonly tenantId: string, seed: FakeSeed) {
    // The signed-in user runs no Teams client (the adapter is their client, through its presence
    // session); their seeded status is the preferred presence they last set, shown once a session exists.
    const self = this.addUser(seed.self, MISTATUS.MISTATUS_ONLINE, seed.unreadEmail, { teamsClient: false });
    this.selfId = self.id;
    for (const u of [...seed.contacts, ...seed.directory]) this.addUser(u, MISTATUS.MISTATUS_OFFLINE, 0);
    for (const c of seed.contacts) self.contacts.push(this.contactFromSeed(c));
    this.seedGroups(self, seed);
  }

  /** The presence others read now (fake-presence.ts). */
  presenceOf(user: UserRecord): GraphPresence { return aggregate(user.presence, this.clock()); }

  /** A user by object id or UPN (case-insensitive), as `/users/{id | userPrincipalName}` resolves. */
  user(idOrUpn: string): UserRecord | undefined {
    const key = idOrUpn.toLowerCase();
    const byId = this.users.get(key);
    if (byId) return byId;
    for (const u of this.users.values()) if (u.upn.toLowerCase() === key) return u;
    return undefined;
  }

  /** A seeded user, or an Error naming the UPN (a test set-up mistake, not a Graph answer). */
  requireUser(upn: string): UserRecord {
    const u = this.user(upn);
    if (!u) throw new Error(`The fake tenant has no user "${upn}".`);
    return u;
  }

  upnOf(userId: string): string {
    return this.users.get(userId)?.upn ?? userId;
  }

  chat(id: string): ChatRecord | undefined {
    return this.chats.find((c) => c.id === id);
  }

  /** A new group chat: Graph never deduplicates these (FACTS #15; PITFALLS A1). */
  createGroupChat(topic: string | null, members: readonly { userId: string; roles: string[] }[]): ChatRecord {
    const chat = this.newChat(`19:${randomHex(16)}@thread.v2`, 'group', topic);
    for (const m of members) this.addMember(chat, m.userId, m.roles, chat.createdDateTime);
    return chat;
  }

  /** The one 1:1 chat of a pair, created on first use (FACTS #14). */
  oneOnOneChat(a: string, b: string): { chat: ChatRecord; created: boolean } {
    const id = `19:${[a, b].sort().join('_')}@unq.gbl.spaces`;
    const existing = this.chat(id);
    if (existing) return { chat: existing, created: false };
    const chat = this.newChat(id, 'oneOnOne', null);
    for (const userId of [a, b]) this.addMember(chat, userId, ['owner'], chat.createdDateTime);
    return { chat, created: true };
  }

  addMember(chat: ChatRecord, userId: string, roles: string[], visibleHistoryStartDateTime: string): MemberRecord {
    const member: MemberRecord = { id: opaqueId(), userId, roles, visibleHistoryStartDateTime };
    chat.members.push(member);
    chat.lastUpdatedDateTime = now();
    return member;
  }

  /** Post a message; it unhides the chat for everyone who had hidden it (docs/chat-hideforuser.md). */
  postMessage(chat: ChatRecord, fromUserId: string, contentType: 'text' | 'html', content: string): MessageRecord {
    this.messageClock = Math.max(this.messageClock + 1, Date.now());
    const message: MessageRecord = { id: String(this.messageClock), fromUserId, createdDateTime: new Date(this.messageClock).toISOString(), contentType, content };
    chat.messages.push(message);
    chat.hiddenFor.clear();
    return message;
  }

  /** createOrGet: one meeting per organizer + externalId (FACTS #17). */
  meetingFor(organizerId: string, externalId: string): MeetingRecord | undefined {
    return this.meetings.find((m) => m.organizerId === organizerId && m.externalId === externalId);
  }

  createMeeting(fields: Omit<MeetingRecord, 'id' | 'creationDateTime' | 'joinWebUrl' | 'threadId'>): MeetingRecord {
    const threadId = `19:meeting_${randomBytes(36).toString('base64url')}@thread.v2`;
    const context = encodeURIComponent(JSON.stringify({ Tid: this.tenantId, Oid: fields.organizerId }));
    const meeting: MeetingRecord = {
      ...fields,
      id: randomBytes(48).toString('base64url'),
      creationDateTime: now(),
      threadId,
      joinWebUrl: `https://teams.microsoft.com/l/meetup-join/${encodeURIComponent(threadId)}/0?context=${context}`,
    };
    this.meetings.push(meeting);
    return meeting;
  }

  newContact(fields: Record<string, unknown>, extensions: OpenExtension[]): ContactRecord {
    return { id: opaqueId(), createdDateTime: now(), fields, extensions };
  }

  newSubscriptionId(): string {
    const hex = randomHex(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  private newChat(id: string, chatType: 'group' | 'oneOnOne', topic: string | null): ChatRecord {
    const created = now();
    const chat: ChatRecord = { id, chatType, topic, createdDateTime: created, lastUpdatedDateTime: created, members: [], hiddenFor: new Set(), messages: [] };
    this.chats.push(chat);
    return chat;
  }

  private addUser(seed: FakeSeedUser, defaultStatus: MISTATUS, unread: number, options: { readonly teamsClient?: boolean } = {}): UserRecord {
    const id = guidFromUpn(seed.signinName);
    const status = (seed.status ?? defaultStatus) as MISTATUS;
    const preferred = options.teamsClient === false ? graphPresenceFor(status) : undefined;
    const user: UserRecord = {
      id,
      upn: seed.signinName,
      displayName: seed.friendlyName ?? seed.signinName,
      businessPhones: seed.phones?.['work'] ? [seed.phones['work']] : [],
      mobilePhone: seed.phones?.['mobile'] ?? null,
      // The seed's status is the user's Teams client; Offline: none runs. A status Teams cannot show
      // (OUT_TO_LUNCH, …) is PresenceUnknown: never silently another status.
      presence: options.teamsClient === false
        ? { client: undefined, apps: new Map(), preferred: preferred && { ...preferred, expiresAt: Number.POSITIVE_INFINITY } }
        : { client: teamsClient(status), apps: new Map(), preferred: undefined },
      extensions: [],
      contacts: [],
      unreadItemCount: unread,
    };
    this.users.set(id, user);
    return user;
  }

  /** An Outlook contact as the adapter's AddContact creates it (ENDPOINTS.md #5). */
  private contactFromSeed(c: FakeSeedUser): ContactRecord {
    const displayName = c.friendlyName ?? c.signinName;
    const fields: Record<string, unknown> = {
      displayName,
      emailAddresses: [{ name: displayName, address: c.email ?? c.signinName }],
      businessPhones: c.phones?.['work'] ? [c.phones['work']] : [],
      mobilePhone: c.phones?.['mobile'] ?? null,
      homePhones: c.phones?.['home'] ? [c.phones['home']] : [],
    };
    return this.newContact(fields, [outlookExtension(CONTACT_EXTENSION, { userId: guidFromUpn(c.signinName), signinName: c.signinName })]);
  }

  /**
   * Groups with at least two members besides self become group chats. Smaller ones cannot be a
   * Teams group chat (FACTS #10; PITFALLS A3): they wait in the profile extension's
   * `pendingGroups`, one JSON string each, because extension values must be primitives.
   */
  private seedGroups(self: UserRecord, seed: FakeSeed): void {
    const pending: string[] = [];
    for (const group of seed.groups) {
      const others = group.members.filter((m) => m.toLowerCase() !== self.upn.toLowerCase());
      if (others.length >= 2) {
        const members = [self.id, ...others.map((m) => this.requireUser(m).id)].map((userId) => ({ userId, roles: ['owner'] }));
        this.createGroupChat(group.name, members);
      } else {
        pending.push(JSON.stringify({ id: `pending-${pending.length + 1}`, name: group.name, members: others }));
      }
    }
    self.extensions.push({ id: PROFILE_EXTENSION, extensionName: PROFILE_EXTENSION, properties: { contactsSortOrder: seed.sortOrder, pendingGroups: pending } });
  }
}

/** An open extension on an Outlook item (contacts): its id carries the Outlook prefix. */
export function outlookExtension(extensionName: string, properties: Record<string, ExtensionValue>): OpenExtension {
  return { id: `${OUTLOOK_EXTENSION_PREFIX}${extensionName}`, extensionName, properties };
}

/** True when `name` (a short name or a fully qualified id) names the extension. */
export function extensionMatches(ext: OpenExtension, name: string): boolean {
  const n = name.toLowerCase();
  return ext.extensionName.toLowerCase() === n || ext.id.toLowerCase() === n;
}

/** Values an open extension can hold: primitives or arrays of primitives, else undefined. */
export function asExtensionValue(value: unknown): ExtensionValue | undefined {
  const primitive = (v: unknown): v is Primitive => v === null || ['string', 'number', 'boolean'].includes(typeof v);
  if (primitive(value)) return value;
  if (Array.isArray(value) && value.every((v) => primitive(v) && v !== null)) return value as Primitive[];
  return undefined;
}

/** The Teams client session that shows `status` (none for Offline). */
export function teamsClient(status: MISTATUS): GraphPresence | undefined {
  if (status === MISTATUS.MISTATUS_OFFLINE) return undefined;
  return graphPresenceFor(status) ?? { availability: 'PresenceUnknown', activity: 'PresenceUnknown' };
}
