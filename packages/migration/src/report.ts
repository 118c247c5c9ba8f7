/**
 * The copy's final report: JSON (per user and totals: created / already present / skipped / failed,
 * each skipped or failed item with its reason, throttles, retries and when they happened, duration),
 * its Markdown rendering and an HTML page with charts (`report-html.ts`), written side by side as
 * `<prefix>.json`, `<prefix>.md` and `<prefix>.html`. A dry run's report has the same shape, with the
 * steps that would write counted as `planned`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderCopyHtml } from './report-html';

export type ItemKind = 'user' | 'contact' | 'group' | 'member' | 'sortOrder' | 'friendlyName';
/** planned: a dry run would do it; created: done by this run; present: the target had it already. */
export type Outcome = 'planned' | 'created' | 'present' | 'skipped' | 'failed';

export interface ItemReport {
  readonly kind: ItemKind;
  /** The contact, group or member sign-in name; "ContactsSortOrder" or "MyFriendlyName". */
  readonly name: string;
  /** The group of a member. */
  readonly group?: string;
  readonly outcome: Outcome;
  readonly reason?: string;
  /** The HRESULT name of a failure (e.g. MSGR_E_USER_NOT_FOUND). */
  readonly hr?: string;
}

export interface Counts { planned: number; created: number; present: number; skipped: number; failed: number }

export type UserStatus = 'done' | 'failed' | 'incomplete' | 'planned';

export interface UserReport {
  readonly user: string;
  /** done: nothing failed; failed: something failed; incomplete: the copy was stopped first; planned: dry run. */
  readonly status: UserStatus;
  readonly counts: Counts;
  readonly throttles: number;
  readonly retries: number;
  readonly durationMs: number;
  /** Why the user could not be copied at all (sign-in, reading a side). */
  readonly error?: { readonly hr: string; readonly reason: string };
  readonly items: readonly ItemReport[];
  /**
   * When the copy backed off for this user, oldest first: every throttle and retry counted above, up
   * to the first `MAX_BACKOFFS_RECORDED` (the counts stay exact past that). Absent when there were none.
   */
  readonly backoffs?: readonly BackoffRecord[];
}

/** One wait of the copy: a throttle (every worker paused) or a retry after a transient failure. */
export interface BackoffRecord {
  /** ISO 8601: when the wait began. */
  readonly at: string;
  readonly kind: 'throttle' | 'retry';
  readonly hr: string;
  readonly waitMs: number;
}

/** A user's report keeps the times of this many backoffs at most. */
export const MAX_BACKOFFS_RECORDED = 1_000;

export interface CopyReport {
  readonly version: 1;
  readonly from: string;
  readonly to: string;
  readonly dryRun: boolean;
  /** The copy was stopped (signal) before it finished. */
  readonly aborted: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly concurrency: number;
  readonly journal?: string;
  readonly totals: Counts & { readonly users: number; readonly usersFailed: number; readonly throttles: number; readonly retries: number };
  readonly users: readonly UserReport[];
}

export const emptyCounts = (): Counts => ({ planned: 0, created: 0, present: 0, skipped: 0, failed: 0 });

export function countItems(items: readonly ItemReport[]): Counts {
  const counts = emptyCounts();
  for (const item of items) counts[item.outcome]++;
  return counts;
}

export function totalsOf(users: readonly UserReport[]): CopyReport['totals'] {
  const totals = { ...emptyCounts(), users: users.length, usersFailed: 0, throttles: 0, retries: 0 };
  for (const u of users) {
    for (const k of Object.keys(u.counts) as (keyof Counts)[]) totals[k] += u.counts[k];
    totals.throttles += u.throttles;
    totals.retries += u.retries;
    if (u.status === 'failed') totals.usersFailed++;
  }
  return totals;
}

/** Anything failed (a dry run counts the failures it predicts). */
export const hasFailures = (report: CopyReport): boolean => report.totals.failed > 0 || report.totals.usersFailed > 0;

// ---- rendering ------------------------------------------------------------------------------

const KIND_LABEL: Readonly<Record<ItemKind, string>> = {
  user: 'user', contact: 'contact', group: 'group', member: 'member', sortOrder: 'sort order', friendlyName: 'friendly name',
};

/** Text safe inside a Markdown table cell or list item. */
export function mdEscape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/([|`*[\]<>])/g, '\\$1').replace(/\r?\n/g, ' ');
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function itemLabel(item: ItemReport): string {
  if (item.kind === 'member') return `member ${item.name} of group "${item.group ?? ''}"`;
  if (item.kind === 'group') return `group "${item.name}"`;
  return `${KIND_LABEL[item.kind]} ${item.name}`;
}

export function renderMarkdown(report: CopyReport): string {
  const t = report.totals;
  const out: string[] = [];
  out.push(`# Migration copy${report.dryRun ? ' plan (dry run)' : ' report'}`, '');
  out.push(`From **${mdEscape(report.from)}** to **${mdEscape(report.to)}**, ${report.users.length} user(s), concurrency ${report.concurrency}.`);
  out.push(`Started ${report.startedAt}, finished ${report.finishedAt} (${seconds(report.durationMs)}).${report.aborted ? ' **Stopped before the end**: run the command again to finish.' : ''}`);
  if (report.journal) out.push(`Journal: \`${report.journal}\`.`);
  out.push('', '## Totals', '');
  const head = report.dryRun ? '| To create | Already present | Skipped | Failed |' : '| Created | Already present | Skipped | Failed |';
  out.push(`| Users | Users failed ${head} Throttles | Retries |`);
  out.push('|---:|---:|---:|---:|---:|---:|---:|---:|');
  out.push(`| ${t.users} | ${t.usersFailed} | ${report.dryRun ? t.planned : t.created} | ${t.present} | ${t.skipped} | ${t.failed} | ${t.throttles} | ${t.retries} |`);
  out.push('', '## Users', '');
  out.push(`| User | Status ${head} Throttles | Duration |`);
  out.push('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const u of report.users) {
    const c = u.counts;
    out.push(`| ${mdEscape(u.user)} | ${u.status} | ${report.dryRun ? c.planned : c.created} | ${c.present} | ${c.skipped} | ${c.failed} | ${u.throttles} | ${seconds(u.durationMs)} |`);
  }
  const listed = (outcome: Outcome, title: string) => {
    const rows = report.users.flatMap((u) => [
      ...(outcome === 'failed' && u.error ? [`- **${mdEscape(u.user)}**: could not be copied: ${mdEscape(u.error.hr)}: ${mdEscape(u.error.reason)}`] : []),
      ...u.items.filter((i) => i.outcome === outcome && i.kind !== 'user')
        .map((i) => `- **${mdEscape(u.user)}**: ${mdEscape(itemLabel(i))}${i.hr ? `: ${mdEscape(i.hr)}` : ''}${i.reason ? `: ${mdEscape(i.reason)}` : ''}`),
    ]);
    if (rows.length) out.push('', `## ${title}`, '', ...rows);
  };
  listed('failed', 'Failed');
  listed('skipped', 'Skipped');
  return `${out.join('\n')}\n`;
}

/**
 * The plan of a dry run as text, per user: `+` would be created, `!` would fail, `-` skipped (with
 * the reason); what is already present is counted, not listed.
 */
export function renderPlan(report: CopyReport): string {
  const out: string[] = [`Plan: copy from ${report.from} to ${report.to} (dry run: nothing is written)`];
  for (const u of report.users) {
    const c = u.counts;
    out.push('', `${u.user}: ${c.planned} to create, ${c.present} already present, ${c.skipped} skipped, ${c.failed} failing`);
    if (u.error) out.push(`  ! cannot be copied: ${u.error.hr}: ${u.error.reason}`);
    for (const i of u.items) {
      const mark = i.outcome === 'planned' ? '+' : i.outcome === 'failed' ? '!' : i.outcome === 'skipped' ? '-' : undefined;
      if (!mark) continue;
      const why = [i.hr, i.reason].filter(Boolean).join(': ');
      out.push(`  ${mark} ${itemLabel(i)}${why ? ` (${why})` : ''}`);
    }
  }
  const t = report.totals;
  out.push('', `Total: ${t.planned} to create, ${t.present} already present, ${t.skipped} skipped, ${t.failed} failing, ${t.users} user(s).`);
  return `${out.join('\n')}\n`;
}

/** One line for the end of a run. */
export function renderSummary(report: CopyReport): string {
  const t = report.totals;
  const first = report.dryRun ? `${t.planned} to create` : `${t.created} created`;
  return `${report.aborted ? 'Stopped' : report.dryRun ? 'Planned' : 'Done'} in ${seconds(report.durationMs)}: ${first}, ${t.present} already present, ` +
    `${t.skipped} skipped, ${t.failed} failed; ${t.users} user(s), ${t.usersFailed} failed; ${t.throttles} throttle(s), ${t.retries} retr${t.retries === 1 ? 'y' : 'ies'}.`;
}

/** Write `<prefix>.json`, `<prefix>.md` and `<prefix>.html` (directories created); returns the paths. */
export function writeReport(report: CopyReport, prefix: string): { json: string; markdown: string; html: string } {
  const json = `${prefix}.json`;
  const markdown = `${prefix}.md`;
  const html = `${prefix}.html`;
  fs.mkdirSync(path.dirname(path.resolve(json)), { recursive: true });
  fs.writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  fs.writeFileSync(markdown, renderMarkdown(report));
  fs.writeFileSync(html, renderCopyHtml(report));
  return { json, markdown, html };
}
