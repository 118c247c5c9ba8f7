/**
 * The one way the adapter touches a COM object: property get and put, method (and parameterised
 * property) calls, collections. Every access translates what it throws (errors.ts), so no raw winax
 * error ever reaches core. Plus the identity registry that gives COM objects stable ids.
 */
import { MessengerError, messengerError } from '@imessenger/contract';
import type { AutomationObject, DispatchPort } from './dispatch';
import { COM_HRESULTS, comError } from './errors';

type Callable = (...args: unknown[]) => unknown;

export class Com {
  private disposed = false;

  constructor(readonly port: DispatchPort, readonly progId: string) {}

  /** After dispose every access fails with E_FAIL instead of touching a released object. */
  dispose(): void { this.disposed = true; }
  get isDisposed(): boolean { return this.disposed; }

  /** Run one COM access; whatever it throws leaves as a MessengerError. */
  access<T>(via: string, body: () => T): T {
    if (this.disposed) throw messengerError('E_FAIL', undefined, `${via}: the COM backend (${this.progId}) was disposed.`);
    try {
      return body();
    } catch (error) {
      throw comError(error, via);
    }
  }

  /** `object.Name` (property get). */
  get(object: AutomationObject, name: string, iface = 'IDispatch'): unknown {
    return this.access(`${iface}.${name}`, () => object[name]);
  }

  /** `object.Name = value` (property put). */
  put(object: AutomationObject, name: string, value: unknown, iface = 'IDispatch'): void {
    this.access(`${iface}.${name}`, () => { object[name] = value; });
  }

  /** `object.Name(...args)`: a method, or a parameterised property such as `MyPhoneNumber(1)`. */
  call(object: AutomationObject, name: string, args: readonly unknown[] = [], iface = 'IDispatch'): unknown {
    const via = `${iface}.${name}`;
    return this.access(via, () => {
      const member = object[name];
      if (member === undefined || member === null) {
        throw new MessengerError(COM_HRESULTS.DISP_E_MEMBERNOTFOUND, { detail: `${via}: the object has no member "${name}".` });
      }
      // Called as a member expression, so JavaScript objects (emulator, stubs) get their `this`.
      return (object as Record<string, Callable>)[name]!(...args);
    });
  }

  /** Like get, but undefined when the object fails (optional properties: phones, e-mail). */
  tryGet(object: AutomationObject, name: string): unknown {
    try { return this.get(object, name); } catch { return undefined; }
  }

  /** Like call, but undefined when the object fails. */
  tryCall(object: AutomationObject, name: string, args: readonly unknown[] = []): unknown {
    try { return this.call(object, name, args); } catch { return undefined; }
  }

  /** A property that must hold an object (a collection, a window, a service). */
  object(value: unknown, via: string): AutomationObject {
    if ((typeof value === 'object' || typeof value === 'function') && value !== null) return value as AutomationObject;
    throw messengerError('E_FAIL', undefined, `${via} returned no object (got ${value === null ? 'null' : typeof value}).`);
  }

  /** `collection.Count` items, each `collection.Item(i)` (collections are zero-based). */
  items(collection: AutomationObject, iface: string): AutomationObject[] {
    const count = int(this.get(collection, 'Count', iface));
    const items: AutomationObject[] = [];
    for (let i = 0; i < count; i++) items.push(this.object(this.call(collection, 'Item', [i], iface), `${iface}.Item(${i})`));
    return items;
  }
}

/** A BSTR: undefined and null read as ''. */
export const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));
/** A LONG (winax gives numbers; a VARIANT holding a numeric string is accepted too). */
export const int = (value: unknown): number => {
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? Math.trunc(n) : 0;
};
/** A VARIANT_BOOL: true, or VARIANT_TRUE (-1) / any non-zero number. */
export const flag = (value: unknown): boolean => value === true || (typeof value === 'number' && value !== 0);

/**
 * Stable ids for COM objects: the same id for the same object (by JavaScript identity, or, since
 * winax hands out a new wrapper per access, by a key the object answers: a group's name, a window's
 * HWND). Holds the newest wrapper of each, to call its members and release it.
 */
export class Registry<Extra = undefined> {
  private readonly byObject = new WeakMap<object, string>();
  private readonly entries = new Map<string, { object: AutomationObject; key: string | undefined; extra: Extra }>();
  private next = 1;

  constructor(private readonly prefix: string) {}

  /** The id of `object`, if it (or an object with the same key) is known. */
  find(object: AutomationObject, key?: () => string | undefined): string | undefined {
    const known = this.byObject.get(object);
    if (known !== undefined && this.entries.has(known)) return known;
    const k = key?.();
    if (k === undefined) return undefined;
    for (const [id, entry] of this.entries) {
      if (entry.key === k) {
        this.byObject.set(object, id);
        entry.object = object;
        return id;
      }
    }
    return undefined;
  }

  /** The id of `object`, assigning a new one for an object not seen before. */
  idOf(object: AutomationObject, key: () => string | undefined, extra: (id: string) => Extra): string {
    let memo: { value: string | undefined } | undefined;
    const once = (): string | undefined => (memo ??= { value: key() }).value;
    const found = this.find(object, once);
    if (found !== undefined) return found;
    const id = `${this.prefix}-${this.next++}`;
    this.byObject.set(object, id);
    this.entries.set(id, { object, key: once(), extra: extra(id) });
    return id;
  }

  objectOf(id: string): AutomationObject | undefined { return this.entries.get(id)?.object; }
  extraOf(id: string): Extra | undefined { return this.entries.get(id)?.extra; }
  has(id: string): boolean { return this.entries.has(id); }

  update(id: string, change: { key?: string; extra?: Extra }): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    if (change.key !== undefined) entry.key = change.key;
    if (change.extra !== undefined) entry.extra = change.extra;
  }

  /** Forget one id; returns its object (to release). */
  forget(id: string): AutomationObject | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    this.byObject.delete(entry.object);
    return entry.object;
  }

  /** Forget every id; returns the objects (to release). Ids are never reused. */
  clear(): AutomationObject[] {
    const objects = [...this.entries.values()].map((e) => e.object);
    for (const object of objects) this.byObject.delete(object);
    this.entries.clear();
    return objects;
  }

  ids(): string[] { return [...this.entries.keys()]; }
}
