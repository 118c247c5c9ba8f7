/**
 * The HTML reports as text: self-contained (no script, nothing to fetch, a policy that forbids both),
 * every untrusted text escaped, credentials redacted, the charts' numbers right, large runs bounded,
 * the same bytes for the same report; and the commands writing them (`migrate copy --report` also
 * writes `<prefix>.html`, `migrate report --html <file>`). What a browser shows: report-html.browser.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyCommand } from '../src/copy-command';
import { migrateReportCommand } from '../src/routes-command';
import {
  formatDuration, HTML_MAX_USERS, htmlEscape, redactSecrets, renderCopyHtml, renderMismatchHtml, TIMELINE_BINS,
} from '../src/report-html';
import { summarise } from '../src/mismatch-store';
import { copyReport, EVIL_GROUP, EVIL_USER, sampleCopy, sampleMismatches, TOKEN, user } from './fixtures/html-reports';

const scratchDirs: string[] = [];
const scratch = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migration-html-'));
  scratchDirs.push(dir);
  return dir;
};
afterAll(() => { for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true }); });

/**
 * The start tags of a page with their attribute names. Every `<` must open a tag, an end tag or the
 * doctype, and every attribute value is double-quoted without a `"` inside: escaped text never is a tag.
 */
function startTags(html: string): { name: string; attrs: string[] }[] {
  const found: { name: string; attrs: string[] }[] = [];
  const token = /<!DOCTYPE html>|<\/([a-zA-Z][\w-]*)>|<([a-zA-Z][\w-]*)((?:\s+[a-zA-Z][\w:-]*(?:="[^"<>]*")?)*)\s*\/?>/gy;
  for (let at = html.indexOf('<'); at >= 0; at = html.indexOf('<', at + 1)) {
    token.lastIndex = at;
    const m = token.exec(html);
    if (!m) throw new Error(`a "<" that opens no tag: ${JSON.stringify(html.slice(at, at + 60))}`);
    if (m[2]) found.push({ name: m[2].toLowerCase(), attrs: [...(m[3] ?? '').matchAll(/\s+([a-zA-Z][\w:-]*)(?:="[^"]*")?/g)].map((a) => a[1]!.toLowerCase()) });
  }
  return found;
}
const tags = (html: string): string[] => startTags(html).map((t) => t.name);
const counts = (html: string, cls: string): number[] =>
  [...html.matchAll(new RegExp(`<(?:span|rect) class="(?:seg )?${cls}"[^>]*data-count="(\\d+)"`, 'g'))].map((m) => Number(m[1]));

/** Nothing in the page can run or be fetched. */
function expectSelfContained(html: string): void {
  expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
  expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">`);
  expect(new Set(tags(html))).not.toContain('script');
  for (const forbidden of ['img', 'iframe', 'object', 'embed', 'link', 'base', 'form', 'input', 'foreignobject', 'image', 'use', 'a']) {
    expect([forbidden, tags(html).includes(forbidden)]).toEqual([forbidden, false]);
  }
  // No event handler or URL attribute on any element (escaped text may say "onerror=": it is text).
  expect(startTags(html).flatMap((t) => t.attrs.filter((a) => /^on|^(src|srcset|href|xlink:href|action|formaction|background|poster)$/.test(a)).map((a) => `${t.name} ${a}`))).toEqual([]);
  expect(html).not.toMatch(/url\(|@import|@font-face|https?:|\/\/[a-z0-9]/i);
}

describe('the copy report page', () => {
  const html = renderCopyHtml(sampleCopy());

  test('is one self-contained file', () => {
    expectSelfContained(html);
    expect(renderCopyHtml(sampleCopy())).toBe(html); // the same bytes for the same report
  });

  test('untrusted names are text, not markup; credentials are redacted', () => {
    expect(html).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;&lt;img src=&quot;x&quot; onerror=&quot;window.__pwned = 2&quot;&gt;@evil.example');
    expect(html).toContain(htmlEscape(EVIL_GROUP));
    expect(html).not.toContain(EVIL_USER);
    expect(html).not.toContain('<b id="injected">');
    expect(html).not.toContain(TOKEN);
    expect(html).toContain('Graph said 500 (Authorization: Bearer [redacted])');
  });

  test('totals, and one stacked bar per user with its counts', () => {
    expect(html).toMatch(/<li class="tile created"><span class="n">7<\/span><span class="what">created<\/span><\/li>/);
    expect(html).toMatch(/<li class="tile failed"><span class="n">2<\/span><span class="what">failed<\/span><\/li>/);
    expect(html).toMatch(/<li class="tile throttle"><span class="n">4<\/span><span class="what">throttles<\/span><\/li>/);
    const rows = [...html.matchAll(/<tr class="user-row" data-status="(\w+)">[\s\S]*?<\/tr>/g)];
    expect(rows.map((r) => r[1])).toEqual(['done', 'failed', 'incomplete']);
    // alice: 6 created, 2 present, 1 skipped on a scale of 9 (the longest bar).
    expect([...rows[0]![0].matchAll(/class="seg (\w+)" style="width:([\d.]+)%" title="([^"]+)" data-count="(\d+)"/g)].map((m) => [m[1], m[2], m[3], m[4]]))
      .toEqual([['created', '66.667', '6 created', '6'], ['present', '22.222', '2 already present', '2'], ['skipped', '11.111', '1 skipped', '1']]);
    expect(rows[1]![0]).toContain('<span class="seg failed" style="width:22.222%" title="2 failed" data-count="2">');
    expect(rows[2]![0]).toContain('could not be copied: E_ABORT: not started: the copy was stopped');
    expect(rows[2]![0]).not.toContain('class="seg');
    // Progress of the users: 1 done, 1 failed, 1 not finished.
    expect(html).toContain('Progress: 1 done, 1 failed, 1 not finished of 3 users.');
  });

  test('throttling over time: a histogram of when the copy backed off', () => {
    expect(html).toContain('4 throttles (the target was busy: every worker paused) and 1 retry after a transient failure; 8.5 s of waits in all.');
    // 48 columns over 60 s: 1.25 s each. Throttles at 2, 2.5, 3 s (columns 1 and 2), 58 s (column 46); the retry at 30 s (column 24).
    expect(counts(html, 'throttle')).toEqual([1, 2, 1]);
    expect(counts(html, 'retry')).toEqual([1]);
    expect(html).toContain('<title>1.3 s to 2.5 s: 1 throttle</title>');
    expect(html).toContain('<title>2.5 s to 3.8 s: 2 throttles</title>');
    expect(html).toContain('<title>30 s to 31 s: 1 retry</title>');
    expect(html).toMatch(/<td>throttle<\/td><td><code class="hr">MSGR_E_SERVER_TOO_BUSY<\/code><\/td><td class="num">4<\/td><td class="num">8.0 s<\/td>/);
    expect(TIMELINE_BINS).toBe(48);
  });

  test('no throttling, and throttles counted without times', () => {
    const calm = renderCopyHtml(copyReport([user('a@example.com', 'done', [])]));
    expect(calm).toContain('<p id="no-throttling">No throttling and no retries');
    expect(calm).not.toContain('<svg');
    const old = copyReport([{ ...user('a@example.com', 'done', []), throttles: 3 }]);
    expect(renderCopyHtml(old)).toContain('This report has no times for them');
  });

  test('failed and skipped items are listed with their reasons', () => {
    const listed = [...html.matchAll(/<tr class="item (\w+)">/g)].map((m) => m[1]);
    expect(listed).toEqual(['failed', 'failed', 'failed', 'skipped']); // evil's contact and member, bob's error; alice's skip
    expect(html).toContain('<td>contact</td><td class="name">failed0@example.com</td><td class="name"></td><td><code class="hr">MSGR_E_USER_NOT_FOUND</code></td><td>No such user on the target.</td>');
    expect(html).toContain(`<td>group member</td><td class="name">carol@example.com</td><td class="name">${htmlEscape(EVIL_GROUP)}</td>`);
  });

  test('a dry run says "to create"; a stopped run says so', () => {
    const planned = copyReport([user('a@example.com', 'planned', [{ kind: 'contact', name: 'b@example.com', outcome: 'planned' }])], { dryRun: true });
    const page = renderCopyHtml(planned);
    expect(page).toContain('<title>Migration copy plan (dry run)</title>');
    expect(page).toMatch(/<span class="seg planned" style="width:100.000%" title="1 to create" data-count="1">/);
    expect(renderCopyHtml(copyReport([], { aborted: true }))).toContain('<strong>Stopped before the end</strong>');
  });

  test(`at most ${HTML_MAX_USERS} users are drawn, those with failures first`, () => {
    const many = Array.from({ length: HTML_MAX_USERS + 100 }, (_, i) =>
      user(`u${String(i).padStart(4, '0')}@example.com`, i % 150 === 149 ? 'failed' : 'done', [{ kind: 'contact', name: 'x@example.com', outcome: i % 150 === 149 ? 'failed' : 'created' }]));
    const page = renderCopyHtml(copyReport(many));
    const drawn = [...page.matchAll(/<tr class="user-row" data-status="(\w+)"><td class="name">([^<]+)</g)];
    expect(drawn).toHaveLength(HTML_MAX_USERS);
    expect(drawn.filter((r) => r[1] === 'failed').map((r) => r[2])).toEqual(['u0149@example.com', 'u0299@example.com', 'u0449@example.com', 'u0599@example.com']);
    expect(page).toContain('<strong id="users-not-drawn">100 more users not drawn</strong>');
  });
});

describe('the mismatch page', () => {
  const html = renderMismatchHtml(sampleMismatches(), { source: '/data/mismatches.jsonl' });

  test('is one self-contained file; untrusted member and user names are text', () => {
    expectSelfContained(html);
    expect(html).toContain('&lt;img src=x onerror=&quot;window.__pwned = 3&quot;&gt;');
    expect(html).not.toContain('<img');
    expect(html).toContain(htmlEscape(EVIL_USER));
    expect(renderMismatchHtml(sampleMismatches(), { source: '/data/mismatches.jsonl' })).toBe(html);
  });

  test('bar charts by capability and by member, with their counts', () => {
    const bars = (id: string) => {
      const svg = new RegExp(`<svg class="bars" id="${id}"[\\s\\S]*?</svg>`).exec(html)![0];
      return [...svg.matchAll(/<g class="bar-row" data-label="([^"]*)" data-count="(\d+)">[\s\S]*?<rect class="(cap-\w+)"[^>]*width="([\d.]+)"/g)]
        .map((m) => [m[1], Number(m[2]), m[3], Number(m[4])] as const);
    };
    const caps = bars('chart-capabilities');
    expect(caps.map(([label, n, cls]) => [label, n, cls])).toEqual([['presence', 4, 'cap-2'], ['groups', 2, 'cap-3'], ['directory', 1, 'cap-1']]);
    expect(caps[1]![3] / caps[0]![3]).toBeCloseTo(0.5, 5); // bar lengths in proportion
    expect(bars('chart-members').map(([label, n, cls]) => [label, n, cls])).toEqual([
      ['presence.statuses', 4, 'cap-2'], ['groups.list', 2, 'cap-3'], [htmlEscape('directory.<img src=x onerror="window.__pwned = 3">'), 1, 'cap-1'],
    ]);
    expect(html).toContain('7 mismatches from 2026-03-01T09:00:00.000Z to 2026-03-01T09:06:00.000Z, in 3 members of 3 capabilities.');
    expect(html).toMatch(/<tr><td class="name"><code>carol@contoso.com<\/code><\/td><td>differs<\/td><td class="num">3<\/td><\/tr>/);
  });

  test('an empty file says so', () => {
    const empty = renderMismatchHtml(summarise([]));
    expectSelfContained(empty);
    expect(empty).toContain('<p id="no-mismatches">No mismatches recorded');
  });
});

test('helpers: escaping, redaction, durations', () => {
  expect(htmlEscape(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  expect(redactSecrets(`Bearer abcdefgh123456 and ${TOKEN} client_secret=s3cr3t-v4lue&x=1 "password": "hunter22" plain text`))
    .toBe('Bearer [redacted] and [redacted] client_secret=[redacted]&x=1 "password": "[redacted]" plain text');
  expect(redactSecrets('MSGR_E_USER_NOT_FOUND: No user "ghost@example.com" on this service.')).toBe('MSGR_E_USER_NOT_FOUND: No user "ghost@example.com" on this service.');
  expect([0, 850, 1_250, 12_500, 200_000, 7_500_000].map(formatDuration)).toEqual(['0 s', '850 ms', '1.3 s', '13 s', '3 min 20 s', '2 h 05 min']);
});

describe('the commands write the pages', () => {
  test('migrate copy --report <prefix> writes <prefix>.html beside the JSON and Markdown', async () => {
    const cwd = scratch();
    const alice = 'alice@example.com';
    fs.mkdirSync(path.join(cwd, 'old'));
    fs.mkdirSync(path.join(cwd, 'new'));
    fs.writeFileSync(path.join(cwd, 'old', `${alice}.seed.json`), JSON.stringify({ self: { signinName: alice }, contacts: [{ signinName: 'carol@example.com' }] }));
    fs.writeFileSync(path.join(cwd, 'new', `${alice}.seed.json`), JSON.stringify({ self: { signinName: alice }, directory: [{ signinName: 'carol@example.com' }] }));
    let out = '';
    const io = { stdout: { write: (s: string) => { out += s; return true; } }, stderr: { isTTY: false, write: () => true }, cwd };
    expect(await copyCommand(['--from', 'memory:old', '--to', 'memory:new', '--report', 'out/copy', '--progress', 'none'], io)).toBe(0);
    const page = fs.readFileSync(path.join(cwd, 'out', 'copy.html'), 'utf8');
    expectSelfContained(page);
    expect(page).toContain('<tr class="user-row" data-status="done"><td class="name">alice@example.com</td>');
    expect(out).toContain(path.join(cwd, 'out', 'copy.html'));
  });

  test('migrate report --mismatches f --html <file>', async () => {
    const dir = scratch();
    const file = path.join(dir, 'mismatches.jsonl');
    const record = {
      time: '2025-03-01T09:00:00.000Z', capability: 'groups', member: 'list', args: [], user: 'ann@contoso.com',
      primary: { coworkers: {} }, secondary: {}, difference: [{ path: 'coworkers', kind: 'onlyInPrimary', value: {} }],
    };
    fs.writeFileSync(file, `${JSON.stringify(record)}\n`);
    let out = '';
    const io = { stdout: { write: (s: string) => { out += s; } }, stderr: { write: () => undefined } };
    expect(await migrateReportCommand(['--mismatches', file, '--html', path.join(dir, 'html', 'mismatches.html')], io)).toBe(0);
    expect(out).toContain('1 mismatch from 2025-03-01T09:00:00.000Z');
    const page = fs.readFileSync(path.join(dir, 'html', 'mismatches.html'), 'utf8');
    expectSelfContained(page);
    expect(page).toContain('<g class="bar-row" data-label="groups.list" data-count="1">');
  });
});
