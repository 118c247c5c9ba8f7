/**
 * The machinery of the conformance kit: a fresh Messenger per test on the backend under test, an
 * event recorder, HRESULT assertions, and the documented-unsupported rule (a member the backend
 * declares unsupported is checked for its declared HRESULT, never skipped).
 */
import {
  type DMessengerEvents, type HResultName, HR, MessengerError, type MessengerEventName, type MISTATUS, type OtherSide, hresultName, isMessengerError, succeeded,
} from '@imessenger/contract';
import { type BackendDefinition, createMessenger, type Messenger, type MessengerGroup } from '@imessenger/core';
import { KIT_PASSWORD, KIT_SELF, type KitSeed, kitSeed } from './fixture';

/**
 * What a backend's test file gives the kit: a fresh backend seeded with the kit's fixture (the kit
 * runs core's Messenger on it), or a Messenger served some other way (`messenger`: the contract over
 * `imessenger serve`'s wire, whose daemon runs core on its backend).
 */
export type ContractBackend = ContractSource & ({ readonly backend: BackendDefinition; readonly messenger?: undefined } | { readonly messenger: Messenger; readonly backend?: undefined });

/** What every ContractBackend may add, besides its backend or messenger. */
export interface ContractSource {
  /** Test hooks for the other side; without them the event tests that need it are reported failed. */
  readonly otherSide?: OtherSide;
  /** Called after each test (stop a fake server, close files). */
  readonly dispose?: () => void | Promise<void>;
}
export type ContractFactory = (seed: KitSeed) => ContractBackend | Promise<ContractBackend>;

export interface ContractOptions {
  /** `Interface.Member` -> the HRESULT this backend documents for it (it cannot do it). */
  readonly unsupported?: Readonly<Record<string, HResultName>>;
  /** Per-test timeout in ms (default 10 s; raise it for backends behind simulated latency). */
  readonly timeout?: number;
  /**
   * The statuses MyStatus put can set on this backend, and the HRESULT for the others (default:
   * every user-selectable status).
   */
  readonly settableStatuses?: { readonly statuses: readonly MISTATUS[]; readonly otherwise: HResultName };
}

export interface RecordedEvent { readonly name: MessengerEventName; readonly args: readonly unknown[] }

export class KitContext {
  readonly events: RecordedEvent[] = [];
  constructor(readonly msn: Messenger, readonly other: OtherSide | undefined,
    readonly settableStatuses?: ContractOptions['settableStatuses']) {
    msn.onAny((name, args) => this.events.push({ name, args }));
  }

  /** The HRESULT MyStatus put gives for `status` on this backend, or undefined when it can set it. */
  refusedStatus(status: MISTATUS): HResultName | undefined {
    const s = this.settableStatuses;
    return s && !s.statuses.includes(status) ? s.otherwise : undefined;
  }

  /** The argument lists of every recorded event of one name, in order. */
  eventsNamed<E extends MessengerEventName>(name: E): DMessengerEvents[E][] {
    return this.events.filter((e) => e.name === name).map((e) => e.args as DMessengerEvents[E]);
  }

  clearEvents(): void { this.events.length = 0; }

  /** The other side's hooks, or a clear failure when the backend has none. */
  get otherSide(): OtherSide {
    if (!this.other) throw new Error('This backend gives the kit no otherSide hooks, so remote events cannot be checked.');
    return this.other;
  }

  /** Wait until `predicate` holds (remote events may arrive a little later on real backends). */
  async until(predicate: () => boolean, what: string, ms = 2000): Promise<void> {
    const end = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > end) throw new Error(`Timed out waiting for ${what}.`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

/** Give a backend that delivers remote changes a little later the time to deliver them (before checking that an event did not come). */
export const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

/** The group of MyGroups with this name (the suites' fixture groups). */
export const groupNamed = async (k: KitContext, name: string): Promise<MessengerGroup> => {
  for await (const g of await k.msn.get_MyGroups()) if ((await g.get_Name()) === name) return g;
  throw new Error(`No group named ${name}`);
};

/** A group's members' sign-in names, lower-cased and sorted. */
export const memberNames = async (g: MessengerGroup): Promise<string[]> => {
  const names: string[] = [];
  for await (const c of await g.get_Contacts()) names.push((await c.get_SigninName()).toLowerCase());
  return names.sort();
};

/** Expect `promise` to reject with a MessengerError carrying exactly `hr`, and to name `member`. */
export async function expectHr(promise: Promise<unknown>, hr: HResultName, member?: string): Promise<void> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  if (error === undefined) throw new Error(`Expected ${hr}, but the call succeeded.`);
  if (!isMessengerError(error)) throw new Error(`Expected a MessengerError ${hr}, got: ${String(error)}`);
  if (error.hresult !== HR[hr] >>> 0) {
    throw new Error(`Expected ${hr} (0x${(HR[hr] >>> 0).toString(16)}), got ${hresultName(error.hresult) ?? error.code}: ${error.message}`);
  }
  if (member && error.member !== member) throw new Error(`Expected the error to name ${member}, got ${String(error.member)}.`);
}

/**
 * For a rule the service decides (the call succeeds, its event carries the answer): make the call,
 * then surface the `hr` the event reported as the result: a failed `hr` rejects, as a MessengerError
 * naming `member`. It is the probe of a `'Member (case)'` block, so a backend whose service cannot
 * give that answer declares the `hr` its event reports instead: `{ 'IMessengerGroup.RemoveContact
 * (unknown user)': 'MSGR_E_USER_NOT_GROUP_MEMBER' }` (a declared gap, checked and printed like any).
 */
export async function outcomeOf<E extends MessengerEventName>(k: KitContext, member: string, event: E, call: () => Promise<unknown>): Promise<void> {
  const before = k.eventsNamed(event).length;
  await call();
  const reported = k.eventsNamed(event).slice(before);
  if (reported.length !== 1) throw new Error(`Expected one ${event} for ${member}, got ${reported.length}.`);
  const hr = reported[0]![0];
  if (typeof hr === 'number' && !succeeded(hr)) throw new MessengerError(hr, { member, detail: `${event} reported ${hresultName(hr) ?? hr}.` });
}

/**
 * Expect `object` to offer each of `members` (async face names: `Item`, `get_Count`, `put_Name`) as a
 * function, and none of `absent` (read-only properties have no put_, a collection may have no Remove).
 */
export function expectMembers(object: object, members: readonly string[], absent: readonly string[] = []): void {
  const face = object as Record<string, unknown>;
  const missing = members.filter((m) => typeof face[m] !== 'function');
  if (missing.length > 0) throw new Error(`Missing members: ${missing.join(', ')}.`);
  const extra = absent.filter((m) => m in face);
  if (extra.length > 0) throw new Error(`Members that should not exist: ${extra.join(', ')}.`);
}

/** A kit test's body: what it does with the Messenger on the backend under test. */
export type Body = (k: KitContext) => Promise<void>;

export interface TestOptions {
  /** Start signed in (default true). */
  readonly signedIn?: boolean;
  /**
   * Other members the test uses on its way (e.g. a window from InstantMessage). Where the backend
   * declares one of them unsupported, reaching it must give exactly its declared HRESULT.
   */
  readonly needs?: readonly string[];
}

export interface MemberSuite {
  /** A behaviour of a supported member; replaced by the documented-unsupported check when unsupported. */
  it(rule: string, title: string, body: Body, options?: TestOptions): void;
  /** A rule that holds whether or not the backend supports the member (argument checks come first). */
  always(rule: string, title: string, body: Body, options?: TestOptions): void;
}

export interface KitRun {
  readonly backendName: string;
  /** `probe` calls the member once with valid arguments (used for the documented-unsupported check). */
  member(member: string, probe: (k: KitContext) => Promise<unknown>, define: (suite: MemberSuite) => void): void;
}

/** Build the per-backend runner the suites use. */
export function createKitRun(backendName: string, factory: ContractFactory, options: ContractOptions): KitRun {
  const timeout = options.timeout ?? 10_000;

  /**
   * The HRESULT a backend declares for a member: 'X.Y (main)' / 'X.Y (conversation)' is X.Y on one
   * kind of object; a declaration of the variant wins over one of X.Y.
   */
  const declared = (member: string): HResultName | undefined =>
    options.unsupported?.[member] ?? options.unsupported?.[member.replace(/\s*\(.*\)$/, '')];

  /** The body, where a MessengerError with the declared HRESULT of one of `members` counts as the answer. */
  const tolerate = (body: Body, members: readonly string[]): Body => {
    const accepted = members.map(declared).filter((hr): hr is HResultName => hr !== undefined);
    if (accepted.length === 0) return body;
    return async (k) => {
      try { await body(k); } catch (e) { if (!accepted.some((hr) => isMessengerError(e, hr))) throw e; }
    };
  };

  const run = (body: Body, signedIn: boolean) => async () => {
    const made = await factory(kitSeed());
    const msn = made.messenger ?? createMessenger({ backend: made.backend });
    try {
      const k = new KitContext(msn, made.otherSide, options.settableStatuses);
      if (signedIn) {
        await msn.Signin(0, KIT_SELF, KIT_PASSWORD);
        k.clearEvents();
      }
      await body(k);
    } finally {
      msn.dispose();
      await made.dispose?.();
    }
  };

  return {
    backendName,
    member(member, probe, define) {
      const unsupportedHr = declared(member);
      describe(member, () => {
        if (unsupportedHr) {
          // A declared success code (S_OK) means the backend cannot check this rule and the call succeeds.
          const check = succeeded(HR[unsupportedHr]) ? async (k: KitContext) => { await probe(k); } : (k: KitContext) => expectHr(probe(k), unsupportedHr);
          test(`documented-unsupported: returns ${unsupportedHr}`, run(check, true), timeout);
        }
        define({
          it(rule, title, body, opts = {}) {
            if (!unsupportedHr) test(`${rule}: ${title}`, run(tolerate(body, opts.needs ?? []), opts.signedIn ?? true), timeout);
          },
          always(rule, title, body, opts = {}) {
            // On a backend that cannot do the member, the rule still holds up to the point where the
            // backend is needed, and from there the declared HRESULT is the only acceptable answer.
            test(`${rule}: ${title}`, run(tolerate(body, [member, ...(opts.needs ?? [])]), opts.signedIn ?? true), timeout);
          },
        });
      });
    },
  };
}
