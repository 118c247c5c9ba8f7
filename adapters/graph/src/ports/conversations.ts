/**
 * Conversation windows on Teams. InstantMessage is the 1:1 chat with the contact (Graph returns
 * the existing one for a pair). StartVideo and StartVoice are an online meeting made with
 * createOrGet and a deterministic externalId (a retry finds the same meeting, FACTS #17), plus
 * the invitation posted once into the 1:1 chat. Adding someone to a 1:1 window moves it to a new
 * group chat, as Teams does. Paging, phone calls, file transfer and app invitations have no Graph
 * operation and answer with their documented HRESULTs.
 */
import { createHash } from 'node:crypto';
import { type ConversationKind, type ConversationsPort, type WindowRecord, messengerError } from '@imessenger/contract';
import { type GraphContext, type GraphUser, chatMember } from '../context';
import { hresultFor } from '../errors';
import { segment } from '../http';

interface ChatRef { readonly id: string; readonly webUrl?: string; readonly chatType?: string }
interface Meeting { readonly id: string; readonly joinWebUrl: string }

interface WindowState {
  record: WindowRecord;
  /** The Teams chat behind the window, created when first needed (an IM window may never need one). */
  chat?: ChatRef;
  /** Meetings already announced in this window, by kind: the invitation is posted once. */
  readonly invited: Set<string>;
}

const UNSUPPORTED: Partial<Record<ConversationKind, [Parameters<typeof messengerError>[0], string]>> = {
  page: ['MSGR_E_PAGING_UNAVAILABLE', 'Teams has no paging (mobile messages).'],
  phone: ['MSGR_E_PHONESERVICE_UNAVAILABLE', 'Phone calls to numbers need Teams Phone, which Graph v1.0 cannot start.'],
  file: ['E_NOTIMPL', 'File transfer is not mapped to Graph: share the file in the chat instead.'],
  app: ['E_NOTIMPL', 'Application invitations have no Teams equivalent.'],
};

/** The same organizer, contact and kind always give the same meeting (createOrGet identity). */
export const meetingExternalId = (organizerId: string, contactId: string, kind: string): string =>
  createHash('sha256').update(`imessenger:${organizerId}:${contactId}:${kind}`).digest('hex').slice(0, 32);

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function graphConversations(ctx: GraphContext): ConversationsPort & { chatUrl(windowId: string): Promise<string | undefined> } {
  const windows = new Map<string, WindowState>();
  let next = 1;

  const state = (id: string): WindowState => {
    const w = windows.get(id);
    if (!w) throw messengerError('E_FAIL', undefined, 'The conversation window has been closed.');
    return w;
  };

  const oneOnOne = (me: GraphUser, them: GraphUser) =>
    ({ method: 'POST' as const, url: '/chats', body: { chatType: 'oneOnOne', members: [chatMember(me), chatMember(them)] } });

  /** The window's chat, made now if it has none yet (Graph returns the existing 1:1 chat of a pair). */
  async function chatOf(w: WindowState): Promise<ChatRef> {
    if (!w.chat) {
      const them = await ctx.resolveUser(w.record.contacts[0] ?? '');
      w.chat = await ctx.http.post<ChatRef>('/chats', oneOnOne(ctx.requireMe(), them).body, { resource: 'chat' });
    }
    return w.chat;
  }

  return {
    async open(kind, signinName, options = {}): Promise<WindowRecord> {
      const refused = UNSUPPORTED[kind];
      if (refused) throw messengerError(refused[0], undefined, refused[1]);
      const me = ctx.requireMe();
      const reused = options.reuse ? windows.get(options.reuse) : undefined;

      if (kind === 'im') {
        // Opening a window sends nothing: the 1:1 chat is made when the window first needs it
        // (B077: Messenger opened a window for any name; a message to nobody failed later).
        return remember(reused, kind, reused?.chat, [signinName], reused?.chat?.webUrl);
      }

      // Video or voice: decided before any write (the invitation needs a delegated sign-in).
      ctx.requireCapability('meetings', kind === 'video' ? 'StartVideo' : 'StartVoice');
      // The meeting and the 1:1 chat are independent, so one round trip for both.
      const them = await ctx.resolveUser(signinName);
      const meetingRequest = {
        method: 'POST' as const,
        url: `${ctx.mePath}/onlineMeetings/createOrGet`,
        body: {
          externalId: meetingExternalId(me.id, them.id, kind),
          subject: `${kind === 'video' ? 'Video' : 'Voice'} call: ${me.displayName} and ${them.displayName}`,
          participants: { attendees: [{ identity: { user: { id: them.id } }, upn: them.userPrincipalName }] },
        },
      };
      const [meetingResponse, chatResponse] = await ctx.http.batch<unknown>(reused?.chat ? [meetingRequest] : [meetingRequest, oneOnOne(me, them)]);
      if (meetingResponse?.status !== 200 && meetingResponse?.status !== 201) {
        throw messengerError(hresultFor({ status: meetingResponse?.status }, 'meeting'), undefined, `createOrGet: HTTP ${meetingResponse?.status}`);
      }
      const meeting = meetingResponse.body as Meeting;
      const chat = reused?.chat ?? (chatResponse?.status === 201 || chatResponse?.status === 200 ? chatResponse.body as ChatRef : undefined);
      if (!chat) throw messengerError(hresultFor({ status: chatResponse?.status }), undefined, `POST /chats: HTTP ${chatResponse?.status}`);
      const window = remember(reused, kind, chat, [them.userPrincipalName], meeting.joinWebUrl);
      const w = windows.get(window.id)!;
      if (!w.invited.has(meeting.id)) {
        const text = `${escapeHtml(me.displayName)} invites you to a ${kind} call: <a href="${escapeHtml(meeting.joinWebUrl)}">join</a>`;
        await ctx.http.post(`/chats/${segment(chat.id, 'MSGR_E_SERVER_PROTOCOL')}/messages`, { body: { contentType: 'html', content: text } }, { resource: 'chat', retry: false });
        w.invited.add(meeting.id);
      }
      return window;
    },

    async addParticipant(windowId, signinName): Promise<void> {
      const w = state(windowId);
      const me = ctx.requireMe();
      const user = await ctx.resolveUser(signinName);
      if (w.chat?.chatType === 'group') {
        await ctx.http.post(`/chats/${segment(w.chat.id, 'MSGR_E_SERVER_PROTOCOL')}/members`, chatMember(user), { resource: 'chat', retry: false });
      } else {
        // A 1:1 roster is fixed (chat.md): Teams moves the conversation to a new group chat.
        const others = await Promise.all(w.record.contacts.map((c) => ctx.resolveUser(c)));
        w.chat = await ctx.http.post<ChatRef>('/chats', { chatType: 'group', members: [me, ...others, user].map(chatMember) }, { resource: 'chat', retry: false });
      }
      w.record = { ...w.record, contacts: [...w.record.contacts, user.userPrincipalName] };
    },

    async history(windowId): Promise<string> {
      const w = state(windowId);
      const messages = await ctx.http.get<{ value: { from?: { user?: { displayName?: string } } | null; body?: { content?: string } }[] }>(
        `/chats/${segment((await chatOf(w)).id, 'MSGR_E_SERVER_PROTOCOL')}/messages`, { resource: 'chat', query: { $top: 50 } });
      return messages.value.map((m) => `${m.from?.user?.displayName ?? ''}: ${(m.body?.content ?? '').replace(/<[^>]*>/g, '')}`).reverse().join('\r\n');
    },

    async close(windowId): Promise<void> { windows.delete(windowId); },

    async chatUrl(windowId): Promise<string | undefined> {
      const w = windows.get(windowId);
      return w ? (await chatOf(w)).webUrl : undefined;
    },
  };

  function remember(reused: WindowState | undefined, kind: ConversationKind, chat: ChatRef | undefined, contacts: string[], joinUrl?: string): WindowRecord {
    const id = reused?.record.id ?? `window-${next++}`;
    const record: WindowRecord = {
      id, hwnd: reused?.record.hwnd ?? 0x20000 + next, kind, contacts: reused?.record.contacts ?? contacts,
      ...(joinUrl ? { joinUrl } : {}),
    };
    windows.set(id, { record, ...(chat ? { chat } : {}), invited: reused?.invited ?? new Set() });
    return record;
  }
}
