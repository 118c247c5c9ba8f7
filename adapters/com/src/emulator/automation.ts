/**
 * Builds winax-shaped automation objects from the type library, so the emulator exposes exactly
 * the IDL's member names and nothing else: the member tables below are derived from TYPELIB at
 * compile time, and an object spec that misses a member or adds an unknown one does not compile.
 *
 * winax's shape: a property without parameters is a real JS accessor (`o.MyStatus`,
 * `o.MyStatus = 2`); a method, and a property get that takes an index (`o.MyPhoneNumber(1)`), is a
 * function. A parameterised property put has no natural JS form in winax and is not emulated.
 * Every access runs through `Invoker.invoke`, which applies an injected fault and turns any failure
 * into winax's error shape.
 */
import { type InterfaceName, type TYPELIB, membersOf, messengerError } from '@imessenger/contract';
import type { AutomationObject } from '../dispatch';
import { DISP_E_MEMBERNOTFOUND, type DispOperation } from './errors';

type Row = (typeof TYPELIB)[number];
type RowsOf<I extends InterfaceName> = Extract<Row, { readonly iface: I }>;
/** A property get whose first parameter is an [in] index (the retval comes last). */
type IndexedGet = { readonly params: readonly [{ readonly dir: 'in' }, ...unknown[]] };
/** A property put with an index before the value. */
type IndexedPut = { readonly params: readonly [unknown, unknown, ...unknown[]] };

/** Members winax exposes as JS properties. */
export type PropertyName<I extends InterfaceName> = Exclude<Extract<RowsOf<I>, { readonly kind: 'propget' }>, IndexedGet>['member'];
/** Properties that can be assigned (`o.X = v`). */
export type PutName<I extends InterfaceName> = Exclude<Extract<RowsOf<I>, { readonly kind: 'propput' }>, IndexedPut>['member'];
/** Members winax exposes as functions: methods, and property gets that take an index. */
export type CallName<I extends InterfaceName> =
  | Extract<RowsOf<I>, { readonly kind: 'method' }>['member']
  | Extract<Extract<RowsOf<I>, { readonly kind: 'propget' }>, IndexedGet>['member'];

/** The implementation of one object: one entry per IDL member of its interfaces (inherited ones included). */
export interface AutomationSpec<I extends InterfaceName> {
  readonly get: { readonly [M in PropertyName<I>]: () => unknown };
  readonly put: { readonly [M in PutName<I>]: (value: unknown) => void };
  readonly call: { readonly [M in CallName<I>]: (...args: unknown[]) => unknown };
  /**
   * Run when an injected fault fails a member, before it is thrown: a sign-in reports its failure in
   * OnSignin as well as in the call.
   */
  readonly onFault?: { readonly [M in CallName<I>]?: (hr: number) => void };
  /** Collections: what `for...of` walks (a snapshot, as _NewEnum's enumerator). */
  readonly iterate?: () => readonly AutomationObject[];
}

/** Runs one member access: the emulator's session applies faults and converts errors here. */
export interface Invoker {
  invoke<T>(op: DispOperation, member: string, body: () => T, onFault?: (hr: number) => void): T;
}

export function automationObject<I extends InterfaceName>(invoker: Invoker, spec: AutomationSpec<I>): AutomationObject {
  const object: AutomationObject = {};
  const puts: Readonly<Record<string, ((value: unknown) => void) | undefined>> = spec.put;
  for (const [name, get] of Object.entries<() => unknown>(spec.get)) {
    const put = puts[name];
    Object.defineProperty(object, name, {
      enumerable: true,
      get: () => invoker.invoke('DispPropertyGet', name, get),
      // A read-only property still answers a put, as IDispatch does: DISP_E_MEMBERNOTFOUND.
      set: (value: unknown) => invoker.invoke('DispPropertyPut', name, () => {
        if (!put) throw messengerError(DISP_E_MEMBERNOTFOUND, name, 'Member not found.');
        put(value);
      }),
    });
  }
  const onFault: Readonly<Record<string, ((hr: number) => void) | undefined>> = spec.onFault ?? {};
  for (const [name, call] of Object.entries<(...args: unknown[]) => unknown>(spec.call)) {
    Object.defineProperty(object, name, {
      enumerable: true,
      value: (...args: unknown[]) => invoker.invoke('DispInvoke', name, () => call(...args), onFault[name]),
    });
  }
  const iterate = spec.iterate;
  if (iterate) {
    Object.defineProperty(object, Symbol.iterator, { value: () => [...iterate()][Symbol.iterator]() });
  }
  return object;
}

/**
 * Every member name an object of these interfaces exposes (inherited interfaces listed by the
 * caller), parameterised puts excluded: what tests compare an emulated object's keys with.
 */
export function exposedMembers(...ifaces: readonly InterfaceName[]): string[] {
  const names = new Set<string>();
  for (const iface of ifaces) {
    for (const row of membersOf(iface)) {
      const indexedPut = row.kind === 'propput' && row.params.length > 1;
      if (row.kind !== 'event' && !indexedPut) names.add(row.member);
    }
  }
  return [...names].sort();
}
