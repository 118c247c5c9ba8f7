/**
 * The contact list lives in the user's Outlook contacts, each tagged with our open extension
 * (`com.imessenger.contact` { userId, signinName }): the user's own contacts, visible in Outlook and
 * Teams, listed in one request per 1,000 with the extension expanded, so presence needs no user
 * lookups (README "Where the contact list lives").
 */
import { type ContactRecord, type DirectoryPort, type FindQuery, isMessengerError, messengerError } from '@imessenger/contract';
import { CONTACT_EXTENSION, GraphContext, type GraphUser, type OutlookContact, phonesOf } from '../context';
import { type GraphPresence, statusFromGraph } from '../presence-map';
import { type BatchResponse, odataString, segment } from '../http';

/** Failures after which a request may or may not have reached Graph. */
const LOST = ['MSGR_E_SESSION_TIMEOUT', 'MSGR_E_CONNECT', 'MSGR_E_SERVER_TOO_BUSY', 'MSGR_E_SERVER_ERROR', 'MSGR_E_SERVER_PROTOCOL'] as const;

/** The directory port, plus a lookup of many users at once (the data copy looks up a whole run's users first). */
export interface GraphDirectoryPort extends DirectoryPort {
  /**
   * Users by sign-in name (keys lower-cased; null: not in the directory), in `$batch` requests of 20
   * and none for listed contacts or users already resolved. The answers are kept for the session, so
   * later lookups of the same users (AddContact, group AddContact) make no request.
   */
  lookupMany(signinNames: readonly string[]): Promise<ReadonlyMap<string, ContactRecord | null>>;
}

export function graphDirectory(ctx: GraphContext): GraphDirectoryPort {
  const ensureList = async () => {
    ctx.requireMe();
    if (!ctx.contacts) ctx.setContacts(await ctx.http.all<OutlookContact>(`${ctx.mePath}/contacts`, { resource: 'contact', query: GraphContext.contactListQuery() }));
    return ctx.contacts!;
  };

  return {
    async listContacts(): Promise<readonly ContactRecord[]> {
      return [...(await ensureList()).values()].map((c) => ctx.contactRecord(c));
    },

    async lookup(signinName): Promise<ContactRecord | null> {
      const listed = ctx.listed(signinName);
      if (listed) return ctx.contactRecord(listed);
      const me = ctx.me;
      const user = me && me.userPrincipalName.toLowerCase() === signinName.toLowerCase() ? me : (await ctx.resolveUsers([signinName])).get(signinName.toLowerCase());
      return user ? ctx.contactRecord(fromUser(user)) : null;
    },

    async lookupMany(signinNames): Promise<ReadonlyMap<string, ContactRecord | null>> {
      const me = ctx.requireMe();
      const self = me.userPrincipalName.toLowerCase();
      const others = signinNames.filter((n) => n.toLowerCase() !== self && !ctx.listed(n));
      const users = others.length ? await ctx.resolveUsers(others) : new Map<string, GraphUser | null>();
      return new Map(signinNames.map((n) => {
        const listed = ctx.listed(n);
        const user = n.toLowerCase() === self ? me : users.get(n.toLowerCase());
        return [n.toLowerCase(), listed ? ctx.contactRecord(listed) : user ? ctx.contactRecord(fromUser(user)) : null];
      }));
    },

    async addContact(signinName): Promise<ContactRecord> {
      const list = await ensureList();
      if (list.has(signinName.toLowerCase())) throw messengerError('MSGR_E_ALREADY_IN_LIST', undefined, `${signinName} is in the list.`);
      const user = await ctx.resolveUser(signinName);
      // The contact and its presence are independent: one round trip. Outlook does not deduplicate
      // contacts: the POST is never repeated, and when its answer is lost we look before failing.
      let responses: BatchResponse[] | undefined;
      let lost: unknown;
      try {
        responses = await ctx.http.batch<unknown>([
          { method: 'POST', url: `${ctx.mePath}/contacts`, body: outlookContact(user), retry: false },
          { method: 'POST', url: '/communications/getPresencesByUserId', body: { ids: [user.id] } },
        ]);
      } catch (error) {
        if (!LOST.some((hr) => isMessengerError(error, hr))) throw error;
        lost = error;
      }
      const [created, presence] = responses ?? [];
      if (created?.status !== 201) {
        if (lost !== undefined || (created?.status ?? 0) >= 500) {
          ctx.contacts = undefined;
          const found = (await ensureList()).get(signinName.toLowerCase());
          if (found) return ctx.contactRecord(found);
        }
        throw lost ?? messengerError(created?.status === 409 ? 'MSGR_E_ALREADY_IN_LIST' : 'MSGR_E_SERVER_ERROR', undefined, `POST ${ctx.mePath}/contacts: HTTP ${created?.status}`);
      }
      const listed = ctx.listedFromOutlook(created.body as OutlookContact) ?? { ...fromUser(user), contactId: (created.body as OutlookContact).id };
      list.set(signinName.toLowerCase(), listed);
      if (presence?.status === 200) {
        for (const p of (presence.body as { value: (GraphPresence & { id: string })[] }).value) ctx.presence.set(p.id, statusFromGraph(p));
      }
      return ctx.contactRecord(listed);
    },

    async removeContact(signinName): Promise<void> {
      const list = await ensureList();
      const listed = list.get(signinName.toLowerCase());
      if (!listed) throw messengerError('MSGR_E_USER_NOT_FOUND', undefined, `${signinName} is not in the list.`);
      await ctx.http.delete(`${ctx.mePath}/contacts/${segment(listed.contactId)}`, { resource: 'contact' });
      list.delete(signinName.toLowerCase());
    },

    async setBlocked(): Promise<void> {
      // Teams blocks people in its client; Graph v1.0 has no API for it.
      throw messengerError('E_NOTIMPL', undefined, 'Microsoft Graph has no API to block a user.');
    },

    async find(query: FindQuery): Promise<readonly ContactRecord[]> {
      ctx.requireMe();
      const name = [query.firstName, query.lastName].filter(Boolean).join(' ');
      const users = await ctx.http.all<GraphUser>('/users', { resource: 'user', query: { $filter: `startswith(displayName,${odataString(name)})`, $select: ctx.userSelect(), $top: 999 } });
      return users.map((u) => ctx.contactRecord(fromUser(ctx.remember(u))));
    },
  };
}

const fromUser = (user: GraphUser) => ({
  contactId: '', userId: user.id, signinName: user.userPrincipalName, friendlyName: user.displayName || user.userPrincipalName,
  phones: phonesOf(user), ...(user.mail ? { email: user.mail } : {}),
});

/** The Outlook contact that holds one Messenger contact, created with its extension in one call. */
function outlookContact(user: GraphUser) {
  return {
    displayName: user.displayName,
    emailAddresses: [{ address: user.mail ?? user.userPrincipalName, name: user.displayName }],
    ...(user.businessPhones?.length ? { businessPhones: user.businessPhones } : {}),
    ...(user.mobilePhone ? { mobilePhone: user.mobilePhone } : {}),
    extensions: [{ '@odata.type': 'microsoft.graph.openTypeExtension', extensionName: CONTACT_EXTENSION, userId: user.id, signinName: user.userPrincipalName }],
  };
}
