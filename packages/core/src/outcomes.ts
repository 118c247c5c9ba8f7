/**
 * What the service decides, and how a call reports it (docs/decisions.md, "What the service decides").
 *
 * The pages split every write in two. What the client checks itself (the arguments, signed in, the
 * capability, the collection the caller holds) is the call's HRESULT, before any request. What the
 * service answers to the request (no such user, already in the list, the list is full, the server is
 * busy…) is not the call's HRESULT: the call returns S_OK and the event that reports the write carries
 * the answer in its `hr` (AddContact -> OnContactListAdd, B016, B018, and the GetContact remarks;
 * CreateGroup -> OnGroupAdded, B287; Contacts.Remove -> OnContactListRemove, B395, B603; AutoSignin ->
 * OnSignin, B028).
 *
 * SERVICE_OUTCOMES is that split, per member: the event, and the HRESULTs its page lists as the
 * service's answer, plus the server failures any request can meet. A failure with another HRESULT
 * (E_FAIL "unspecified internal error", MSGR_E_NOT_LOGGED_ON but for AddContact (B018), E_NOTIMPL, a
 * capability's code) is the call's, as the member's own page lists it. Core throws its own decisions on the service's data (the
 * contact is already listed, the user is unknown to the service, another group has that name) inside
 * the request, so they take the same way as the backend's answers.
 *
 * `outcomes: 'reject'` (createMessenger's option, for new code) also rejects the call with that
 * HRESULT; the event is raised in both modes, so listeners see the same thing whichever the caller chose.
 */
import {
  type ContactRecord, type HResultName, HR, hresultName, isMessengerError, MISTATUS,
} from '@imessenger/contract';
import { MessengerContact } from './objects/contact';
import type { Runtime } from './runtime';

/**
 * How a call whose request the service refused ends: 'events' (the default, the pages' way: the call
 * succeeds and the event carries the HRESULT) or 'reject' (the call also rejects with it).
 */
export type OutcomeMode = 'events' | 'reject';

/**
 * The server's own failures, which any request can meet: the event pages' MSGR_E_UNEXPECTED ("the
 * server returned an unexpected error code"), MSGR_E_SERVER_TOO_BUSY and MSGR_E_SERVER_UNAVAILABLE
 * rows, and MSGR_E_SERVER_ERROR ("unspecified server error", MSGRConstants).
 */
export const SERVER_FAILURES = ['MSGR_E_UNEXPECTED', 'MSGR_E_SERVER_TOO_BUSY', 'MSGR_E_SERVER_UNAVAILABLE', 'MSGR_E_SERVER_ERROR'] as const satisfies readonly HResultName[];

/** Per member: the event that reports the write, and the HRESULTs that are the service's answer (rule ids: docs/BEHAVIOUR.md). */
export const SERVICE_OUTCOMES = {
  // B593-B599 (B595 with the GetContact remarks; B017: the API does not check the name's format, the service does).
  // B018: "calling this API while the client is offline does not throw an error": MSGR_E_NOT_LOGGED_ON is the event's.
  'IMessenger.AddContact': {
    event: 'OnContactListAdd',
    hresults: ['MSGR_E_LIST_FULL', 'MSGR_E_ALREADY_IN_LIST', 'MSGR_E_USER_NOT_FOUND', 'E_INVALIDARG', 'MSGR_E_NOT_LOGGED_ON', ...SERVER_FAILURES],
  },
  // B395, B607-B610.
  'IMessengerContacts.Remove': { event: 'OnContactListRemove', hresults: ['MSGR_E_USER_NOT_FOUND', ...SERVER_FAILURES] },
  // B579-B582.
  'IMessengerContact.Blocked': { event: 'OnContactBlockChange', hresults: ['MSGR_E_USER_NOT_FOUND', ...SERVER_FAILURES] },
  // B572, B573 (and B403, the method page's "user does not exist": the service's answer).
  'IMessengerGroup.AddContact': {
    event: 'OnContactAddedToGroup', hresults: ['MSGR_E_USER_NOT_FOUND', 'MSGR_E_GROUP_DOES_NOT_EXIST', ...SERVER_FAILURES],
  },
  // B628-B630 (and B425).
  'IMessengerGroup.RemoveContact': {
    event: 'OnContactRemovedFromGroup',
    hresults: ['MSGR_E_USER_NOT_FOUND', 'MSGR_E_USER_NOT_GROUP_MEMBER', 'MSGR_E_GROUP_DOES_NOT_EXIST', ...SERVER_FAILURES],
  },
  // B287, B640-B642: the name rules core checks first (B274, B275) are the call's; the service's own refusal is the event's.
  'IMessenger2.CreateGroup': {
    event: 'OnGroupAdded', hresults: ['MSGR_E_GROUP_ALREADY_EXISTS', 'MSGR_E_GROUP_NAME_TOO_LONG', 'MSGR_E_BAD_GROUP_NAME', ...SERVER_FAILURES],
  },
  // B646-B648, and another group's name (as OnGroupAdded reports it, B640). A group that does not exist is the call's (B414).
  'IMessengerGroup.Name': {
    event: 'OnGroupNameChanged', hresults: ['MSGR_E_GROUP_NAME_TOO_LONG', 'MSGR_E_BAD_GROUP_NAME', 'MSGR_E_GROUP_ALREADY_EXISTS', ...SERVER_FAILURES],
  },
  // B653.
  'IMessengerGroups.Remove': { event: 'OnGroupRemoved', hresults: ['MSGR_E_GROUP_DOES_NOT_EXIST', ...SERVER_FAILURES] },
  // B683-B686.
  'IMessenger.MyStatus': { event: 'OnMyStatusChange', hresults: ['MSGR_E_DISCONNECTED', ...SERVER_FAILURES] },
  // B028: AutoSignin's server errors are "not checked for by the HResult … returned in the Signin event": the
  // OnSignin page's (B692-B698; an unknown user is MSGR_E_INVALID_PASSWORD, B697). E_FAIL (B023, B024) is the
  // call's, and OnSignin reports every attempt (B690). Signin's own failures stay the call's (docs/decisions.md).
  'IMessenger.AutoSignin': {
    event: 'OnSignin',
    hresults: [
      'MSGR_E_INVALID_PASSWORD', 'MSGR_E_INVALID_SERVER_NAME', 'MSGR_E_CONNECT', 'MSGR_E_CANCEL', 'MSGR_E_LOGON_TIMEOUT',
      'MSGR_E_SERVER_VERSION', ...SERVER_FAILURES,
    ],
  },
} as const satisfies Readonly<Record<string, { readonly event: string; readonly hresults: readonly HResultName[] }>>;

export type OutcomeMember = keyof typeof SERVICE_OUTCOMES;

/** The HRESULT of `error` when it is the service's answer to a request of `member`, else undefined. */
export function serviceOutcome(member: OutcomeMember, error: unknown): number | undefined {
  if (!isMessengerError(error)) return undefined;
  const name = hresultName(error.hresult);
  return name !== undefined && (SERVICE_OUTCOMES[member].hresults as readonly HResultName[]).includes(name) ? HR[name] : undefined;
}

/**
 * Run the request of a write whose outcome the service decides. When it fails with one of the
 * member's service HRESULTs, `report(hr)` raises the event with that `hr` and gives the call's value;
 * then the call succeeds (mode 'events') or rejects with the error (mode 'reject'). Any other failure
 * is the call's and raises nothing.
 */
export async function decide<T>(rt: Runtime, member: OutcomeMember, request: () => Promise<T>, report: (hr: number) => T | Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const hr = serviceOutcome(member, error);
    if (hr === undefined) throw error;
    const value = await report(hr);
    if (rt.outcomeMode === 'reject') throw error;
    return value;
  }
}

/**
 * The contact object a failed outcome's event names: the one core holds or finds, as GetContact
 * would give it. Never fails: if even that lookup fails (the server is down), a contact object for the
 * name alone, outside the identity map (B591: the event's other parameters may be meaningless).
 */
export async function contactToReport(rt: Runtime, signinName: string): Promise<MessengerContact> {
  try {
    return await rt.contactByName(signinName);
  } catch {
    const record: ContactRecord = {
      signinName, friendlyName: signinName, status: MISTATUS.MISTATUS_UNKNOWN, blocked: false, canPage: false, phones: {}, serviceId: '',
    };
    return new MessengerContact(rt, record);
  }
}
