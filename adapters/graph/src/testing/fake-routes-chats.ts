/**
 * Fake tenant routes about Teams: chats and their members (ENDPOINTS.md #10-#17), messages
 * (#19) and online meetings (#18). The behaviours the adapter has to cope with are reproduced on
 * purpose: group chats are never deduplicated but 1:1 chats are (FACTS #14, #15), `$expand=members`
 * stops at 25 members (FACTS #8), `$top` above 50 is refused (FACTS #6), topics are limited
 * (FACTS #13), membership ids are opaque and not user ids (PITFALLS A9), and a message unhides a
 * hidden chat (PITFALLS A4).
 */
import {
  asObject, badRequest, decodeSkipToken, fail, GUID, type GraphResult, pageOf, parseTop, requireObject, requireString, unquoteLiteral,
} from './fake-http';
import type { Route, RouteContext } from './fake-routes';
import { resolveUser } from './fake-routes-people';
import type { ChatRecord, MeetingRecord, MemberRecord, MessageRecord, UserRecord } from './fake-state';

const ok = (body: unknown, status = 200): GraphResult => ({ status, body });

const MAX_TOPIC = 250;              // FACTS #13
const MAX_CHATS_PAGE = 50;          // FACTS #6
const EXPANDED_MEMBERS = 25;        // FACTS #8
const MAX_MEMBERS_AT_CREATE = 200;  // FACTS #12
const MAX_MEMBERS = 250;            // FACTS #12
const MAX_MESSAGES_PAGE = 50;

// ---------------------------------------------------------------------------------------------
// Entities

function chatEntity(ctx: RouteContext, chat: ChatRecord): Record<string, unknown> {
  const lastRead = chat.messages.length > 0 ? chat.messages[chat.messages.length - 1]!.createdDateTime : null;
  return {
    id: chat.id, topic: chat.topic, createdDateTime: chat.createdDateTime, lastUpdatedDateTime: chat.lastUpdatedDateTime, chatType: chat.chatType,
    webUrl: `https://teams.microsoft.com/l/chat/${encodeURIComponent(chat.id)}/0?tenantId=${ctx.state.tenantId}`,
    tenantId: ctx.state.tenantId, onlineMeetingInfo: null,
    // Filled in delegated context only (PITFALLS A6); the fake is always delegated.
    viewpoint: { isHidden: chat.hiddenFor.has(ctx.caller.id), lastMessageReadDateTime: lastRead },
  };
}

function memberEntity(ctx: RouteContext, m: MemberRecord): Record<string, unknown> {
  const user = ctx.state.users.get(m.userId);
  return {
    '@odata.type': '#microsoft.graph.aadUserConversationMember', id: m.id, roles: [...m.roles], displayName: user?.displayName ?? null,
    visibleHistoryStartDateTime: m.visibleHistoryStartDateTime, userId: m.userId, email: user?.upn ?? null, tenantId: ctx.state.tenantId,
  };
}

function messageEntity(ctx: RouteContext, chat: ChatRecord, m: MessageRecord): Record<string, unknown> {
  const from = ctx.state.users.get(m.fromUserId);
  return {
    id: m.id, replyToId: null, etag: m.id, messageType: 'message', createdDateTime: m.createdDateTime, lastModifiedDateTime: m.createdDateTime,
    lastEditedDateTime: null, deletedDateTime: null, subject: null, summary: null, chatId: chat.id, importance: 'normal', locale: 'en-us',
    webUrl: null, channelIdentity: null, policyViolation: null, eventDetail: null,
    from: {
      application: null, device: null,
      user: { '@odata.type': '#microsoft.graph.teamworkUserIdentity', id: m.fromUserId, displayName: from?.displayName ?? null, userIdentityType: 'aadUser', tenantId: ctx.state.tenantId },
    },
    body: { contentType: m.contentType, content: m.content }, attachments: [], mentions: [], reactions: [],
  };
}

function meetingEntity(ctx: RouteContext, m: MeetingRecord): Record<string, unknown> {
  const organizer = ctx.state.users.get(m.organizerId);
  return {
    '@odata.context': `${ctx.baseUrl}/$metadata#users('${m.organizerId}')/onlineMeetings/$entity`,
    id: m.id, creationDateTime: m.creationDateTime, startDateTime: m.startDateTime, endDateTime: m.endDateTime, joinWebUrl: m.joinWebUrl,
    subject: m.subject, isBroadcast: false, autoAdmittedUsers: 'EveryoneInCompany', allowedPresenters: 'everyone', externalId: m.externalId,
    participants: {
      organizer: { upn: organizer?.upn ?? null, role: 'presenter', identity: { user: { id: m.organizerId, displayName: null, tenantId: ctx.state.tenantId } } },
      attendees: m.attendees, producers: [], contributors: [],
    },
    lobbyBypassSettings: { scope: 'organization', isDialInBypassEnabled: false },
    chatInfo: { threadId: m.threadId, messageId: '0', replyChainMessageId: null },
  };
}

// ---------------------------------------------------------------------------------------------
// Validation helpers

/** The chat of the path, for a caller who is a member of it (404 / 403 otherwise). */
function callerChat(ctx: RouteContext): ChatRecord {
  const id = ctx.params['chatId']!;
  const chat = ctx.state.chat(id) ?? fail(404, 'NotFound', `Chat '${id}' was not found.`);
  if (!chat.members.some((m) => m.userId === ctx.caller.id)) fail(403, 'Forbidden', 'The caller is not a member of this chat.');
  return chat;
}

/** A topic Teams accepts: at most 250 characters, no ':' (FACTS #13). null clears it. */
function checkTopic(topic: unknown): string | null {
  if (topic === null) return null;
  if (typeof topic !== 'string') return badRequest("The property 'topic' must be a string.");
  if (topic.length > MAX_TOPIC) badRequest(`The chat topic is longer than ${MAX_TOPIC} characters.`);
  if (topic.includes(':')) badRequest("The chat topic must not contain ':'.");
  return topic;
}

const MEMBER_TYPE = /^#?microsoft\.graph\.aadUserConversationMember$/i;
/** `https://graph.microsoft.com/v1.0/users('{id}')` or `…/users/{id}` (docs/chat-post.md, chat-post-members.md). */
const USER_BIND = /\/users(?:\('((?:[^']|'')*)'\)|\/([^/()]+))$/i;

interface BoundMember { readonly user: UserRecord; readonly roles: string[]; readonly visibleHistoryStartDateTime?: string }

/** One aadUserConversationMember of a request body. `rolesRequired`: creating a chat needs owner or guest (PITFALLS A2). */
function boundMember(ctx: RouteContext, value: unknown, rolesRequired: boolean): BoundMember {
  const m = asObject(value) ?? badRequest('A member must be an aadUserConversationMember object.');
  const type = m['@odata.type'];
  if (typeof type !== 'string' || !MEMBER_TYPE.test(type)) badRequest("A member's '@odata.type' must be '#microsoft.graph.aadUserConversationMember'.");
  const roles = m['roles'] ?? (rolesRequired ? undefined : []);
  if (!Array.isArray(roles) || !roles.every((r) => r === 'owner' || r === 'guest')) return badRequest("A member's 'roles' must be [\"owner\"] or [\"guest\"].");
  if (rolesRequired && roles.length === 0) badRequest('Every member of a new chat needs the role owner or guest.');
  const bind = m['user@odata.bind'];
  if (typeof bind !== 'string') return badRequest("A member needs 'user@odata.bind'.");
  const parsed = USER_BIND.exec(bind) ?? badRequest(`'${bind}' does not bind a user.`);
  const key = parsed[1] !== undefined ? unquoteLiteral(parsed[1]) : decodeBindSegment(parsed[2]!);
  const user = ctx.state.user(key) ?? fail(404, 'NotFound', `The user '${key}' was not found.`);
  const visible = m['visibleHistoryStartDateTime'];
  if (visible !== undefined && (typeof visible !== 'string' || Number.isNaN(Date.parse(visible)))) badRequest("'visibleHistoryStartDateTime' must be a date-time.");
  return { user, roles: roles as string[], ...(typeof visible === 'string' ? { visibleHistoryStartDateTime: visible } : {}) };
}

function decodeBindSegment(segment: string): string {
  try { return decodeURIComponent(segment); } catch { return badRequest(`'${segment}' is not correctly percent-encoded.`); }
}

function onlyProperties(body: Record<string, unknown>, allowed: readonly string[], typeName: string): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) badRequest(`The property '${key}' does not exist on type '${typeName}' or cannot be set here.`);
  }
}

// ---------------------------------------------------------------------------------------------
// Chats

const CHAT_FILTER = /^chatType eq '(group|oneOnOne|meeting)'$/i;

function listChats(ctx: RouteContext): GraphResult {
  const filter = ctx.query.get('$filter');
  const type = filter === undefined ? undefined : (CHAT_FILTER.exec(filter.trim()) ?? badRequest(`Invalid filter clause: '${filter}'.`))[1]!.toLowerCase();
  const expand = ctx.query.get('$expand');
  if (expand !== undefined && expand.trim().toLowerCase() !== 'members') badRequest(`The $expand '${expand}' is not supported; only 'members' is.`);
  const chats = ctx.state.chats.filter((c) => c.members.some((m) => m.userId === ctx.caller.id) && (type === undefined || c.chatType.toLowerCase() === type));
  const page = pageOf(chats, {
    offset: decodeSkipToken(ctx.query.get('$skiptoken')), size: parseTop(ctx.query, { max: MAX_CHATS_PAGE, fallback: MAX_CHATS_PAGE }),
    baseUrl: ctx.baseUrl, path: ctx.path, query: ctx.query, cursor: '$skiptoken',
  });
  const value = page.value.map((chat) => ({
    ...chatEntity(ctx, chat),
    ...(expand === undefined ? {} : {
      'members@odata.context': `${ctx.baseUrl}/$metadata#chats('${encodeURIComponent(chat.id)}')/members`,
      // The documented known issue: at most 25 members per chat, whatever the roster (FACTS #8).
      members: chat.members.slice(0, EXPANDED_MEMBERS).map((m) => memberEntity(ctx, m)),
    }),
  }));
  return ok({
    '@odata.context': `${ctx.baseUrl}/$metadata#chats${expand === undefined ? '' : '(members())'}`,
    '@odata.count': value.length,
    value,
    ...(page.nextLink ? { '@odata.nextLink': page.nextLink } : {}),
  });
}

/** `POST /chats`: a new group chat every time; the existing 1:1 chat of a pair (#12, #17). */
function createChat(ctx: RouteContext): GraphResult {
  const body = requireObject(ctx.body);
  onlyProperties(body, ['@odata.type', 'chatType', 'topic', 'members'], 'microsoft.graph.chat');
  const chatType = requireString(body, 'chatType');
  if (chatType !== 'group' && chatType !== 'oneOnOne') badRequest(`'${chatType}' is not a chat type that can be created: use 'group' or 'oneOnOne'.`);
  if (!Array.isArray(body['members']) || body['members'].length === 0) badRequest("A chat needs 'members'.");
  const members = (body['members'] as unknown[]).map((m) => boundMember(ctx, m, true));
  if (new Set(members.map((m) => m.user.id)).size !== members.length) badRequest('A user is listed twice in members.');
  // Every participant, the caller included, must be listed (docs/chat-post.md).
  if (!members.some((m) => m.user.id === ctx.caller.id)) fail(403, 'Forbidden', 'The caller must be one of the members of the chat being created.');
  const context = `${ctx.baseUrl}/$metadata#chats/$entity`;
  if (chatType === 'oneOnOne') {
    if (body['topic'] !== undefined && body['topic'] !== null) badRequest('A topic can only be set for group chats.');
    if (members.length !== 2) badRequest('A oneOnOne chat must have exactly 2 members.');
    const { chat } = ctx.state.oneOnOneChat(members[0]!.user.id, members[1]!.user.id);
    return ok({ '@odata.context': context, ...chatEntity(ctx, chat) }, 201);
  }
  // A group roster is "of at least two people" besides the creator in practice (FACTS #10; PITFALLS A3).
  if (members.length < 3) badRequest('A group chat needs at least 3 members: the caller and two others.');
  if (members.length > MAX_MEMBERS_AT_CREATE) badRequest(`At most ${MAX_MEMBERS_AT_CREATE} members can be added at one time.`);
  const topic = body['topic'] === undefined ? null : checkTopic(body['topic']);
  const chat = ctx.state.createGroupChat(topic, members.map((m) => ({ userId: m.user.id, roles: m.roles })));
  return ok({ '@odata.context': context, ...chatEntity(ctx, chat) }, 201);
}

function updateChat(ctx: RouteContext): GraphResult {
  const chat = callerChat(ctx);
  const body = requireObject(ctx.body);
  onlyProperties(body, ['@odata.type', 'topic'], 'microsoft.graph.chat');
  if (!('topic' in body)) badRequest('Nothing to update: the request body has no topic.');
  if (chat.chatType === 'oneOnOne') badRequest('Setting topic is not allowed for 1-on-1 chats.');
  chat.topic = checkTopic(body['topic']);
  chat.lastUpdatedDateTime = new Date().toISOString();
  return ok({ '@odata.context': `${ctx.baseUrl}/$metadata#chats/$entity`, ...chatEntity(ctx, chat) });
}

function listMembers(ctx: RouteContext): GraphResult {
  const chat = callerChat(ctx);
  return ok({
    '@odata.context': `${ctx.baseUrl}/$metadata#chats('${encodeURIComponent(chat.id)}')/members`,
    '@odata.count': chat.members.length,
    value: chat.members.map((m) => memberEntity(ctx, m)),
  });
}

/** 201 with no body and a Location holding the new membership id (docs/chat-post-members.md). */
function addMember(ctx: RouteContext): GraphResult {
  const chat = callerChat(ctx);
  if (chat.chatType !== 'group') badRequest('Members cannot be added to a oneOnOne chat.');
  const member = boundMember(ctx, ctx.body, false);
  if (chat.members.some((m) => m.userId === member.user.id)) fail(409, 'Conflict', `The user '${member.user.id}' is already a member of this chat.`);
  if (chat.members.length >= MAX_MEMBERS) badRequest(`A group chat has at most ${MAX_MEMBERS} members.`);
  // No visibleHistoryStartDateTime: the new member sees no history.
  const added = ctx.state.addMember(chat, member.user.id, member.roles, member.visibleHistoryStartDateTime ?? new Date().toISOString());
  return { status: 201, headers: { Location: `/chats/${chat.id}/members/${added.id}` } };
}

/** Needs the membership id; a user id is a 404 (PITFALLS A9). */
function removeMember(ctx: RouteContext): GraphResult {
  const chat = callerChat(ctx);
  if (chat.chatType !== 'group') badRequest('Members cannot be removed from a oneOnOne chat.');
  const index = chat.members.findIndex((m) => m.id === ctx.params['membershipId']);
  if (index < 0) fail(404, 'NotFound', `The member '${ctx.params['membershipId']}' was not found in this chat.`);
  chat.members.splice(index, 1);
  chat.lastUpdatedDateTime = new Date().toISOString();
  return { status: 204 };
}

/** Delegated callers hide a chat for themselves only (docs/chat-hideforuser.md). */
function hideForUser(ctx: RouteContext): GraphResult {
  const chat = callerChat(ctx);
  const user = asObject(requireObject(ctx.body)['user']) ?? badRequest("The request body needs 'user': { id, tenantId }.");
  const id = user['id'];
  if (typeof id !== 'string' || !GUID.test(id)) badRequest("'user.id' must be the user's object id.");
  if (user['tenantId'] !== ctx.state.tenantId) badRequest("'user.tenantId' must be the tenant id of the user.");
  if ((id as string).toLowerCase() !== ctx.caller.id) fail(403, 'Forbidden', 'In delegated mode, users can only hide a chat for themselves.');
  chat.hiddenFor.add(ctx.caller.id);
  return { status: 204 };
}

function postMessage(ctx: RouteContext): GraphResult {
  const chat = callerChat(ctx);
  const itemBody = asObject(requireObject(ctx.body)['body']) ?? badRequest("A chat message needs 'body': { contentType, content }.");
  const content = itemBody['content'];
  if (typeof content !== 'string') badRequest("'body.content' must be a string.");
  const type = String(itemBody['contentType'] ?? 'text').toLowerCase();
  if (type !== 'text' && type !== 'html') badRequest(`'${type}' is not a body content type: use 'text' or 'html'.`);
  const message = ctx.state.postMessage(chat, ctx.caller.id, type as 'text' | 'html', content as string);
  return ok({ '@odata.context': `${ctx.baseUrl}/$metadata#chats('${encodeURIComponent(chat.id)}')/messages/$entity`, ...messageEntity(ctx, chat, message) }, 201);
}

/** Newest first, `$top` ≤ 50. */
function listMessages(ctx: RouteContext): GraphResult {
  const chat = callerChat(ctx);
  const page = pageOf([...chat.messages].reverse(), {
    offset: decodeSkipToken(ctx.query.get('$skiptoken')), size: parseTop(ctx.query, { max: MAX_MESSAGES_PAGE, fallback: 20 }),
    baseUrl: ctx.baseUrl, path: ctx.path, query: ctx.query, cursor: '$skiptoken',
  });
  return ok({
    '@odata.context': `${ctx.baseUrl}/$metadata#chats('${encodeURIComponent(chat.id)}')/messages`,
    '@odata.count': page.value.length,
    ...(page.nextLink ? { '@odata.nextLink': page.nextLink } : {}),
    value: page.value.map((m) => messageEntity(ctx, chat, m)),
  });
}

// ---------------------------------------------------------------------------------------------
// Online meetings

/**
 * createOrGet: one meeting per organizer + externalId (FACTS #17); 201 when created, 200 when it
 * existed, and then the other fields of the request are ignored (PITFALLS B2).
 */
function createOrGetMeeting(ctx: RouteContext): GraphResult {
  const body = requireObject(ctx.body);
  const externalId = requireString(body, 'externalId');
  const existing = ctx.state.meetingFor(ctx.caller.id, externalId);
  if (existing) return ok(meetingEntity(ctx, existing), 200);
  const { start, end } = meetingTimes(body);
  const subject = body['subject'];
  if (subject !== undefined && subject !== null && typeof subject !== 'string') badRequest("'subject' must be a string.");
  const participants = body['participants'] === undefined ? {} : (asObject(body['participants']) ?? badRequest("'participants' must be an object."));
  const attendees = participants['attendees'] ?? [];
  if (!Array.isArray(attendees) || !attendees.every((a) => asObject(a))) badRequest("'participants.attendees' must be an array of meetingParticipantInfo.");
  for (const a of attendees as Record<string, unknown>[]) {
    const id = asObject(asObject(a['identity'])?.['user'])?.['id'];
    if (typeof id === 'string') resolveUser(ctx, id);
  }
  const meeting = ctx.state.createMeeting({
    organizerId: ctx.caller.id, externalId, subject: typeof subject === 'string' ? subject : null,
    startDateTime: start.toISOString(), endDateTime: end.toISOString(), attendees: attendees as unknown[],
  });
  return ok(meetingEntity(ctx, meeting), 201);
}

/** Default start now, end start + 1 h; end without start or before start is an error (FACTS #18). */
function meetingTimes(body: Record<string, unknown>): { start: Date; end: Date } {
  const date = (key: string): Date | undefined => {
    const v = body[key];
    if (v === undefined || v === null) return undefined;
    const d = typeof v === 'string' ? new Date(v) : new Date(Number.NaN);
    return Number.isNaN(d.getTime()) ? badRequest(`'${key}' must be a date-time.`) : d;
  };
  const start = date('startDateTime');
  const end = date('endDateTime');
  if (end && !start) badRequest("'endDateTime' was given without 'startDateTime'.");
  const s = start ?? new Date();
  const e = end ?? new Date(s.getTime() + 3_600_000);
  if (e.getTime() < s.getTime()) badRequest("'endDateTime' is earlier than 'startDateTime'.");
  return { start: s, end: e };
}

// ---------------------------------------------------------------------------------------------

export const CHAT_ROUTES: readonly Route[] = [
  { method: 'GET', path: '/me/chats', query: ['$filter', '$expand', '$top', '$skiptoken'], handle: listChats },
  { method: 'POST', path: '/chats', handle: createChat },
  { method: 'PATCH', path: '/chats/:chatId', handle: updateChat },
  { method: 'GET', path: '/chats/:chatId/members', handle: listMembers },
  { method: 'POST', path: '/chats/:chatId/members', handle: addMember },
  { method: 'DELETE', path: '/chats/:chatId/members/:membershipId', handle: removeMember },
  { method: 'POST', path: '/chats/:chatId/hideForUser', handle: hideForUser },
  { method: 'POST', path: '/chats/:chatId/messages', handle: postMessage },
  { method: 'GET', path: '/chats/:chatId/messages', query: ['$top', '$skiptoken'], handle: listMessages },
  { method: 'POST', path: '/me/onlineMeetings/createOrGet', handle: createOrGetMeeting },
];
