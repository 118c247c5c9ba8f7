/**
 * The migration reports as pages to look at: one self-contained HTML file each, beside the Markdown
 * and the JSON.
 *
 * - `renderCopyHtml(report)`: `migrate copy --report <prefix>` writes it as `<prefix>.html` (through
 *   `writeReport`): totals, each user's outcomes as a stacked bar (created / already present /
 *   skipped / failed), when the copy was throttled or retried (a histogram over the run), and every
 *   failure and skip with its reason.
 * - `renderMismatchHtml(summary)`: `migrate report --mismatches f --html <file>` (`writeMismatchHtml`):
 *   shadow-read mismatches by capability and by member as bar charts, the most frequent differences,
 *   the first examples.
 *
 * Safe to open whatever the data holds: every text from a report (user names, group names, reasons,
 * mismatch values) is escaped, class names come from fixed lists only, and a Content-Security-Policy
 * of `default-src 'none'` (inline styles only) forbids the page any script and any request. It needs
 * none: the charts are inline SVG and CSS, tooltips are `<title>`/`title`, examples fold with
 * `<details>`. Bearer tokens, JWTs and `secret=`/`password=`-style values in free text are redacted.
 * The same input gives the same bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MismatchSummary } from './mismatch-store';
import type { BackoffRecord, CopyReport, ItemReport, UserReport } from './report';
import { ROUTABLE_CAPABILITIES } from './routing-methods';

/** Users drawn one bar each; past this, the users with failures first, the others counted (all are in the JSON). */
export const HTML_MAX_USERS = 500;
/** Failed and skipped items listed; past this they are counted (all are in the JSON and the Markdown). */
export const HTML_MAX_ITEMS = 1_000;
/** Columns of the throttling histogram. */
export const TIMELINE_BINS = 48;

/** Text safe in HTML content and in a double- or single-quoted attribute. */
export function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Free text with anything that looks like a credential replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  return text
    .replace(/\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, '[redacted]')
    .replace(/\b(Bearer|Basic)\s+[\w.~+/=-]{8,}/gi, '$1 [redacted]')
    .replace(/\b((?:client[_-]?)?secret|password|passwd|pwd|access[_-]?token|refresh[_-]?token|id[_-]?token|api[_-]?key|sig)(["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi, '$1$2[redacted]');
}

const h = (text: string | number): string => htmlEscape(String(text));
/** Escaped free text from the data, credentials redacted. */
const free = (text: string): string => htmlEscape(redactSecrets(text));
const pct = (part: number, whole: number): string => (whole > 0 ? ((part / whole) * 100).toFixed(3) : '0');
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A duration for people: 0 s, 850 ms, 12.5 s, 3 min 20 s, 2 h 05 min. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0 s';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const s = Math.round(ms / 1_000);
  if (s < 3_600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${Math.floor(s / 3_600)} h ${String(Math.floor((s % 3_600) / 60)).padStart(2, '0')} min`;
}

// ---- the page ------------------------------------------------------------------------------------

const CSS = `
:root { --created: #3f9c6b; --planned: #6aa9d8; --present: #a9c9e8; --skipped: #e8c15a; --failed: #d1495b;
  --incomplete: #b8b8b8; --throttle: #e9843a; --retry: #7d8fb3; --ink: #1d1f23; --muted: #5d636e; --rule: #dde1e6; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1180px; padding: 24px 28px 48px; color: var(--ink); background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 24px; margin: 0 0 6px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 15px; margin: 20px 0 6px; }
p { margin: 6px 0; }
.muted, figcaption { color: var(--muted); }
figure { margin: 10px 0; }
figcaption { font-size: 13px; margin-top: 4px; }
code { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; background: #f3f4f6; padding: 1px 4px; border-radius: 3px; overflow-wrap: anywhere; }
code.hr { white-space: nowrap; }
svg { max-width: 100%; height: auto; }
.banner { margin: 10px 0; padding: 8px 12px; border-left: 4px solid var(--failed); background: #fbeaec; }
.tiles { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0; padding: 0; list-style: none; }
.tile { min-width: 112px; padding: 8px 12px; border: 1px solid var(--rule); border-radius: 6px; border-top: 4px solid var(--rule); }
.tile .n { display: block; font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.tile .what { font-size: 12px; color: var(--muted); }
.tile.created { border-top-color: var(--created); } .tile.planned { border-top-color: var(--planned); }
.tile.present { border-top-color: var(--present); } .tile.skipped { border-top-color: var(--skipped); }
.tile.failed { border-top-color: var(--failed); } .tile.throttle { border-top-color: var(--throttle); } .tile.retry { border-top-color: var(--retry); }
.legend { display: flex; flex-wrap: wrap; gap: 14px; margin: 6px 0; padding: 0; list-style: none; font-size: 13px; }
.legend li::before { content: ""; display: inline-block; width: 12px; height: 12px; margin-right: 5px; vertical-align: -1px; border-radius: 2px; background: var(--swatch); }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--rule); vertical-align: middle; }
th { font-weight: 600; background: #f7f8fa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.name { min-width: 14em; max-width: 24em; overflow-wrap: anywhere; }
td.num, th.num { width: 1%; }
td.chart { width: 34%; min-width: 160px; }
.bar { display: flex; height: 16px; background: #f1f3f5; border-radius: 3px; overflow: hidden; }
.seg { display: block; height: 100%; min-width: 2px; }
.seg.created { background: var(--created); } .seg.planned { background: var(--planned); } .seg.present { background: var(--present); }
.seg.skipped { background: var(--skipped); } .seg.failed { background: var(--failed); } .seg.incomplete { background: var(--incomplete); }
.seg.done { background: var(--created); }
.swatch-created { --swatch: var(--created); } .swatch-planned { --swatch: var(--planned); } .swatch-present { --swatch: var(--present); }
.swatch-skipped { --swatch: var(--skipped); } .swatch-failed { --swatch: var(--failed); }
.swatch-throttle { --swatch: var(--throttle); } .swatch-retry { --swatch: var(--retry); }
.status { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 12px; background: #eef0f3; }
.status.failed { background: #fbeaec; color: #8f1f2e; } .status.done { background: #e6f4ec; color: #1f5e3d; }
.status.incomplete { background: #f0f0f0; color: #555; } .status.planned { background: #e8f1fa; color: #1f4f7a; }
.userError { display: block; font-size: 12px; color: #8f1f2e; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--muted); }
svg .axis { stroke: #9aa1ab; stroke-width: 1; } svg .grid { stroke: var(--rule); stroke-width: 1; }
svg rect.throttle { fill: var(--throttle); } svg rect.retry { fill: var(--retry); }
svg rect.cap-0 { fill: #4e79a7; } svg rect.cap-1 { fill: #f28e2b; } svg rect.cap-2 { fill: #59a14f; } svg rect.cap-3 { fill: #e15759; }
svg rect.cap-4 { fill: #76b7b2; } svg rect.cap-5 { fill: #edc948; } svg rect.cap-6 { fill: #b07aa1; } svg rect.cap-7 { fill: #9c755f; } svg rect.cap-other { fill: #bab0ac; }
svg text.value { fill: var(--ink); font-variant-numeric: tabular-nums; } svg text.label { fill: var(--ink); }
details { margin: 4px 0 10px; } summary { cursor: pointer; color: var(--muted); }
pre { margin: 4px 0; padding: 6px 8px; background: #f7f8fa; border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
@media print { body { max-width: none; padding: 0; } h2 { break-after: avoid; } tr, figure { break-inside: avoid; } }
`;

/** The whole document: no script, nothing fetched (the policy forbids both). */
function page(title: string, body: readonly string[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${h(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

interface Segment { readonly cls: string; readonly value: number; readonly label: string }

/** A stacked horizontal bar: each segment's width is its share of `scale` (the largest bar's total). */
function stackedBar(segments: readonly Segment[], scale: number, label: string): string {
  const parts = segments.filter((s) => s.value > 0)
    .map((s) => `<span class="seg ${s.cls}" style="width:${pct(s.value, scale)}%" title="${h(s.label)}" data-count="${s.value}"></span>`);
  return `<div class="bar" role="img" aria-label="${h(label)}">${parts.join('')}</div>`;
}

function legend(items: readonly (readonly [cls: string, label: string])[]): string {
  return `<ul class="legend">${items.map(([cls, label]) => `<li class="swatch-${cls}">${h(label)}</li>`).join('')}</ul>`;
}

function tiles(items: readonly (readonly [cls: string, n: number, what: string])[]): string {
  return `<ul class="tiles">${items.map(([cls, n, what]) => `<li class="tile ${cls}"><span class="n">${n}</span><span class="what">${h(what)}</span></li>`).join('')}</ul>`;
}

// ---- migrate copy --------------------------------------------------------------------------------

/** The copy report as a page: totals, per-user stacked bars, throttling over time, failures and skips. */
export function renderCopyHtml(report: CopyReport): string {
  const t = report.totals;
  const made = report.dryRun ? 'planned' : 'created';
  const madeLabel = report.dryRun ? 'to create' : 'created';
  const title = report.dryRun ? 'Migration copy plan (dry run)' : 'Migration copy report';
  const body: string[] = [];
  body.push(`<h1>${h(title)}</h1>`);
  body.push(`<p>From <code>${free(report.from)}</code> to <code>${free(report.to)}</code>: ${plural(report.users.length, 'user')}, concurrency ${report.concurrency}.</p>`);
  body.push(`<p class="muted">Started <time datetime="${h(report.startedAt)}">${h(report.startedAt)}</time>, finished <time datetime="${h(report.finishedAt)}">${h(report.finishedAt)}</time> (${h(formatDuration(report.durationMs))}).` +
    `${report.journal ? ` Journal: <code>${free(report.journal)}</code>.` : ''}</p>`);
  if (report.aborted) body.push('<p class="banner" id="stopped"><strong>Stopped before the end</strong>: run the same command again to finish.</p>');
  if (report.dryRun) body.push('<p class="muted">A dry run: nothing was written; the bars show what the copy would do.</p>');

  body.push('<h2 id="totals">Totals</h2>');
  body.push(tiles([
    ['', t.users, 'users'], ['failed', t.usersFailed, 'users failed'], [made, report.dryRun ? t.planned : t.created, madeLabel],
    ['present', t.present, 'already present'], ['skipped', t.skipped, 'skipped'], ['failed', t.failed, 'failed'],
    ['throttle', t.throttles, 'throttles'], ['retry', t.retries, 'retries'],
  ]));
  body.push(...usersSection(report));
  body.push(...throttlingSection(report));
  body.push(...itemsSection(report));
  return page(title, body);
}

function outcomeSegments(u: UserReport, dryRun: boolean): Segment[] {
  const c = u.counts;
  return [
    dryRun ? { cls: 'planned', value: c.planned, label: `${c.planned} to create` } : { cls: 'created', value: c.created, label: `${c.created} created` },
    { cls: 'present', value: c.present, label: `${c.present} already present` },
    { cls: 'skipped', value: c.skipped, label: `${c.skipped} skipped` },
    { cls: 'failed', value: c.failed, label: `${c.failed} failed` },
  ];
}

/** The users drawn: all when they fit, else those with failures or left incomplete first, in the run's order. */
function usersToDraw(users: readonly UserReport[]): UserReport[] {
  if (users.length <= HTML_MAX_USERS) return [...users];
  const rank = (u: UserReport): number => (u.status === 'failed' || u.error ? 0 : u.status === 'incomplete' ? 1 : 2);
  const chosen = users.map((u, i) => ({ u, i })).sort((a, b) => rank(a.u) - rank(b.u) || a.i - b.i).slice(0, HTML_MAX_USERS);
  return chosen.sort((a, b) => a.i - b.i).map((c) => c.u);
}

function usersSection(report: CopyReport): string[] {
  const out: string[] = ['<h2 id="users">Users</h2>'];
  const byStatus = (s: UserReport['status']) => report.users.filter((u) => u.status === s).length;
  const statuses = report.dryRun
    ? [{ cls: 'planned', value: byStatus('planned'), label: `${byStatus('planned')} planned` }]
    : [{ cls: 'done', value: byStatus('done'), label: `${byStatus('done')} done` }];
  statuses.push({ cls: 'failed', value: byStatus('failed'), label: `${byStatus('failed')} failed` },
    { cls: 'incomplete', value: byStatus('incomplete'), label: `${byStatus('incomplete')} not finished` });
  out.push('<figure id="user-progress">', stackedBar(statuses, report.users.length, `Users: ${statuses.map((s) => s.label).join(', ')}`),
    `<figcaption>Progress: ${h(statuses.map((s) => s.label).join(', '))} of ${plural(report.users.length, 'user')}.</figcaption>`, '</figure>');
  if (report.users.length === 0) return [...out, '<p>No users were copied.</p>'];

  const drawn = usersToDraw(report.users);
  const scale = Math.max(1, ...drawn.map((u) => u.counts.planned + u.counts.created + u.counts.present + u.counts.skipped + u.counts.failed));
  const madeHead = report.dryRun ? 'To create' : 'Created';
  out.push('<figure id="user-outcomes">');
  out.push(legend([[report.dryRun ? 'planned' : 'created', report.dryRun ? 'to create' : 'created'], ['present', 'already present'], ['skipped', 'skipped'], ['failed', 'failed']]));
  out.push('<table class="users">', '<thead><tr><th>User</th><th>Status</th><th>Outcomes</th>' +
    `<th class="num">${madeHead}</th><th class="num">Already present</th><th class="num">Skipped</th><th class="num">Failed</th>` +
    '<th class="num">Throttles</th><th class="num">Retries</th><th class="num">Duration</th></tr></thead>', '<tbody>');
  for (const u of drawn) {
    const segments = outcomeSegments(u, report.dryRun);
    const c = u.counts;
    const error = u.error ? `<span class="userError">could not be copied: ${free(u.error.hr)}: ${free(u.error.reason)}</span>` : '';
    out.push(`<tr class="user-row" data-status="${h(u.status)}"><td class="name">${h(u.user)}${error}</td>` +
      `<td><span class="status ${h(u.status)}">${h(u.status)}</span></td>` +
      `<td class="chart">${stackedBar(segments, scale, `${u.user}: ${segments.map((s) => s.label).join(', ')}`)}</td>` +
      `<td class="num">${report.dryRun ? c.planned : c.created}</td><td class="num">${c.present}</td><td class="num">${c.skipped}</td><td class="num">${c.failed}</td>` +
      `<td class="num">${u.throttles}</td><td class="num">${u.retries}</td><td class="num">${h(formatDuration(u.durationMs))}</td></tr>`);
  }
  out.push('</tbody>', '</table>');
  const caption = `Each bar is one user's items, on one scale (the longest bar is ${plural(scale, 'item')}).`;
  const more = report.users.length - drawn.length;
  out.push(`<figcaption>${h(caption)}${more > 0 ? ` <strong id="users-not-drawn">${h(`${plural(more, 'more user')} not drawn`)}</strong> (users with failures come first; every user is in the JSON and Markdown reports).` : ''}</figcaption>`);
  out.push('</figure>');
  return out;
}

/** Every backoff of the run with its offset from the start, oldest first. */
function backoffsOf(report: CopyReport): (BackoffRecord & { readonly offsetMs: number })[] {
  const start = Date.parse(report.startedAt);
  return report.users.flatMap((u) => u.backoffs ?? [])
    .map((b) => ({ ...b, offsetMs: Math.min(Math.max(0, Date.parse(b.at) - start), report.durationMs) }))
    .filter((b) => Number.isFinite(b.offsetMs))
    .sort((a, b) => a.offsetMs - b.offsetMs || a.kind.localeCompare(b.kind));
}

function throttlingSection(report: CopyReport): string[] {
  const out: string[] = ['<h2 id="throttling">Throttling over time</h2>'];
  const t = report.totals;
  const events = backoffsOf(report);
  if (t.throttles + t.retries === 0) {
    return [...out, '<p id="no-throttling">No throttling and no retries: the target never asked the copy to slow down.</p>'];
  }
  const waited = events.reduce((n, e) => n + e.waitMs, 0);
  out.push(`<p>${h(plural(t.throttles, 'throttle'))} (the target was busy: every worker paused) and ${h(plural(t.retries, 'retry', 'retries'))} ` +
    `after a transient failure${events.length ? `; ${h(formatDuration(waited))} of waits in all` : ''}. ` +
    'Waits the backend made on its own first (the Graph adapter honours Retry-After) are not counted.</p>');
  if (events.length === 0) return [...out, '<p>This report has no times for them (written by an older version).</p>'];

  const bins = TIMELINE_BINS;
  const span = Math.max(1, report.durationMs);
  const counts = Array.from({ length: bins }, () => ({ throttle: 0, retry: 0 }));
  for (const e of events) counts[Math.min(bins - 1, Math.floor((e.offsetMs / span) * bins))]![e.kind]++;
  const top = Math.max(1, ...counts.map((c) => c.throttle + c.retry));
  const W = 880;
  const H = 220;
  const left = 44;
  const right = 12;
  const topPad = 10;
  const bottom = 34;
  const plotW = W - left - right;
  const plotH = H - topPad - bottom;
  const binW = plotW / bins;
  const y = (n: number): number => topPad + plotH - (n / top) * plotH;
  const f = (n: number): string => n.toFixed(2);
  const svg: string[] = [];
  svg.push(`<svg class="timeline" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="timeline-title">`);
  svg.push(`<title id="timeline-title">${h(`Throttles and retries over the run, in ${bins} intervals of ${formatDuration(span / bins)}`)}</title>`);
  const ticksY = top <= 4 ? Array.from({ length: top + 1 }, (_, i) => i) : [0, Math.round(top / 2), top];
  for (const n of ticksY) {
    svg.push(`<line class="grid" x1="${left}" x2="${W - right}" y1="${f(y(n))}" y2="${f(y(n))}"/>`);
    svg.push(`<text x="${left - 6}" y="${f(y(n) + 4)}" text-anchor="end">${n}</text>`);
  }
  counts.forEach((c, i) => {
    const x = left + i * binW;
    const from = formatDuration((i * span) / bins);
    const to = formatDuration(((i + 1) * span) / bins);
    let base = 0;
    for (const kind of ['throttle', 'retry'] as const) {
      const n = c[kind];
      if (n === 0) continue;
      svg.push(`<rect class="${kind}" data-count="${n}" x="${f(x + 1)}" y="${f(y(base + n))}" width="${f(Math.max(1, binW - 2))}" height="${f(y(base) - y(base + n))}">` +
        `<title>${h(`${from} to ${to}: ${kind === 'throttle' ? plural(n, 'throttle') : plural(n, 'retry', 'retries')}`)}</title></rect>`);
      base += n;
    }
  });
  svg.push(`<line class="axis" x1="${left}" x2="${W - right}" y1="${f(y(0))}" y2="${f(y(0))}"/>`);
  for (let i = 0; i <= 4; i++) {
    const x = left + (plotW * i) / 4;
    svg.push(`<line class="axis" x1="${f(x)}" x2="${f(x)}" y1="${f(y(0))}" y2="${f(y(0) + 4)}"/>`);
    svg.push(`<text x="${f(x)}" y="${f(y(0) + 17)}" text-anchor="${i === 0 ? 'start' : i === 4 ? 'end' : 'middle'}">${h(formatDuration((span * i) / 4))}</text>`);
  }
  svg.push(`<text x="${f(left + plotW / 2)}" y="${H - 2}" text-anchor="middle">time since the start</text>`);
  svg.push('</svg>');
  out.push('<figure id="throttle-timeline">', legend([['throttle', 'throttle (all workers paused)'], ['retry', 'retry (transient failure)']]), ...svg);
  const recorded = events.length < t.throttles + t.retries ? ` Times of the first ${events.length} are drawn; the counts above are exact.` : '';
  out.push(`<figcaption>${h(`When the copy backed off: backoffs per ${formatDuration(span / bins)} of the run (the tallest column: ${top}).${recorded}`)}</figcaption>`, '</figure>');

  const byHr = new Map<string, { kind: string; hr: string; count: number; waitMs: number }>();
  for (const e of events) {
    const key = `${e.kind} ${e.hr}`;
    const row = byHr.get(key) ?? { kind: e.kind, hr: e.hr, count: 0, waitMs: 0 };
    row.count++;
    row.waitMs += e.waitMs;
    byHr.set(key, row);
  }
  out.push('<table class="backoffs"><thead><tr><th>Kind</th><th>HRESULT</th><th class="num">Times</th><th class="num">Waited</th></tr></thead><tbody>');
  for (const row of [...byHr.values()].sort((a, b) => b.count - a.count || a.hr.localeCompare(b.hr))) {
    out.push(`<tr><td>${h(row.kind)}</td><td><code class="hr">${free(row.hr)}</code></td><td class="num">${row.count}</td><td class="num">${h(formatDuration(row.waitMs))}</td></tr>`);
  }
  out.push('</tbody></table>');
  return out;
}

const KIND: Readonly<Record<ItemReport['kind'], string>> = {
  user: 'user', contact: 'contact', group: 'group', member: 'group member', sortOrder: 'sort order', friendlyName: 'friendly name',
};

function itemsSection(report: CopyReport): string[] {
  const out: string[] = [];
  const rows: string[] = [];
  let total = 0;
  for (const outcome of ['failed', 'skipped'] as const) {
    for (const u of report.users) {
      const entries: { what: string; name: string; group?: string; hr?: string; reason?: string }[] = [];
      if (outcome === 'failed' && u.error) entries.push({ what: 'user', name: u.user, hr: u.error.hr, reason: `could not be copied: ${u.error.reason}` });
      for (const i of u.items) {
        if (i.outcome !== outcome || i.kind === 'user') continue;
        entries.push({ what: KIND[i.kind], name: i.name, ...(i.group !== undefined ? { group: i.group } : {}), ...(i.hr ? { hr: i.hr } : {}), ...(i.reason ? { reason: i.reason } : {}) });
      }
      for (const e of entries) {
        total++;
        if (rows.length >= HTML_MAX_ITEMS) continue;
        rows.push(`<tr class="item ${outcome}"><td><span class="status ${outcome}">${outcome}</span></td><td class="name">${h(u.user)}</td><td>${h(e.what)}</td>` +
          `<td class="name">${h(e.name)}</td><td class="name">${e.group !== undefined ? h(e.group) : ''}</td>` +
          `<td>${e.hr ? `<code class="hr">${free(e.hr)}</code>` : ''}</td><td>${e.reason ? free(e.reason) : ''}</td></tr>`);
      }
    }
  }
  if (total === 0) return out;
  out.push('<h2 id="items">Failed and skipped</h2>');
  out.push('<table class="items"><thead><tr><th>Outcome</th><th>User</th><th>What</th><th>Name</th><th>Group</th><th>HRESULT</th><th>Reason</th></tr></thead><tbody>', ...rows, '</tbody></table>');
  if (total > rows.length) out.push(`<p class="muted">${h(`${total - rows.length} more not listed here: see the JSON and Markdown reports.`)}</p>`);
  return out;
}

// ---- migrate report (shadow mismatches) ----------------------------------------------------------

/** Each capability keeps its colour from one report to the next (its place in ROUTABLE_CAPABILITIES); anything else is grey. */
const capabilityClass = (capability: string): string => {
  const i = (ROUTABLE_CAPABILITIES as readonly string[]).indexOf(capability);
  return i < 0 ? 'cap-other' : `cap-${i}`;
};

/** Horizontal bars in SVG, one per row, the label left, the count right. */
function barChart(id: string, title: string, rows: readonly { readonly label: string; readonly value: number; readonly cls: string; readonly tip: string }[]): string {
  const rowH = 22;
  const labelW = Math.min(320, Math.max(120, ...rows.map((r) => Math.ceil(r.label.length * 6.6) + 12)));
  const W = 880;
  const valueW = 56;
  const plotW = W - labelW - valueW;
  const H = rows.length * rowH + 8;
  const top = Math.max(1, ...rows.map((r) => r.value));
  const out = [`<svg class="bars" id="${h(id)}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${h(id)}-title">`,
    `<title id="${h(id)}-title">${h(title)}</title>`];
  rows.forEach((r, i) => {
    const y = 4 + i * rowH;
    const w = Math.max(2, (r.value / top) * plotW);
    // Long labels are cut for the picture; the row's tooltip has the whole.
    const shown = r.label.length > Math.floor((labelW - 12) / 6.6) ? `${r.label.slice(0, Math.floor((labelW - 12) / 6.6) - 1)}…` : r.label;
    out.push(`<g class="bar-row" data-label="${h(r.label)}" data-count="${r.value}"><title>${h(r.tip)}</title>` +
      `<text class="label" x="${labelW - 8}" y="${y + 15}" text-anchor="end">${h(shown)}</text>` +
      `<rect class="${r.cls}" x="${labelW}" y="${y + 2}" width="${w.toFixed(2)}" height="${rowH - 6}" rx="2"/>` +
      `<text class="value" x="${(labelW + w + 6).toFixed(2)}" y="${y + 15}">${r.value}</text></g>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

const shortJson = (v: unknown): string => {
  const text = JSON.stringify(v) ?? 'undefined';
  return text.length > 400 ? `${text.slice(0, 397)}...` : text;
};

/**
 * The shadow-read mismatch summary (`summarise()`) as a page: totals, a bar chart by capability, one
 * by capability and member (coloured by capability), the most frequent differences and the first
 * examples of each member. `source` names the mismatch file in the heading.
 */
export function renderMismatchHtml(summary: MismatchSummary, options: { readonly source?: string } = {}): string {
  const title = 'Shadow-read mismatches';
  const body: string[] = [`<h1>${h(title)}</h1>`];
  if (options.source) body.push(`<p>From <code>${free(options.source)}</code>.</p>`);
  if (summary.total === 0) {
    body.push('<p id="no-mismatches">No mismatches recorded: every shadowed read gave the same result on both backends.</p>');
    return page(title, body);
  }
  body.push(`<p>${h(`${plural(summary.total, 'mismatch', 'mismatches')} from ${summary.since} to ${summary.until}, in ${plural(summary.byMember.length, 'member')} of ${plural(Object.keys(summary.byCapability).length, 'capability', 'capabilities')}.`)}</p>`);
  body.push(tiles([['failed', summary.total, 'mismatches'], ['', Object.keys(summary.byCapability).length, 'capabilities'], ['', summary.byMember.length, 'members']]));

  const capabilities = Object.entries(summary.byCapability).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  body.push('<h2 id="by-capability">By capability</h2>', '<figure>');
  body.push(barChart('chart-capabilities', 'Mismatches by capability', capabilities.map(([c, n]) => ({ label: c, value: n, cls: capabilityClass(c), tip: `${c}: ${plural(n, 'mismatch', 'mismatches')}` }))));
  body.push('<figcaption>Mismatches recorded per capability.</figcaption>', '</figure>');

  body.push('<h2 id="by-member">By capability and member</h2>', '<figure>');
  body.push(barChart('chart-members', 'Mismatches by capability and member', summary.byMember.map((m) => ({
    label: `${m.capability}.${m.member}`, value: m.count, cls: capabilityClass(m.capability),
    tip: `${m.capability}.${m.member}: ${plural(m.count, 'mismatch', 'mismatches')}, ${plural(m.users, 'user')}, ${m.first} to ${m.last}`,
  }))));
  body.push('<figcaption>Mismatches per port member, most frequent first; the colour is the capability.</figcaption>', '</figure>');

  body.push('<h2 id="differences">Differences</h2>');
  const kindText = { changed: 'differs', onlyInPrimary: 'only on the primary', onlyInSecondary: 'only on the secondary' } as const;
  for (const m of summary.byMember) {
    body.push(`<h3>${h(`${m.capability}.${m.member}`)}: ${h(plural(m.count, 'mismatch', 'mismatches'))} <span class="muted">(${h(plural(m.users, 'user'))}, ${h(m.first)} to ${h(m.last)})</span></h3>`);
    if (m.paths.length) {
      body.push('<table class="paths"><thead><tr><th>Path</th><th>Difference</th><th class="num">Times</th></tr></thead><tbody>');
      for (const p of m.paths) body.push(`<tr><td class="name"><code>${free(p.path || '(whole result)')}</code></td><td>${h(kindText[p.kind] ?? p.kind)}</td><td class="num">${p.count}</td></tr>`);
      body.push('</tbody></table>');
    }
    if (m.examples.length) {
      body.push(`<details><summary>${m.examples.length === 1 ? 'The first example' : `The first ${m.examples.length} examples`}</summary>`);
      for (const e of m.examples) {
        body.push(`<p>${h(e.time)}${e.user ? ` <strong>${h(e.user)}</strong>` : ''} args <code>${free(shortJson(e.args))}</code></p>`);
        body.push(`<pre>primary${e.primaryBackend ? ` (${h(e.primaryBackend.name)})` : ''}:   ${free(shortJson(e.primary))}\n` +
          `secondary${e.secondaryBackend ? ` (${h(e.secondaryBackend.name)})` : ''}: ${free(shortJson(e.secondary))}</pre>`);
      }
      body.push('</details>');
    }
  }
  return page(title, body);
}

/** Write the mismatch page to `file` (directories created); returns the path. */
export function writeMismatchHtml(summary: MismatchSummary, file: string, options: { readonly source?: string } = {}): string {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, renderMismatchHtml(summary, options));
  return file;
}
