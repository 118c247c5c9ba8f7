/**
 * DMessengerEvents arguments in their documented order. winax's sink can hand some events their
 * arguments reversed (DISPPARAMS keeps them last-first); the type library says what each position
 * holds, so: when the arguments fit the reversed documented order and not the documented one, they
 * are reversed. "Fit" is by type and, for the enumerations and `hr`, by value (an MISTATUS is one of
 * its values, an `hr` is S_OK, a success code or a failure), so even two LONGs are told apart.
 * Where both orders still fit (two objects), an optional probe of what each object is decides.
 */
import { isEnumValue, TYPELIB } from '@imessenger/contract';

/** What a dispatch parameter stands for, by its documented name (pIMWindow, pMContact, pMGroup). */
export type ObjectKind = 'contact' | 'window' | 'group';

/** One parameter of a DMessengerEvents event: its name, its type, and the kind of object it is, if one. */
export interface EventParam { readonly name: string; readonly type: string; readonly kind?: ObjectKind }

const kindOfParam = (name: string): ObjectKind | undefined =>
  /window/i.test(name) ? 'window' : /group/i.test(name) ? 'group' : /contact/i.test(name) ? 'contact' : undefined;

/** Documented parameters of each DMessengerEvents event, from the type library. */
export const EVENT_PARAMS: ReadonlyMap<string, readonly EventParam[]> = new Map(
  TYPELIB.filter((m) => m.iface === 'DMessengerEvents' && m.kind === 'event').map((m) => [
    m.member,
    m.params.map((p): EventParam => {
      // Page erratum: OnContactRemovedFromGroup's pMContact is documented VARIANT_BOOL; it is the contact object.
      const type = m.member === 'OnContactRemovedFromGroup' && p.name === 'pMContact' ? 'IDispatch*' : p.type;
      const kind = type === 'IDispatch*' ? kindOfParam(p.name) : undefined;
      return kind ? { name: p.name, type, kind } : { name: p.name, type };
    }),
  ]),
);

/** The 25 DMessengerEvents event names, in type-library order. */
export const DMESSENGER_EVENTS: readonly string[] = [...EVENT_PARAMS.keys()];

const isObject = (v: unknown): boolean => (typeof v === 'object' || typeof v === 'function') && v !== null;

/**
 * A plausible event `hr`: S_OK, a Messenger success code (MSGR_S_*) or a failure. Events never carry
 * S_FALSE, so a 1 there is MISTATUS_OFFLINE in the other position.
 */
const isHresult = (v: unknown): boolean =>
  typeof v === 'number' && Number.isInteger(v) && (v === 0 || (v | 0) < 0 || (v >= 0x01000000 && v <= 0x7fffffff));

function fits(value: unknown, param: EventParam): boolean {
  switch (param.type) {
    case 'BSTR': return typeof value === 'string';
    case 'VARIANT': return true;
    case 'VARIANT_BOOL': return typeof value === 'boolean';
    case 'VARIANT_BOOL*': return typeof value === 'boolean' || isObject(value);
    case 'IDispatch*': return isObject(value) || value === null;
    case 'MISTATUS': return isEnumValue('MISTATUS', value);
    case 'MPHONE_TYPE': return isEnumValue('MPHONE_TYPE', value);
    case 'MCONTACTPROPERTY': return isEnumValue('MCONTACTPROPERTY', value);
    case 'MUAFOLDER': return isEnumValue('MUAFOLDER', value);
    default: return param.name === 'hr' ? isHresult(value) : typeof value === 'number';
  }
}

const fitsAll = (args: readonly unknown[], params: readonly EventParam[]): boolean => params.every((p, i) => fits(args[i], p));

/**
 * The arguments of `event` in documented order. `probe` (optional) says what a dispatch argument
 * is, for events whose two object parameters cannot be told apart by type.
 */
export function normaliseEventArgs(event: string, args: readonly unknown[], probe?: (value: unknown) => ObjectKind | undefined): unknown[] {
  const params = EVENT_PARAMS.get(event);
  if (!params || args.length < 2 || args.length !== params.length) return [...args];
  const reversed = [...args].reverse();
  const direct = fitsAll(args, params);
  const back = fitsAll(reversed, params);
  if (back && !direct) return reversed;
  if (direct && back && probe) {
    const score = (list: readonly unknown[]): number => params.filter((p, i) => p.kind !== undefined && probe(list[i]) === p.kind).length;
    if (score(reversed) > score(args)) return reversed;
  }
  return [...args];
}
