import type { IEnumVARIANT } from '@imessenger/contract';
import { checkIndex } from '../validation';

/**
 * The collection semantics every Messenger collection shares: a snapshot taken when the collection
 * was retrieved, zero-based Item(Index) with the documented errors, Count, and _NewEnum.
 */
export abstract class Collection<T> implements AsyncIterable<T> {
  protected constructor(protected items: T[], private readonly iface: string) {}

  async get_Count(): Promise<number> { return this.items.length; }

  async Item(Index: number): Promise<T> {
    return this.items[checkIndex(Index, this.items.length, `${this.iface}.Item`)] as T;
  }

  async get__NewEnum(): Promise<IEnumVARIANT<T>> { return enumerate([...this.items]); }

  [Symbol.asyncIterator](): AsyncIterator<T> { return enumerate([...this.items]); }

  /** The snapshot as an array (for code that wants Array methods). */
  toArray(): T[] { return [...this.items]; }

  protected indexOf(item: T): number { return this.items.indexOf(item); }
  protected drop(item: T): void { this.items = this.items.filter((x) => x !== item); }
}

function enumerate<T>(items: readonly T[]): IEnumVARIANT<T> {
  let index = 0;
  const iterator: IEnumVARIANT<T> = {
    async next() { return index < items.length ? { value: items[index++] as T, done: false } : { value: undefined, done: true }; },
    [Symbol.asyncIterator]() { return iterator; },
  };
  return iterator;
}
