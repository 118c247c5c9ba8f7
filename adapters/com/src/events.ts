/**
 * The DMessengerEvents sink: advised on the automation object's connection point while anything
 * needs events (a watcher, a sign-in waiting for OnSignin), unadvised on sign-out and dispose. While
 * advised on Windows, an unref'd interval pumps COM messages (winax.peekAndDispatchMessages), the
 * only way events reach a Node thread.
 *
 * Each event: arguments put in documented order (event-args.ts), handed to waiters (OnSignin, the
 * confirmations of the adapter's own writes), turned into a RemoteChange, then dropped when it is the
 * echo of the adapter's own write (core raises those events itself, once) and forwarded otherwise.
 */
import { messengerError, type RemoteChange } from '@imessenger/contract';
import type { Com } from './com';
import type { AutomationObject, ConnectionPoint, EventSink } from './dispatch';
import { DMESSENGER_EVENTS, normaliseEventArgs, type ObjectKind } from './event-args';

export interface ComEventsOptions {
  /** How often queued COM messages are pumped while advised (ms). */
  readonly pumpIntervalMs: number;
  /** How long an expected echo of the adapter's own write is waited for before it is given up (ms). */
  readonly echoWindowMs: number;
  /** The RemoteChange for an event (arguments already in documented order), or undefined for none. */
  readonly toChange: (event: string, args: readonly unknown[]) => RemoteChange | undefined;
  /** What a dispatch argument is, for events whose two object arguments cannot be told apart by type. */
  readonly probe?: (value: unknown) => ObjectKind | undefined;
  /** Called after an event was handled (e.g. OnSignout: release what the session held). */
  readonly afterEvent?: (event: string, args: readonly unknown[]) => void;
}

interface Waiter {
  readonly event: string;
  readonly match: (args: readonly unknown[]) => boolean;
  readonly done: (args: readonly unknown[] | undefined) => void;
}

interface Echo {
  readonly match: (change: RemoteChange) => boolean;
  readonly until: number;
  readonly sticky: boolean;
}

/** A pending wait for one event: `promise` gives its arguments, or undefined after the timeout. */
export interface EventWait {
  readonly promise: Promise<readonly unknown[] | undefined>;
  cancel(): void;
}

const warn = (message: string): void => { process.emitWarning(message, 'MessengerComWarning'); };
const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export class ComEvents {
  private readonly listeners = new Set<(change: RemoteChange) => void>();
  private readonly waiters = new Set<Waiter>();
  private readonly echoes: Echo[] = [];
  private readonly mutes = new Set<(change: RemoteChange) => boolean>();
  private point: ConnectionPoint | undefined;
  private cookie: number | undefined;
  private pumpTimer: ReturnType<typeof setInterval> | undefined;
  private pumpFailed = false;
  readonly sink: EventSink;

  constructor(private readonly com: Com, private readonly root: AutomationObject, private readonly options: ComEventsOptions) {
    const sink: EventSink = {};
    for (const event of DMESSENGER_EVENTS) sink[event] = (...args: unknown[]) => this.dispatch(event, args);
    this.sink = sink;
  }

  get advised(): boolean { return this.cookie !== undefined; }

  /** Connect the sink (idempotent) and start pumping messages. */
  advise(): void {
    if (this.cookie !== undefined) return;
    const points = this.com.access('IConnectionPointContainer.EnumConnectionPoints', () => this.com.port.connectionPoints(this.root));
    // The DMessengerEvents point: the one whose methods include OnSignin, else the first.
    const point = points.find((p) => { try { return p.getMethods?.().includes('OnSignin') ?? false; } catch { return false; } }) ?? points[0];
    if (!point) throw messengerError('E_NOTIMPL', undefined, `The automation object (${this.com.progId}) offers no connection point for DMessengerEvents.`);
    this.cookie = this.com.access('IConnectionPoint.Advise', () => point.advise(this.sink));
    this.point = point;
    const port = this.com.port;
    if (port.pump && this.pumpTimer === undefined) {
      this.pumpFailed = false;
      this.pumpTimer = setInterval(() => {
        try {
          port.pump?.();
        } catch (error) {
          if (!this.pumpFailed) warn(`Pumping COM messages failed: ${describe(error)}`);
          this.pumpFailed = true;
        }
      }, this.options.pumpIntervalMs);
      this.pumpTimer.unref();
    }
  }

  /** Disconnect the sink and stop pumping (idempotent); pending waits end as timed out. */
  unadvise(): void {
    if (this.pumpTimer !== undefined) { clearInterval(this.pumpTimer); this.pumpTimer = undefined; }
    const { point, cookie } = this;
    this.point = undefined;
    this.cookie = undefined;
    if (point && cookie !== undefined) {
      try {
        this.com.access('IConnectionPoint.Unadvise', () => point.unadvise(cookie));
      } catch (error) {
        warn(`Unadvising the DMessengerEvents sink failed: ${describe(error)}`);
      }
    }
    for (const waiter of [...this.waiters]) waiter.done(undefined);
    this.echoes.length = 0;
  }

  /** Watch remote changes (advises the sink); the returned function stops watching. */
  watch(listener: (change: RemoteChange) => void): () => void {
    this.listeners.add(listener);
    try {
      this.advise();
    } catch (error) {
      this.listeners.delete(listener);
      throw error;
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.waiters.size === 0) this.unadvise();
    };
  }

  /**
   * Wait for the next `event` whose arguments satisfy `match` (called synchronously as the event
   * arrives, so it may record state). Register before making the call: the emulator fires during it.
   */
  waitFor(event: string, match: (args: readonly unknown[]) => boolean, timeoutMs: number): EventWait {
    this.advise();
    let waiter: Waiter | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const promise = new Promise<readonly unknown[] | undefined>((resolve) => {
      const done = (args: readonly unknown[] | undefined): void => {
        if (!waiter || !this.waiters.delete(waiter)) return;
        if (timer !== undefined) clearTimeout(timer);
        resolve(args);
      };
      waiter = { event, match, done };
      this.waiters.add(waiter);
      // Not unref'd: a script awaiting its sign-in must stay alive until OnSignin or the timeout.
      timer = setTimeout(() => done(undefined), timeoutMs);
    });
    return { promise, cancel: () => waiter?.done(undefined) };
  }

  /** The adapter is about to write: drop the change this write echoes (once, or every match while `sticky`). */
  expectEcho(match: (change: RemoteChange) => boolean, options: { ms?: number; sticky?: boolean } = {}): () => void {
    this.purgeEchoes();
    const echo: Echo = { match, until: Date.now() + (options.ms ?? this.options.echoWindowMs), sticky: options.sticky ?? false };
    this.echoes.push(echo);
    return () => { const i = this.echoes.indexOf(echo); if (i >= 0) this.echoes.splice(i, 1); };
  }

  /** Drop every change `filter` accepts until the returned function is called (sign-in, sign-out). */
  mute(filter: (change: RemoteChange) => boolean): () => void {
    const own = (change: RemoteChange): boolean => filter(change);
    this.mutes.add(own);
    return () => { this.mutes.delete(own); };
  }

  /** One event from the connection point. Never throws back into COM. */
  dispatch(event: string, raw: readonly unknown[]): void {
    try {
      const args = normaliseEventArgs(event, raw, this.options.probe);
      for (const waiter of [...this.waiters]) {
        if (waiter.event === event && waiter.match(args)) waiter.done(args);
      }
      const change = this.options.toChange(event, args);
      if (change && !this.swallowed(change)) {
        for (const listener of [...this.listeners]) {
          try {
            listener(change);
          } catch (error) {
            warn(`A listener failed on ${change.type}: ${describe(error)}`);
          }
        }
      }
      this.options.afterEvent?.(event, args);
    } catch (error) {
      warn(`Dropped the COM event ${event}: ${describe(error)}`);
    }
  }

  /** Forget the echoes that did not come in time. */
  private purgeEchoes(): void {
    const now = Date.now();
    for (let i = this.echoes.length - 1; i >= 0; i--) if (this.echoes[i]!.until < now) this.echoes.splice(i, 1);
  }

  private swallowed(change: RemoteChange): boolean {
    let muted = false;
    for (const filter of this.mutes) if (filter(change)) muted = true;
    if (muted) return true;
    this.purgeEchoes();
    const index = this.echoes.findIndex((e) => e.match(change));
    if (index < 0) return false;
    if (!this.echoes[index]!.sticky) this.echoes.splice(index, 1);
    return true;
  }
}
