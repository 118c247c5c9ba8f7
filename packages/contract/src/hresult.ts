/**
 * Every HRESULT the Messenger API documents, with its exact value (unsigned 32-bit).
 * Source: spec/messenger/docs/im-msgrconstants.md and TYPELIB.md (MSGR_E(x) = 0x81000300 + x,
 * MSGR_S(x) = 0x01000300 + x). Generated once from the page; the descriptions are the page's words.
 */
const MSGR_E = (x: number): number => (0x81000300 + x) >>> 0;
const MSGR_S = (x: number): number => (0x01000300 + x) >>> 0;

export const HRESULTS = {
  S_OK: { value: 0x00000000, description: "Success." },
  S_FALSE: { value: 0x00000001, description: "Success, with a negative answer." },
  E_NOTIMPL: { value: 0x80004001, description: "Not implemented." },
  E_POINTER: { value: 0x80004003, description: "Invalid (NULL) pointer." },
  E_FAIL: { value: 0x80004005, description: "Unspecified failure." },
  E_OUTOFMEMORY: { value: 0x8007000e, description: "Out of memory." },
  E_INVALIDARG: { value: 0x80070057, description: "One or more arguments are invalid." },
  RPC_X_NULL_REF_POINTER: { value: 0x800706f4, description: "A null reference pointer was passed." },
  MSGR_E_CONNECT: { value: MSGR_E(0x01), description: "Error connecting to the server." },
  MSGR_E_INVALID_SERVER_NAME: { value: MSGR_E(0x02), description: "Name of the server that the client is trying to connect to is invalid." },
  MSGR_E_INVALID_PASSWORD: { value: MSGR_E(0x03), description: "Password specified for the user is invalid." },
  MSGR_E_ALREADY_LOGGED_ON: { value: MSGR_E(0x04), description: "Attempt to log on when the user is already signed in." },
  MSGR_E_SERVER_VERSION: { value: MSGR_E(0x05), description: "Version of the server that the client is trying to connect to is incompatible." },
  MSGR_E_LOGON_TIMEOUT: { value: MSGR_E(0x06), description: "Attempt to sign in timed out." },
  MSGR_E_LIST_FULL: { value: MSGR_E(0x07), description: "Contact list is full or has reached the maximum limit." },
  MSGR_E_AI_REJECT: { value: MSGR_E(0x08), description: "For internal use only. This error code is never returned to the user." },
  MSGR_E_AI_REJECT_NOT_INST: { value: MSGR_E(0x09), description: "For internal use only. This error code is never returned to the user." },
  MSGR_E_USER_NOT_FOUND: { value: MSGR_E(0x0a), description: "Specified user is not found on the specified service." },
  MSGR_E_ALREADY_IN_LIST: { value: MSGR_E(0x0b), description: "Attempt to add a contact that is already in the contact list." },
  MSGR_E_DISCONNECTED: { value: MSGR_E(0x0c), description: "Client is disconnected from the network." },
  MSGR_E_UNEXPECTED: { value: MSGR_E(0x0d), description: "Unexpected error occurred." },
  MSGR_E_SERVER_TOO_BUSY: { value: MSGR_E(0x0e), description: "Server is too busy to handle the specified request." },
  MSGR_E_INVALID_AUTH_PACKAGES: { value: MSGR_E(0x0f), description: "Not supported." },
  MSGR_E_NEWER_CLIENT_AVAILABLE: { value: MSGR_E(0x10), description: "Newer version of the client is available to download." },
  MSGR_E_AI_TIMEOUT: { value: MSGR_E(0x11), description: "Not supported." },
  MSGR_E_CANCEL: { value: MSGR_E(0x12), description: "User cancelled the operation in progress." },
  MSGR_E_TOO_MANY_MATCHES: { value: MSGR_E(0x13), description: "Not supported." },
  MSGR_E_SERVER_UNAVAILABLE: { value: MSGR_E(0x14), description: "Server is unavailable to handle the specified request." },
  MSGR_E_LOGON_UI_ACTIVE: { value: MSGR_E(0x15), description: "Sign in UI is active and expecting user's input." },
  MSGR_E_OPTION_UI_ACTIVE: { value: MSGR_E(0x16), description: "**Options** dialog is active and waiting for user input." },
  MSGR_E_CONTACT_UI_ACTIVE: { value: MSGR_E(0x17), description: "**Add a contact** wizard is active and waiting for user input." },
  MSGR_E_PRIMARY_SERVICE_NOT_LOGGED_ON: { value: MSGR_E(0x18), description: "Client is not signed in to primary service." },
  MSGR_E_LOGGED_ON: { value: MSGR_E(0x19), description: "User is already signed in." },
  MSGR_E_CONNECT_PROXY: { value: MSGR_E(0x1a), description: "Error connecting the proxy." },
  MSGR_E_PROXY_AUTH: { value: MSGR_E(0x1b), description: "Not supported." },
  MSGR_E_PROXY_AUTH_TYPE: { value: MSGR_E(0x1c), description: "Not supported." },
  MSGR_E_INVALID_PROXY_NAME: { value: MSGR_E(0x1d), description: "Specified proxy name is invalid." },
  MSGR_E_NOT_LOGGED_ON: { value: MSGR_E(0x1e), description: "User is not logged on to the client." },
  MSGR_E_NOT_PRIMARY_SERVICE: { value: MSGR_E(0x20), description: "Specified service is not the primary service." },
  MSGR_E_TOO_MANY_SESSIONS: { value: MSGR_E(0x21), description: "Maximum number of sessions that can be opened has been reached." },
  MSGR_E_TOO_MANY_MESSAGES: { value: MSGR_E(0x22), description: "Not supported." },
  MSGR_E_REMOTE_LOGIN: { value: MSGR_E(0x23), description: "User signed in on a computer and also signed in from another (remote) computer." },
  MSGR_E_INVALID_FRIENDLY_NAME: { value: MSGR_E(0x24), description: "Friendly name specified is not valid, for example user@microsoft.com (@microsoft.com is not part of a friendly name)." },
  MSGR_E_SESSION_FULL: { value: MSGR_E(0x25), description: "Number of participants allowed for the session has been reached." },
  MSGR_E_NOT_ALLOWING_NEW_USERS: { value: MSGR_E(0x26), description: "Not supported." },
  MSGR_E_INVALID_DOMAIN: { value: MSGR_E(0x27), description: "Not supported." },
  MSGR_E_TCP_ERROR: { value: MSGR_E(0x28), description: "Not supported." },
  MSGR_E_SESSION_TIMEOUT: { value: MSGR_E(0x29), description: "Session timed out." },
  MSGR_E_MULTIPOINT_SESSION_BEGIN_TIMEOUT: { value: MSGR_E(0x2a), description: "Not supported." },
  MSGR_E_MULTIPOINT_SESSION_END_TIMEOUT: { value: MSGR_E(0x2b), description: "Not supported." },
  MSGR_E_REVERSE_LIST_FULL: { value: MSGR_E(0x2c), description: "Reverse contact list is full." },
  MSGR_E_SERVER_ERROR: { value: MSGR_E(0x2d), description: "Unspecified server error." },
  MSGR_E_SYSTEM_CONFIG: { value: MSGR_E(0x2e), description: "Not supported." },
  MSGR_E_NO_DIRECTORY: { value: MSGR_E(0x2f), description: "Not supported." },
  MSGR_E_RETRY_SET: { value: MSGR_E(0x30), description: "Not supported." },
  MSGR_E_CHILD_WITHOUT_CONSENT: { value: MSGR_E(0x31), description: "Not supported." },
  MSGR_E_USER_CANCELLED: { value: MSGR_E(0x32), description: "User cancelled a specified operation such as a sign in." },
  MSGR_E_CANCEL_BEFORE_CONNECT: { value: MSGR_E(0x33), description: "User cancelled a specified operation before the connection was established." },
  MSGR_E_VOICE_IM_TIMEOUT: { value: MSGR_E(0x34), description: "Voice IM session timed out." },
  MSGR_E_NOT_ACCEPTING_PAGES: { value: MSGR_E(0x35), description: "Not supported." },
  MSGR_E_EMAIL_PASSPORT_NOT_VALIDATED: { value: MSGR_E(0x36), description: "Not supported." },
  MSGR_E_AUDIO_UI_ACTIVE: { value: MSGR_E(0x37), description: "Audio UI (voice configuration wizard) is active and waiting for user input." },
  MSGR_E_NO_HARDWARE: { value: MSGR_E(0x38), description: "Not supported." },
  MSGR_E_PAGING_UNAVAILABLE: { value: MSGR_E(0x39), description: "Paging is not supported for this client." },
  MSGR_E_PHONE_INVALID_NUMBER: { value: MSGR_E(0x3a), description: "Specified phone number is invalid." },
  MSGR_E_PHONE_NO_FUNDS: { value: MSGR_E(0x3b), description: "Not supported." },
  MSGR_E_VOICE_NO_ANSWER: { value: MSGR_E(0x3c), description: "Not supported." },
  MSGR_E_VOICE_WAVEIN_DEVICE: { value: MSGR_E(0x3d), description: "Not supported." },
  MSGR_E_FT_TIMEOUT: { value: MSGR_E(0x3e), description: "Not supported." },
  MSGR_E_MESSAGE_TOO_LONG: { value: MSGR_E(0x3f), description: "Message being sent is too long." },
  MSGR_E_VOICE_FIREWALL: { value: MSGR_E(0x40), description: "Not supported." },
  MSGR_E_VOICE_NETCONN: { value: MSGR_E(0x41), description: "Not supported." },
  MSGR_E_PHONE_CIRCUITS_BUSY: { value: MSGR_E(0x42), description: "Not supported." },
  MSGR_E_SERVER_PROTOCOL: { value: MSGR_E(0x43), description: "Not supported." },
  MSGR_E_UNAVAILABLE_VIA_HTTP: { value: MSGR_E(0x44), description: "Not supported." },
  MSGR_E_PHONE_INVALID_PIN: { value: MSGR_E(0x45), description: "Not supported." },
  MSGR_E_PHONE_PINPROCEED_TIMEOUT: { value: MSGR_E(0x46), description: "Not supported." },
  MSGR_E_SERVER_SHUTDOWN: { value: MSGR_E(0x47), description: "Windows Messenger signed out due to server shutdown." },
  MSGR_E_CLIENT_DISALLOWED: { value: MSGR_E(0x48), description: "Not supported." },
  MSGR_E_PHONE_CALL_NOT_COMPLETE: { value: MSGR_E(0x49), description: "Not supported." },
  MSGR_E_GROUPS_NOT_ENABLED: { value: MSGR_E(0x4a), description: "Groups are not enabled on this service." },
  MSGR_E_GROUP_ALREADY_EXISTS: { value: MSGR_E(0x4b), description: "New group specified already exists on the specified provider." },
  MSGR_E_TOO_MANY_GROUPS: { value: MSGR_E(0x4c), description: "More groups cannot be created because the provider has reached the maximum limit." },
  MSGR_E_GROUP_DOES_NOT_EXIST: { value: MSGR_E(0x4d), description: "Specified group name does not exist." },
  MSGR_E_USER_NOT_GROUP_MEMBER: { value: MSGR_E(0x4e), description: "Specified user is not a member of the specified group." },
  MSGR_E_GROUP_NAME_TOO_LONG: { value: MSGR_E(0x4f), description: "Specified group name is longer than the allowed limit." },
  MSGR_E_GROUP_NOT_EMPTY: { value: MSGR_E(0x50), description: "Group cannot be deleted because it has contacts in it." },
  MSGR_E_BAD_GROUP_NAME: { value: MSGR_E(0x51), description: "Specified group name is not valid." },
  MSGR_E_PHONESERVICE_UNAVAILABLE: { value: MSGR_E(0x52), description: "Phone service is not enabled." },
  MSGR_E_CANNOT_RENAME: { value: MSGR_E(0x53), description: "Specified group cannot be renamed." },
  MSGR_E_CANNOT_DELETE: { value: MSGR_E(0x54), description: "Specified contact or group cannot be deleted." },
  MSGR_E_INVALID_SERVICE: { value: MSGR_E(0x55), description: "Specified contact or group does not belong to the specified service." },
  MSGR_E_POLICY_RESTRICTED: { value: MSGR_E(0x56), description: "Operation cannot be performed because of policy restrictions." },
  MSGR_S_ALREADY_IN_THE_MODE: { value: MSGR_S(0x01), description: "Not supported." },
  MSGR_S_TRANSFER_SEND_BEGUN: { value: MSGR_S(0x02), description: "Not supported." },
  MSGR_S_TRANSFER_SEND_FINISHED: { value: MSGR_S(0x03), description: "Not supported." },
  MSGR_S_TRANSFER_RECEIVE_BEGUN: { value: MSGR_S(0x04), description: "Not supported." },
  MSGR_S_TRANSFER_RECEIVE_FINISHED: { value: MSGR_S(0x05), description: "Not supported." },
  MSGR_S_GROUP_ALREADY_EXISTS: { value: MSGR_S(0x06), description: "Group specified to be created already exists on the specified provider." },
  // Office Communicator additions (TYPELIB.md: the Communicator header).
  MSGR_E_POPUP_UI_ACTIVE: { value: MSGR_E(0x1f), description: "A pop-up window of the client is active (Office Communicator)." },
  MSGR_E_BUSY: { value: MSGR_E(0x57), description: "The client is busy (Office Communicator)." },
  MSGR_E_APP_INVITE_NOT_ACCEPTABLE: { value: MSGR_E(0x92), description: "The application invitation is not acceptable (Office Communicator)." },
  MSGR_S_SESSION_PENDING: { value: MSGR_S(0x07), description: "The session is pending (Office Communicator)." },
  MSGR_S_CONV_ID_MATCH: { value: MSGR_S(0x08), description: "The conversation id matches an existing conversation (Office Communicator)." },
} as const satisfies Record<string, { value: number; description: string }>;

/** Name of a documented HRESULT, e.g. 'MSGR_E_BAD_GROUP_NAME'. */
export type HResultName = keyof typeof HRESULTS;

/** HRESULT values by name: `HR.E_INVALIDARG === 0x80070057`. */
export const HR = Object.fromEntries(
  Object.entries(HRESULTS).map(([name, { value }]) => [name, value]),
) as { readonly [K in HResultName]: (typeof HRESULTS)[K]["value"] };

const NAME_BY_VALUE = new Map<number, HResultName>(
  (Object.keys(HRESULTS) as HResultName[]).map((name) => [HRESULTS[name].value, name]),
);

/** The documented name of an HRESULT value (signed or unsigned), or undefined. */
export function hresultName(hr: number): HResultName | undefined {
  return NAME_BY_VALUE.get(hr >>> 0);
}

/** The page's description of an HRESULT, or a generic one for undocumented values. */
export function hresultDescription(hr: number): string {
  const name = hresultName(hr);
  return name ? HRESULTS[name].description : `HRESULT 0x${(hr >>> 0).toString(16).toUpperCase().padStart(8, "0")}`;
}

/** The unsigned 32-bit form of an HRESULT (what C++ and the docs print). */
export const toUnsigned = (hr: number): number => hr >>> 0;
/** The signed 32-bit form of an HRESULT (what JScript's e.number and VB's Err.Number showed). */
export const toSigned = (hr: number): number => hr | 0;
/** SUCCEEDED(hr): the severity bit is clear. */
export const succeeded = (hr: number): boolean => (hr | 0) >= 0;
/** Hex text like 0x81000351. */
export const hresultHex = (hr: number): string => "0x" + (hr >>> 0).toString(16).toUpperCase().padStart(8, "0");
