/** The final report: JSON shape, the Markdown rendering, the dry-run plan text, the files written. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type CopyReport, type ItemReport, countItems, hasFailures, mdEscape, renderMarkdown, renderPlan, renderSummary, totalsOf, writeReport,
} from '../src/report';
import { renderCopyHtml } from '../src/report-html';

/** Scratch directories, removed after the file's tests. */
const scratchDirs: string[] = [];
const scratch = (prefix: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => { for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true }); });

const items: ItemReport[] = [
  { kind: 'contact', name: 'bob@example.com', outcome: 'created' },
  { kind: 'contact', name: 'ghost@example.com', outcome: 'failed', hr: 'MSGR_E_USER_NOT_FOUND', reason: 'No user "ghost@example.com" on this service.' },
  { kind: 'group', name: 'A | B', outcome: 'present' },
  { kind: 'member', name: 'bob@example.com', group: 'A | B', outcome: 'created' },
  { kind: 'sortOrder', name: 'ContactsSortOrder', outcome: 'created' },
  { kind: 'friendlyName', name: 'MyFriendlyName', outcome: 'skipped', reason: 'MyFriendlyName is read-only through IMessenger' },
];

function sample(overrides: Partial<CopyReport> = {}): CopyReport {
  const users = [
    { user: 'alice@example.com', status: 'failed' as const, counts: countItems(items), throttles: 2, retries: 1, durationMs: 1500, items },
    { user: 'zed@example.com', status: 'failed' as const, counts: countItems([]), throttles: 0, retries: 0, durationMs: 3, error: { hr: 'MSGR_E_INVALID_PASSWORD', reason: 'no token' }, items: [] },
  ];
  return {
    version: 1, from: 'memory:/old', to: 'graph:/tenant.json', dryRun: false, aborted: false,
    startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.600Z', durationMs: 1600, concurrency: 4, journal: '/j.jsonl',
    totals: totalsOf(users), users, ...overrides,
  };
}

test('counts and totals', () => {
  expect(countItems(items)).toEqual({ planned: 0, created: 3, present: 1, skipped: 1, failed: 1 });
  expect(sample().totals).toEqual({ planned: 0, created: 3, present: 1, skipped: 1, failed: 1, users: 2, usersFailed: 2, throttles: 2, retries: 1 });
  expect(hasFailures(sample())).toBe(true);
});

test('the JSON report has the documented shape', () => {
  const dir = scratch('migration-report-');
  const written = writeReport(sample(), path.join(dir, 'nested', 'report'));
  expect(written).toEqual({ json: path.join(dir, 'nested', 'report.json'), markdown: path.join(dir, 'nested', 'report.md'), html: path.join(dir, 'nested', 'report.html') });
  const json = JSON.parse(fs.readFileSync(written.json, 'utf8')) as Record<string, unknown>;
  expect(Object.keys(json)).toEqual(['version', 'from', 'to', 'dryRun', 'aborted', 'startedAt', 'finishedAt', 'durationMs', 'concurrency', 'journal', 'totals', 'users']);
  const user = (json['users'] as Record<string, unknown>[])[0]!;
  expect(Object.keys(user)).toEqual(['user', 'status', 'counts', 'throttles', 'retries', 'durationMs', 'items']);
  expect((user['items'] as ItemReport[])[1]).toEqual(items[1]);
  expect(fs.readFileSync(written.markdown, 'utf8')).toBe(renderMarkdown(sample()));
  expect(fs.readFileSync(written.html, 'utf8')).toBe(renderCopyHtml(sample()));
});

test('Markdown: totals and per-user tables, then every failure and skip with its reason', () => {
  const md = renderMarkdown(sample());
  expect(md).toContain('# Migration copy report');
  expect(md).toContain('From **memory:/old** to **graph:/tenant.json**, 2 user(s), concurrency 4.');
  expect(md).toContain('| Users | Users failed | Created | Already present | Skipped | Failed | Throttles | Retries |');
  expect(md).toContain('| 2 | 2 | 3 | 1 | 1 | 1 | 2 | 1 |');
  expect(md).toContain('| alice@example.com | failed | 3 | 1 | 1 | 1 | 2 | 1.5 s |');
  expect(md).toContain('## Failed\n\n- **alice@example.com**: contact ghost@example.com: MSGR_E_USER_NOT_FOUND: No user "ghost@example.com" on this service.\n' +
    '- **zed@example.com**: could not be copied: MSGR_E_INVALID_PASSWORD: no token\n');
  expect(md).toContain('## Skipped\n\n- **alice@example.com**: friendly name MyFriendlyName: MyFriendlyName is read-only through IMessenger');
  expect(md).not.toContain('## Skipped\n\n- **alice@example.com**: group');
  expect(mdEscape('a|b `c` *d* [e] <f>')).toBe('a\\|b \\`c\\` \\*d\\* \\[e\\] \\<f\\>');
  expect(renderMarkdown(sample({ aborted: true }))).toContain('**Stopped before the end**: run the command again to finish.');
});

test('the dry-run plan and its Markdown say "to create"', () => {
  const planned: ItemReport[] = items.map((i) => (i.outcome === 'created' ? { ...i, outcome: 'planned' } : i));
  const users = [{ user: 'alice@example.com', status: 'planned' as const, counts: countItems(planned), throttles: 0, retries: 0, durationMs: 5, items: planned }];
  const report = sample({ dryRun: true, users, totals: totalsOf(users) });
  expect(renderPlan(report)).toBe([
    'Plan: copy from memory:/old to graph:/tenant.json (dry run: nothing is written)',
    '',
    'alice@example.com: 3 to create, 1 already present, 1 skipped, 1 failing',
    '  + contact bob@example.com',
    '  ! contact ghost@example.com (MSGR_E_USER_NOT_FOUND: No user "ghost@example.com" on this service.)',
    '  + member bob@example.com of group "A | B"',
    '  + sort order ContactsSortOrder',
    '  - friendly name MyFriendlyName (MyFriendlyName is read-only through IMessenger)',
    '',
    'Total: 3 to create, 1 already present, 1 skipped, 1 failing, 1 user(s).',
    '',
  ].join('\n'));
  expect(renderMarkdown(report)).toContain('# Migration copy plan (dry run)');
  expect(renderMarkdown(report)).toContain('| Users | Users failed | To create | Already present | Skipped | Failed | Throttles | Retries |');
  expect(renderSummary(report)).toBe('Planned in 1.6 s: 3 to create, 1 already present, 1 skipped, 1 failed; 1 user(s), 0 failed; 0 throttle(s), 0 retries.');
});
