/**
 * Dual-write mode: a write goes to the primary (the caller sees its result and its errors), then
 * the same write goes to the secondary. A secondary failure never fails the caller: it is recorded
 * and queued (durably, see dual-write-queue.ts) for `retryQueued()`. While earlier writes wait in
 * the queue, later ones queue behind them, so the secondary receives writes in the caller's order.
 * Group writes are translated: the secondary's group is the one with the same name.
 */
import { type BackendPorts, type GroupRecord, type MISTATUS, type MUASORT, messengerError } from '@imessenger/contract';
import type { Side } from './config';
import type { QueuedWrite, SecondaryWrite, WriteQueue } from './dual-write-queue';
import { type FailedResult, normalizeError } from './normalize';
import type { DelegatedCapability } from './routing-methods';

export { fileWriteQueue, memoryWriteQueue, readQueue, type QueuedWrite, type SecondaryWrite, type WriteQueue } from './dual-write-queue';

const sameName = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

async function groupNamed(ports: BackendPorts, name: string): Promise<GroupRecord | undefined> {
  const groups = ports.groups;
  if (!groups) throw messengerError('MSGR_E_GROUPS_NOT_ENABLED', undefined, 'The secondary backend has no groups capability.');
  return (await groups.list()).find((g) => sameName(g.name, name));
}

async function primaryServiceId(ports: BackendPorts): Promise<string> {
  const services = await ports.session.services();
  return (services.find((s) => s.primary) ?? services[0])?.id ?? '';
}

/**
 * Apply one write to a backend, idempotently: a write whose effect is already there (contact
 * already listed, group already created, member already removed) succeeds without a change.
 */
export async function applyWrite(write: SecondaryWrite, ports: BackendPorts): Promise<void> {
  const need = <C extends DelegatedCapability>(capability: C): NonNullable<BackendPorts[C]> => {
    const port = ports[capability];
    if (!port) throw messengerError(capability === 'groups' ? 'MSGR_E_GROUPS_NOT_ENABLED' : 'E_NOTIMPL', undefined, `The backend has no ${capability} capability.`);
    return port as NonNullable<BackendPorts[C]>;
  };
  switch (write.capability) {
    case 'directory': {
      const directory = need('directory');
      if (write.member === 'setBlocked') { await directory.setBlocked(write.signinName, write.blocked); return; }
      const listed = (await directory.listContacts()).some((c) => sameName(c.signinName, write.signinName));
      if (write.member === 'addContact' && !listed) await directory.addContact(write.signinName);
      if (write.member === 'removeContact' && listed) await directory.removeContact(write.signinName);
      return;
    }
    case 'presence': await need('presence').setMyStatus(write.status); return;
    case 'preferences': await need('preferences').setSortOrder(write.order); return;
    case 'groups': {
      const groups = need('groups');
      switch (write.member) {
        case 'create':
          // Look before create: a repeated create must not make a second group (Graph group chats are not deduplicated).
          if (!(await groupNamed(ports, write.name))) await groups.create(write.name, await primaryServiceId(ports));
          return;
        case 'rename': {
          const group = await groupNamed(ports, write.group);
          if (group) { await groups.rename(group.id, write.name); return; }
          if (await groupNamed(ports, write.name)) return;
          throw messengerError('MSGR_E_GROUP_DOES_NOT_EXIST', undefined, `The secondary has no group "${write.group}".`);
        }
        case 'remove': {
          const group = await groupNamed(ports, write.group);
          if (group) await groups.remove(group.id);
          return;
        }
        case 'addMember':
        case 'removeMember': {
          const group = await groupNamed(ports, write.group);
          if (!group) throw messengerError('MSGR_E_GROUP_DOES_NOT_EXIST', undefined, `The secondary has no group "${write.group}".`);
          const member = group.members.some((m) => sameName(m, write.signinName));
          if (write.member === 'addMember' && !member) await groups.addMember(group.id, write.signinName);
          if (write.member === 'removeMember' && member) await groups.removeMember(group.id, write.signinName);
          return;
        }
      }
    }
  }
}

/** A human line for a write ("groups.addMember Coworkers bob@contoso.com"). */
export function describeWrite(write: SecondaryWrite): string {
  const { capability, member, ...rest } = write;
  return `${capability}.${member} ${Object.values(rest).map((v) => String(v)).join(' ')}`.trim();
}

export interface RetryReport {
  readonly attempted: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Entries still waiting (the failed one and everything behind it, plus other users' entries). */
  readonly remaining: number;
  readonly applied: readonly QueuedWrite[];
}

/** A write the secondary did not receive: queued for retry, or (when it cannot be replayed) only recorded. */
export interface DualWriteFailure {
  readonly time: string;
  readonly user?: string;
  readonly target: Side;
  readonly capability: DelegatedCapability;
  readonly member: string;
  readonly error: FailedResult;
  /** The queue entry; absent when the write cannot be replayed (reconcile repairs it). */
  readonly queued?: QueuedWrite;
}

export interface DualWriterOptions {
  readonly queue: WriteQueue;
  readonly now?: () => Date;
  /** Called for every write the secondary did not receive (after it is queued). */
  readonly onSecondaryFailure?: (failure: DualWriteFailure) => void;
}

let sequence = 0;
const newId = (now: Date): string => `${now.getTime().toString(36)}-${process.pid.toString(36)}-${(sequence++).toString(36)}`;
const QUEUED_BEHIND: FailedResult = { $error: 'QUEUED', message: 'Queued behind earlier writes the secondary refused.' };

export class DualWriter {
  /** Every write the secondary did not receive in this session, in order. */
  readonly failures: DualWriteFailure[] = [];
  /** Primary group id -> name, learnt from lists and writes (the secondary's group is found by this name). */
  private readonly groupNames = new Map<string, string>();

  constructor(private readonly options: DualWriterOptions) {}

  /** Remember group names seen in a primary's list. */
  learnGroups(groups: readonly GroupRecord[]): void {
    for (const g of groups) this.groupNames.set(g.id, g.name);
  }

  private async groupName(primary: BackendPorts, id: string): Promise<string | undefined> {
    const known = this.groupNames.get(id);
    if (known !== undefined) return known;
    if (!primary.groups) return undefined;
    try {
      this.learnGroups(await primary.groups.list());
    } catch {
      return undefined;
    }
    return this.groupNames.get(id);
  }

  /**
   * Run one write: the primary first (its result or error is the caller's), then the secondary,
   * whose failure is queued and never reaches the caller.
   */
  async write<T>(
    capability: DelegatedCapability, member: string, args: readonly unknown[],
    primaryPorts: BackendPorts, primary: () => Promise<T>,
    secondary: { readonly side: Side; readonly ports: BackendPorts }, user: string | undefined,
  ): Promise<T> {
    // A group write names its group by the primary's id: learn its name before the primary changes it.
    const groupId = capability === 'groups' && member !== 'create' ? String(args[0]) : undefined;
    const before = groupId === undefined ? undefined : await this.groupName(primaryPorts, groupId);
    const result = await primary();
    if (capability === 'groups') this.track(member, args, result);
    const write = toSecondaryWrite(capability, member, args, before, result);
    if (!write) {
      this.fail({ target: secondary.side, user, capability, member },
        { $error: 'MSGR_E_GROUP_DOES_NOT_EXIST', message: `The primary's group ${groupId ?? '?'} could not be named; run reconcile.` });
      return result;
    }
    await this.forward(write, secondary, user);
    return result;
  }

  private track(member: string, args: readonly unknown[], result: unknown): void {
    if (member === 'create') { const g = result as GroupRecord; this.groupNames.set(g.id, g.name); }
    if (member === 'rename') this.groupNames.set(String(args[0]), String(args[1]));
    if (member === 'remove') this.groupNames.delete(String(args[0]));
  }

  private async forward(write: SecondaryWrite, secondary: { readonly side: Side; readonly ports: BackendPorts }, user: string | undefined): Promise<void> {
    const waiting = (await this.options.queue.pending()).some((e) => sameUser(e.user, user) && e.target === secondary.side);
    if (waiting) {
      // Keep the order: this write goes behind the ones already waiting, then the queue is tried.
      await this.enqueue(secondary.side, user, write, QUEUED_BEHIND, false);
      await this.retry((side) => (side === secondary.side ? secondary.ports : undefined), user).catch(() => undefined);
      return;
    }
    try {
      await applyWrite(write, secondary.ports);
    } catch (error) {
      await this.enqueue(secondary.side, user, write, normalizeError(error), true);
    }
  }

  private async enqueue(target: Side, user: string | undefined, write: SecondaryWrite, error: FailedResult, attempted: boolean): Promise<void> {
    const now = (this.options.now?.() ?? new Date()).toISOString();
    const entry: QueuedWrite = {
      id: newId(new Date(now)), time: now, ...(user ? { user } : {}), target, write,
      error, attempts: attempted ? 1 : 0, ...(attempted ? { lastAttempt: now } : {}),
    };
    await this.options.queue.enqueue(entry);
    this.fail({ target, user, capability: write.capability, member: write.member }, error, entry);
  }

  private fail(
    what: { target: Side; user: string | undefined; capability: DelegatedCapability; member: string }, error: FailedResult, queued?: QueuedWrite,
  ): void {
    const failure: DualWriteFailure = {
      time: queued?.time ?? (this.options.now?.() ?? new Date()).toISOString(),
      ...(what.user ? { user: what.user } : {}), target: what.target, capability: what.capability, member: what.member, error,
      ...(queued ? { queued } : {}),
    };
    this.failures.push(failure);
    this.options.onSecondaryFailure?.(failure);
  }

  /**
   * Apply the queued writes of `user`, oldest first, stopping at the first that fails again (the
   * rest stay queued behind it, in order). `portsFor` gives the backend of an entry's target.
   */
  async retry(portsFor: (target: Side) => BackendPorts | undefined, user: string | undefined): Promise<RetryReport> {
    return retryQueue(this.options.queue, portsFor, { user, now: this.options.now });
  }
}

const sameUser = (a: string | undefined, b: string | undefined): boolean => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

/** Retry a queue's entries (of one user, when given) against the backends `portsFor` gives. */
export async function retryQueue(
  queue: WriteQueue, portsFor: (target: Side) => BackendPorts | undefined,
  options: { readonly user?: string; readonly now?: () => Date } = {},
): Promise<RetryReport> {
  const entries = await queue.pending();
  const remaining: QueuedWrite[] = [];
  const applied: QueuedWrite[] = [];
  let attempted = 0;
  let failed = 0;
  const blocked = new Set<Side>();
  /** Entries tried again and failed: their new error and attempt count. */
  const updated = new Map<string, QueuedWrite>();
  for (const entry of entries) {
    const mine = options.user === undefined || sameUser(entry.user, options.user);
    const ports = mine ? portsFor(entry.target) : undefined;
    if (!ports || blocked.has(entry.target)) { remaining.push(entry); continue; }
    attempted++;
    const when = (options.now?.() ?? new Date()).toISOString();
    try {
      await applyWrite(entry.write, ports);
      applied.push(entry);
    } catch (error) {
      failed++;
      blocked.add(entry.target);
      const again = { ...entry, error: normalizeError(error), attempts: entry.attempts + 1, lastAttempt: when };
      remaining.push(again);
      updated.set(entry.id, again);
    }
  }
  if (attempted === 0) return { attempted, succeeded: 0, failed, remaining: remaining.length, applied };
  // Settle against the queue as it is now: entries appended meanwhile (by this process or another)
  // stay, behind; the applied ones go; the one that failed again keeps its place with its new error.
  const done = new Set(applied.map((e) => e.id));
  let left = 0;
  await queue.update((current) => {
    const next = current.filter((e) => !done.has(e.id)).map((e) => updated.get(e.id) ?? e);
    left = next.length;
    return next;
  });
  return { attempted, succeeded: applied.length, failed, remaining: left, applied };
}

/** The write the secondary must receive for a primary write (undefined when the group's name is unknown). */
function toSecondaryWrite(capability: DelegatedCapability, member: string, args: readonly unknown[], groupName: string | undefined, result: unknown): SecondaryWrite | undefined {
  const s = (i: number): string => String(args[i]);
  switch (`${capability}.${member}`) {
    case 'directory.addContact': return { capability: 'directory', member: 'addContact', signinName: s(0) };
    case 'directory.removeContact': return { capability: 'directory', member: 'removeContact', signinName: s(0) };
    case 'directory.setBlocked': return { capability: 'directory', member: 'setBlocked', signinName: s(0), blocked: Boolean(args[1]) };
    case 'presence.setMyStatus': return { capability: 'presence', member: 'setMyStatus', status: args[0] as MISTATUS };
    case 'preferences.setSortOrder': return { capability: 'preferences', member: 'setSortOrder', order: args[0] as MUASORT };
    case 'groups.create': return { capability: 'groups', member: 'create', name: (result as GroupRecord | undefined)?.name ?? s(0) };
    case 'groups.rename': return groupName === undefined ? undefined : { capability: 'groups', member: 'rename', group: groupName, name: s(1) };
    case 'groups.remove': return groupName === undefined ? undefined : { capability: 'groups', member: 'remove', group: groupName };
    case 'groups.addMember': return groupName === undefined ? undefined : { capability: 'groups', member: 'addMember', group: groupName, signinName: s(1) };
    case 'groups.removeMember': return groupName === undefined ? undefined : { capability: 'groups', member: 'removeMember', group: groupName, signinName: s(1) };
    default: throw new Error(`dual-write: ${capability}.${member} is not a write.`);
  }
}

