/**
 * Remote changes for deployments without a public webhook: a watcher that polls, per round, one
 * $batch holding the presence of me and my contacts (one getPresencesByUserId per 650 ids: me and
 * 11,699 contacts fit one $batch of 20 with the next two; past that, the batches go out together),
 * my own profile and the inbox; every few rounds it also re-reads my contacts' directory entries.
 * It reports only real changes, finding each presence's contact by user id (linear time per
 * round). (webhook.ts handles change notifications where a public URL exists.)
 */
import { type EventsPort, MPHONE_TYPE, MUAFOLDER, isMessengerError, messengerError } from '@imessenger/contract';
import { type GraphContext, type GraphUser, PRESENCE_BY_ID, PRESENCE_ID_LIMIT, phonesOf } from '../context';
import { redact } from '../errors';
import { userPath } from '../http';
import { type GraphPresence, statusFromGraph } from '../presence-map';

export interface WatcherOptions {
  /** Milliseconds between polls; 0 turns automatic polling off (pollNow still works). Default 30 s. */
  readonly intervalMs?: number;
  /** Re-read contacts' names and phones every this many polls (default 10). */
  readonly directoryEvery?: number;
  /** Poll failures other than a lost sign-in (default: a process warning). */
  readonly onError?: (error: unknown) => void;
}

export class PresenceWatcher {
  private timer: ReturnType<typeof setInterval> | undefined;
  private rounds = 0;
  private polling: Promise<void> | undefined;
  /** The Inbox's unread count at the last poll (or at sign-in). */
  unread: number | undefined;

  constructor(private readonly ctx: GraphContext, private readonly options: WatcherOptions = {}) {}

  start(): void {
    const every = this.options.intervalMs ?? 30_000;
    if (this.timer || every <= 0) return;
    // Every `directoryEvery`-th timed round also re-reads the contacts' directory entries.
    this.timer = setInterval(() => { void this.poll(++this.rounds % (this.options.directoryEvery ?? 10) === 0); }, every);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unread = undefined;
  }

  /**
   * One round now: presence, me and the inbox, and (unless `directory: false`, a light round like
   * most timed ones) my contacts' directory entries.
   */
  pollNow(options: { readonly directory?: boolean } = {}): Promise<void> { return this.poll(options.directory ?? true); }

  private poll(directory: boolean): Promise<void> {
    this.polling ??= this.round(directory)
      .catch((error: unknown) => this.failed(error))
      .finally(() => { this.polling = undefined; });
    return this.polling;
  }

  private failed(error: unknown): void {
    if (isMessengerError(error, 'MSGR_E_NOT_LOGGED_ON') && this.ctx.signedIn) {
      this.stop();
      this.ctx.reset();
      this.ctx.notify({ type: 'signedOut' });
      return;
    }
    (this.options.onError ?? ((e: unknown) => process.emitWarning(redact(`Graph presence poll failed: ${e instanceof Error ? e.message : String(e)}`))))(error);
  }

  private async round(directory: boolean): Promise<void> {
    if (!this.ctx.signedIn || !this.ctx.me) return;
    const me = this.ctx.me;
    const contacts = [...(this.ctx.contacts?.values() ?? [])];
    const ids = [me.id, ...contacts.map((c) => c.userId)];
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += PRESENCE_ID_LIMIT) chunks.push(ids.slice(i, i + PRESENCE_ID_LIMIT));
    const responses = await this.ctx.http.batch<unknown>([
      ...chunks.map((chunk) => ({ method: 'POST' as const, url: PRESENCE_BY_ID, body: { ids: chunk } })),
      { method: 'GET', url: `${this.ctx.mePath}?$select=${this.ctx.userSelect(true)}` },
      { method: 'GET', url: `${this.ctx.mePath}/mailFolders/inbox?$select=unreadItemCount` },
      ...(directory ? contacts.map((c) => ({ method: 'GET' as const, url: `${userPath(c.userId, 'MSGR_E_SERVER_PROTOCOL')}?$select=${this.ctx.userSelect()}` })) : []),
    ]);
    if (responses.some((r) => r.status === 401)) throw messengerError('MSGR_E_NOT_LOGGED_ON', undefined, 'Graph no longer accepts this sign-in.');
    const presences = responses.slice(0, chunks.length).flatMap((r) => (r.status === 200 ? (r.body as { value: (GraphPresence & { id: string })[] }).value : []));
    this.applyPresence(presences);
    const [meNow, inbox] = [responses[chunks.length], responses[chunks.length + 1]];
    if (meNow?.status === 200) this.applyMe(me, meNow.body as GraphUser);
    if (inbox?.status === 200) this.applyUnread((inbox.body as { unreadItemCount: number }).unreadItemCount);
    if (directory) {
      responses.slice(chunks.length + 2).forEach((r, i) => { if (r.status === 200) this.applyContact(contacts[i]!.signinName, r.body as GraphUser); });
    }
  }

  /** Each entry finds its contact through the list's user-id index: a round is linear in the list. */
  private applyPresence(presences: readonly (GraphPresence & { id: string })[]): void {
    const me = this.ctx.me!;
    for (const p of presences) {
      const status = statusFromGraph(p, { self: p.id === me.id });
      if (p.id === me.id) {
        // What Graph aggregates now is the truth (the presence session keeps it from reading Offline).
        if (status !== this.ctx.myStatus) {
          this.ctx.myStatus = status;
          this.ctx.notify({ type: 'myStatus', status });
        }
        continue;
      }
      const before = this.ctx.presence.get(p.id);
      this.ctx.presence.set(p.id, status);
      const contact = this.ctx.contacts?.byUserId(p.id);
      if (contact && before !== undefined && before !== status) this.ctx.notify({ type: 'contactStatus', signinName: contact.signinName, status });
    }
  }

  private applyUnread(count: number): void {
    if (this.unread !== undefined && count !== this.unread) this.ctx.notify({ type: 'unreadEmail', folder: MUAFOLDER.MUAFOLDER_INBOX, count });
    this.unread = count;
  }

  private applyMe(before: GraphUser, read: GraphUser): void {
    // Read without phones (an application without directoryPhones): the phones known stay.
    const now = hasPhones(read) ? read : { ...read, businessPhones: before.businessPhones ?? [], mobilePhone: before.mobilePhone ?? null };
    this.ctx.me = this.ctx.remember(now);
    if (now.displayName !== before.displayName) this.ctx.notify({ type: 'myFriendlyName', friendlyName: now.displayName, previous: before.displayName });
    const [was, is] = [phonesOf(before), phonesOf(now)];
    if (is.work !== was.work) this.ctx.notify({ type: 'myPhone', phoneType: MPHONE_TYPE.MPHONE_TYPE_WORK, number: is.work ?? '' });
    if (is.mobile !== was.mobile) this.ctx.notify({ type: 'myPhone', phoneType: MPHONE_TYPE.MPHONE_TYPE_MOBILE, number: is.mobile ?? '' });
  }

  private applyContact(signinName: string, now: GraphUser): void {
    const listed = this.ctx.listed(signinName);
    if (!listed) return;
    this.ctx.remember(now);
    if (now.displayName && now.displayName !== listed.friendlyName) {
      listed.friendlyName = now.displayName;
      this.ctx.notify({ type: 'contactFriendlyName', signinName, friendlyName: now.displayName });
    }
    // Read without phones (no directoryPhones capability): the Outlook contact's phones stay.
    if (!hasPhones(now)) return;
    const [was, is] = [listed.phones, phonesOf(now)];
    // The directory has no home phone: the Outlook contact's stays.
    listed.phones = { ...(was.home ? { home: was.home } : {}), ...is };
    if (is.work !== was.work) this.ctx.notify({ type: 'contactPhone', signinName, phoneType: MPHONE_TYPE.MPHONE_TYPE_WORK, number: is.work ?? '' });
    if (is.mobile !== was.mobile) this.ctx.notify({ type: 'contactPhone', signinName, phoneType: MPHONE_TYPE.MPHONE_TYPE_MOBILE, number: is.mobile ?? '' });
  }
}

/** Did the directory answer carry phones? A user read with BASIC_USER_SELECT has none to compare. */
const hasPhones = (u: GraphUser): boolean => 'businessPhones' in u || 'mobilePhone' in u;

export function graphEvents(ctx: GraphContext): EventsPort {
  return { watch: (listener) => ctx.watch(listener) };
}
