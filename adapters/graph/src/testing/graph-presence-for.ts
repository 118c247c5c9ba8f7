/**
 * The reverse of `statusFromGraph` (presence-map.ts), for the fake tenant and tests: a Graph
 * presence that the adapter reads back as the given MISTATUS. It covers every status
 * statusFromGraph can produce, so a test can put any readable status on a fake user and expect
 * the adapter to report exactly that status. statusToGraph (the WRITE table) is narrower on
 * purpose: it only holds the six pairs setUserPreferredPresence accepts (FACTS #27).
 */
import { MISTATUS } from '@imessenger/contract';
import type { GraphPresence } from '../presence-map';

const PRESENCE_FOR: ReadonlyMap<MISTATUS, GraphPresence> = new Map<MISTATUS, GraphPresence>([
  [MISTATUS.MISTATUS_ONLINE, { availability: 'Available', activity: 'Available' }],
  [MISTATUS.MISTATUS_IDLE, { availability: 'AvailableIdle', activity: 'Available' }],
  [MISTATUS.MISTATUS_AWAY, { availability: 'Away', activity: 'Away' }],
  [MISTATUS.MISTATUS_OUT_OF_OFFICE, { availability: 'Away', activity: 'OutOfOffice' }],
  [MISTATUS.MISTATUS_BE_RIGHT_BACK, { availability: 'BeRightBack', activity: 'BeRightBack' }],
  [MISTATUS.MISTATUS_BUSY, { availability: 'Busy', activity: 'Busy' }],
  [MISTATUS.MISTATUS_ON_THE_PHONE, { availability: 'Busy', activity: 'InACall' }],
  [MISTATUS.MISTATUS_IN_A_CONFERENCE, { availability: 'Busy', activity: 'InAConferenceCall' }],
  [MISTATUS.MISTATUS_IN_A_MEETING, { availability: 'Busy', activity: 'InAMeeting' }],
  [MISTATUS.MISTATUS_DO_NOT_DISTURB, { availability: 'DoNotDisturb', activity: 'DoNotDisturb' }],
  [MISTATUS.MISTATUS_ALLOW_URGENT_INTERRUPTIONS, { availability: 'DoNotDisturb', activity: 'UrgentInterruptionsOnly' }],
  [MISTATUS.MISTATUS_OFFLINE, { availability: 'Offline', activity: 'Offline' }],
  // Read back as INVISIBLE for the user's own presence (statusFromGraph `self`), and as OFFLINE
  // by everybody else, which is what "appear offline" means.
  [MISTATUS.MISTATUS_INVISIBLE, { availability: 'Offline', activity: 'OffWork' }],
  [MISTATUS.MISTATUS_UNKNOWN, { availability: 'PresenceUnknown', activity: 'PresenceUnknown' }],
]);

/**
 * A Graph presence that statusFromGraph reads as `status` (with `{ self: true }` for
 * MISTATUS_INVISIBLE), or undefined for a status no Teams presence reads back as (OUT_TO_LUNCH,
 * MAY_BE_AVAILABLE, CUSTOM, the LOCAL_* states).
 */
export function graphPresenceFor(status: MISTATUS): GraphPresence | undefined {
  const presence = PRESENCE_FOR.get(status);
  return presence ? { ...presence } : undefined;
}

/** Every status graphPresenceFor can express. */
export const STATUSES_WITH_GRAPH_PRESENCE: readonly MISTATUS[] = [...PRESENCE_FOR.keys()];
