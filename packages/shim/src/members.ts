/**
 * The automation face's dispatch table, derived from the contract's type-library table: per
 * interface, every IDL member name (case-insensitive, as GetIDsOfNames was) to what a script's
 * `obj.Name`, `obj.Name = v` and `obj.Name(args)` do. Resolved on the caller's thread: no round trip.
 */
import { type InterfaceName, INTERFACES, rowsWithInherited, TYPELIB, type TypeLibMember } from '@imessenger/contract';
import { COLLECTION_ITEM } from './ifaces';

/** What a member name does on the automation face. */
export interface MemberDesc {
  /** The IDL spelling. */
  readonly name: string;
  /**
   * 'prop': reading it calls the propget (no index parameters);
   * 'func': reading it gives a function (methods, parameterised properties, get_X / put_X).
   */
  readonly kind: 'prop' | 'func';
  /** Row (index into TYPELIB) a read or a call runs, or -1. */
  readonly row: number;
  /** Row of the propput an assignment runs, or -1. */
  readonly putRow: number;
  /** The propput takes index parameters: `obj.Name = v` cannot express it (JScript error 450). */
  readonly putIndexed: boolean;
  /** A collection's Count, Item or _NewEnum: served from the snapshot the caller holds. */
  readonly local: 'count' | 'item' | 'enum' | undefined;
}

export interface IfaceInfo {
  readonly index: number;
  readonly name: InterfaceName;
  /** Spellings seen so far -> member (filled from `lower` on first use). */
  readonly exact: Map<string, MemberDesc>;
  readonly lower: ReadonlyMap<string, MemberDesc>;
  /** The item interface when this is a collection. */
  readonly item: InterfaceName | undefined;
  /** Rows of members that remove an item from a collection snapshot (its Remove). */
  readonly removeRow: number;
}

const ROW_INDEX = new Map<TypeLibMember, number>(TYPELIB.map((r, i) => [r as TypeLibMember, i]));
const rowOf = (r: TypeLibMember): number => ROW_INDEX.get(r) as number;
const inParams = (r: TypeLibMember): number => r.params.filter((p) => p.dir === 'in').length;

function buildIface(index: number, name: InterfaceName): IfaceInfo {
  const rows = rowsWithInherited(name).filter((r) => r.kind !== 'event');
  const collection = COLLECTION_ITEM[name] !== undefined;
  const byName = new Map<string, TypeLibMember[]>();
  for (const r of rows) {
    const list = byName.get(r.member) ?? [];
    list.push(r);
    byName.set(r.member, list);
  }
  const lower = new Map<string, MemberDesc>();
  const add = (desc: MemberDesc): void => { lower.set(desc.name.toLowerCase(), desc); };
  let removeRow = -1;
  for (const [member, list] of byName) {
    const get = list.find((r) => r.kind === 'propget');
    const put = list.find((r) => r.kind === 'propput');
    const method = list.find((r) => r.kind === 'method');
    const putRow = put ? rowOf(put) : -1;
    const putIndexed = put ? inParams(put) > 1 : false;
    const local = !collection ? undefined : member === 'Item' ? 'item' : member === 'Count' ? 'count' : member === '_NewEnum' ? 'enum' : undefined;
    if (collection && member === 'Remove' && method) removeRow = rowOf(method);
    if (method) {
      add({ name: member, kind: 'func', row: rowOf(method), putRow, putIndexed, local });
    } else if (get) {
      add({ name: member, kind: inParams(get) > 0 ? 'func' : 'prop', row: rowOf(get), putRow, putIndexed, local });
    } else if (put) {
      add({ name: member, kind: 'func', row: -1, putRow, putIndexed, local: undefined });
    }
    // The async face's names work too: get_Name() / put_Name(…) as functions (the only way to
    // put an indexed property from JavaScript: `msn.put_Property(type, value)`).
    if (get) add({ name: `get_${member}`, kind: 'func', row: rowOf(get), putRow: -1, putIndexed: false, local });
    if (put) add({ name: `put_${member}`, kind: 'func', row: putRow, putRow: -1, putIndexed: false, local: undefined });
  }
  const exact = new Map<string, MemberDesc>();
  for (const desc of lower.values()) exact.set(desc.name, desc);
  return { index, name, exact, lower, item: COLLECTION_ITEM[name], removeRow };
}

/** Every interface's dispatch table, by wire index. */
export const IFACES: readonly IfaceInfo[] = INTERFACES.map((i, index) => buildIface(index, i.name));

/** The member a script's spelling names on an interface, or undefined. */
export function lookup(iface: IfaceInfo, key: string): MemberDesc | undefined {
  let desc = iface.exact.get(key);
  if (desc === undefined) {
    desc = iface.lower.get(key.toLowerCase());
    if (desc !== undefined && iface.exact.size < 4096) iface.exact.set(key, desc);
  }
  return desc;
}
