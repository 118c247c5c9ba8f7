/**
 * The application presence session that keeps a signed-in user visibly present, as the running
 * Messenger client did. Graph shows a preferred presence (MyStatus put) only while the user has at
 * least one presence session — a Teams client, or an application's through setPresence — and
 * Offline otherwise (docs/presence-setuserpreferredpresence.md; FACTS #29). So from sign-in to
 * sign-out the adapter holds its own session:
 *
 * - `POST /users/{me}/presence/setPresence { sessionId: <the app's client id>, availability,
 *   activity, expirationDuration: 'PT5M' }` at sign-in (docs/presence-setpresence.md: the session
 *   id must be the application's id), in the $batch that reads the sign-in's presence, ahead of the
 *   reads (`opening`: its path needs the user's id, which the sign-in's first $batch returns);
 * - renewed every 3 minutes (`renewMs`): an Available session fades after 5 minutes without a call
 *   (to Available/AvailableInactive, then Away) and expires after its expirationDuration, so a
 *   process that dies leaves the user Offline within 5 minutes, as a dropped Messenger connection did;
 * - its state follows MyStatus where setPresence has a pair for it (Away-like → Away/Away, On The
 *   Phone → Busy/InACall, In A Conference → Busy/InAConferenceCall, else Available/Available); the
 *   preferred presence, user-configured, outranks it anyway;
 * - `POST …/presence/clearPresence { sessionId }` at sign-out; the timer stops at sign-out, when
 *   Graph no longer accepts the sign-in, and never holds the process open (unref).
 *
 * Permissions: Presence.ReadWrite (delegated) or Presence.ReadWrite.All (application) — the
 * `myStatus` capability (permissions.ts).
 */
import { MISTATUS } from '@imessenger/contract';
import type { GraphContext, PresenceAhead } from './context';
import { tokenClaims } from './auth/claims';
import { redact } from './errors';
import { batchItemError, segment } from './http';
import type { GraphPresence } from './presence-map';

export interface PresenceSessionOptions {
  /**
   * setPresence's sessionId: the application (client) id. Default: the auth's `clientId`
   * (DeviceCodeAuth, ClientCredentialsAuth), else the access token's `appid` (or `azp`) claim.
   * Without any, or with `false`, no session is held (then others see the user Offline unless a
   * Teams client of theirs runs).
   */
  readonly sessionId?: string | false;
  /** Milliseconds between renewals (default 180,000: inside the 5-minute timeout). */
  readonly renewMs?: number;
  /** Renewal failures (default: a process warning). */
  readonly onError?: (error: unknown) => void;
}

/** The session's expirationDuration: the shortest Graph allows (PT5M..PT4H). */
export const SESSION_EXPIRATION = 'PT5M';
export const SESSION_RENEW_MS = 180_000;

const AWAY_LIKE = new Set<MISTATUS>([
  MISTATUS.MISTATUS_AWAY, MISTATUS.MISTATUS_BE_RIGHT_BACK, MISTATUS.MISTATUS_IDLE, MISTATUS.MISTATUS_OUT_TO_LUNCH,
  MISTATUS.MISTATUS_MAY_BE_AVAILABLE, MISTATUS.MISTATUS_OUT_OF_OFFICE,
]);

/** setPresence's pair for a status (FACTS #23: Available/Available, Busy/InACall, Busy/InAConferenceCall, Away/Away). */
export function sessionPresenceFor(status: MISTATUS): GraphPresence {
  if (AWAY_LIKE.has(status)) return { availability: 'Away', activity: 'Away' };
  if (status === MISTATUS.MISTATUS_ON_THE_PHONE) return { availability: 'Busy', activity: 'InACall' };
  if (status === MISTATUS.MISTATUS_IN_A_CONFERENCE) return { availability: 'Busy', activity: 'InAConferenceCall' };
  return { availability: 'Available', activity: 'Available' };
}

/** The presence session as a host or test sees it (GraphBackend.presenceSession). */
export interface GraphPresenceSession {
  /** Is a session held now (opened at sign-in, until sign-out or a lost sign-in)? */
  readonly open: boolean;
  /** One renewal now (the timer's; tests call it to skip the wait). */
  renew(): Promise<void>;
  /**
   * End the session now (clearPresence) and stop renewing: for a host that drops the backend without
   * Signout (Signout does this itself). The backend has no dispose of its own.
   */
  close(): Promise<void>;
}

export class PresenceSession implements GraphPresenceSession {
  private timer: ReturnType<typeof setInterval> | undefined;
  private state: GraphPresence | undefined;

  private sessionId: string | undefined;

  /**
   * `sessionId`: the configured id or the auth's clientId; undefined: the access token's `appid`
   * (`azp`) claim, read at the first use; false: no session.
   */
  constructor(private readonly ctx: GraphContext, private readonly configuredId: string | false | undefined, private readonly options: PresenceSessionOptions = {}) {}

  /** The app's id as the session id, once known (the token's claim when not configured). */
  private async id(): Promise<string | undefined> {
    if (this.configuredId === false) return undefined;
    this.sessionId ??= this.configuredId || tokenClaims(await this.ctx.options.auth.getToken())?.appId;
    return this.sessionId;
  }

  get open(): boolean { return this.state !== undefined; }

  private path(action: 'setPresence' | 'clearPresence'): string {
    return `/users/${segment(this.ctx.requireMe().id, 'MSGR_E_SERVER_PROTOCOL')}/presence/${action}`;
  }

  /**
   * Open (or move) the session to the state for `status`; renewals keep it alive from then on. A
   * failure (say the myStatus capability's permission is missing) is reported, not thrown: the
   * caller's own request succeeded.
   */
  async follow(status: MISTATUS): Promise<void> {
    try {
      await this.set(status);
    } catch (error) {
      this.report(error);
    }
  }

  /**
   * The sign-in's opening of the session at `status`, as a request for the $batch that reads the
   * sign-in's presence (ahead of the reads: one request where two were); undefined when no session is
   * held. A refusal is reported, as follow's.
   */
  async opening(status: MISTATUS): Promise<PresenceAhead | undefined> {
    try {
      if (!await this.id()) return undefined;
    } catch (error) {
      this.report(error); // no token to read the app's id from: sign-in goes on without a session, as follow's would
      return undefined;
    }
    const next = sessionPresenceFor(status);
    return {
      request: { method: 'POST', url: this.path('setPresence'), body: this.body(next) },
      answered: (response) => {
        const ok = response.status >= 200 && response.status < 300;
        if (ok) this.opened(next); else this.report(batchItemError(response, 'POST setPresence', 'presence'));
        return ok;
      },
    };
  }

  async set(status: MISTATUS): Promise<void> {
    if (!await this.id()) return;
    const next = sessionPresenceFor(status);
    if (this.state && this.state.availability === next.availability && this.state.activity === next.activity) return;
    await this.send(next);
    this.opened(next);
  }

  private opened(state: GraphPresence): void {
    this.state = state;
    this.startTimer();
  }

  /** End the session at sign-out (best effort: a failure is reported, sign-out goes on). */
  async close(): Promise<void> {
    this.stop();
    if (!this.sessionId || !this.ctx.signedIn || !this.ctx.me) return;
    try {
      await this.ctx.http.post(this.path('clearPresence'), { sessionId: this.sessionId }, { resource: 'presence' });
    } catch (error) {
      this.report(error);
    }
  }

  /** Stop renewing (sign-out, a lost sign-in); the session then lapses within its expirationDuration. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.state = undefined;
  }

  private body(presence: GraphPresence) {
    return { sessionId: this.sessionId, ...presence, expirationDuration: SESSION_EXPIRATION };
  }

  private async send(presence: GraphPresence): Promise<void> {
    await this.ctx.http.post(this.path('setPresence'), this.body(presence), { resource: 'presence' });
  }

  private startTimer(): void {
    if (this.timer) return;
    const every = this.options.renewMs ?? SESSION_RENEW_MS;
    if (every <= 0) return;
    this.timer = setInterval(() => { void this.renew(); }, every);
    this.timer.unref?.();
  }

  /** One renewal now (the timer's; tests call it to skip the wait). */
  async renew(): Promise<void> {
    if (!this.ctx.signedIn || !this.ctx.me || !this.state) { this.stop(); return; }
    try {
      await this.send(this.state);
    } catch (error) {
      this.report(error);
    }
  }

  private report(error: unknown): void {
    (this.options.onError ?? ((e: unknown) => process.emitWarning(redact(`Graph presence session: ${e instanceof Error ? e.message : String(e)}`))))(error);
  }
}
