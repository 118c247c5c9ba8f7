/**
 * Sign-in and self: MSAL through GraphAuth, then one $batch for who I am, my profile extension and
 * the first page of my contact list (the other pages follow its nextLinks), then the presence of me
 * and my contacts: one getPresencesByUserId per 650 ids, several carried 20 to a $batch
 * (ctx.fetchPresence). With N contacts: max(1, ⌈N/1000⌉) list requests + ⌈⌈(N+1)/650⌉/20⌉ presence requests.
 */
import { type HResultName, MISTATUS, type SelfRecord, type ServiceRecord, type SessionPort, type SigninRequest, messengerError } from '@imessenger/contract';
import { GraphAuthError } from '../auth/auth';
import { CONTACT_EXTENSION, GraphContext, type GraphUser, type OutlookContact } from '../context';
import { hresultFor } from '../errors';
import { segment } from '../http';
import { PROFILE_EXTENSION, type ProfileDocument } from '../profile';
import type { PresenceSession } from '../presence-session';
import type { PresenceWatcher } from './events';

const query = (q: Record<string, string | number>): string =>
  Object.entries(q).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&');

/** Sign-in failures (GraphAuthError reasons) as the Signin page's HRESULTs. */
const AUTH_FAILURE = {
  network: 'MSGR_E_CONNECT',
  cancelled: 'MSGR_E_USER_CANCELLED',
  'no-account': 'MSGR_E_INVALID_PASSWORD',
  'invalid-grant': 'MSGR_E_INVALID_PASSWORD',
  failed: 'E_FAIL',
} as const satisfies Record<GraphAuthError['reason'], HResultName>;

export function graphSession(ctx: GraphContext, watcher: PresenceWatcher, presenceSession: PresenceSession): SessionPort {
  return {
    async isSignedIn() { return ctx.signedIn; },

    async signin({ signinName }: SigninRequest): Promise<SelfRecord> {
      try {
        await ctx.options.auth.signin(signinName);
      } catch (error) {
        if (error instanceof GraphAuthError) {
          throw messengerError(AUTH_FAILURE[error.reason], undefined, error.message);
        }
        throw error;
      }
      const me = ctx.mePath;
      const [meResponse, profileResponse, contactsResponse, inboxResponse] = await ctx.http.batch<unknown>([
        { method: 'GET', url: `${me}?$select=${ctx.userSelect(true)}` },
        { method: 'GET', url: `${me}/extensions/${segment(PROFILE_EXTENSION)}` },
        { method: 'GET', url: `${me}/contacts?${query(GraphContext.contactListQuery())}` },
        // The watcher reports changes of the unread count from this baseline.
        { method: 'GET', url: `${me}/mailFolders/inbox?$select=unreadItemCount` },
      ]);
      if (meResponse?.status !== 200) throw messengerError(hresultFor({ status: meResponse?.status }, 'user'), undefined, `GET ${me}: HTTP ${meResponse?.status}`);
      const user = ctx.remember(meResponse.body as GraphUser);
      if (signinName && signinName.toLowerCase() !== user.userPrincipalName.toLowerCase()) {
        await ctx.options.auth.signout();
        throw messengerError('MSGR_E_USER_NOT_FOUND', undefined, `Signed in to Microsoft as someone other than ${signinName}.`);
      }
      if (profileResponse?.status === 200) ctx.adoptProfile(profileResponse.body as ProfileDocument);
      else if (profileResponse?.status === 404) ctx.adoptProfile(undefined);
      const contacts: OutlookContact[] = [];
      if (contactsResponse?.status === 200) {
        const page = contactsResponse.body as { value: OutlookContact[]; '@odata.nextLink'?: string };
        contacts.push(...page.value);
        if (page['@odata.nextLink']) contacts.push(...await ctx.http.all<OutlookContact>(page['@odata.nextLink'], { resource: 'contact' }));
      } else if (contactsResponse?.status !== 404) {
        // 404: no mailbox, so no contacts. Anything else is read again alone, and fails loudly if it must.
        contacts.push(...await ctx.http.all<OutlookContact>(`${me}/contacts`, { resource: 'contact', query: GraphContext.contactListQuery() }));
      }
      ctx.me = user;
      ctx.signedIn = true;
      ctx.setContacts(contacts);
      // Present from now on, as the signed-in Messenger client was (presence-session.ts): the session
      // opens in the $batch that reads presence, ahead of the reads.
      const statuses = await ctx.fetchPresence([user.id, ...[...ctx.contacts!.values()].map((c) => c.userId)], await presenceSession.opening(MISTATUS.MISTATUS_ONLINE));
      for (const [id, status] of statuses) ctx.presence.set(id, status);
      ctx.myStatus = ctx.presence.get(user.id) ?? ctx.myStatus;
      if (inboxResponse?.status === 200) watcher.unread = (inboxResponse.body as { unreadItemCount: number }).unreadItemCount;
      watcher.start();
      return ctx.self();
    },

    async signout() {
      watcher.stop();
      await presenceSession.close();
      await ctx.options.auth.signout();
      ctx.reset();
    },

    async self() { return ctx.self(); },

    async services(): Promise<readonly ServiceRecord[]> {
      return [{ id: ctx.serviceId, name: ctx.options.serviceName, primary: true }];
    },
  };
}

export { CONTACT_EXTENSION };
