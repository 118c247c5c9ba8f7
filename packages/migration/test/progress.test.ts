/** Progress: a redrawn bar on a terminal, plain lines elsewhere. */
import { createProgress, formatBar, formatLine, formatRate, type ProgressSnapshot } from '../src/progress';

const snap = (stepsDone: number, elapsedMs: number, extra: Partial<ProgressSnapshot> = {}): ProgressSnapshot => ({
  stepsDone, stepsTotal: 200, usersDone: 1, usersPlanned: 2, usersTotal: 2, failures: 1, throttles: 3, elapsedMs, ...extra,
});

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, isTTY, columns: 100, write: (s: string) => { writes.push(s); return true; } };
}

test('formatting: rate, bar, line', () => {
  expect(formatRate(25, 10_000)).toBe('2.5');
  expect(formatRate(2500, 10_000)).toBe('250');
  expect(formatRate(0, 0)).toBe('0.0');
  expect(formatBar(snap(100, 4_000), 100)).toBe('[###############---------------]  50% 100/200 steps  25/s  users 1/2  failed 1  throttled 3');
  // Users still to plan: the total can grow, so it says so.
  expect(formatBar(snap(100, 4_000, { usersPlanned: 1 }), 100)).toContain('100/200+ steps');
  expect(formatLine(snap(100, 4_000))).toBe('copy: 100/200 steps (50%), 25 steps/s, users 1/2, failed 1, throttled 3, 4.0 s');
});

test('on a terminal: one line redrawn with \\r, at most every redrawMs, finished with a newline', () => {
  let now = 0;
  const out = stream(true);
  const p = createProgress({ stream: out, redrawMs: 100, now: () => now });
  p.update(snap(1, 10));
  now = 50; p.update(snap(2, 50)); // too soon: not drawn
  now = 150; p.update(snap(3, 150));
  p.finish(snap(200, 1_000, { usersDone: 2 }));
  expect(out.writes).toHaveLength(4);
  expect(out.writes.slice(0, 3).every((w) => w.startsWith('\r[') && w.endsWith('\x1b[K'))).toBe(true);
  expect(out.writes[1]).toContain(' 3/200 steps');
  expect(out.writes[2]).toContain('[##############################] 100% 200/200 steps  200/s  users 2/2');
  expect(out.writes[3]).toBe('\n');
  p.update(snap(201, 1_001)); // after finish: nothing
  expect(out.writes).toHaveLength(4);
});

test('not a terminal: plain lines every N steps or every few seconds, and a last one', () => {
  let now = 0;
  const out = stream(false);
  const p = createProgress({ stream: out, everySteps: 50, everyMs: 1_000, now: () => now });
  for (let i = 1; i <= 120; i++) { now = i * 5; p.update(snap(i, now)); }
  // The first step, then every 50 steps.
  expect(out.writes.map((w) => w.split(' ')[1])).toEqual(['1/200', '51/200', '101/200']);
  now = 2_000; p.update(snap(121, now)); // a second has passed since the last line
  p.finish(snap(200, 2_500));
  expect(out.writes).toHaveLength(5);
  expect(out.writes[3]).toMatch(/^copy: 121\/200 steps/);
  expect(out.writes[4]).toBe('copy: 200/200 steps (100%), 80 steps/s, users 1/2, failed 1, throttled 3, 2.5 s\n');
  expect(out.writes.every((w) => !w.includes('\r') && w.endsWith('\n'))).toBe(true);
});

test('the mode follows the stream unless told', () => {
  const tty = stream(true);
  createProgress({ stream: tty, tty: false }).finish(snap(1, 1));
  expect(tty.writes[0]).toMatch(/^copy: /);
  const pipe = stream(false);
  createProgress({ stream: pipe, tty: true }).finish(snap(1, 1));
  expect(pipe.writes[0]).toMatch(/^\r\[/);
});
