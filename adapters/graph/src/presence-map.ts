/**
 * Graph presence <-> MISTATUS, both directions, as data (FACTS #21-#27; PITFALLS C5).
 * Reading maps availability first, then activity, case-insensitively, so the stored page's
 * PascalCase and the current page's camelCase values both work; anything unknown is
 * MISTATUS_UNKNOWN. Writing goes through setUserPreferredPresence, which takes six pairs only:
 * a status outside them has no Teams equivalent and is refused (never silently changed).
 */
import { MISTATUS } from '@imessenger/contract';

export interface GraphPresence { readonly availability: string; readonly activity: string }

/** availability -> (activity -> status), '*' for any other activity. Keys are lower case. */
const READ: Readonly<Record<string, Readonly<Record<string, MISTATUS>>>> = {
  available: { '*': MISTATUS.MISTATUS_ONLINE },
  availableidle: { '*': MISTATUS.MISTATUS_IDLE },
  away: { outofoffice: MISTATUS.MISTATUS_OUT_OF_OFFICE, '*': MISTATUS.MISTATUS_AWAY },
  berightback: { '*': MISTATUS.MISTATUS_BE_RIGHT_BACK },
  busy: {
    inacall: MISTATUS.MISTATUS_ON_THE_PHONE,
    inaconferencecall: MISTATUS.MISTATUS_IN_A_CONFERENCE,
    inameeting: MISTATUS.MISTATUS_IN_A_MEETING,
    '*': MISTATUS.MISTATUS_BUSY,
  },
  busyidle: { '*': MISTATUS.MISTATUS_BUSY },
  donotdisturb: { urgentinterruptionsonly: MISTATUS.MISTATUS_ALLOW_URGENT_INTERRUPTIONS, '*': MISTATUS.MISTATUS_DO_NOT_DISTURB },
  // Values of the current presence page (FACTS #22a).
  focusing: { '*': MISTATUS.MISTATUS_DO_NOT_DISTURB },
  presenting: { '*': MISTATUS.MISTATUS_DO_NOT_DISTURB },
  inacall: { '*': MISTATUS.MISTATUS_ON_THE_PHONE },
  inameeting: { '*': MISTATUS.MISTATUS_IN_A_MEETING },
  offline: { outofoffice: MISTATUS.MISTATUS_OUT_OF_OFFICE, '*': MISTATUS.MISTATUS_OFFLINE },
  presenceunknown: { '*': MISTATUS.MISTATUS_UNKNOWN },
};

/**
 * The MISTATUS of a Graph presence. `self`: the signed-in user's own presence, where Offline while
 * signed in is "appear offline", i.e. MISTATUS_INVISIBLE.
 */
export function statusFromGraph(presence: GraphPresence, options: { self?: boolean } = {}): MISTATUS {
  const byActivity = READ[presence.availability.toLowerCase()];
  const status = byActivity ? (byActivity[presence.activity.toLowerCase()] ?? byActivity['*']!) : MISTATUS.MISTATUS_UNKNOWN;
  return options.self && status === MISTATUS.MISTATUS_OFFLINE ? MISTATUS.MISTATUS_INVISIBLE : status;
}

/** What MyStatus put sends (setUserPreferredPresence's allowed pairs, FACTS #27). */
const WRITE: ReadonlyMap<MISTATUS, GraphPresence> = new Map([
  [MISTATUS.MISTATUS_ONLINE, { availability: 'Available', activity: 'Available' }],
  [MISTATUS.MISTATUS_BUSY, { availability: 'Busy', activity: 'Busy' }],
  [MISTATUS.MISTATUS_DO_NOT_DISTURB, { availability: 'DoNotDisturb', activity: 'DoNotDisturb' }],
  [MISTATUS.MISTATUS_BE_RIGHT_BACK, { availability: 'BeRightBack', activity: 'BeRightBack' }],
  [MISTATUS.MISTATUS_AWAY, { availability: 'Away', activity: 'Away' }],
  [MISTATUS.MISTATUS_INVISIBLE, { availability: 'Offline', activity: 'OffWork' }],
]);

/** The preferred presence for a status, or undefined when Teams has no equivalent. */
export function statusToGraph(status: MISTATUS): GraphPresence | undefined {
  return WRITE.get(status);
}

/** The statuses MyStatus put can set on Teams. */
export const SETTABLE_ON_TEAMS: readonly MISTATUS[] = [...WRITE.keys()];
