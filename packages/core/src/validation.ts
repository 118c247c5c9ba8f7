/**
 * The documented argument rules, once. Each check throws the page's HRESULT before any I/O.
 * Limits: 129 characters for a sign-in name (130 with the terminator: a 64-character name, '@' and a
 * 64-character domain; im-imessenger-sendmail.md), 38 for a service id (a braced GUID;
 * im-imessenger-getcontact.md), 256 for a phone number (im-imessenger-phone.md), 260 for a file name
 * (MAX_PATH; im-imessenger-sendfile.md). The pages give no number for group names: we use 61, the
 * .NET Messenger Service's limit, and say so in docs/BEHAVIOUR.md's ambiguities.
 */
import {
  ENUMS, type EnumName, type HResultName, type IMessengerContact, type IMessengerService, type ValueOf,
  messengerError,
} from '@imessenger/contract';

export const MAX_SIGNIN_NAME = 129;
export const MAX_SERVICE_ID = 38;
export const MAX_PHONE_NUMBER = 256;
export const MAX_FILE_NAME = 260;
export const MAX_GROUP_NAME = 61;
/** FindContact's name, city, state and country fields (im-imessenger-findcontact.md). */
export const MAX_FIND_FIELD = 63;
export const MAX_PASSWORD = 256;

const CR_LF = /[\r\n]/;
// Tabs and the other C0/C1 controls (and DEL): "nonprintable characters" of the CreateGroup page.
const NON_PRINTABLE = /[\u0000-\u001f\u007f-\u009f]/;

function fail(hr: HResultName, member: string, detail: string): never {
  throw messengerError(hr, member, detail);
}

/** A BSTR argument: JavaScript null/undefined is COM's NULL string. */
function requireString(value: unknown, member: string, param: string, nullHr: HResultName = 'E_INVALIDARG'): string {
  if (value === null || value === undefined) fail(nullHr, member, `${param} is a NULL string.`);
  if (typeof value !== 'string') fail('E_INVALIDARG', member, `${param} must be a string, got ${typeof value}.`);
  return value;
}

function checkLength(value: string, max: number, member: string, param: string, hr: HResultName = 'E_INVALIDARG'): void {
  if (value.length > max) fail(hr, member, `${param} has ${value.length} characters; at most ${max} are allowed.`);
}

function checkNoCrLf(value: string, member: string, param: string, hr: HResultName = 'E_INVALIDARG'): void {
  if (CR_LF.test(value)) fail(hr, member, `${param} contains a carriage return or linefeed.`);
}

/**
 * A vContact given as a sign-in name (InstantMessage, StartVideo, Page, …): not NULL or empty, no
 * leading space, at most 129 characters, no CR/LF.
 */
export function checkContactName(value: unknown, member: string, param = 'vContact'): string {
  const name = requireString(value, member, param);
  if (name.length === 0) fail('E_INVALIDARG', member, `${param} is an empty string.`);
  if (name.startsWith(' ')) fail('E_INVALIDARG', member, `${param} starts with a space.`);
  checkLength(name, MAX_SIGNIN_NAME, member, param);
  checkNoCrLf(name, member, param);
  return name;
}

/** A vContact VARIANT: a sign-in name (checked as above) or a contact object. */
export function checkContactArg(value: unknown, member: string): string | IMessengerContact {
  if (typeof value === 'object' && value !== null && typeof (value as IMessengerContact).get_SigninName === 'function') {
    return value as IMessengerContact;
  }
  if (value !== null && value !== undefined && typeof value !== 'string') {
    fail('E_INVALIDARG', member, `vContact is of the wrong type (${typeof value}); pass a sign-in name or a MessengerContact.`);
  }
  return checkContactName(value, member);
}

/** GetContact's bstrSigninName: NULL -> E_FAIL; spaces, CR/LF or over 129 characters -> E_INVALIDARG. */
export function checkSigninName(value: unknown, member: string, param = 'bstrSigninName', nullHr: HResultName = 'E_FAIL'): string {
  const name = requireString(value, member, param, nullHr);
  if (name.length === 0) fail('E_INVALIDARG', member, `${param} is an empty string.`);
  checkLength(name, MAX_SIGNIN_NAME, member, param);
  if (/\s/.test(name)) fail('E_INVALIDARG', member, `${param} contains spaces, a carriage return or a linefeed.`);
  return name;
}

/** A service id (bstrServiceId, vService as VT_BSTR): at most 38 characters, no spaces or CR/LF. */
export function checkServiceId(value: unknown, member: string, param = 'bstrServiceId', nullHr: HResultName = 'E_FAIL'): string {
  const id = requireString(value, member, param, nullHr);
  if (id.trim().length === 0) fail('E_INVALIDARG', member, `${param} is empty or contains nothing but spaces.`);
  checkLength(id, MAX_SERVICE_ID, member, param);
  if (/\s/.test(id)) fail('E_INVALIDARG', member, `${param} contains spaces, a carriage return or a linefeed.`);
  return id;
}

/** A vService VARIANT: a service id string or a MessengerService object. */
export function checkServiceArg(value: unknown, member: string): string | IMessengerService {
  if (typeof value === 'object' && value !== null && typeof (value as IMessengerService).get_ServiceID === 'function') {
    return value as IMessengerService;
  }
  return checkServiceId(value, member, 'vService', 'E_INVALIDARG');
}

/**
 * A group name (CreateGroup, Group.Name put). NULL -> E_POINTER; empty or only spaces, or CR/LF ->
 * E_INVALIDARG; tabs and other non-printable characters -> MSGR_E_BAD_GROUP_NAME; longer than the
 * limit after trimming -> MSGR_E_GROUP_NAME_TOO_LONG. Returns the trimmed name.
 */
export function checkGroupName(value: unknown, member: string, param = 'bstrName'): string {
  const raw = requireString(value, member, param, 'E_POINTER');
  if (raw.trim().length === 0) fail('E_INVALIDARG', member, `${param} is empty or contains nothing but spaces.`);
  checkNoCrLf(raw, member, param);
  const name = raw.trim();
  if (NON_PRINTABLE.test(name)) fail('MSGR_E_BAD_GROUP_NAME', member, `${param} contains a tab or a non-printable character.`);
  checkLength(name, MAX_GROUP_NAME, member, param, 'MSGR_E_GROUP_NAME_TOO_LONG');
  return name;
}

/** A plain BSTR with a length limit and no CR/LF (file names, phone numbers, app ids). */
export function checkText(value: unknown, member: string, param: string, max: number, opts: { allowEmpty?: boolean } = {}): string {
  const text = requireString(value, member, param);
  if (!opts.allowEmpty && text.length === 0) fail('E_INVALIDARG', member, `${param} is an empty string.`);
  checkLength(text, max, member, param);
  checkNoCrLf(text, member, param);
  return text;
}

/** Signin's name and password: no spaces, CR or LF; the name at most 129 characters. */
export function checkCredential(value: unknown, member: string, param: string, max: number): string {
  const text = requireString(value, member, param);
  checkLength(text, max, member, param);
  if (/\s/.test(text)) fail('E_INVALIDARG', member, `${param} contains spaces, a carriage return or a linefeed.`);
  return text;
}

/** An enumeration argument: one of the documented values, else `hr` (E_INVALIDARG unless the page says otherwise). */
export function checkEnum<E extends EnumName>(
  name: E, value: unknown, member: string, param: string, hr: HResultName = 'E_INVALIDARG',
): ValueOf<(typeof ENUMS)[E]> {
  const values = Object.values(ENUMS[name]) as number[];
  if (typeof value !== 'number' || !values.includes(value)) {
    fail(hr, member, `${param} is out of range for ${name} (${String(value)}); expected one of ${values.join(', ')}.`);
  }
  return value as ValueOf<(typeof ENUMS)[E]>;
}

/** A collection index: a non-negative integer (E_INVALIDARG), below Count (E_FAIL). Zero-based. */
export function checkIndex(value: unknown, count: number, member: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    fail('E_INVALIDARG', member, `Index must be a non-negative integer, got ${String(value)}.`);
  }
  if (value >= count) fail('E_FAIL', member, `Index ${value} exceeds the collection (Count = ${count}).`);
  return value;
}

/** The range of a LONG (a signed 32-bit integer). */
export const MIN_LONG = -(2 ** 31);
export const MAX_LONG = 2 ** 31 - 1;

/**
 * A LONG argument (hwndParent, a window edge): an integer a LONG can hold, else E_INVALIDARG; a
 * value outside the range would otherwise be stored and read back as no LONG can be. Width/Height:
 * zero or negative -> E_INVALIDARG too.
 */
export function checkInteger(value: unknown, member: string, param: string, opts: { positive?: boolean } = {}): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) fail('E_INVALIDARG', member, `${param} must be an integer, got ${String(value)}.`);
  if (value < MIN_LONG || value > MAX_LONG) fail('E_INVALIDARG', member, `${param} is out of the range of a LONG (${MIN_LONG} to ${MAX_LONG}), got ${value}.`);
  if (opts.positive && value <= 0) fail('E_INVALIDARG', member, `${param} must be greater than zero, got ${value}.`);
  return value;
}

/** hwndParent: a window handle, i.e. an integer (0 for none). */
export function checkHwnd(value: unknown, member: string): number {
  return checkInteger(value ?? 0, member, 'hwndParent');
}
