/**
 * How the type-library table names members on the async face: the COM vtable convention
 * (method -> its name, propget -> get_Name, propput -> put_Name). Used by the compile-time check
 * that the TypeScript interfaces and the table list exactly the same members, and by the
 * automation face to dispatch a script's `obj.Name` to `get_Name()`.
 */
import { INTERFACES, type InterfaceName, type MemberKind, TYPELIB, type TypeLibMember } from './typelib';

/** One row of the type-library table (TYPELIB): a member of an interface with its DISPID and vtable slot. */
export type Row = (typeof TYPELIB)[number];

/** The async-face name of a row: `Signin`, `get_MyStatus`, `put_MyStatus`. */
export type VtableName<R> = R extends { kind: 'propget'; member: infer M extends string } ? `get_${M}`
  : R extends { kind: 'propput'; member: infer M extends string } ? `put_${M}`
  : R extends { kind: 'method'; member: infer M extends string } ? M
  : never;

export type Own<I extends InterfaceName> = VtableName<Extract<Row, { iface: I }>>;

/**
 * Every async-face name of an interface, inherited members included (the inheritance of
 * INTERFACES, spelled out: a recursive type over the table is too deep for the compiler).
 */
export type InterfaceVtable<I extends InterfaceName> =
  I extends 'IMessenger2' ? Own<'IMessenger'> | Own<'IMessenger2'>
  : I extends 'IMessenger3' ? Own<'IMessenger'> | Own<'IMessenger2'> | Own<'IMessenger3'>
  : I extends 'IMessengerConversationWnd' ? Own<'IMessengerWindow'> | Own<'IMessengerConversationWnd'>
  : Own<I>;

export function vtableName(row: Pick<TypeLibMember, 'kind' | 'member'>): string {
  const prefix: Record<MemberKind, string> = { propget: 'get_', propput: 'put_', method: '', event: '' };
  return prefix[row.kind] + row.member;
}

/** Every row an interface has, inherited ones first (IMessenger3: IMessenger's, IMessenger2's, its own). */
export function rowsWithInherited(iface: InterfaceName): readonly TypeLibMember[] {
  const own = TYPELIB.filter((m) => m.iface === iface);
  const parent = INTERFACES.find((i) => i.name === iface)?.inherits;
  return parent && parent !== 'IDispatch' ? [...rowsWithInherited(parent), ...own] : own;
}

/**
 * The original vtable order of each interface's own entries (TYPELIB.md section 3, the `#` column, read from
 * the MIDL-generated msgrua.h), as async-face names. TYPELIB lists rows in page order; a binary-compatible
 * type library or vtable (packages/com-server) must use this order, or early-bound clients call the wrong
 * slot. DMessengerEvents is a dispinterface: its order is its DISPID order. Checked against TYPELIB by
 * packages/contract/test (every row exactly once).
 */
export const VTABLE_ORDER: Readonly<Record<InterfaceName, readonly string[]>> = {
  IMessenger: [
    'get_Window', 'ViewProfile', 'get_ReceiveFileDirectory', 'StartVoice', 'InviteApp', 'SendMail', 'OpenInbox',
    'SendFile', 'Signout', 'Signin', 'GetContact', 'OptionsPages', 'AddContact', 'FindContact', 'InstantMessage',
    'Phone', 'MediaWizard', 'Page', 'AutoSignin', 'get_MyContacts', 'get_MySigninName', 'get_MyFriendlyName',
    'put_MyStatus', 'get_MyStatus', 'get_UnreadEmailCount', 'get_MyServiceName', 'get_MyPhoneNumber',
    'get_MyProperty', 'put_MyProperty', 'get_MyServiceId', 'get_Services',
  ],
  IMessenger2: ['get_ContactsSortOrder', 'put_ContactsSortOrder', 'StartVideo', 'get_MyGroups', 'CreateGroup'],
  IMessenger3: ['get_Property', 'put_Property'],
  IMessengerWindow: [
    'Close', 'get_HWND', 'get_Left', 'put_Left', 'get_Top', 'put_Top', 'get_Width', 'put_Width', 'get_Height',
    'put_Height', 'get_IsClosed', 'Show', 'get_Property', 'put_Property',
  ],
  IMessengerConversationWnd: ['get_Contacts', 'get_History', 'AddContact'],
  IMessengerContact: [
    'get_FriendlyName', 'get_Status', 'get_SigninName', 'get_ServiceName', 'get_Blocked', 'put_Blocked',
    'get_CanPage', 'get_PhoneNumber', 'get_IsSelf', 'get_Property', 'put_Property', 'get_ServiceID',
  ],
  IMessengerContacts: ['get_Count', 'Item', 'Remove', 'get__NewEnum'],
  IMessengerServices: ['get_PrimaryService', 'get_Count', 'Item', 'get__NewEnum'],
  IMessengerService: [
    'get_ServiceName', 'get_ServiceID', 'get_MyFriendlyName', 'get_MyStatus', 'get_MySigninName', 'get_Property',
    'put_Property',
  ],
  IMessengerGroups: ['Remove', 'get_Count', 'Item', 'get__NewEnum'],
  IMessengerGroup: ['get_Contacts', 'get_Name', 'put_Name', 'AddContact', 'RemoveContact', 'get_Service'],
  DMessengerEvents: TYPELIB.filter((r) => r.kind === 'event')
    .sort((a, b) => (a.dispid ?? 0) - (b.dispid ?? 0))
    .map((r) => r.member),
};

/** The rows of an interface's own entries in vtable order. */
export function rowsInVtableOrder(iface: InterfaceName): readonly TypeLibMember[] {
  return VTABLE_ORDER[iface].map((name) => {
    const row = TYPELIB.find((r) => r.iface === iface && (r.kind === 'event' ? r.member : vtableName(r)) === name);
    if (!row) throw new Error(`VTABLE_ORDER names ${iface}.${name}, which TYPELIB does not have`);
    return row;
  });
}
