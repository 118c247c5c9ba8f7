/**
 * WScript.Arguments as JScript used it: besides `.Item(i)`, `.length` and `.Count()`, the
 * collection is called for its default member, `WScript.Arguments(0)` (and `.Named("x")`,
 * `.Unnamed(0)` likewise). The shim's collections are plain objects; this makes them callable.
 */
import type { WScriptObject } from '@imessenger/shim';

type Collection = { Item(key: never): unknown };

/** A function calling `collection.Item`, with every member of `collection` on it. */
function callable<T extends Collection>(collection: T): T {
  const fn = (key: never): unknown => collection.Item(key);
  for (const key of Reflect.ownKeys(collection)) {
    const descriptor = Object.getOwnPropertyDescriptor(collection, key)!;
    Object.defineProperty(fn, key, { ...descriptor, configurable: true });
  }
  return fn as unknown as T;
}

export function makeArgumentsCallable(WScript: WScriptObject): void {
  const args = WScript.Arguments;
  const all = Object.assign(callable(args), { Named: callable(args.Named), Unnamed: callable(args.Unnamed) });
  Object.defineProperty(WScript, 'Arguments', { value: all, enumerable: true, configurable: true, writable: false });
}
