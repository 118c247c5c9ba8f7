/**
 * Progress of a copy: on a terminal, one line redrawn in place (`\r`): a bar, steps done of the
 * steps planned so far, the rate, users done, failures and throttles. Elsewhere (a pipe, a CI log),
 * plain lines every N steps or every few seconds, whichever comes first, and one at the end.
 */

export interface ProgressSnapshot {
  /** Steps processed (created, present, skipped or failed). */
  readonly stepsDone: number;
  /** Steps of the users planned so far (grows as users are planned). */
  readonly stepsTotal: number;
  readonly usersDone: number;
  readonly usersPlanned: number;
  readonly usersTotal: number;
  readonly failures: number;
  readonly throttles: number;
  readonly elapsedMs: number;
}

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  readonly stream: ProgressStream;
  /** Redraw one line (default: the stream's isTTY). */
  readonly tty?: boolean;
  /** Plain mode: a line every this many steps (default 100). */
  readonly everySteps?: number;
  /** Plain mode: a line at least this often while steps are done (default 5,000 ms). */
  readonly everyMs?: number;
  /** TTY mode: redraw at most this often (default 100 ms). */
  readonly redrawMs?: number;
  /** Label at the start of each line (default "copy"). */
  readonly label?: string;
  readonly now?: () => number;
}

export interface ProgressReporter {
  update(snapshot: ProgressSnapshot): void;
  /** The last state (always drawn), then a newline on a terminal. */
  finish(snapshot: ProgressSnapshot): void;
}

/** Steps per second, one decimal under 10. */
export function formatRate(stepsDone: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (stepsDone * 1000) / elapsedMs : 0;
  return rate < 10 ? rate.toFixed(1) : String(Math.round(rate));
}

const total = (s: ProgressSnapshot): string => `${s.stepsTotal}${s.usersPlanned < s.usersTotal ? '+' : ''}`;
const percent = (s: ProgressSnapshot): number => (s.stepsTotal > 0 ? Math.min(100, Math.floor((s.stepsDone * 100) / s.stepsTotal)) : 0);

/** The terminal line: `[#####-----]  50% 500/1000 steps  12.5/s  users 1/4  failed 0  throttled 0`. */
export function formatBar(s: ProgressSnapshot, width = 80): string {
  const tail = ` ${String(percent(s)).padStart(3)}% ${s.stepsDone}/${total(s)} steps  ${formatRate(s.stepsDone, s.elapsedMs)}/s` +
    `  users ${s.usersDone}/${s.usersTotal}  failed ${s.failures}  throttled ${s.throttles}`;
  const barWidth = Math.max(10, Math.min(30, width - tail.length - 3));
  const filled = s.stepsTotal > 0 ? Math.min(barWidth, Math.round((s.stepsDone / s.stepsTotal) * barWidth)) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${tail}`;
}

/** The plain line: `copy: 500/1000 steps (50%), 12.5 steps/s, users 1/4, failed 0, throttled 0, 40.0 s`. */
export function formatLine(s: ProgressSnapshot, label = 'copy'): string {
  return `${label}: ${s.stepsDone}/${total(s)} steps (${percent(s)}%), ${formatRate(s.stepsDone, s.elapsedMs)} steps/s, ` +
    `users ${s.usersDone}/${s.usersTotal}, failed ${s.failures}, throttled ${s.throttles}, ${(s.elapsedMs / 1000).toFixed(1)} s`;
}

export function createProgress(options: ProgressOptions): ProgressReporter {
  const { stream } = options;
  const tty = options.tty ?? stream.isTTY === true;
  const now = options.now ?? Date.now;
  const everySteps = Math.max(1, options.everySteps ?? 100);
  const everyMs = options.everyMs ?? 5_000;
  const redrawMs = options.redrawMs ?? 100;
  const label = options.label ?? 'copy';
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastSteps = 0;
  let lastText = '';
  let finished = false;

  const draw = (s: ProgressSnapshot) => {
    lastDraw = now();
    lastSteps = s.stepsDone;
    if (tty) {
      const text = formatBar(s, stream.columns ?? 80);
      if (text === lastText) return;
      lastText = text;
      stream.write(`\r${text}\x1b[K`);
    } else {
      stream.write(`${formatLine(s, label)}\n`);
    }
  };

  return {
    update(s) {
      if (finished) return;
      const t = now();
      if (tty) {
        if (t - lastDraw >= redrawMs) draw(s);
      } else if (s.stepsDone - lastSteps >= everySteps || (s.stepsDone > lastSteps && t - lastDraw >= everyMs)) {
        draw(s);
      }
    },
    finish(s) {
      if (finished) return;
      lastText = '';
      draw(s);
      if (tty) stream.write('\n');
      finished = true;
    },
  };
}
