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
