/**
 * What the HTML reports show a person: each page opened in headless Chromium (Debian's
 * /usr/bin/chromium driven by playwright-core), checking what is drawn and where, that the untrusted
 * names are shown as text and never become elements or run, that nothing is fetched and nothing is
 * logged as an error.
 *
 * Needs Chromium: `apt-get install chromium` (CHROMIUM_PATH overrides where). Without it the tests
 * are skipped, saying so, except in CI (CI=true), where .ci/run installs it and they must run.
 * REPORT_HTML_SCREENSHOTS=<dir> also saves a full-page screenshot of each page there.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { renderCopyHtml, renderMismatchHtml } from '../src/report-html';
import { EVIL_GROUP, EVIL_USER, sampleCopy, sampleMismatches, TOKEN } from './fixtures/html-reports';

jest.setTimeout(90_000);

/** CHROMIUM_PATH when set (and only it), else Debian's. */
const CANDIDATES = process.env['CHROMIUM_PATH'] ? [process.env['CHROMIUM_PATH']] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
const CHROMIUM = CANDIDATES.find((p) => fs.existsSync(p));
const IN_CI = process.env['CI'] === 'true' || process.env['CI'] === '1';
const SKIP_REASON = `no Chromium at ${CANDIDATES.join(' or ')} (apt-get install chromium, or set CHROMIUM_PATH)`;
if (!CHROMIUM && !IN_CI) process.stderr.write(`report-html.browser.test.ts: skipped: ${SKIP_REASON}\n`);
const describeInBrowser = CHROMIUM || IN_CI ? describe : describe.skip;

let browser: Browser | undefined;
let dir: string;

beforeAll(async () => {
  if (!CHROMIUM && !IN_CI) return;
  if (!CHROMIUM) throw new Error(`CI=true but ${SKIP_REASON}: .ci/run installs Debian's chromium; these tests must run in CI.`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-html-browser-'));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Headless on a machine without a network: nothing of Chromium's own may reach out either.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
afterAll(async () => {
  await browser?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

interface Opened { page: Page; url: string; requests: string[]; problems: string[]; close(): Promise<void> }

/** Open `html` from a file as a person would, recording every request, console error and page error. */
async function open(html: string, name: string): Promise<Opened> {
  const file = path.join(dir, `${name}.html`);
  fs.writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const context = await browser!.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(url, { waitUntil: 'load' });
  const shots = process.env['REPORT_HTML_SCREENSHOTS'];
  if (shots) await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  return { page, url, requests, problems, close: () => context.close() };
}

/** Widths of the drawn segments of a stacked bar, by class. */
async function segments(page: Page, row: number): Promise<{ cls: string; width: number; title: string | null }[]> {
  const segs = page.locator('tr.user-row').nth(row).locator('.seg');
  const out = [];
  for (let i = 0; i < await segs.count(); i++) {
    const seg = segs.nth(i);
    const box = await seg.boundingBox();
    out.push({ cls: (await seg.getAttribute('class'))!.replace('seg ', ''), width: box?.width ?? 0, title: await seg.getAttribute('title') });
  }
  return out;
}

describeInBrowser(CHROMIUM || IN_CI ? 'report pages in headless Chromium' : `report pages in headless Chromium (skipped: ${SKIP_REASON})`, () => {
  test('the copy report: bars per user in proportion, the throttling histogram, names as text, nothing fetched or run', async () => {
    const { page, url, requests, problems, close } = await open(renderCopyHtml(sampleCopy()), 'copy-report');
    try {
      expect(await page.title()).toBe('Migration copy report');
      await expect(page.locator('h1').innerText()).resolves.toBe('Migration copy report');

      // The untrusted name is shown, as text: no element came of it and nothing ran.
      const names = page.locator('tr.user-row td.name');
      expect(await names.count()).toBe(3);
      expect(await names.nth(1).innerText()).toBe(EVIL_USER);
      expect(await names.nth(1).isVisible()).toBe(true);
      expect(await page.locator('script, img, iframe, object, embed, #injected').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.getByText(EVIL_GROUP).first().isVisible()).toBe(true);
      expect(await page.locator('body').innerText()).not.toContain(TOKEN);

      // Totals tiles as read on the page.
      const tiles = await page.locator('#totals + ul.tiles li').allInnerTexts();
      expect(tiles.map((t) => t.replace(/\s+/g, ' ').trim())).toEqual([
        '3 users', '1 users failed', '7 created', '2 already present', '1 skipped', '2 failed', '4 throttles', '1 retries',
      ]);

      // Each user's bar: segments drawn in proportion (alice 6 : 2 : 1; the evil user 1 created : 2 failed), on one scale.
      const alice = await segments(page, 0);
      expect(alice.map((s) => [s.cls, s.title])).toEqual([['created', '6 created'], ['present', '2 already present'], ['skipped', '1 skipped']]);
      const unit = alice[2]!.width;
      expect(unit).toBeGreaterThan(10);
      expect(alice[0]!.width / unit).toBeCloseTo(6, 0);
      expect(alice[1]!.width / unit).toBeCloseTo(2, 0);
      const evil = await segments(page, 1);
      expect(evil.map((s) => s.cls)).toEqual(['created', 'failed']);
      expect(evil[0]!.width / unit).toBeCloseTo(1, 0);
      expect(evil[1]!.width / unit).toBeCloseTo(2, 0);
      expect(await segments(page, 2)).toEqual([]); // bob: not started
      // The numbers beside the bars, as a reader sees them.
      expect(await page.locator('tr.user-row').nth(0).locator('td.num').allInnerTexts()).toEqual(['6', '2', '1', '0', '4', '1', '12 s']);
      expect(await page.locator('tr.user-row').nth(2).innerText()).toContain('could not be copied: E_ABORT: not started: the copy was stopped');
      expect(await page.locator('#user-progress figcaption').innerText()).toBe('Progress: 1 done, 1 failed, 1 not finished of 3 users.');

      // Throttling over time: three columns of throttles (1, 2, 1 high), one of retries, drawn left to right in time order.
      const timeline = page.locator('svg.timeline');
      expect(await timeline.isVisible()).toBe(true);
      const columns = async (cls: string) => {
        const rects = timeline.locator(`rect.${cls}`);
        const out = [];
        for (let i = 0; i < await rects.count(); i++) out.push({ count: Number(await rects.nth(i).getAttribute('data-count')), box: (await rects.nth(i).boundingBox())! });
        return out;
      };
      const throttles = await columns('throttle');
      expect(throttles.map((c) => c.count)).toEqual([1, 2, 1]);
      expect(throttles[1]!.box.height / throttles[0]!.box.height).toBeCloseTo(2, 1);
      expect(throttles[0]!.box.x).toBeLessThan(throttles[1]!.box.x);
      const retries = await columns('retry');
      expect(retries.map((c) => c.count)).toEqual([1]);
      expect(retries[0]!.box.x).toBeGreaterThan(throttles[1]!.box.x); // 30 s, between the early throttles and the last
      expect(retries[0]!.box.x).toBeLessThan(throttles[2]!.box.x);
      const axis = await timeline.locator('text').allTextContents();
      expect(axis).toEqual(expect.arrayContaining(['0 s', '15 s', '30 s', '45 s', '1 min', 'time since the start']));
      expect(await page.locator('#throttle-timeline .legend').innerText()).toContain('throttle (all workers paused)');

      // Failures and skips, with reasons, the token redacted.
      expect(await page.locator('tr.item').count()).toBe(4);
      expect(await page.locator('tr.item.failed').nth(1).innerText()).toContain('Graph said 500 (Authorization: Bearer [redacted])');

      // Nothing fetched but the page itself; no error or warning logged (a blocked script or request would be).
      expect(requests).toEqual([url]);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  test('the mismatch report: bars by capability and by member in proportion, names as text, examples fold open without script', async () => {
    const { page, url, requests, problems, close } = await open(renderMismatchHtml(sampleMismatches(), { source: '/data/mismatches.jsonl' }), 'mismatch-report');
    try {
      expect(await page.title()).toBe('Shadow-read mismatches');
      const bars = async (id: string) => {
        const rows = page.locator(`#${id} g.bar-row`);
        const out = [];
        for (let i = 0; i < await rows.count(); i++) {
          const row = rows.nth(i);
          out.push({
            label: await row.locator('text.label').textContent(), value: await row.locator('text.value').textContent(),
            tip: await row.locator('title').textContent(), width: (await row.locator('rect').boundingBox())!.width,
          });
        }
        return out;
      };
      const caps = await bars('chart-capabilities');
      expect(caps.map((b) => [b.label, b.value])).toEqual([['presence', '4'], ['groups', '2'], ['directory', '1']]);
      expect(caps[0]!.width / caps[2]!.width).toBeCloseTo(4, 1);
      expect(caps[1]!.width / caps[2]!.width).toBeCloseTo(2, 1);
      expect(await page.locator('#chart-capabilities').isVisible()).toBe(true);

      const members = await bars('chart-members');
      expect(members.map((b) => b.value)).toEqual(['4', '2', '1']);
      expect(members.slice(0, 2).map((b) => b.label)).toEqual(['presence.statuses', 'groups.list']);
      // The member name from the file is text: cut to fit in the picture, whole in its tooltip and heading.
      const evilMember = 'directory.<img src=x onerror="window.__pwned = 3">';
      expect(members[2]!.label!.endsWith('…')).toBe(true);
      expect(evilMember.startsWith(members[2]!.label!.slice(0, -1))).toBe(true);
      expect(members[2]!.tip).toContain(evilMember);
      expect(await page.locator('h3').nth(2).innerText()).toContain(evilMember);
      expect(await page.locator('script, img, #injected').count()).toBe(0);

      // Examples are folded; opening one is a click, no script needed; the user there is text too.
      const first = page.locator('details').first();
      expect(await first.locator('pre').first().isVisible()).toBe(false);
      await first.locator('summary').click();
      expect(await first.locator('pre').first().isVisible()).toBe(true);
      expect(await first.locator('strong').first().innerText()).toBe(EVIL_USER);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

      expect(requests).toEqual([url]);
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
