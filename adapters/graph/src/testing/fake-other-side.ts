/**
 * The conformance kit's OtherSide hooks (packages/contract/src/testing.ts) on the fake tenant:
 * what "the other side" can do on Graph is done to the tenant's data; what has no Graph
 * equivalent (paging, the contact's e-mail property, leaving conversations, app shutdown) is
 * E_NOTIMPL. failNextCall picks a failure that the adapter's own error table (errors.ts
 * hresultFor) turns into the requested HRESULT.
 */
import {
  type HResultName, type MISTATUS, messengerError, MPHONE_TYPE, MUAFOLDER, type OtherSide,
} from '@imessenger/contract';
import { type GraphFailure, type GraphResource, hresultFor } from '../errors';
import type { FaultSpec } from './fake-faults';
import { defaultCodeFor } from './fake-http';
import { type TenantState, teamsClient, type UserRecord } from './fake-state';
import { graphPresenceFor } from './graph-presence-for';

/** What the hooks need from the tenant. */
export interface OtherSideHost {
  readonly state: TenantState;
  failNext(fault: FaultSpec): void;
  expireTokensOf(userId: string): void;
  /** How often the adapter under test retries this failure by itself (see FakeTenantOptions.adapterRetries). */
  retriesFor(failure: GraphFailure): number;
}

const notImplemented = (what: string): Promise<never> => Promise.reject(messengerError('E_NOTIMPL', undefined, `${what} has no Microsoft Graph equivalent.`));

export function fakeOtherSide(host: OtherSideHost, upn: string): OtherSide {
  const me = (): UserRecord => host.state.requireUser(upn);
  const user = (signinName: string): UserRecord => host.state.requireUser(signinName);
  return {
    async contactStatus(signinName: string, status: MISTATUS) {
      if (!graphPresenceFor(status)) return notImplemented(`Status 0x${status.toString(16)}`);
      // The contact's own Teams client changes their presence (Offline: they closed it).
      user(signinName).presence.client = teamsClient(status);
    },
    async contactFriendlyName(signinName: string, friendlyName: string) {
      user(signinName).displayName = friendlyName;
    },
    async contactPhone(signinName: string, phoneType: MPHONE_TYPE, number: string) {
      if (!setPhone(user(signinName), phoneType, number)) return notImplemented(`Phone type ${phoneType} on a directory user`);
    },
    contactPager: () => notImplemented('Paging (canPage)'),
    contactEmail: () => notImplemented("A contact's e-mail property"),
    contactLeavesConversations: () => notImplemented('Leaving every conversation'),
    // The adapter does not watch chat rosters, chat closings or the contact folder (it polls presence and profiles).
    contactJoinsConversations: () => notImplemented('Joining every conversation'),
    conversationsClosed: () => notImplemented('Closing a conversation window elsewhere'),
    contactListAdd: () => notImplemented('A contact added to the list elsewhere'),
    contactListRemove: () => notImplemented('A contact removed from the list elsewhere'),
    async myFriendlyName(friendlyName: string) {
      me().displayName = friendlyName;
    },
    async myPhone(phoneType: MPHONE_TYPE, number: string) {
      if (!setPhone(me(), phoneType, number)) return notImplemented(`Phone type ${phoneType} on a directory user`);
    },
    appShutdown: () => notImplemented('Application shutdown'),
    async unreadEmail(folder: MUAFOLDER, count: number) {
      // The adapter reads the inbox only (ENDPOINTS.md #20).
      if (folder !== MUAFOLDER.MUAFOLDER_INBOX) return notImplemented('An unread count for folders other than the inbox');
      me().unreadItemCount = count;
    },
    async signOut() {
      host.expireTokensOf(me().id);
    },
    failNextCall(hr: HResultName) {
      const fault = faultForHresult(hr, host.retriesFor.bind(host));
      if (!fault) throw new Error(`failNextCall: no Graph failure maps to ${hr} (see adapters/graph/src/errors.ts).`);
      host.failNext(fault);
    },
  };
}

/** A Graph user has one business phone and a mobile phone; no home or custom number (FACTS §4). */
function setPhone(u: UserRecord, phoneType: MPHONE_TYPE, number: string): boolean {
  if (phoneType === MPHONE_TYPE.MPHONE_TYPE_WORK) u.businessPhones = number === '' ? [] : [number];
  else if (phoneType === MPHONE_TYPE.MPHONE_TYPE_MOBILE) u.mobilePhone = number === '' ? null : number;
  else return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// failNextCall: HRESULT -> fault

const RESOURCES: readonly GraphResource[] = ['user', 'chat', 'member', 'contact', 'meeting', 'extension', 'mail', 'presence', 'other'];

/** Which requests are about which resource (paths as recorded: decoded, below /v1.0). */
const RESOURCE_PATHS: Readonly<Record<GraphResource, RegExp>> = {
  user: /^\/(me|users|users\/[^/]+|users\('.*'\))$/i,
  presence: /\/presence(\/|$)|^\/communications\/getPresencesByUserId$/i,
  contact: /^\/me\/contacts(\/|$)/i,
  // A chat's member list is about the chat (a 404 there means the group is gone) ...
  chat: /^\/(me\/chats|chats|chats\/[^/]+|chats\/[^/]+\/(hideForUser|messages|members))$/i,
  // ... one membership is about the member.
  member: /^\/chats\/[^/]+\/members\/[^/]+$/i,
  meeting: /\/onlineMeetings(\/|$)/i,
  extension: /\/extensions(\/|$)/i,
  mail: /\/mailFolders(\/|$)/i,
  other: /^\/(\$batch|subscriptions)(\/|$)/i,
};

/** Failures the fake can produce, most readable first. */
const CANDIDATES: readonly GraphFailure[] = [
  { status: 400 }, { status: 401 }, { status: 403 }, { status: 404 }, { status: 409 }, { status: 412 }, { status: 429 },
  { status: 500 }, { status: 501 }, { status: 503 }, { transport: 'network' }, { transport: 'timeout' }, { transport: 'malformed' },
];

/**
 * The fault that makes the adapter report `hr`: one that maps to it whatever the request is
 * about if there is one, else the one that maps to it for the most kinds of resource, restricted
 * (match.path) to requests about those resources, e.g. MSGR_E_USER_NOT_FOUND is a 404 on the
 * next request about a user, a contact or a presence. Undefined when nothing maps to `hr`.
 */
export function faultForHresult(hr: HResultName, retriesFor: (failure: GraphFailure) => number = () => 0): FaultSpec | undefined {
  let best: { failure: GraphFailure; resources: GraphResource[] } | undefined;
  for (const failure of CANDIDATES) {
    const resources = RESOURCES.filter((r) => hresultFor(failure, r) === hr);
    if (resources.length > (best?.resources.length ?? 0)) best = { failure, resources };
  }
  if (!best) return undefined;
  const { failure, resources } = best;
  const times = 1 + retriesFor(failure);
  const match = resources.length === RESOURCES.length ? undefined : { path: new RegExp(resources.map((r) => `(?:${RESOURCE_PATHS[r].source})`).join('|'), 'i') };
  const base = { times, ...(match ? { match } : {}) };
  switch (failure.transport) {
    case 'network': return { ...base, kind: 'reset' };
    case 'timeout': return { ...base, kind: 'timeout' };
    case 'malformed': return { ...base, kind: 'malformed' };
    case undefined: break;
  }
  const status = failure.status ?? 500;
  // Throttling answers carry Retry-After; 0 keeps kit runs fast.
  return { ...base, kind: 'http', status, code: defaultCodeFor(status), ...(status === 429 || status === 503 ? { retryAfter: 0 } : {}) };
}
