/**
 * The Microsoft Graph permissions of the adapter, in one place: every request the adapter sends
 * (ENDPOINTS.md), the permissions that allow it (least privileged first, as Microsoft's permission
 * map lists them: test/fixtures/graph-v1.0/permissions.json, checked by test/permissions.test.ts),
 * and which requests each capability sends. From these, `graphPermissions(capabilities, mode)`
 * computes the least set to ask for: the least permission of every request, then any permission
 * another chosen one already covers is dropped (Chat.ReadWrite covers POST /chats, so Chat.Create
 * goes). DeviceCodeAuth's scopes, `imessenger graph doctor` and the fake tenant's enforcement all
 * read this module.
 */

export type GraphMode = 'delegated' | 'application';

/** What a deployment can turn on; each sends a known set of requests. */
export const GRAPH_CAPABILITIES = [
  /** Sign-in and self: /me (or /users/{actAs}) with name and phones. */
  'signin',
  /** The contact list, kept as Outlook contacts. */
  'contacts',
  /** Resolving users by sign-in name, FindContact's directory search, contacts' names. */
  'directory',
  /**
   * Other users' phones (businessPhones, mobilePhone) from the directory. Not in User.ReadBasic.All's
   * basic profile: with it Graph answers 200 with `businessPhones: []` and `mobilePhone: null`
   * (microsoftgraph/microsoft-graph-docs#4940, #4993), so this needs User.Read.All (admin consent).
   * Without it a contact keeps the phones of its Outlook contact.
   */
  'directoryPhones',
  /** Others' presence (contacts' status, polling). */
  'presence',
  /** MyStatus put and the app presence session that keeps the user visibly present. */
  'myStatus',
  /** MyGroups, CreateGroup, Group.Name, Group.AddContact/RemoveContact. */
  'groups',
  /** Groups.Remove: hideForUser (delegated only: in application mode Groups.Remove is E_NOTIMPL). */
  'hideGroups',
  /** InstantMessage's 1:1 chat and History. */
  'messages',
  /** StartVideo / StartVoice: an online meeting and its invitation in the 1:1 chat. */
  'meetings',
  /** UnreadEmailCount. */
  'mail',
  /** ContactsSortOrder, groups without a chat yet, hidden chats: the open extension on the user. */
  'profile',
  /** Presence change notifications (webhook). */
  'webhook',
] as const;
export type GraphCapability = (typeof GRAPH_CAPABILITIES)[number];

/** On unless a deployment says otherwise: everything but what needs more than a user can consent to by default. */
export const DEFAULT_CAPABILITIES: readonly GraphCapability[] = Object.freeze(
  GRAPH_CAPABILITIES.filter((c) => c !== 'directoryPhones' && c !== 'webhook'),
);

/**
 * One request: method, path as Microsoft's permission map writes it (`{id}` for any key, `/me`
 * delegated only), and the permissions that allow it, least privileged first; `[]` = Graph has no
 * permission of that type for it. `page`: not in the permission map (open extensions and
 * subscriptions depend on the resource), taken from the page named.
 */
export interface GraphRequestPermissions {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly delegated: readonly string[];
  readonly application: readonly string[];
  readonly page?: string;
}

const r = (method: GraphRequestPermissions['method'], path: string, delegated: readonly string[], application: readonly string[], page?: string): GraphRequestPermissions =>
  ({ method, path, delegated, application, ...(page ? { page } : {}) });

/**
 * Permissions the map lists that the adapter cannot use: Teamwork.Migrate.All posts chat messages
 * only while a chat is being imported in migration mode (docs/chat-post-messages.md).
 */
export const UNUSABLE_PERMISSIONS: readonly string[] = ['Teamwork.Migrate.All'];

/** Every request the adapter sends, by a short name. */
export const GRAPH_REQUESTS = {
  me: r('GET', '/me', ['User.Read', 'User.ReadWrite', 'User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'], []),
  user: r('GET', '/users/{id}', ['User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'], ['User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All']),
  users: r('GET', '/users', ['User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'], ['User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All']),
  presences: r('POST', '/communications/getpresencesbyuserid', ['Presence.Read.All'], ['Presence.Read.All', 'Presence.ReadWrite.All']),
  setUserPreferredPresence: r('POST', '/users/{id}/presence/setuserpreferredpresence', ['Presence.ReadWrite'], ['Presence.ReadWrite.All']),
  setPresence: r('POST', '/users/{id}/presence/setpresence', ['Presence.ReadWrite'], ['Presence.ReadWrite.All']),
  clearPresence: r('POST', '/users/{id}/presence/clearpresence', ['Presence.ReadWrite'], ['Presence.ReadWrite.All']),
  listContacts: r('GET', '/me/contacts', ['Contacts.Read', 'Contacts.ReadWrite'], []),
  addContact: r('POST', '/me/contacts', ['Contacts.ReadWrite'], []),
  removeContact: r('DELETE', '/me/contacts/{id}', ['Contacts.ReadWrite'], []),
  listContactsOf: r('GET', '/users/{id}/contacts', ['Contacts.Read', 'Contacts.ReadWrite'], ['Contacts.Read', 'Contacts.ReadWrite']),
  addContactOf: r('POST', '/users/{id}/contacts', ['Contacts.ReadWrite'], ['Contacts.ReadWrite']),
  removeContactOf: r('DELETE', '/users/{id}/contacts/{id}', ['Contacts.ReadWrite'], ['Contacts.ReadWrite']),
  myChats: r('GET', '/me/chats', ['Chat.ReadBasic', 'Chat.Read', 'Chat.ReadWrite'], []),
  chatsOf: r('GET', '/users/{id}/chats', ['Chat.ReadBasic', 'Chat.Read', 'Chat.ReadWrite'], ['Chat.ReadBasic.All', 'Chat.ReadWrite.All']),
  chatMembers: r('GET', '/chats/{id}/members', ['Chat.ReadBasic', 'ChatMember.ReadWrite', 'Chat.Read', 'Chat.ReadWrite', 'ChatMember.Read'], ['ChatMember.Read.All', 'Chat.ReadBasic.All', 'Chat.Read.All', 'Chat.ReadWrite.All', 'ChatMember.ReadWrite.All']),
  createChat: r('POST', '/chats', ['Chat.Create', 'Chat.ReadWrite'], ['Chat.Create']),
  renameChat: r('PATCH', '/chats/{id}', ['Chat.ReadWrite'], ['Chat.ReadWrite.All']),
  addChatMember: r('POST', '/chats/{id}/members', ['ChatMember.ReadWrite', 'Chat.ReadWrite'], ['ChatMember.ReadWrite.All', 'Chat.ReadWrite.All']),
  removeChatMember: r('DELETE', '/chats/{id}/members/{id}', ['ChatMember.ReadWrite'], ['ChatMember.ReadWrite.All']),
  hideChat: r('POST', '/chats/{id}/hideforuser', ['Chat.ReadWrite'], []),
  postMessage: r('POST', '/chats/{id}/messages', ['ChatMessage.Send', 'Chat.ReadWrite'], []),
  chatMessages: r('GET', '/chats/{id}/messages', ['Chat.Read', 'Chat.ReadWrite'], ['Chat.Read.All', 'Chat.ReadWrite.All']),
  myMeeting: r('POST', '/me/onlinemeetings/createorget', ['OnlineMeetings.ReadWrite'], []),
  meetingOf: r('POST', '/users/{id}/onlinemeetings/createorget', ['OnlineMeetings.ReadWrite'], ['OnlineMeetings.ReadWrite.All']),
  inbox: r('GET', '/me/mailfolders/{id}', ['Mail.ReadBasic', 'Mail.Read', 'Mail.ReadWrite'], []),
  inboxOf: r('GET', '/users/{id}/mailfolders/{id}', ['Mail.ReadBasic', 'Mail.Read', 'Mail.ReadWrite'], ['Mail.ReadBasic.All', 'Mail.Read', 'Mail.ReadWrite']),
  profile: r('GET', '/me/extensions/{id}', ['User.Read', 'User.ReadWrite'], [], 'docs/opentypeextension-get.md'),
  createProfile: r('POST', '/me/extensions', ['User.ReadWrite'], [], 'docs/opentypeextension-post-opentypeextension.md'),
  updateProfile: r('PATCH', '/me/extensions/{id}', ['User.ReadWrite'], [], 'docs/opentypeextension-update.md'),
  profileOf: r('GET', '/users/{id}/extensions/{id}', ['User.Read', 'User.ReadWrite'], ['User.Read.All', 'User.ReadWrite.All'], 'docs/opentypeextension-get.md'),
  createProfileOf: r('POST', '/users/{id}/extensions', ['User.ReadWrite'], ['User.ReadWrite.All'], 'docs/opentypeextension-post-opentypeextension.md'),
  updateProfileOf: r('PATCH', '/users/{id}/extensions/{id}', ['User.ReadWrite'], ['User.ReadWrite.All'], 'docs/opentypeextension-update.md'),
  subscribe: r('POST', '/subscriptions', ['Presence.Read.All'], [], 'docs/changenotifications-for-presence.md'),
  renewSubscription: r('PATCH', '/subscriptions/{id}', ['Presence.Read.All'], [], 'docs/changenotifications-for-presence.md'),
  deleteSubscription: r('DELETE', '/subscriptions/{id}', ['Presence.Read.All'], [], 'docs/changenotifications-for-presence.md'),
} as const satisfies Record<string, GraphRequestPermissions>;
export type GraphRequestName = keyof typeof GRAPH_REQUESTS;

/**
 * The directory properties User.ReadBasic.All leaves out that the adapter reads, and the
 * permissions that include them (the permission's description: "display name, first and last
 * name, email address, photo, id and security identifier"). A caller's own profile always has them.
 */
export const FULL_PROFILE = {
  properties: ['businessPhones', 'mobilePhone'],
  delegated: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  application: ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
} as const;

/** Requests per capability and mode (delegated paths use /me; an application acts on /users/{id}). */
const SENDS: Record<GraphCapability, Record<GraphMode, readonly GraphRequestName[]>> = {
  signin: { delegated: ['me'], application: ['user'] },
  contacts: { delegated: ['listContacts', 'addContact', 'removeContact'], application: ['listContactsOf', 'addContactOf', 'removeContactOf'] },
  directory: { delegated: ['user', 'users'], application: ['user', 'users'] },
  directoryPhones: { delegated: ['user', 'users'], application: ['user', 'users'] },
  presence: { delegated: ['presences'], application: ['presences'] },
  myStatus: { delegated: ['setUserPreferredPresence', 'setPresence', 'clearPresence'], application: ['setUserPreferredPresence', 'setPresence', 'clearPresence'] },
  groups: {
    delegated: ['myChats', 'chatMembers', 'createChat', 'renameChat', 'addChatMember', 'removeChatMember'],
    application: ['chatsOf', 'chatMembers', 'createChat', 'renameChat', 'addChatMember', 'removeChatMember'],
  },
  hideGroups: { delegated: ['hideChat'], application: ['hideChat'] },
  messages: { delegated: ['createChat', 'chatMessages'], application: ['createChat', 'chatMessages'] },
  meetings: { delegated: ['myMeeting', 'createChat', 'postMessage'], application: ['meetingOf', 'createChat', 'postMessage'] },
  mail: { delegated: ['inbox'], application: ['inboxOf'] },
  profile: { delegated: ['profile', 'createProfile', 'updateProfile'], application: ['profileOf', 'createProfileOf', 'updateProfileOf'] },
  webhook: { delegated: ['subscribe', 'renewSubscription', 'deleteSubscription'], application: ['subscribe', 'renewSubscription', 'deleteSubscription'] },
};

/** The requests a capability sends in a mode. */
export function requestsOf(capability: GraphCapability, mode: GraphMode): readonly GraphRequestPermissions[] {
  return SENDS[capability][mode].map((name) => GRAPH_REQUESTS[name]);
}

/** A capability Graph cannot serve in this mode: some request it needs has no permission of that type. */
export function unsupportedIn(mode: GraphMode, capability: GraphCapability): GraphRequestPermissions | undefined {
  return requestsOf(capability, mode).find((q) => q[mode].length === 0);
}

/** Permissions a request needs beyond its path: other users' phones need a full-profile permission. */
function extraNeeds(capability: GraphCapability, mode: GraphMode): readonly (readonly string[])[] {
  return capability === 'directoryPhones' ? [FULL_PROFILE[mode]] : [];
}

export interface GraphPermissionPlan {
  /** The least set to ask for (delegated scopes or application roles), sorted. */
  readonly permissions: readonly string[];
  /** Capabilities asked for that Graph cannot serve in this mode, with the request that has no permission. */
  readonly unsupported: readonly { readonly capability: GraphCapability; readonly request: GraphRequestPermissions }[];
}

/**
 * The least permissions for `capabilities` in `mode`: the least permission of each request, then,
 * most privileged last, each one dropped if every need it serves is met by the others. Delegated
 * adds `offline_access` (a refresh token, so a session survives the hour).
 */
export function graphPermissions(capabilities: readonly GraphCapability[] = DEFAULT_CAPABILITIES, mode: GraphMode = 'delegated'): GraphPermissionPlan {
  for (const c of capabilities) if (!(GRAPH_CAPABILITIES as readonly string[]).includes(c)) throw new TypeError(`Unknown Graph capability ${JSON.stringify(c)}: expected one of ${GRAPH_CAPABILITIES.join(', ')}.`);
  const unsupported: { capability: GraphCapability; request: GraphRequestPermissions }[] = [];
  const needs: (readonly string[])[] = [];
  for (const capability of new Set(capabilities)) {
    const missing = unsupportedIn(mode, capability);
    if (missing) { unsupported.push({ capability, request: missing }); continue; }
    needs.push(...requestsOf(capability, mode).map((q) => q[mode]), ...extraNeeds(capability, mode));
  }
  const chosen = new Set(needs.map((n) => n[0]!));
  // Try dropping the least privileged first (the ones a broader permission is most likely to cover).
  const order = [...chosen].sort((a, b) => rank(a, needs) - rank(b, needs));
  for (const p of order) {
    chosen.delete(p);
    if (!needs.every((n) => n.some((q) => chosen.has(q)))) chosen.add(p);
  }
  const permissions = [...chosen].sort();
  return { permissions: mode === 'delegated' && permissions.length > 0 ? [...permissions, 'offline_access'] : permissions, unsupported };
}

/** How far down the lists a permission sits on average (0 = least privileged everywhere). */
function rank(permission: string, needs: readonly (readonly string[])[]): number {
  const places = needs.map((n) => n.indexOf(permission)).filter((i) => i >= 0);
  return places.length === 0 ? 0 : places.reduce((a, b) => a + b, 0) / places.length;
}

/** The delegated scopes DeviceCodeAuth asks for by default. */
export const DEFAULT_DELEGATED_SCOPES: readonly string[] = Object.freeze(graphPermissions(DEFAULT_CAPABILITIES, 'delegated').permissions);

/** Does a token holding `granted` (scp or roles) allow this request? */
export function allows(request: GraphRequestPermissions, mode: GraphMode, granted: ReadonlySet<string> | readonly string[]): boolean {
  const has = new Set([...granted].map((g) => g.toLowerCase()));
  return request[mode].some((p) => has.has(p.toLowerCase()));
}

/** The request of the table a method and path (below the version root, keys as `{id}` or literal) stand for. */
export function requestFor(method: string, path: string): GraphRequestPermissions | undefined {
  const segments = path.toLowerCase().split('/').filter(Boolean);
  return Object.values(GRAPH_REQUESTS).find((q) => {
    if (q.method !== method.toUpperCase()) return false;
    const pattern = q.path.split('/').filter(Boolean);
    return pattern.length === segments.length && pattern.every((p, i) => p === '{id}' || p === segments[i]);
  });
}
