/**
 * Graph presence <-> MISTATUS, both directions, as data (FACTS #21-#27; PITFALLS C5).
 * Reading maps availability first, then activity, case-insensitively, so the stored page's
 * PascalCase and the current page's camelCase values both work; anything unknown is
 * MISTATUS_UNKNOWN. Writing goes through setUserPreferredPresence, which takes six pairs only:
 * under the default status policy ('strict') a status outside them has no Teams equivalent and is
 * refused (never silently changed); under 'nearest' (opt-in) it is set as the nearest pair (NEAREST)
 * and reads back as what Teams then shows.
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

/**
 * What MyStatus put does with a status setUserPreferredPresence has no pair for: 'strict' (the
 * default) refuses it with E_INVALIDARG; 'nearest' sets the nearest pair Teams has (NEAREST).
 */
export type StatusPolicy = 'strict' | 'nearest';
export const STATUS_POLICIES: readonly StatusPolicy[] = ['strict', 'nearest'];

const AWAY: GraphPresence = { availability: 'Away', activity: 'Away' };
const BUSY: GraphPresence = { availability: 'Busy', activity: 'Busy' };

/**
 * statusPolicy 'nearest': the pair (FACTS #27) set for each status Teams cannot express, chosen by
 * what the status tells the people who see it. (Busy, InACall) would say "on the phone" better, but
 * only setPresence takes it: an app session that expires within minutes unless renewed and that a
 * preferred presence outranks (FACTS #23-#26). MISTATUS_CUSTOM has no meaning to map: always refused.
 */
const NEAREST: ReadonlyMap<MISTATUS, GraphPresence> = new Map([
  // Not connected is not a presence; what others see of it is Offline: "appear offline".
  [MISTATUS.MISTATUS_OFFLINE, { availability: 'Offline', activity: 'OffWork' }],
  // Teams shows an idle user as Away; AvailableIdle cannot be set.
  [MISTATUS.MISTATUS_IDLE, AWAY],
  [MISTATUS.MISTATUS_MAY_BE_AVAILABLE, AWAY],
  [MISTATUS.MISTATUS_OUT_TO_LUNCH, AWAY],
  // Automatic replies (not presence) say "out of office" on Teams; presence can only say Away.
  [MISTATUS.MISTATUS_OUT_OF_OFFICE, AWAY],
  [MISTATUS.MISTATUS_ON_THE_PHONE, BUSY],
  [MISTATUS.MISTATUS_IN_A_MEETING, BUSY],
  [MISTATUS.MISTATUS_IN_A_CONFERENCE, BUSY],
  [MISTATUS.MISTATUS_ALLOW_URGENT_INTERRUPTIONS, { availability: 'DoNotDisturb', activity: 'DoNotDisturb' }],
]);

/** The preferred presence for a status, or undefined when Teams has no equivalent (under `policy`). */
export function statusToGraph(status: MISTATUS, policy: StatusPolicy = 'strict'): GraphPresence | undefined {
  return WRITE.get(status) ?? (policy === 'nearest' ? NEAREST.get(status) : undefined);
}

/** The statuses MyStatus put can set on Teams as they are. */
export const SETTABLE_ON_TEAMS: readonly MISTATUS[] = [...WRITE.keys()];

/**
 * statusPolicy 'nearest': each status Teams cannot express -> the status MyStatus reads back after
 * it is put (what Teams then shows, read as the own presence is).
 */
export const NEAREST_ON_TEAMS: ReadonlyMap<MISTATUS, MISTATUS> = new Map(
  [...NEAREST].map(([status, pair]) => [status, statusFromGraph(pair, { self: true })]),
);
