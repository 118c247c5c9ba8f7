/**
 * Copying a user's Messenger data from one backend to another through core's async face: the
 * contact list (AddContact), the groups (CreateGroup) with their members (group AddContact), the
 * contact sort order (put_ContactsSortOrder) and the friendly name where the target allows it
 * (IMessenger has no put_MyFriendlyName, so it is reported skipped unless it already matches).
 *
 * Idempotent and resumable: each user's turn starts by reading both sides (after any crash, so this
 * is the "look"), and only what the target lacks is written. Every write is journalled: an intent
 * record (fsync'd) before it, a done record after it. A rerun replays the journal: done steps are
 * not done again, intents are looked at on the target before anything is redone (core's AddContact
 * and CreateGroup look first themselves: a group created just before a kill is found, not made
 * twice). Users are copied `concurrency` at a time, and at most `concurrency` writes are in flight.
 *
 * At the minimum of requests where the target allows it (a session's optional `lookUp` and
 * `createGroupWithMembers`; the Graph provider has both): the target's groups are listed once per user
 * and then kept current from what the copy creates; every user a write will look up is looked up
 * first, all at once (Graph: 20 per `$batch`), and kept for the run; a new group is written with all
 * its members at once (Graph: one POST /chats), several side by side, each journalled as one intent
 * append and one outcome append covering the group and its members. Without them, a group is
 * CreateGroup then one group AddContact per member, and the steps of a user run in order.
 */
import { HR, type MessengerError, type MUASORT, isMessengerError } from '@imessenger/contract';
import { type MessengerGroup, rules } from '@imessenger/core';
import { Journal, JournalError, type StepOutcome, stepKey } from './journal';
import type { ProgressSnapshot } from './progress';
import type { BackendProvider, UserSession } from './providers';
import { type BackoffRecord, type CopyReport, type ItemKind, type ItemReport, type Outcome, type UserReport, type UserStatus, MAX_BACKOFFS_RECORDED, countItems, totalsOf } from './report';
import { type BackoffEvent, type BackoffOptions, type RetryCounters, type Sleep, ThrottleGate, WriteSlots, withBackoff } from './throttle';

/** A session a provider of this package opens: it may also answer "does your directory know this user?". */
export interface CopySession extends UserSession {
  /** Read-only directory probe; planCopy uses it (when asked to) to predict MSGR_E_USER_NOT_FOUND. */
  knows?(signinName: string): Promise<boolean>;
  /**
   * Many users looked up at once (keys lower-cased: known or not), the answers kept for the session
   * so that the writes after it (AddContact, group AddContact) look nobody up again. Graph: `$batch`
   * requests of 20, none for listed contacts.
   */
  lookUp?(signinNames: readonly string[]): Promise<ReadonlyMap<string, boolean>>;
  /**
   * A group the target lacks (the copy has looked, from its listing: B286), created with its members
   * in as few writes as the backend allows (Graph: one POST /chats carrying every member). Several
   * may run at once. Without it the copy calls CreateGroup, then group AddContact per member.
   */
  createGroupWithMembers?(name: string, members: readonly string[]): Promise<GroupWritten>;
}

/** What createGroupWithMembers wrote. */
export interface GroupWritten {
  /** The members the new group holds. */
  readonly members: readonly string[];
  /** Members the target's directory does not know: not added (MSGR_E_USER_NOT_FOUND). */
  readonly unknown: readonly string[];
}

export type StepKind = Exclude<ItemKind, 'user'>;
export type PlanAction = 'create' | 'present' | 'skip' | 'fail';

export interface PlannedStep {
  /** The journal key (kind and lower-cased names). */
  readonly key: string;
  readonly kind: StepKind;
  /** Contact or member sign-in name, group name, "ContactsSortOrder" or "MyFriendlyName". */
  readonly name: string;
  /** A member's group. */
  readonly group?: string;
  readonly action: PlanAction;
  readonly reason?: string;
  readonly hr?: string;
  /** The sort order to set (MUASORT). */
  readonly value?: number;
}

export interface UserPlan {
  readonly user: string;
  readonly steps: readonly PlannedStep[];
  readonly counts: Readonly<Record<PlanAction, number>>;
}

export interface PlanOptions {
  /** Steps a journal says are done and are gone from the target again are skipped, not redone. */
  readonly journal?: Journal;
  /** Ask the target's directory (CopySession.knows) about each contact and member it lacks (default false). */
  readonly probe?: boolean;
}

export const SORT_ORDER = 'ContactsSortOrder';
export const FRIENDLY_NAME = 'MyFriendlyName';
const FRIENDLY_NAME_READ_ONLY = 'MyFriendlyName is read-only through IMessenger (there is no put_MyFriendlyName)';
/** HRESULTs that say "this backend cannot do that at all": the step is skipped, not failed. */
const UNSUPPORTED = ['E_NOTIMPL', 'MSGR_E_GROUPS_NOT_ENABLED'] as const;
const isUnsupported = (error: unknown): boolean => UNSUPPORTED.some((hr) => isMessengerError(error, hr));

/** Why an item failed: its HRESULT name and a reason in words. */
export interface Failure { readonly hr: string; readonly reason: string }

export function failureOf(error: unknown): Failure {
  if (isMessengerError(error)) return { hr: error.code, reason: (error as MessengerError).description };
  return { hr: 'E_FAIL', reason: error instanceof Error ? error.message : String(error) };
}

// ---- reading one side -----------------------------------------------------------------------

/** A group of the target: from the listing (with its MessengerGroup), or created by this run. */
interface GroupView { readonly name: string; readonly group?: MessengerGroup; readonly members: Map<string, string> }

/** What one side holds, read once at the start of a user's turn. Keys are lower-cased names. */
interface Side {
  readonly contacts: Map<string, string>;
  readonly groups: Map<string, GroupView> | Failure;
  readonly sortOrder: number | Failure;
  readonly friendlyName: string | Failure;
}

const failed = <T>(value: T | Failure): value is Failure => typeof value === 'object' && value !== null && 'hr' in value && 'reason' in value;

async function attempt<T>(read: () => Promise<T>): Promise<T | Failure> {
  try { return await read(); } catch (error) {
    if (isUnsupported(error)) return failureOf(error);
    throw error;
  }
}

async function namesOf(contacts: AsyncIterable<{ get_SigninName(): Promise<string> }>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for await (const contact of contacts) {
    const name = await contact.get_SigninName();
    names.set(name.toLowerCase(), name);
  }
  return names;
}

async function readSide(session: UserSession): Promise<Side> {
  const m = session.messenger;
  const contacts = (await attempt(async () => namesOf(await m.get_MyContacts())));
  const groups = await attempt(async () => {
    const views = new Map<string, GroupView>();
    for (const group of (await m.get_MyGroups()).toArray()) {
      const name = await group.get_Name();
      views.set(name.toLowerCase(), { name, group, members: await namesOf(await group.get_Contacts()) });
    }
    return views;
  });
  return {
    contacts: failed(contacts) ? new Map() : contacts,
    groups,
    sortOrder: await attempt(() => m.get_ContactsSortOrder()),
    friendlyName: await attempt(() => m.get_MyFriendlyName()),
  };
}

/** A group of the target by name, through core (for a group this run created without a MessengerGroup). */
async function groupNamed(m: UserSession['messenger'], name: string): Promise<MessengerGroup> {
  for (const group of (await m.get_MyGroups()).toArray()) if ((await group.get_Name()).toLowerCase() === name.toLowerCase()) return group;
  throw new Error(`group "${name}" is not on the target`);
}

// ---- planning -------------------------------------------------------------------------------

const EARLIER = 'copied by an earlier run';
const GONE = 'copied by an earlier run and since removed from the target: not copied again (use a new journal to copy it again)';
const IN_FLIGHT = 'in flight when an earlier run stopped';

async function planSteps(user: string, src: Side, tgt: Side, target: CopySession, options: PlanOptions): Promise<PlannedStep[]> {
  const journal = options.journal;
  const steps: PlannedStep[] = [];
  const known = new Map<string, Promise<boolean>>();
  if (options.probe && target.lookUp) {
    // Every user the probe will ask about, at once.
    const asked = new Set<string>();
    for (const [key, name] of src.contacts) if (!tgt.contacts.has(key)) asked.add(name);
    if (!failed(src.groups) && !failed(tgt.groups)) {
      for (const [key, source] of src.groups) {
        const there = tgt.groups.get(key);
        for (const [memberKey, member] of source.members) if (!there?.members.has(memberKey)) asked.add(member);
      }
    }
    if (asked.size) {
      const answers = await target.lookUp([...asked]);
      for (const [name, answer] of answers) known.set(name.toLowerCase(), Promise.resolve(answer));
    }
  }
  const knows = (name: string): Promise<boolean> => {
    if (!options.probe || (!target.knows && !target.lookUp)) return Promise.resolve(true);
    if (!target.knows) return known.get(name.toLowerCase()) ?? Promise.resolve(true);
    let answer = known.get(name.toLowerCase());
    if (!answer) known.set(name.toLowerCase(), (answer = target.knows(name)));
    return answer;
  };
  /** A step the target lacks: create it, unless the journal says it was done and has gone since, or nobody knows the user. */
  const missing = async (step: Omit<PlannedStep, 'action'>, signinName?: string): Promise<PlannedStep> => {
    const state = journal?.state(user, step.key);
    // It was on the target once (made by a run, or found there): its absence now is someone's removal.
    if (state?.done === 'created' || state?.done === 'present') return { ...step, action: 'skip', reason: GONE };
    if (signinName !== undefined && !(await knows(signinName))) {
      return { ...step, action: 'fail', hr: 'MSGR_E_USER_NOT_FOUND', reason: `the target's directory has no user "${signinName}"` };
    }
    return { ...step, action: 'create', ...(state?.last === 'intent' ? { reason: `${IN_FLIGHT}: the target is looked at again before it is redone` } : {}) };
  };
  const present = (step: Omit<PlannedStep, 'action'>): PlannedStep => {
    const state = journal?.state(user, step.key);
    const reason = state?.last === 'intent' ? `${IN_FLIGHT}; found on the target` : state?.done === 'created' ? EARLIER : undefined;
    return { ...step, action: 'present', ...(reason ? { reason } : {}) };
  };

  for (const [key, name] of src.contacts) {
    const step = { key: stepKey('contact', name), kind: 'contact' as const, name };
    steps.push(tgt.contacts.has(key) ? present(step) : await missing(step, name));
  }

  if (!failed(src.groups)) {
    for (const [key, source] of src.groups) {
      const groupStep = { key: stepKey('group', source.name), kind: 'group' as const, name: source.name };
      const there = failed(tgt.groups) ? undefined : tgt.groups.get(key);
      let group: PlannedStep;
      if (failed(tgt.groups)) group = { ...groupStep, action: 'skip', hr: tgt.groups.hr, reason: `the target has no groups: ${tgt.groups.reason}` };
      else group = there ? present(groupStep) : await missing(groupStep);
      steps.push(group);
      for (const [memberKey, member] of source.members) {
        const step = { key: stepKey('member', source.name, member), kind: 'member' as const, name: member, group: source.name };
        if (group.action === 'skip' || group.action === 'fail') steps.push({ ...step, action: 'skip', reason: `group "${source.name}" is not copied` });
        else if (there?.members.has(memberKey)) steps.push(present(step));
        else steps.push(await missing(step, member));
      }
    }
  }

  const sortStep = { key: stepKey('sortOrder'), kind: 'sortOrder' as const, name: SORT_ORDER };
  if (failed(src.sortOrder)) steps.push({ ...sortStep, action: 'skip', hr: src.sortOrder.hr, reason: `the source has no ${SORT_ORDER}` });
  else if (failed(tgt.sortOrder)) steps.push({ ...sortStep, action: 'skip', hr: tgt.sortOrder.hr, reason: `the target cannot keep ${SORT_ORDER}: ${tgt.sortOrder.reason}` });
  else if (tgt.sortOrder === src.sortOrder) steps.push({ ...present(sortStep), value: src.sortOrder });
  else steps.push({ ...sortStep, action: 'create', value: src.sortOrder });

  const nameStep = { key: stepKey('friendlyName'), kind: 'friendlyName' as const, name: FRIENDLY_NAME };
  if (failed(src.friendlyName)) steps.push({ ...nameStep, action: 'skip', hr: src.friendlyName.hr, reason: `the source has no ${FRIENDLY_NAME}` });
  else if (!failed(tgt.friendlyName) && tgt.friendlyName === src.friendlyName) steps.push({ ...nameStep, action: 'present' });
  else {
    const has = failed(tgt.friendlyName) ? 'cannot be read on the target' : `the target keeps "${tgt.friendlyName}"`;
    steps.push({ ...nameStep, action: 'skip', reason: `${FRIENDLY_NAME_READ_ONLY}: ${has}, the source has "${src.friendlyName}"` });
  }
  return steps;
}

function countActions(steps: readonly PlannedStep[]): Record<PlanAction, number> {
  const counts: Record<PlanAction, number> = { create: 0, present: 0, skip: 0, fail: 0 };
  for (const s of steps) counts[s.action]++;
  return counts;
}

/**
 * What copying `source` to `target` would do, without writing anything: each step to create, already
 * present, skipped (with the reason) or predicted to fail (with `probe`, contacts and members the
 * target's directory does not know: MSGR_E_USER_NOT_FOUND).
 */
export async function planCopy(source: CopySession, target: CopySession, options: PlanOptions = {}): Promise<UserPlan> {
  return (await plan(source, target, options)).plan;
}

async function plan(source: CopySession, target: CopySession, options: PlanOptions): Promise<{ plan: UserPlan; target: Side }> {
  const src = await readSide(source);
  const tgt = await readSide(target);
  const steps = await planSteps(target.user, src, tgt, target, options);
  return { plan: { user: target.user, steps, counts: countActions(steps) }, target: tgt };
}

// ---- copying --------------------------------------------------------------------------------

export interface CopyOptions {
  readonly from: BackendProvider;
  readonly to: BackendProvider;
  /** Default: every user the source lists (`from.users()`). */
  readonly users?: readonly string[];
  /** Plan only: open both sides, read, report what would be done; write nothing (journal included). */
  readonly dryRun?: boolean;
  /** A journal, or the path of one (opened, replayed, closed here). Without one the copy is still idempotent, not resumable by journal. */
  readonly journal?: Journal | string;
  /**
   * Users copied at the same time, and writes in flight at once across them (default 4): one user's
   * new groups are created this many at a time when the target can write a group whole.
   */
  readonly concurrency?: number;
  readonly backoff?: BackoffOptions;
  /** In a dry run, ask the target's directory about contacts and members it lacks (default true). */
  readonly probe?: boolean;
  readonly onProgress?: (snapshot: ProgressSnapshot) => void;
  /**
   * Told when the copy starts waiting on a side ("graph:/etc/tenant.json to sign in alice@contoso.com"),
   * retries and backoffs included; it calls what this returns when the wait is over. The CLI shows
   * a wait over a second (@imessenger/command-line's waiting line).
   */
  readonly onWait?: (what: string) => () => void;
  /** Stop: no new step starts; the report says `aborted`. */
  readonly signal?: AbortSignal;
  /**
   * What the source and the target are, for the report and the journal (default: the providers'
   * names). A journal belongs to one source and one target: reusing it for another pair is refused.
   */
  readonly endpoints?: { readonly from: string; readonly to: string };
  /** Test hooks. */
  readonly now?: () => number;
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

export const DEFAULT_CONCURRENCY = 4;

/** A step as the waiting line names it: `contact bob@…`, `group "Friends"`, `bob@… in "Friends"`, `the sort order`. */
function describeStep(step: PlannedStep): string {
  switch (step.kind) {
    case 'contact': return `contact ${step.name}`;
    case 'group': return `group "${step.name}"`;
    case 'member': return `${step.name} in "${step.group ?? ''}"`;
    case 'sortOrder': return 'the sort order';
    case 'friendlyName': return 'the friendly name';
  }
}

export async function copyUsers(options: CopyOptions): Promise<CopyReport> {
  const now = options.now ?? Date.now;
  const started = now();
  const dryRun = options.dryRun ?? false;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_CONCURRENCY));
  if (!Number.isFinite(concurrency)) throw new RangeError('copyUsers: concurrency must be a positive number.');
  const { signal } = options;
  const endpoints = options.endpoints ?? { from: options.from.name, to: options.to.name };
  /** `work`, told to onWait as a wait for `what`. */
  const waitOn = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    const done = options.onWait?.(what);
    try { return await work(); } finally { done?.(); }
  };
  const listUsers = options.from.users?.bind(options.from);
  const listed = options.users ?? (listUsers ? await waitOn(`${endpoints.from} to list its users`, listUsers) : undefined);
  if (!listed) throw new TypeError(`copyUsers: no users given, and the ${options.from.name} provider cannot list its users.`);
  const users = dedupe(listed);

  const ownJournal = typeof options.journal === 'string';
  const journal = typeof options.journal === 'string' ? Journal.open(options.journal, { readOnly: dryRun }) : options.journal;
  const previous = journal?.runs[journal.runs.length - 1];
  if (previous && (previous.from !== endpoints.from || previous.to !== endpoints.to)) {
    if (ownJournal) journal?.close();
    throw new JournalError(`The journal ${journal!.file} belongs to a copy from ${previous.from} to ${previous.to}, not from ${endpoints.from} to ${endpoints.to}: give another journal.`);
  }
  if (journal && !dryRun) journal.run(endpoints.from, endpoints.to);
  const gate = new ThrottleGate(now, options.sleep);
  const slots = new WriteSlots(concurrency);

  const progress = { stepsDone: 0, stepsTotal: 0, usersDone: 0, usersPlanned: 0, failures: 0, throttles: 0 };
  const emit = () => options.onProgress?.({ ...progress, usersTotal: users.length, elapsedMs: now() - started });

  const copyUser = async (user: string): Promise<UserReport> => {
    const userStart = now();
    const counters: RetryCounters = { throttles: 0, retries: 0 };
    /** When each throttle and retry began, for the report's timeline. */
    const backoffs: BackoffRecord[] = [];
    const onBackoff = (e: BackoffEvent) => {
      if (backoffs.length < MAX_BACKOFFS_RECORDED) backoffs.push({ at: new Date(now()).toISOString(), kind: e.kind, hr: e.hr, waitMs: e.waitMs });
    };
    /** The report's items, in plan order (steps may finish out of order). */
    const reported: (ItemReport | undefined)[] = [];
    const backoff = <T>(step: () => Promise<T>): Promise<T> => {
      const before = counters.throttles;
      return withBackoff(step, { backoff: options.backoff, gate, counters, signal, random: options.random, sleep: options.sleep, onBackoff })
        .finally(() => { progress.throttles += counters.throttles - before; });
    };
    const finish = (status: UserStatus, error?: Failure): UserReport => {
      const items = reported.filter((i): i is ItemReport => i !== undefined);
      progress.usersDone++;
      emit();
      return {
        user, status, counts: countItems(items), throttles: counters.throttles, retries: counters.retries, durationMs: now() - userStart,
        ...(error ? { error } : {}), items, ...(backoffs.length > 0 ? { backoffs } : {}),
      };
    };

    let source: CopySession | undefined;
    let target: CopySession | undefined;
    try {
      let planned: { plan: UserPlan; target: Side };
      try {
        source = await waitOn(`${endpoints.from} to sign in ${user}`, () => backoff(() => options.from.open(user)));
        target = await waitOn(`${endpoints.to} to sign in ${user}`, () => backoff(() => options.to.open(user)));
        const s = source;
        const t = target;
        planned = await waitOn(`${user}'s lists on both sides`, () => backoff(() => plan(s, t, { journal, probe: dryRun && (options.probe ?? true) })));
      } catch (error) {
        progress.failures++;
        return finish('failed', failureOf(error));
      }
      progress.stepsTotal += planned.plan.steps.length;
      progress.usersPlanned++;
      emit();
      const session = target;
      const steps = planned.plan.steps;
      const tgt = planned.target;
      let serviceId: string | undefined;
      // The listing read for the plan, kept current from here on: the only one of this run.
      const groupViews = failed(tgt.groups) ? new Map<string, GroupView>() : tgt.groups;
      const notCreated = new Set<string>();
      const bulk = dryRun ? undefined : session.createGroupWithMembers?.bind(session);

      const record = (index: number, outcome: Outcome, extra: { reason?: string; hr?: string } = {}) => {
        const step = steps[index]!;
        const reason = extra.reason ?? step.reason;
        const hr = extra.hr ?? step.hr;
        reported[index] = { kind: step.kind, name: step.name, ...(step.group !== undefined ? { group: step.group } : {}), outcome, ...(reason ? { reason } : {}), ...(hr ? { hr } : {}) };
        progress.stepsDone++;
        if (outcome === 'failed') progress.failures++;
        emit();
      };
      /** A step that writes nothing: planned (dry run), present, skipped, or predicted to fail. */
      const recordAsPlanned = (index: number) => {
        const step = steps[index]!;
        if (dryRun) {
          record(index, step.action === 'create' ? 'planned' : step.action === 'present' ? 'present' : step.action === 'skip' ? 'skipped' : 'failed');
          return;
        }
        // An intent the target turns out to have: close it in the journal.
        if (step.action === 'present' && journal?.state(user, step.key)?.last === 'intent') journal.done(user, step.key, 'present');
        record(index, step.action === 'present' ? 'present' : step.action === 'skip' ? 'skipped' : 'failed');
      };

      /** One step through core's async face (CreateGroup, AddContact, group AddContact, put_ContactsSortOrder). */
      const writeStep = async (index: number): Promise<void> => {
        const step = steps[index]!;
        if (step.kind === 'member' && notCreated.has(step.group!.toLowerCase())) {
          record(index, 'skipped', { reason: `group "${step.group}" was not created` });
          return;
        }
        journal?.intent(user, step.key);
        try {
          const outcome = await waitOn(`${endpoints.to} to write ${describeStep(step)} for ${user}`, () => backoff(async () => {
            const m = session.messenger;
            switch (step.kind) {
              case 'contact':
                try {
                  await m.AddContact(0, step.name);
                  return 'created' as const;
                } catch (error) {
                  if (isMessengerError(error, 'MSGR_E_ALREADY_IN_LIST')) return 'present' as const;
                  throw error;
                }
              case 'group': {
                serviceId ??= await m.get_MyServiceId();
                let existed = false;
                // CreateGroup looks the name up first and returns the group it finds (B286): OnGroupAdded says which.
                const off = m.on('OnGroupAdded', (hr) => { if (hr === HR.MSGR_E_GROUP_ALREADY_EXISTS) existed = true; });
                let group: MessengerGroup;
                try { group = await m.CreateGroup(step.name, serviceId); } finally { off(); }
                groupViews.set(step.name.toLowerCase(), { name: step.name, group, members: await namesOf(await group.get_Contacts()) });
                return existed ? 'present' as const : 'created' as const;
              }
              case 'member': {
                const view = groupViews.get(step.group!.toLowerCase());
                if (!view) throw new Error(`group "${step.group}" is not on the target`);
                if (view.members.has(step.name.toLowerCase())) return 'present' as const;
                const group = view.group ?? await groupNamed(m, step.group!);
                await group.AddContact(step.name);
                view.members.set(step.name.toLowerCase(), step.name);
                return 'created' as const;
              }
              case 'sortOrder':
                await m.put_ContactsSortOrder(step.value as MUASORT);
                return 'created' as const;
              case 'friendlyName':
                return 'skipped' as const;
            }
          }));
          journal?.done(user, step.key, outcome);
          record(index, outcome, outcome === 'present' ? { reason: step.reason ?? 'found on the target when written' } : {});
        } catch (error) {
          const failure = failureOf(error);
          if (isUnsupported(error)) {
            journal?.done(user, step.key, 'skipped');
            record(index, 'skipped', { hr: failure.hr, reason: `the target cannot do this: ${failure.reason}` });
          } else {
            journal?.failed(user, step.key, failure.hr, failure.reason);
            record(index, 'failed', failure);
          }
          if (step.kind === 'group') notCreated.add(step.name.toLowerCase());
        }
      };

      /**
       * A new group and its members in one write (createGroupWithMembers): the intents of all of them
       * in one fsync'd append before it, their outcomes in one after it.
       */
      const writeGroup = async (index: number, memberIndexes: readonly number[], write: NonNullable<CopySession['createGroupWithMembers']>): Promise<void> => {
        const step = steps[index]!;
        const members = memberIndexes.filter((j) => steps[j]!.action === 'create');
        for (const j of memberIndexes) if (steps[j]!.action !== 'create') recordAsPlanned(j);
        journal?.intents(user, [step.key, ...members.map((j) => steps[j]!.key)]);
        let written: GroupWritten;
        try {
          const name = rules.checkGroupName(step.name, 'IMessenger2.CreateGroup');
          written = await waitOn(`${endpoints.to} to create group "${step.name}" with ${members.length} member${members.length === 1 ? '' : 's'} for ${user}`,
            () => backoff(() => write(name, members.map((j) => steps[j]!.name))));
        } catch (error) {
          const failure = failureOf(error);
          const notMade = `group "${step.name}" was not created`;
          if (isUnsupported(error)) {
            journal?.settle(user, [step.key, ...members.map((j) => steps[j]!.key)].map((key) => ({ step: key, outcome: 'skipped' as const })));
            record(index, 'skipped', { hr: failure.hr, reason: `the target cannot do this: ${failure.reason}` });
          } else {
            journal?.settle(user, [
              { step: step.key, hr: failure.hr, reason: failure.reason },
              ...members.map((j) => ({ step: steps[j]!.key, hr: failure.hr, reason: `${notMade}: ${failure.reason}` })),
            ]);
            record(index, 'failed', failure);
          }
          for (const j of members) record(j, 'skipped', { reason: notMade });
          return;
        }
        const unknown = new Set(written.unknown.map((m) => m.toLowerCase()));
        const missingUser = (name: string) => `the target's directory has no user "${name}"`;
        journal?.settle(user, [
          { step: step.key, outcome: 'created' },
          ...members.map((j): StepOutcome => (unknown.has(steps[j]!.name.toLowerCase())
            ? { step: steps[j]!.key, hr: 'MSGR_E_USER_NOT_FOUND', reason: missingUser(steps[j]!.name) }
            : { step: steps[j]!.key, outcome: 'created' })),
        ]);
        groupViews.set(step.name.toLowerCase(), { name: step.name, members: new Map(written.members.map((m) => [m.toLowerCase(), m])) });
        record(index, 'created');
        for (const j of members) {
          if (unknown.has(steps[j]!.name.toLowerCase())) record(j, 'failed', { hr: 'MSGR_E_USER_NOT_FOUND', reason: missingUser(steps[j]!.name) });
          else record(j, 'created');
        }
      };

      if (!dryRun && session.lookUp) {
        // Everyone the writes through core will look up (contacts; members of groups already there), at once.
        const names = steps.filter((s) => s.action === 'create' && (s.kind === 'contact' || (s.kind === 'member' && (!bulk || groupViews.has(s.group!.toLowerCase()))))).map((s) => s.name);
        const lookUp = session.lookUp.bind(session);
        // Only a saving: when it fails, each write looks its user up itself.
        if (names.length) await waitOn(`${endpoints.to} to look up ${names.length} user${names.length === 1 ? '' : 's'} for ${user}`, () => slots.run(() => backoff(() => lookUp(names)))).catch(() => undefined);
      }

      // Group creations run side by side (each holding a write slot); any other step waits until they are done.
      const inFlight = new Set<Promise<void>>();
      let broken: { error: unknown } | undefined;
      const drain = async () => {
        while (inFlight.size) await Promise.all(inFlight);
        if (broken) throw broken.error;
      };
      for (let i = 0; i < steps.length; i++) {
        if (signal?.aborted || broken) break;
        const step = steps[i]!;
        if (dryRun || step.action !== 'create') {
          recordAsPlanned(i);
          continue;
        }
        if (bulk && step.kind === 'group') {
          const groupIndex = i;
          const memberIndexes: number[] = [];
          while (steps[i + 1]?.kind === 'member' && steps[i + 1]!.group === step.name) memberIndexes.push(++i);
          const release = await slots.acquire();
          const unit: Promise<void> = writeGroup(groupIndex, memberIndexes, bulk)
            .catch((error: unknown) => { broken ??= { error }; })
            .finally(() => { release(); inFlight.delete(unit); });
          inFlight.add(unit);
          continue;
        }
        await drain();
        await slots.run(() => writeStep(i));
      }
      await drain();
      if (reported.filter(Boolean).length < steps.length) return finish('incomplete'); // stopped
      if (dryRun) return finish('planned');
      return finish(reported.some((i) => i?.outcome === 'failed') ? 'failed' : 'done');
    } finally {
      await Promise.allSettled([source?.close(), target?.close()]);
    }
  };

  const reports: (UserReport | undefined)[] = Array.from({ length: users.length }, () => undefined);
  let next = 0;
  const worker = async () => {
    while (next < users.length && !signal?.aborted) {
      const i = next++;
      reports[i] = await copyUser(users[i]!);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, users.length) }, worker));
  } finally {
    if (ownJournal) journal?.close();
  }
  const done = reports.map((r, i): UserReport => r ?? {
    user: users[i]!, status: 'incomplete', counts: countItems([]), throttles: 0, retries: 0, durationMs: 0,
    error: { hr: 'E_ABORT', reason: 'not started: the copy was stopped' }, items: [],
  });
  const finished = now();
  return {
    version: 1, from: endpoints.from, to: endpoints.to, dryRun, aborted: signal?.aborted ?? false,
    startedAt: new Date(started).toISOString(), finishedAt: new Date(finished).toISOString(), durationMs: finished - started,
    concurrency, ...(journal ? { journal: journal.file } : {}), totals: totalsOf(done), users: done,
  };
}

function dedupe(users: readonly string[]): string[] {
  const seen = new Set<string>();
  return users.map((u) => u.trim()).filter((u) => {
    if (!u || seen.has(u.toLowerCase())) return false;
    seen.add(u.toLowerCase());
    return true;
  });
}
