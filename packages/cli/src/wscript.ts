/**
 * WScript.Arguments as JScript scripts used it. The shim's collections are plain objects; here they
 * become what WSH's IDispatch objects (WshArguments, WshNamed, WshUnnamed) let a script do:
 *
 * - Called for the default member, Item: `WScript.Arguments(0)`, `.Named("x")`, `.Unnamed(0)`.
 * - `Count` both ways: `x.Count()` (the documented JScript form, a method) and `x.Count` without
 *   parentheses (the VBScript habit, which COM's dispatch also served to JScript: a property get of
 *   a method without arguments calls it). It is a function that converts to the number wherever a
 *   number is expected (`x.Count > 0`, `x.Count == 2`, `"n=" + x.Count`, `WScript.Echo(x.Count)`,
 *   `i < x.Count`); only `x.Count === 2`, `typeof x.Count` and a bare `if (x.Count)` see the
 *   function (write `x.Count()` or `x.length` there).
 * - `length` (and `Length`), `Item(i)`, `Named.Item(name)`, `Named.Exists(name)` as in the shim;
 *   `new Enumerator(WScript.Arguments.Named)` walks the switch names (WshNamed's _NewEnum), as typed.
 */
import type { WScriptObject } from '@imessenger/shim';

type Collection = { Item(key: never): unknown; Count(): number };

/** `/name:value` or `/name`, as the shim splits Named from Unnamed. */
const NAMED = /^\/([^:]+)(?::(.*))?$/s;

/**
 * The number `count` as WSH's Count member: callable (`Count()`), and that number when converted
 * (`Count > 0`, `"" + Count`).
 */
export function countMember(count: number): () => number {
  const Count = (): number => count;
  Object.defineProperties(Count, {
    valueOf: { value: () => count },
    toString: { value: () => String(count) },
    [Symbol.toPrimitive]: { value: (hint: string) => (hint === 'string' ? String(count) : count) },
  });
  return Count;
}

/** A function calling `collection.Item`, with every member of `collection` on it, and Count both ways. */
function callable<T extends Collection>(collection: T, extra: PropertyDescriptorMap = {}): T {
  const fn = (key: never): unknown => collection.Item(key);
  for (const key of Reflect.ownKeys(collection)) {
    const descriptor = Object.getOwnPropertyDescriptor(collection, key)!;
    Object.defineProperty(fn, key, { ...descriptor, configurable: true });
  }
  Object.defineProperty(fn, 'Count', { value: countMember(collection.Count()), enumerable: true, configurable: true });
  Object.defineProperties(fn, extra);
  return fn as unknown as T;
}

export function makeArgumentsCallable(WScript: WScriptObject): void {
  const args = WScript.Arguments;
  // The switch names as first typed, once each (the shim keys them in lower case).
  const names = new Map<string, string>();
  for (const arg of args) {
    const match = NAMED.exec(arg);
    if (match && !names.has(match[1]!.toLowerCase())) names.set(match[1]!.toLowerCase(), match[1]!);
  }
  const named = callable(args.Named, {
    [Symbol.iterator]: { value: () => names.values(), configurable: true },
  });
  const all = Object.assign(callable(args), { Named: named, Unnamed: callable(args.Unnamed) });
  Object.defineProperty(WScript, 'Arguments', { value: all, enumerable: true, configurable: true, writable: false });
}
