/**
 * A line on stderr for any wait over a second, so a command never sits silent (a copy whose
 * identity platform does not answer used to say nothing for two minutes):
 *
 *   waiting for graph:/etc/imessenger/tenant.json to sign in alice@contoso.com (12 s)…
 *
 * On a terminal the line is drawn in place (`\r`) and its seconds count up; when the wait ends it
 * is erased. Elsewhere (a pipe, a CI log) it is printed once after a second, then every 10 s.
 *
 * What a command waits for is declared around the wait (`waitFor(line, what, work)`, or `begin`
 * and the function it returns). Several waits at once (users copied side by side) show the oldest,
 * with how many more there are. Other output (a progress bar being drawn) is `activity()`: the
 * line appears only after a second in which nothing else was shown.
 */

export interface WaitingStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface WaitingLineOptions {
  readonly stream: WaitingStream;
  /** Draw in place (default: the stream's isTTY). */
  readonly tty?: boolean;
  /** Quiet time before the first line (default 1,000 ms). */
  readonly afterMs?: number;
  /** Not a terminal: a line again every this many ms (default 10,000). */
  readonly everyMs?: number;
  readonly now?: () => number;
}

export interface WaitingLine {
  /** A wait for `what` begins now; call what it returns when it is over. */
  begin(what: string): () => void;
  /** Something else was shown: the line waits for another quiet second. */
  activity(): void;
  /** No more waits: stop the timer and erase a line drawn in place. */
  close(): void;
}

interface Wait { readonly id: number; readonly what: string; readonly since: number }

/** How often the line is looked at (its seconds change once a second). */
const TICK_MS = 200;

export function createWaitingLine(options: WaitingLineOptions): WaitingLine {
  const { stream } = options;
  const tty = options.tty ?? stream.isTTY === true;
  const afterMs = options.afterMs ?? 1_000;
  const everyMs = options.everyMs ?? 10_000;
  const now = options.now ?? Date.now;
  const waits = new Map<number, Wait>();
  let nextId = 1;
  let lastActivity = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setInterval> | undefined;
  /** On a terminal: the text drawn in place and not yet overwritten by anything else. */
  let drawn: string | undefined;
  /** Not a terminal: which wait was last printed, and when. */
  let printed: { id: number; at: number } | undefined;

  const erase = (): void => {
    if (drawn !== undefined) stream.write('\r\x1b[K');
    drawn = undefined;
  };

  const tick = (): void => {
    const oldest = waits.values().next().value as Wait | undefined;
    if (!oldest) return;
    const t = now();
    if (t - Math.max(oldest.since, lastActivity) < afterMs) return;
    const more = waits.size > 1 ? ` (and ${waits.size - 1} more)` : '';
    const text = `waiting for ${oldest.what} (${Math.floor((t - oldest.since) / 1000)} s)…${more}`;
    if (tty) {
      if (text !== drawn) stream.write(`\r${text}\x1b[K`);
      drawn = text;
    } else if (printed?.id !== oldest.id || t - printed.at >= everyMs) {
      stream.write(`${text}\n`);
      printed = { id: oldest.id, at: t };
    }
  };

  const stop = (): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };

  return {
    begin(what) {
      const id = nextId++;
      waits.set(id, { id, what, since: now() });
      if (timer === undefined) {
        timer = setInterval(tick, TICK_MS);
        timer.unref?.();
      }
      return () => {
        if (!waits.delete(id)) return;
        if (waits.size === 0) { stop(); erase(); }
      };
    },
    activity() {
      lastActivity = now();
      drawn = undefined;
    },
    close() {
      waits.clear();
      stop();
      erase();
    },
  };
}

/** Run `work`, with `what` on the waiting line (when there is one) while it runs. */
export async function waitFor<T>(line: WaitingLine | undefined, what: string, work: () => Promise<T>): Promise<T> {
  if (!line) return work();
  const done = line.begin(what);
  try {
    return await work();
  } finally {
    done();
  }
}
