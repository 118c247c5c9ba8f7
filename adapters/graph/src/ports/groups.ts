/**
 * Messenger groups are Teams group chats (the topic is the name, the members are the group).
 * Graph decides three things here (FACTS #10-#16; PITFALLS A1-A9):
 * - a group chat needs two members besides its creator, so a group with fewer lives in the
 *   profile extension ("pending") and becomes a chat when its second member is added, keeping its id;
 * - group chats are not deduplicated, so a creation is journalled first, never retried blindly, and
 *   after a timeout the adapter looks for the chat before sending again;
 *   a caller that knows a new group's members (a data copy) creates it in one POST /chats with all
 *   of them (createWithMembers), members bound by UPN, so no lookups either;
 * - users cannot delete chats and hideForUser is undone by the next message, so removed groups are
 *   also recorded in the profile and stay out of MyGroups.
 */
import { randomUUID } from 'node:crypto';
import { type GroupRecord, type GroupsPort, isMessengerError, messengerError } from '@imessenger/contract';
import { type GraphContext, type GraphUser, chatMember } from '../context';
import { hresultFor } from '../errors';
import { segment, userPath } from '../http';
import type { CreateIntent, PendingGroup, Profile } from '../profile';

interface Member { readonly id: string; readonly userId?: string; readonly email?: string | null; readonly displayName?: string | null }
interface Chat {
  readonly id: string;
  readonly topic: string | null;
  readonly chatType: string;
  readonly createdDateTime?: string;
  readonly webUrl?: string;
  members?: Member[];
}

/** Members `$expand=members` returns at most (FACTS #8): a chat showing this many may have more. */
const EXPAND_LIMIT = 25;
/** Members besides the creator a Teams group chat needs. */
const MIN_OTHERS = 2;
/** How far the service clock may trail ours when matching a journalled creation. */
const CLOCK_SKEW_MS = 5 * 60_000;
const TRANSIENT = ['MSGR_E_SESSION_TIMEOUT', 'MSGR_E_CONNECT', 'MSGR_E_SERVER_TOO_BUSY', 'MSGR_E_SERVER_ERROR', 'MSGR_E_SERVER_PROTOCOL'] as const;
const isTransient = (error: unknown): boolean => TRANSIENT.some((hr) => isMessengerError(error, hr));

/**
 * Topics have at most 250 characters and no ':' (chat-patch.md; PITFALLS A8). Messenger names allow
 * ':', so it travels as the fullwidth colon U+FF1A, which reads the same in Teams, and comes back.
 */
const FULLWIDTH_COLON = '\uFF1A';
export const toTopic = (name: string): string => name.replace(/:/g, FULLWIDTH_COLON);
export const fromTopic = (topic: string): string => topic.replace(new RegExp(FULLWIDTH_COLON, 'g'), ':');

function checkTopic(name: string): void {
  if (name.length > 250) throw messengerError('MSGR_E_GROUP_NAME_TOO_LONG', undefined, 'Teams chat topics have at most 250 characters.');
}

/**
 * UPNs `user@odata.bind` can carry as they are (FACTS §1: users('{id or UPN}')); others (quotes, a
 * B2B `#EXT#`, a leading `$`) are looked up and bound by object id.
 */
const PLAIN_UPN = /^[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+$/;
const boundByUpn = (upn: string) => ({
  '@odata.type': '#microsoft.graph.aadUserConversationMember',
  roles: ['owner'],
  'user@odata.bind': `https://graph.microsoft.com/v1.0/users('${upn}')`,
});

/** What createWithMembers made: the group (a chat, or a pending group) and the members nobody knows. */
export interface GroupCreation {
  /** The new group; `members` are the members it holds. */
  readonly record: GroupRecord;
  /** Members the directory does not know: not added (IMessengerGroup.AddContact would fail with MSGR_E_USER_NOT_FOUND). */
  readonly unknown: readonly string[];
}

/** The groups port, plus what a caller holding a whole group at once (the data copy) can use. */
export interface GraphGroupsPort extends GroupsPort {
  /**
   * CreateGroup and one AddContact per member, in as few writes as Graph allows: with two or more
   * members besides the creator, one `POST /chats` carrying them all (by UPN: no user lookups); with
   * fewer, one profile write (a pending group). The name is not looked up first: the caller has
   * (B286). A creation whose answer was lost is looked for before it is sent again (group chats are
   * not deduplicated). Several may run at once (their profile writes are serialised here).
   */
  createWithMembers(name: string, serviceId: string, members: readonly string[]): Promise<GroupCreation>;
}

export function graphGroups(ctx: GraphContext): GraphGroupsPort {
  /** The chats of the last listing, by chat id, with their full rosters. */
  const known = new Map<string, Chat>();
  /** createWithMembers calls whose POST /chats may have reached Teams without an answer, by lower-case name. */
  const uncertain = new Map<string, { readonly intent: CreateIntent; readonly members: readonly string[] }>();
  /** createWithMembers' profile writes, one after another (a PATCH carries the whole profile). */
  let profileTurn: Promise<unknown> = Promise.resolve();
  const serially = <T>(write: () => Promise<T>): Promise<T> => {
    const run = profileTurn.then(write, write);
    profileTurn = run.catch(() => undefined);
    return run;
  };

  const chatIdOf = (profile: Profile, groupId: string): string => profile.aliases[groupId] ?? groupId;
  const groupIdOf = (profile: Profile, chatId: string): string =>
    Object.entries(profile.aliases).find(([, c]) => c === chatId)?.[0] ?? chatId;
  const pendingOf = (profile: Profile, groupId: string): PendingGroup | undefined => profile.pendingGroups.find((g) => g.id === groupId);

  /** Sign-in names of a chat's members other than me (email, else a known user, else looked up). */
  async function namesOf(members: readonly Member[]): Promise<string[]> {
    const me = ctx.requireMe();
    const others = members.filter((m) => m.userId !== me.id);
    const missing = others.filter((m) => !m.email && m.userId && !ctx.userById(m.userId)).map((m) => m.userId!);
    if (missing.length) {
      const found = await ctx.http.batch<GraphUser>(missing.map((id) => ({ method: 'GET', url: `${userPath(id)}?$select=id,displayName,userPrincipalName` })));
      for (const r of found) if (r.status === 200 && r.body) ctx.remember(r.body);
    }
    return others.map((m) => m.email || ctx.userById(m.userId ?? '')?.userPrincipalName || m.displayName || m.id);
  }

  async function listChats(): Promise<Chat[]> {
    const chats = await ctx.http.all<Chat>(`${ctx.mePath}/chats`, {
      resource: 'chat', query: { $filter: "chatType eq 'group'", $expand: 'members', $top: 50 },
    });
    const truncated = chats.filter((c) => (c.members?.length ?? 0) >= EXPAND_LIMIT);
    if (truncated.length) {
      const rosters = await ctx.http.batch<{ value: Member[] }>(truncated.map((c) => ({ method: 'GET', url: `/chats/${segment(c.id)}/members` })));
      rosters.forEach((r, i) => { if (r.status === 200 && r.body) truncated[i]!.members = r.body.value; });
    }
    for (const c of chats) known.set(c.id, c);
    return chats;
  }

  async function rosterOf(chatId: string): Promise<Member[]> {
    const cached = known.get(chatId)?.members;
    if (cached) return cached;
    const members = (await ctx.http.get<{ value: Member[] }>(`/chats/${segment(chatId)}/members`, { resource: 'chat' })).value;
    const chat = known.get(chatId);
    if (chat) chat.members = members;
    return members;
  }

  /** A chat created for `intent` (same topic, created after it was journalled), if there is one. */
  async function lookFor(intent: CreateIntent, members: readonly string[]): Promise<Chat | undefined> {
    const since = Date.parse(intent.at) - CLOCK_SKEW_MS;
    const wanted = new Set(members.map((m) => m.toLowerCase()));
    for (const chat of await listChats()) {
      if (chat.topic !== toTopic(intent.topic) || Date.parse(chat.createdDateTime ?? '') < since) continue;
      const names = await namesOf(chat.members ?? []);
      if (names.length === wanted.size && names.every((n) => wanted.has(n.toLowerCase()))) return chat;
    }
    return undefined;
  }

  /** Turn a pending group into a Teams group chat, exactly once. */
  async function materialise(group: PendingGroup): Promise<void> {
    const me = ctx.requireMe();
    const users = await Promise.all(group.members.map((m) => ctx.resolveUser(m)));
    const intent: CreateIntent = { groupId: group.id, topic: group.name, at: new Date().toISOString() };
    await ctx.saveProfile((p) => { p.intents.push(intent); });
    const body = { chatType: 'group', topic: toTopic(group.name), members: [me, ...users].map(chatMember) };
    const create = () => ctx.http.post<Chat>('/chats', body, { resource: 'chat', retry: false });
    let chat: Chat | undefined;
    try {
      chat = await create();
    } catch (error) {
      if (!isTransient(error)) {
        await ctx.saveProfile((p) => { p.intents = p.intents.filter((i) => i.groupId !== group.id); });
        throw error;
      }
      // The request may have reached Teams: look before creating again.
      chat = (await lookFor(intent, group.members)) ?? await create();
    }
    const created = chat;
    await ctx.saveProfile((p) => {
      p.pendingGroups = p.pendingGroups.filter((g) => g.id !== group.id);
      p.intents = p.intents.filter((i) => i.groupId !== group.id);
      p.aliases[group.id] = created.id;
    });
  }

  /** Creations journalled by a process that died before confirming them: adopt what reached Teams. */
  async function settleIntents(profile: Profile): Promise<void> {
    for (const intent of profile.intents) {
      const group = pendingOf(profile, intent.groupId);
      const chat = group ? await lookFor(intent, group.members) : undefined;
      await ctx.saveProfile((p) => {
        p.intents = p.intents.filter((i) => i.groupId !== intent.groupId);
        if (chat) {
          p.pendingGroups = p.pendingGroups.filter((g) => g.id !== intent.groupId);
          p.aliases[intent.groupId] = chat.id;
        }
      });
      // The creation never reached Teams: the group still has its members, so create its chat now.
      if (!chat && group && group.members.length >= MIN_OTHERS) await materialise(group);
    }
  }

  return {
    async list(): Promise<readonly GroupRecord[]> {
      ctx.requireMe();
      let profile = await ctx.loadProfile();
      if (profile.intents.length) {
        await settleIntents(profile);
        profile = await ctx.loadProfile();
      }
      const chats = (await listChats()).filter((c) => !profile.hiddenChats.includes(c.id));
      const records: GroupRecord[] = await Promise.all(chats.map(async (c) => ({
        id: groupIdOf(profile, c.id), name: fromTopic(c.topic ?? ''), serviceId: ctx.serviceId, members: await namesOf(c.members ?? []),
      })));
      return [...records, ...profile.pendingGroups.map((g) => ({ id: g.id, name: g.name, serviceId: ctx.serviceId, members: [...g.members] }))];
    },

    async create(name, serviceId): Promise<GroupRecord> {
      ctx.requireMe();
      checkTopic(name);
      const group: PendingGroup = { id: `pending-${randomUUID()}`, name, members: [] };
      await ctx.saveProfile((p) => { p.pendingGroups.push(group); });
      return { id: group.id, name, serviceId, members: [] };
    },

    async createWithMembers(name, serviceId, members): Promise<GroupCreation> {
      const me = ctx.requireMe();
      checkTopic(name);
      const self = me.userPrincipalName.toLowerCase();
      const wanted = [...new Map(members.map((m) => [m.toLowerCase(), m] as const)).values()].filter((m) => m.toLowerCase() !== self);
      const key = name.toLowerCase();

      // An earlier call's POST may have reached Teams without an answer: adopt that chat rather than make a second.
      const earlier = uncertain.get(key);
      if (earlier) {
        const chat = await lookFor(earlier.intent, earlier.members);
        uncertain.delete(key);
        if (chat) {
          const unknown = wanted.filter((m) => !earlier.members.some((e) => e.toLowerCase() === m.toLowerCase()));
          return { record: { id: chat.id, name, serviceId, members: [...earlier.members] }, unknown };
        }
      }

      /** One POST /chats; `accept`: statuses answered here rather than thrown. */
      const post = async (binds: readonly object[], sent: readonly string[], accept: readonly number[]) => {
        const intent: CreateIntent = { groupId: '', topic: name, at: new Date().toISOString() };
        const body = { chatType: 'group', topic: toTopic(name), members: [chatMember(me), ...binds] };
        try {
          return await ctx.http.raw<Chat>('POST', '/chats', body, { resource: 'chat', retry: false, accept: [429, ...accept] });
        } catch (error) {
          // Timeout, connection, 5xx: it may have been created. The next call for this name looks first.
          if (isTransient(error)) uncertain.set(key, { intent, members: sent });
          throw error;
        }
      };
      const created = (chat: Chat | undefined, sent: readonly string[], unknown: readonly string[]): GroupCreation => {
        if (!chat?.id) throw messengerError('MSGR_E_SERVER_PROTOCOL', undefined, 'POST /chats: 201 without a chat id.');
        return { record: { id: chat.id, name, serviceId, members: [...sent] }, unknown: [...unknown] };
      };
      // A 429 was not acted on (throttled requests are refused whole): safe to send again after a pause.
      const throttled = () => messengerError('MSGR_E_SERVER_TOO_BUSY', undefined, 'POST /chats: throttled (HTTP 429); the chat was not created.');

      // The common case: every member bound by UPN, no lookups, one request.
      if (wanted.length >= MIN_OTHERS && wanted.every((m) => PLAIN_UPN.test(m))) {
        const first = await post(wanted.map(boundByUpn), wanted, [400, 404]);
        if (first.status === 429) throw throttled();
        if (first.status < 300) return created(first.body, wanted, []);
        // 400/404: someone is not in the directory (or a UPN was refused): find out in $batch lookups, below.
      }

      // Look the members up (20 per $batch, remembered for the session) and leave out the unknown.
      const found = await ctx.resolveUsers(wanted);
      const users = wanted.flatMap((m) => { const u = found.get(m.toLowerCase()); return u ? [{ name: m, user: u }] : []; });
      const unknown = wanted.filter((m) => !found.get(m.toLowerCase()));
      const sent = users.map((u) => u.user.userPrincipalName);
      if (users.length >= MIN_OTHERS) {
        const second = await post(users.map((u) => chatMember(u.user)), sent, []);
        if (second.status === 429) throw throttled();
        return created(second.body, sent, unknown);
      }
      // Fewer than two: Teams cannot hold it yet; a pending group with its members, in one profile write.
      const group: PendingGroup = { id: `pending-${randomUUID()}`, name, members: sent };
      await serially(() => ctx.saveProfile((p) => { p.pendingGroups.push(group); }));
      return { record: { id: group.id, name, serviceId, members: [...sent] }, unknown };
    },

    async rename(groupId, name): Promise<void> {
      checkTopic(name);
      const profile = await ctx.loadProfile();
      if (pendingOf(profile, groupId)) {
        await ctx.saveProfile((p) => { p.pendingGroups = p.pendingGroups.map((g) => (g.id === groupId ? { ...g, name } : g)); });
        return;
      }
      await ctx.http.patch(`/chats/${segment(chatIdOf(profile, groupId))}`, { topic: toTopic(name) }, { resource: 'chat' });
    },

    async remove(groupId): Promise<void> {
      const me = ctx.requireMe();
      // Decided before anything is read or written, for every group alike (a pending one included).
      ctx.requireCapability('hideGroups', 'Groups.Remove');
      const profile = await ctx.loadProfile();
      if (pendingOf(profile, groupId)) {
        await ctx.saveProfile((p) => { p.pendingGroups = p.pendingGroups.filter((g) => g.id !== groupId); });
        return;
      }
      const chatId = chatIdOf(profile, groupId);
      // Hiding and remembering it hidden are independent: one round trip.
      const remembered = await ctx.profileWrite((p) => { if (!p.hiddenChats.includes(chatId)) p.hiddenChats.push(chatId); });
      const [hidden, stored] = await ctx.http.batch([
        { method: 'POST', url: `/chats/${segment(chatId)}/hideForUser`, body: { user: { id: me.id, tenantId: ctx.tenantId } } },
        { ...remembered.request, dependsOn: [0] },
      ]);
      if (hidden?.status === 404) throw messengerError('MSGR_E_GROUP_DOES_NOT_EXIST', undefined, 'The chat no longer exists.');
      if (hidden?.status !== 204 && hidden?.status !== 200) throw messengerError(hresultFor({ status: hidden?.status }, 'chat'), undefined, `hideForUser: HTTP ${hidden?.status}`);
      if (stored && stored.status < 300) remembered.commit();
      else throw messengerError(hresultFor({ status: stored?.status }, 'extension'), undefined, `The hidden chat could not be recorded: HTTP ${stored?.status}`);
    },

    async addMember(groupId, signinName): Promise<void> {
      const user = await ctx.resolveUser(signinName);
      const profile = await ctx.loadProfile();
      const pending = pendingOf(profile, groupId);
      if (pending) {
        if (pending.members.some((m) => m.toLowerCase() === user.userPrincipalName.toLowerCase())) return;
        const grown: PendingGroup = { ...pending, members: [...pending.members, user.userPrincipalName] };
        await ctx.saveProfile((p) => { p.pendingGroups = p.pendingGroups.map((g) => (g.id === groupId ? grown : g)); });
        if (grown.members.length >= MIN_OTHERS) await materialise(grown);
        return;
      }
      const chatId = chatIdOf(profile, groupId);
      try {
        // 409: already a member (added elsewhere since we last looked), which is what the caller wanted.
        await ctx.http.raw('POST', `/chats/${segment(chatId)}/members`, chatMember(user), { resource: 'chat', retry: false, accept: [409] });
      } catch (error) {
        if (!isTransient(error)) throw error;
        known.delete(chatId);
        if (!(await rosterOf(chatId)).some((m) => m.userId === user.id)) throw error;
      }
      known.delete(chatId);
    },

    async removeMember(groupId, signinName): Promise<void> {
      const user = await ctx.resolveUser(signinName);
      const profile = await ctx.loadProfile();
      const pending = pendingOf(profile, groupId);
      if (pending) {
        const key = user.userPrincipalName.toLowerCase();
        await ctx.saveProfile((p) => {
          p.pendingGroups = p.pendingGroups.map((g) => (g.id === groupId ? { ...g, members: g.members.filter((m) => m.toLowerCase() !== key) } : g));
        });
        return;
      }
      const chatId = chatIdOf(profile, groupId);
      // The path takes the membership id, never the user id (PITFALLS A9).
      const membership = (await rosterOf(chatId)).find((m) => m.userId === user.id);
      if (!membership) throw messengerError('MSGR_E_USER_NOT_GROUP_MEMBER', undefined, `${signinName} is not in the chat.`);
      await ctx.http.delete(`/chats/${segment(chatId)}/members/${segment(membership.id)}`, { resource: 'member' });
      known.delete(chatId);
    },
  };
}
