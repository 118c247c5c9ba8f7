/**
 * Backing off when the target is throttling. The backends honour Retry-After themselves (the Graph
 * adapter's RetryHandler waits what the 429 says, a bounded number of times); a step that still
 * fails with MSGR_E_SERVER_TOO_BUSY reaches the copy, which then waits exponentially longer (capped)
 * before it tries the step again. Throttling is per tenant, not per user, so one gate is shared by
 * every worker of a copy: when one of them is throttled, all of them pause.
 */
import { isMessengerError, type HResultName, type MessengerError } from '@imessenger/contract';

export interface BackoffOptions {
  /** First wait after a throttled step (default 1,000 ms). */
  readonly initialMs?: number;
  /** Each further wait is this many times longer (default 2). */
  readonly factor?: number;
  /** No wait is longer than this (default 60,000 ms). */
  readonly maxMs?: number;
  /** Retries of one step before it is reported failed (default 8). */
  readonly maxRetries?: number;
  /** Randomise each wait between half and all of it, so workers do not retry in lock step (default true). */
  readonly jitter?: boolean;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { initialMs: 1_000, factor: 2, maxMs: 60_000, maxRetries: 8, jitter: true };

/** Throttling after the backend's own retries: the copy backs off and counts it. */
export const THROTTLED: HResultName = 'MSGR_E_SERVER_TOO_BUSY';

/**
 * Failures after which the step may be tried again: the connection, a timeout, a server error.
 * Every step looks at the target before it writes (core's AddContact and CreateGroup do, and group
 * AddContact of a member already there changes nothing), so trying again cannot make a duplicate.
 */
export const TRANSIENT: readonly HResultName[] = ['MSGR_E_CONNECT', 'MSGR_E_SESSION_TIMEOUT', 'MSGR_E_SERVER_ERROR', 'MSGR_E_SERVER_PROTOCOL'];

export const isThrottled = (error: unknown): boolean => isMessengerError(error, THROTTLED);
export const isTransient = (error: unknown): boolean => TRANSIENT.some((hr) => isMessengerError(error, hr));

/** The wait before retry number `attempt` (0-based), without jitter. */
export function backoffDelay(options: BackoffOptions, attempt: number): number {
  const o = { ...DEFAULT_BACKOFF, ...options };
  return Math.min(o.maxMs, o.initialMs * o.factor ** attempt);
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** setTimeout as a promise; resolves early (without error) when `signal` aborts. */
export const sleep: Sleep = (ms, signal) => new Promise<void>((resolve) => {
  if (ms <= 0 || signal?.aborted) { resolve(); return; }
  const done = () => { clearTimeout(timer); signal?.removeEventListener('abort', done); resolve(); };
  const timer = setTimeout(done, ms);
  signal?.addEventListener('abort', done, { once: true });
});

/** The pause every worker of one copy respects. */
export class ThrottleGate {
  private pausedUntil = 0;

  constructor(private readonly now: () => number = Date.now, private readonly wait: Sleep = sleep) {}

  /** Nobody starts a step before `ms` from now (a longer pause already set stays). */
  pause(ms: number): void { this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms); }

  /** Resolves once no pause is in force (or `signal` aborts). */
  async ready(signal?: AbortSignal): Promise<void> {
    for (let left = this.pausedUntil - this.now(); left > 0 && !signal?.aborted; left = this.pausedUntil - this.now()) {
      await this.wait(left, signal);
    }
  }
}

export interface RetryCounters { throttles: number; retries: number }

/** One wait of `withBackoff`: a throttled step (every worker pauses) or a transient failure (this step waits). */
export interface BackoffEvent {
  readonly kind: 'throttle' | 'retry';
  /** The failure's HRESULT name (MSGR_E_SERVER_TOO_BUSY for a throttle). */
  readonly hr: string;
  /** The wait chosen, jitter included. */
  readonly waitMs: number;
  /** Which retry of the step this is (0: the first). */
  readonly attempt: number;
}

/**
 * Run `step`, backing off and trying again while it is throttled or fails transiently, at most
 * `maxRetries` times; every throttle and every other retry is counted in `counters`.
 */
export async function withBackoff<T>(step: () => Promise<T>, options: {
  readonly backoff?: BackoffOptions;
  readonly gate: ThrottleGate;
  readonly counters: RetryCounters;
  readonly signal?: AbortSignal;
  readonly random?: () => number;
  readonly sleep?: Sleep;
  /** Told of every wait as it starts (the copy's report records when throttling happened). */
  readonly onBackoff?: (event: BackoffEvent) => void;
}): Promise<T> {
  const o = { ...DEFAULT_BACKOFF, ...options.backoff };
  const random = options.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    await options.gate.ready(options.signal);
    try {
      return await step();
    } catch (error) {
      const throttled = isThrottled(error);
      if ((!throttled && !isTransient(error)) || attempt >= o.maxRetries || options.signal?.aborted) throw error;
      const full = backoffDelay(o, attempt);
      const ms = o.jitter ? Math.round(full / 2 + (random() * full) / 2) : full;
      options.onBackoff?.({ kind: throttled ? 'throttle' : 'retry', hr: (error as MessengerError).code, waitMs: ms, attempt });
      if (throttled) {
        options.counters.throttles++;
        options.gate.pause(ms);
      } else {
        options.counters.retries++;
        await (options.sleep ?? sleep)(ms, options.signal);
      }
    }
  }
}

/**
 * The writes a copy keeps in flight against the target at once, whoever makes them (every user's
 * steps, and the group creations one user runs side by side): first come, first served.
 */
export class WriteSlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  private inUse = 0;
  /** The most slots ever held at once (tests, the bench). */
  peak = 0;

  constructor(readonly size: number) {
    if (!(size >= 1)) throw new RangeError('WriteSlots: size must be at least 1.');
    this.free = size;
  }

  /** Resolves with the slot's release once one is free. */
  async acquire(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inUse++;
    this.peak = Math.max(this.peak, this.inUse);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse--;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }

  /** `work` holding a slot. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try { return await work(); } finally { release(); }
  }
}
