/**
 * Presence sessions as the Graph pages describe them (docs/presence-setpresence.md "Presence
 * sessions", "Timeout, expiration, and keep alive"; docs/presence-setuserpreferredpresence.md):
 *
 * - a user's presence is aggregated from their sessions: a Teams client's, and one per
 *   application (setPresence, keyed by the app's sessionId);
 * - with no session at all the user is Offline, whatever preferred presence was set;
 * - a preferred presence (setUserPreferredPresence) shows only while at least one session exists,
 *   and is user-configured, so it outranks every app-configured state;
 * - among app sessions: DoNotDisturb > Busy > Available > Away;
 * - an app session expires after its expirationDuration (default 5 min, PT5M..PT4H) and then is
 *   gone; an Available one fades after 5 minutes without a call to Available/AvailableInactive,
 *   after another 5 to Away/Away;
 * - a preferred presence expires after its expirationDuration (default 1 day for DoNotDisturb and
 *   Busy, 7 days otherwise).
 *
 * Where the pages are silent, the fake chooses and says so: a running Teams client (the seed's
 * status of every user but the signed-in one, and the other side's status changes) is user
 * presence and outranks app sessions.
 */
import type { GraphPresence } from '../presence-map';

const MINUTE = 60_000;
/** setPresence: an Available session fades after 5 minutes, and again after 5 more (docs/presence-setpresence.md). */
export const SESSION_TIMEOUT_MS = 5 * MINUTE;
export const SESSION_DEFAULT_MS = 5 * MINUTE;
export const SESSION_MIN_MS = 5 * MINUTE;
export const SESSION_MAX_MS = 240 * MINUTE;

export interface AppSession {
  readonly availability: string;
  readonly activity: string;
  /** When the app last set it (the timeout counts from here). */
  readonly setAt: number;
  readonly expiresAt: number;
}

export interface PreferredPresence {
  readonly availability: string;
  readonly activity: string;
  readonly expiresAt: number;
}

/** What the fake keeps of a user's presence. */
export interface PresenceSessions {
  /** The user's own Teams client, if one runs (undefined: none). */
  client: GraphPresence | undefined;
  readonly apps: Map<string, AppSession>;
  preferred: PreferredPresence | undefined;
}

const OFFLINE: GraphPresence = { availability: 'Offline', activity: 'Offline' };
const APP_RANK = ['DoNotDisturb', 'Busy', 'Available', 'Away'];

/** Drop what has expired by `now`. */
export function expire(s: PresenceSessions, now: number): void {
  for (const [id, session] of s.apps) if (session.expiresAt <= now) s.apps.delete(id);
  if (s.preferred && s.preferred.expiresAt <= now) s.preferred = undefined;
}

/** An app session's state at `now`, with the timeout's fading applied. */
function appState(session: AppSession, now: number): GraphPresence {
  if (session.availability !== 'Available') return { availability: session.availability, activity: session.activity };
  const idle = now - session.setAt;
  if (idle >= 2 * SESSION_TIMEOUT_MS) return { availability: 'Away', activity: 'Away' };
  if (idle >= SESSION_TIMEOUT_MS) return { availability: 'Available', activity: 'AvailableInactive' };
  return { availability: session.availability, activity: session.activity };
}

/** The presence others read at `now`. */
export function aggregate(s: PresenceSessions, now: number): GraphPresence {
  expire(s, now);
  const apps = [...s.apps.values()].map((session) => appState(session, now));
  if (!s.client && apps.length === 0) return { ...OFFLINE };
  if (s.preferred) return { availability: s.preferred.availability, activity: s.preferred.activity };
  if (s.client) return { ...s.client };
  const rank = (p: GraphPresence): number => { const i = APP_RANK.indexOf(p.availability); return i < 0 ? APP_RANK.length : i; };
  return apps.sort((a, b) => rank(a) - rank(b))[0]!;
}

/** An ISO 8601 duration (as ISO_DURATION accepts it) in milliseconds. */
export function durationMs(text: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!m) return Number.NaN;
  const [, d, h, min, sec] = m;
  return (((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(min ?? 0)) * 60 + Number(sec ?? 0)) * 1000;
}
