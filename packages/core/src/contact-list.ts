/**
 * Who is in the contact list, by normalised sign-in name (keyOf): what core asks whenever it meets
 * a name it holds no object for (GetContact, a group's or window's members, a remote change), to
 * tell a listed contact (its record, status updates: B635) from a stranger (status unknown, B611).
 *
 * One question, answered in O(1) after at most one listing per session:
 * - a backend whose DirectoryPort has `listedContacts` answers it per name or roster: nothing is cached here;
 * - otherwise one `listContacts` fills an index (and MyContacts' own listing refreshes it), kept
 *   current by core's AddContact / MyContacts.Remove and by remote list changes (a removal is
 *   applied, an addition of someone core holds no object for drops the index, as its record is
 *   needed), and dropped at sign-in and sign-out.
 * A listing that was under way when the list changed is not installed (it may predate the change);
 * the next question lists again. Concurrent questions share one listing; a failed listing is not
 * kept, so the caller sees the backend's error and the next question asks again.
 */
import type { ContactRecord, DirectoryPort } from '@imessenger/contract';
import { keyOf } from './runtime';

type Index = Map<string, ContactRecord>;

export class ContactList {
  /** The listing, by keyOf; undefined until needed, and after an invalidation. */
  private index: Index | undefined;
  private loading: { readonly promise: Promise<Index>; readonly generation: number } | undefined;
  /** Bumped by every change a listing under way might have missed. */
  private generation = 0;

  constructor(private readonly directory: DirectoryPort | undefined) {}

  /** The contact-list entry of each name, in order; null for a name that is not in the list. */
  async entries(signinNames: readonly string[]): Promise<readonly (ContactRecord | null)[]> {
    const directory = this.directory;
    if (!directory) return signinNames.map(() => null);
    if (directory.listedContacts) return directory.listedContacts(signinNames);
    const index = this.index ?? (await this.load());
    return signinNames.map((s) => index.get(keyOf(s)) ?? null);
  }

  async has(signinName: string): Promise<boolean> { return (await this.entries([signinName]))[0] !== null; }

  /** The whole list, fresh from the backend (MyContacts); it becomes the index unless the list changed meanwhile. */
  async readAll(): Promise<readonly ContactRecord[]> {
    const directory = this.directory;
    if (!directory) return [];
    const generation = this.generation;
    const records = await directory.listContacts();
    if (generation === this.generation && !directory.listedContacts) this.index = indexOf(records);
    return records;
  }

  /** `record` joined the list (AddContact, or a remote addition of a contact core holds). */
  added(record: ContactRecord): void {
    // Any listing under way may predate this (the index's own or MyContacts'): it is not installed.
    this.generation++;
    this.index?.set(keyOf(record.signinName), record);
  }

  /** `signinName` left the list (MyContacts.Remove, or a remote removal). */
  removed(signinName: string): void {
    this.generation++;
    this.index?.delete(keyOf(signinName));
  }

  /** Forget the listing: sign-in, sign-out, a change whose record core does not hold. */
  invalidate(): void {
    this.generation++;
    this.index = undefined;
  }

  private async load(): Promise<Index> {
    for (;;) {
      if (this.index) return this.index;
      if (!this.loading) this.loading = this.startListing();
      const { promise, generation } = this.loading;
      const index = await promise;
      if (generation === this.generation) return index;
      // The list changed while this listing was under way: list again.
    }
  }

  private startListing(): { promise: Promise<Index>; generation: number } {
    const generation = this.generation;
    const promise = this.directory!.listContacts().then(indexOf);
    const done = (): void => { if (this.loading?.promise === promise) this.loading = undefined; };
    promise.then((index) => {
      done();
      if (generation === this.generation) this.index = index;
    }, done);
    return { promise, generation };
  }
}

function indexOf(records: readonly ContactRecord[]): Index {
  const index: Index = new Map();
  for (const record of records) index.set(keyOf(record.signinName), record);
  return index;
}
