/**
 * The HRESULTs each member documents, as the fuzz run judges them:
 * - its page: every code named in the Result column of the member's rules in docs/BEHAVIOUR.md
 *   (the type-library row names the page; a property's get and put share it);
 * - its event page, for the members whose service-decided failures arrive in an event
 *   (decisions.md, "What the service decides"): a rejection with the event's code (Signin, and
 *   `outcomes: 'reject'`) is accepted;
 * - DECISIONS: the codes docs/decisions.md (or the kit, where it is more precise) adds;
 * - PENDING: what core deliberately does where neither says anything yet. Accepted, but counted and
 *   printed by every run, each with the line decisions.md needs, so that nothing is hidden.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENUMS, HRESULTS, type HResultName, TYPELIB, type TypeLibMember, type TypeLibParam } from '@imessenger/contract';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const NAMES = Object.keys(HRESULTS) as HResultName[];
const NAME_PATTERN = new RegExp(`\\b(${NAMES.join('|')})\\b`, 'g');

/** One rule row: `| B042 | Member | kind | rule | result | page |`. */
const ROW = /^\| (B\d+) \| ([^|]+?) \| (\w+) \| (.*) \| ([^|]*) \| ([^|]+?) \|$/;

export interface RuleTable {
  /** Rows read, and the count the file's header states (they must agree). */
  readonly rows: number;
  readonly stated: number;
  /** Page -> every HRESULT named in the Result column of its rules. */
  readonly byPage: ReadonlyMap<string, ReadonlySet<HResultName>>;
}

export function readRules(file = path.join(ROOT, 'docs', 'BEHAVIOUR.md')): RuleTable {
  const text = fs.readFileSync(file, 'utf8');
  const byPage = new Map<string, Set<HResultName>>();
  let rows = 0;
  for (const line of text.split('\n')) {
    const m = ROW.exec(line);
    if (!m) continue;
    rows++;
    const page = m[6]!.trim();
    const set = byPage.get(page) ?? new Set<HResultName>();
    for (const hit of m[5]!.matchAll(NAME_PATTERN)) set.add(hit[1] as HResultName);
    byPage.set(page, set);
  }
  const stated = Number(/^Rules: (\d+)$/m.exec(text)?.[1] ?? NaN);
  return { rows, stated, byPage };
}

/**
 * decisions.md, "What the service decides": these members report a server-side failure in the
 * event named here (by default the call then succeeds; Signin, and `outcomes: 'reject'`, also
 * reject with it), so the event page's codes count as the member's.
 */
const FAILURE_EVENT: Readonly<Record<string, string>> = {
  'IMessenger.Signin': 'OnSignin',
  'IMessenger.AutoSignin': 'OnSignin',
  'IMessenger.AddContact': 'OnContactListAdd',
  'IMessengerContacts.Remove': 'OnContactListRemove',
  'IMessengerContact.Blocked': 'OnContactBlockChange',
  'IMessengerGroup.AddContact': 'OnContactAddedToGroup',
  'IMessengerGroup.RemoveContact': 'OnContactRemovedFromGroup',
  'IMessenger2.CreateGroup': 'OnGroupAdded',
  'IMessengerGroup.Name': 'OnGroupNameChanged',
  'IMessengerGroups.Remove': 'OnGroupRemoved',
  'IMessenger.MyStatus': 'OnMyStatusChange',
};

export interface Decision {
  readonly applies: (row: TypeLibMember) => boolean;
  readonly hr: HResultName;
  /** Only while signed out. */
  readonly signedOut?: true;
  /** Where it is written (DECISIONS), or what decisions.md should say (PENDING). */
  readonly why: string;
}

const named = (...members: string[]) => (row: TypeLibMember): boolean => members.includes(`${row.iface}.${row.member}`);
const ENUM_TYPES = new Set<string>(Object.keys(ENUMS));
const hasParam = (row: TypeLibMember, test: (p: TypeLibParam) => boolean): boolean => row.params.some((p) => p.dir === 'in' && test(p));
const WINDOW_EDGES = named('IMessengerWindow.Left', 'IMessengerWindow.Top', 'IMessengerWindow.Width', 'IMessengerWindow.Height');

/** A06: the members whose page gives a signed-out code other than MSGR_E_NOT_LOGGED_ON. */
const OWN_SIGNED_OUT_CODE = named(
  'IMessengerGroups.Remove', 'IMessenger.InviteApp', 'IMessenger.MyFriendlyName', 'IMessengerConversationWnd.AddContact',
  'IMessengerConversationWnd.Contacts', 'IMessengerConversationWnd.History',
);

export const DECISIONS: readonly Decision[] = [
  {
    applies: (row) => hasParam(row, (p) => ENUM_TYPES.has(p.type)),
    hr: 'E_INVALIDARG',
    why: 'Arguments: enum values outside the documented range -> E_INVALIDARG, also where a page documents none (A17, A18, A26)',
  },
  {
    applies: (row) => hasParam(row, (p) => p.name === 'vContact'),
    hr: 'E_INVALIDARG',
    why: 'Arguments: vContact of the wrong type (a number, a plain object) -> E_INVALIDARG on every member (A30)',
  },
  {
    applies: WINDOW_EDGES,
    hr: 'E_INVALIDARG',
    why: 'the kit (conversations suite): a window edge put that is not an integer (a LONG) -> E_INVALIDARG',
  },
  {
    applies: named('IMessengerGroup.Name'),
    hr: 'E_INVALIDARG',
    why: 'Arguments: IMessengerGroup.Name put applies the group-name rules of CreateGroup (A05): CR/LF, empty or all spaces',
  },
  { applies: named('IMessengerGroup.Name'), hr: 'E_POINTER', why: 'Arguments: group names (A05): NULL -> E_POINTER' },
  {
    applies: (row) => !OWN_SIGNED_OUT_CODE(row),
    hr: 'MSGR_E_NOT_LOGGED_ON',
    signedOut: true,
    why: 'State: signed out (A06), each member returns the code its own page gives, MSGR_E_NOT_LOGGED_ON for most '
      + '(the kit: Blocked put, MyStatus put)',
  },
  {
    applies: named('IMessenger.GetContact'),
    hr: 'MSGR_E_INVALID_SERVICE',
    why: 'Identity and results: GetContact with an unknown service id -> MSGR_E_INVALID_SERVICE (A15)',
  },
  {
    applies: named('IMessengerGroup.Name'),
    hr: 'MSGR_E_GROUP_ALREADY_EXISTS',
    why: "Identity and results: renaming a group to another group's name -> MSGR_E_GROUP_ALREADY_EXISTS",
  },
  {
    applies: named('IMessengerContact.Property'),
    hr: 'MSGR_E_GROUPS_NOT_ENABLED',
    why: 'Identity and results: MCONTACTPROP_GROUPS_PROPERTY on a backend without groups -> MSGR_E_GROUPS_NOT_ENABLED',
  },
  {
    applies: (row) => hasParam(row, (p) => p.name === 'hwndParent'),
    hr: 'E_INVALIDARG',
    why: 'Arguments (integers are LONGs): hwndParent is reserved and any handle is accepted (B002, B030, B095, B145, B208), but it is a LONG: '
      + 'a value that is not an integer a LONG holds (NaN, 1.5, 2^31) -> E_INVALIDARG, the rule of the window edges '
      + '(one rule in core: validation.checkInteger).',
  },
  {
    applies: named('IMessenger2.CreateGroup'),
    hr: 'MSGR_E_INVALID_SERVICE',
    why: "Identity and results: CreateGroup's vService naming no service -> MSGR_E_INVALID_SERVICE, as GetContact "
      + '(one rule in core: Messenger.requireService; the page gives E_INVALIDARG only for malformed ids, B278-B281).',
  },
  {
    applies: named('IMessengerWindow.Property'),
    hr: 'E_FAIL',
    why: 'State: a closed conversation window: Property put -> E_FAIL, as every other member of a closed window '
      + '(B501, B514, B525, B531, B538); the get still answers the last view state.',
  },
];

/** Codes a decision rules out although a page lists them. */
const NEVER: readonly Decision[] = [
  {
    applies: named('IMessenger.Signin', 'IMessenger.AutoSignin'),
    hr: 'MSGR_E_USER_NOT_FOUND',
    why: 'State: an unknown account reports MSGR_E_INVALID_PASSWORD (B697), never MSGR_E_USER_NOT_FOUND',
  },
];

/** What core does where nothing is written yet: accepted, counted, printed. `why` is the line decisions.md needs. */
export const PENDING: readonly Decision[] = [];

export type Source = 'page' | 'event page' | 'decision' | 'pending';

export interface Documented {
  /** Where `hr` is documented for `row` (signed in or out), or undefined when it is not. */
  sourceOf(row: TypeLibMember, signedIn: boolean, hr: HResultName): { readonly source: Source; readonly why?: string } | undefined;
}

export function documentedHresults(rules: RuleTable = readRules()): Documented {
  const eventPage = new Map<string, string>(TYPELIB.filter((r) => r.kind === 'event').map((r) => [r.member, r.page]));
  const holds = (d: Decision, row: TypeLibMember, signedIn: boolean, hr: HResultName): boolean =>
    d.hr === hr && d.applies(row) && (!d.signedOut || !signedIn);
  return {
    sourceOf(row, signedIn, hr) {
      if (NEVER.some((d) => holds(d, row, signedIn, hr))) return undefined;
      if (rules.byPage.get(row.page)?.has(hr)) return { source: 'page' };
      const event = FAILURE_EVENT[`${row.iface}.${row.member}`];
      if (event && rules.byPage.get(eventPage.get(event) ?? '')?.has(hr)) return { source: 'event page' };
      const decision = DECISIONS.find((d) => holds(d, row, signedIn, hr));
      if (decision) return { source: 'decision', why: decision.why };
      const pending = PENDING.find((d) => holds(d, row, signedIn, hr));
      if (pending) return { source: 'pending', why: pending.why };
      return undefined;
    },
  };
}
