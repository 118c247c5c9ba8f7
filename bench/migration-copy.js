#!/usr/bin/env node
/**
 * bench/migration-copy: `copyUsers` from the in-memory backend to Microsoft Graph (the fake tenant,
 * with simulated latency per request): one user owning N groups of MEMBERS members each, every
 * member a user the tenant knows, at several N in one go (50, 100, 200). For each N: wall time and
 * wall per group, requests and requests per group against the minimum through IMessenger, chat
 * listings per user, user lookups, peak memory of the copying process, throttles; each next to its
 * target. Requests per group must not grow with N.
 *
 *   npx tsc -b && node bench/migration-copy.js                       (50, 100, 200 groups at 50 ms)
 *   env BASELINE_ROOT=/tmp/base node bench/migration-copy.js         (also measures that checkout: "today")
 *   env PACKAGE_ROOT=/tmp/base node bench/migration-copy.js          (only that checkout)
 *   env GROUPS=20 LATENCY_MS=5 node bench/migration-copy.js          (a quick run)
 *
 * Environment: GROUPS or GROUP_COUNTS (50,100,200: a comma list; in bash write `env GROUPS=…`: bash
 * ignores assignments to its own GROUPS variable), MEMBERS (10), LATENCY_MS (50), USERS (1: each
 * user gets its own groups), CONCURRENCY (the library default, 4), THROTTLE_EVERY (0: off; after
 * every this many requests, the next THROTTLE_BURST (4) get 429 with Retry-After: 1, to watch the
 * adapter's retries and the copy's backoff). PACKAGE_ROOT: the checkout whose built dist is measured
 * (default: this one). BASELINE_ROOT: a checkout of the code before (built), measured first at each N
 * with this same bench: its wall per group is "today". Without it, today is the issue's figure, 1.36 s
 * per group (1 user, 50 groups x 10 members, 50 ms, concurrency 4).
 *
 * Each (checkout, N) runs in a process of its own, and the fake tenant in another, so memory figures
 * are that copy's own. A $batch is one request, as Graph counts round trips.
 */
'use strict';
const path = require('node:path');
const os = require('node:os');
const fs = require('node:fs');
const { fork } = require('node:child_process');
const here = path.resolve(__dirname, '..');

// bash ignores `GROUPS=…` (its own GROUPS variable): use `env GROUPS=50 node …` or GROUP_COUNTS=50.
const SIZES = String(process.env.GROUP_COUNTS ?? process.env.GROUP_COUNT ?? process.env.GROUPS ?? '50,100,200')
  .split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
const MEMBERS = Number(process.env.MEMBERS ?? 10);
const LATENCY_MS = Number(process.env.LATENCY_MS ?? 50);
const USERS = Number(process.env.USERS ?? 1);
const THROTTLE_EVERY = Number(process.env.THROTTLE_EVERY ?? 0);  // requests
const THROTTLE_BURST = Number(process.env.THROTTLE_BURST ?? 4);
const PACKAGE_ROOT = path.resolve(process.env.PACKAGE_ROOT ?? here);
const BASELINE_ROOT = process.env.BASELINE_ROOT ? path.resolve(process.env.BASELINE_ROOT) : undefined;
/** The issue's measurement of today's copy: 1 user, 50 groups x 10 members, 50 ms latency, concurrency 4. */
const ISSUE_MS_PER_GROUP = 1360;

/** Requests made once per user, whatever the groups: sign-in ($batch + presence) and one chat listing page. */
const PER_USER = 3;
const ownerOf = (u) => `owner${u}@contoso.com`;
const memberOf = (u, g, m) => `u${u}.g${g}.m${m}@contoso.com`;

// ---- the tenant, in its own process ------------------------------------------------------------

/** Request kinds, from the recorded method and path. */
function kindOf(r) {
  const p = r.path;
  if (r.method === 'POST' && p === '/$batch') return 'POST /$batch';
  if (r.method === 'GET' && /^\/(me|users\/[^/]+)\/chats$/.test(p)) return 'GET chats (list page)';
  if (r.method === 'GET' && /^\/users\/[^/]+$/.test(p)) return 'GET /users/{upn} (lookup)';
  if (/\/extensions/.test(p)) return `${r.method} profile extension`;
  if (r.method === 'POST' && p === '/chats') return 'POST /chats (create chat)';
  if (r.method === 'POST' && /^\/chats\/[^/]+\/members$/.test(p)) return 'POST /chats/{id}/members';
  if (r.method === 'GET' && /^\/chats\/[^/]+\/members$/.test(p)) return 'GET /chats/{id}/members';
  return `${r.method} ${p.replace(/\/[^/]*@[^/]*/g, '/{id}')}`;
}

async function tenantProcess(root, groups) {
  const testing = require(path.join(root, 'adapters/graph/dist/testing'));
  const owners = Array.from({ length: USERS }, (_, u) => ownerOf(u));
  const directory = [];
  for (let u = 0; u < USERS; u++) for (let g = 0; g < groups; g++) for (let m = 0; m < MEMBERS; m++) directory.push({ signinName: memberOf(u, g, m) });
  const seed = { self: { signinName: owners[0], friendlyName: 'Owner 0' }, directory: [...owners.slice(1).map((signinName) => ({ signinName })), ...directory] };
  const tenant = new testing.FakeTenant({ seed, latencyMs: LATENCY_MS });
  await tenant.start();
  const counts = {};
  let total = 0;
  let bodyBytes = 0;
  let largestBody = 0;
  let sinceBurst = 0;
  let lookupItems = 0; // GET /users/{upn} inside $batch requests
  const drain = () => {
    sinceBurst += tenant.requests.length;
    for (const r of tenant.requests) {
      const k = kindOf(r);
      counts[k] = (counts[k] ?? 0) + 1;
      total++;
      if (k === 'POST /$batch') lookupItems += (r.body?.requests ?? []).filter((i) => i.method === 'GET' && /^\/?users\//.test(i.url)).length;
      const size = r.body === undefined ? 0 : Buffer.byteLength(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
      bodyBytes += size;
      if (size > largestBody) largestBody = size;
    }
    tenant.resetRequests(); // the log holds whole bodies: keep it short
  };
  const drainer = setInterval(drain, 250);
  // After every THROTTLE_EVERY requests, the next THROTTLE_BURST get 429 with Retry-After: 1 (one more than
  // the adapter's 3 retries, so some reach the copy as MSGR_E_SERVER_TOO_BUSY). Counted in requests, not
  // seconds, so bursts do not pile up while the copy is backing off.
  const throttler = THROTTLE_EVERY > 0 ? setInterval(() => {
    drain();
    if (sinceBurst >= THROTTLE_EVERY) { sinceBurst = 0; tenant.failNext({ status: 429, retryAfter: 1, times: THROTTLE_BURST }); }
  }, 100) : undefined;
  let peakRss = 0;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 200);
  process.on('message', async (msg) => {
    if (msg.type === 'stats') {
      drain();
      const chats = tenant.chats().filter((c) => c.chatType === 'group');
      // A chat is one group of one owner: its topic and its members (the owner among them).
      const distinct = new Set(chats.map((c) => `${c.topic}|${[...c.memberUpns].sort().join(',')}`));
      const complete = chats.filter((c) => c.memberUpns.length === MEMBERS + 1).length;
      process.send({ type: 'stats', counts, total, bodyBytes, largestBody, lookupItems, chats: chats.length, distinctChats: distinct.size, complete, peakRss });
    } else if (msg.type === 'stop') {
      clearInterval(drainer); clearInterval(sampler); if (throttler) clearInterval(throttler);
      await tenant.stop();
      process.exit(0);
    }
  });
  process.send({ type: 'ready', baseUrl: tenant.baseUrl, tenantId: tenant.tenantId, tokens: Object.fromEntries(owners.map((o) => [o, tenant.tokenFor(o)])) });
}

// ---- one copy, in its own process --------------------------------------------------------------

function request(child, type) {
  return new Promise((resolve) => {
    const on = (msg) => { if (msg.type === type) { child.off('message', on); resolve(msg); } };
    child.on('message', on);
    child.send({ type });
  });
}

async function copyProcess(root, groupCount) {
  const { copyUsers, memoryProvider, DEFAULT_CONCURRENCY } = require(path.join(root, 'packages/migration/dist/index-copy.js'));
  const { graphProvider } = require(path.join(root, 'packages/migration/dist/providers-graph.js'));
  const concurrency = Number(process.env.CONCURRENCY ?? DEFAULT_CONCURRENCY);
  const child = fork(__filename, ['--tenant', root, String(groupCount)], { env: process.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise((resolve, reject) => { child.once('message', resolve); child.once('error', reject); });

  const seeds = {};
  for (let u = 0; u < USERS; u++) {
    const members = [];
    const groups = Array.from({ length: groupCount }, (_, g) => {
      const m = Array.from({ length: MEMBERS }, (__, i) => memberOf(u, g, i));
      members.push(...m);
      return { name: `Group ${String(g).padStart(4, '0')}`, members: m };
    });
    seeds[ownerOf(u)] = { self: { signinName: ownerOf(u), friendlyName: `Owner ${u}` }, directory: members.map((signinName) => ({ signinName })), groups };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-copy-'));
  const from = memoryProvider({ dir, seeds, readOnly: true });
  const to = graphProvider({ tenantId: ready.tenantId, baseUrl: ready.baseUrl, tokenFor: (user) => ready.tokens[user] });

  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => { const m = process.memoryUsage(); peakRss = Math.max(peakRss, m.rss); peakHeap = Math.max(peakHeap, m.heapUsed); };
  const sampler = setInterval(sample, 100);
  const started = process.hrtime.bigint();
  const report = await copyUsers({ from, to, users: Object.keys(seeds), concurrency });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  sample();
  clearInterval(sampler);
  const stats = await request(child, 'stats');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send({ type: 'stop' });
  await exited;
  fs.rmSync(dir, { recursive: true, force: true });
  const failures = report.users.flatMap((u) => u.items.filter((i) => i.outcome === 'failed')).slice(0, 5);
  process.send({ type: 'result', result: { root, groups: groupCount * USERS, concurrency, wallMs, peakRss, peakHeap, totals: report.totals, failures, stats } });
}

// ---- the runs and the table ---------------------------------------------------------------------

function runCopy(root, groupCount) {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--copy', root, String(groupCount)], { env: process.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result;
    child.on('message', (msg) => { if (msg.type === 'result') result = msg.result; });
    child.on('error', reject);
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`the copy of ${groupCount} groups (${root}) exited with ${code} and no result`))));
  });
}

const n = (x) => x.toLocaleString('en-US');
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const pad = (s, w) => String(s).padEnd(w);
const lpad = (s, w) => String(s).padStart(w);
const ok = (good) => (good ? 'ok' : 'MISSED');

/** The fewest requests through IMessenger and the Graph API floor, for `groups` groups of MEMBERS. */
function minimum(groups) {
  // Per user, sign-in (one $batch + one presence call) and one read of the target's groups (empty here: one
  // page); then per group:
  //  - API floor: one POST /chats carrying the topic and all members (user@odata.bind takes UPNs).
  //  - Through IMessenger (CreateGroup, then group AddContact per member) with a Teams group chat needing
  //    two members besides its creator: the empty group and its first member must be stored somewhere (the
  //    profile extension: 2 writes), the second member turns it into a chat exactly once (a journalled
  //    intent, POST /chats, the alias: 3), each further member is one POST /chats/{id}/members. User
  //    lookups can be batched away and the name check can use the listing already read: 0.
  const perGroup = MEMBERS >= 2 ? 2 + 3 + (MEMBERS - 2) : MEMBERS + 1;
  return { perGroup, viaImessenger: groups * perGroup + PER_USER * USERS, floor: groups + PER_USER * USERS };
}

/** Requests per group beyond the fixed per-user ones: what must not grow with the number of groups. */
const marginal = (r) => (r.stats.total - PER_USER * USERS) / r.groups;

async function main() {
  if (!SIZES.length) throw new Error('GROUPS / GROUP_COUNTS: give one or more group counts, e.g. 50,100,200');
  for (const root of [PACKAGE_ROOT, BASELINE_ROOT].filter(Boolean)) {
    const dist = path.join(root, 'packages/migration/dist/index-copy.js');
    if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: build that checkout first (npx tsc -b).`);
  }
  const { DEFAULT_CONCURRENCY } = require(path.join(PACKAGE_ROOT, 'packages/migration/dist/index-copy.js'));
  const concurrency = Number(process.env.CONCURRENCY ?? DEFAULT_CONCURRENCY);
  console.log(`migration copy: ${USERS} user(s) x ${SIZES.join(' / ')} groups x ${MEMBERS} members, memory -> graph (fake tenant), ` +
    `${LATENCY_MS} ms latency per request, concurrency ${concurrency}${THROTTLE_EVERY > 0 ? `, ${THROTTLE_BURST} x 429 after every ${THROTTLE_EVERY} requests` : ''}`);
  console.log(`measured: ${PACKAGE_ROOT}${BASELINE_ROOT ? `; today: ${BASELINE_ROOT} (same bench, same settings)` : `; today: the issue's ${ISSUE_MS_PER_GROUP / 1000} s per group (1 user, 50 x 10, 50 ms, concurrency 4), not measured here (set BASELINE_ROOT)`}`);
  if (!BASELINE_ROOT && (LATENCY_MS !== 50 || MEMBERS !== 10)) console.log(`note: the issue's figure is for 50 ms latency and 10 members; this run's wall comparison is not like for like`);
  console.log(`machine: ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version}\n`);

  const runs = [];
  for (const groups of SIZES) {
    const baseline = BASELINE_ROOT ? await runCopy(BASELINE_ROOT, groups) : undefined;
    if (baseline) console.log(`  today    ${lpad(n(baseline.groups), 5)} groups: ${(baseline.wallMs / 1000).toFixed(1)} s, ${n(baseline.stats.total)} requests`);
    const current = await runCopy(PACKAGE_ROOT, groups);
    console.log(`  measured ${lpad(n(current.groups), 5)} groups: ${(current.wallMs / 1000).toFixed(1)} s, ${n(current.stats.total)} requests`);
    runs.push({ current, baseline });
  }

  const first = runs[0].current;
  const perGroups = runs.map((r) => marginal(r.current));
  const spread = Math.max(...perGroups) / Math.min(...perGroups) - 1;
  console.log('\nEach row: measurement [target] verdict');
  const header = ['groups', 'wall', 'wall per group', 'requests (per group)', `per group beyond ${PER_USER}/user, vs first row`, 'made / IMessenger minimum', 'chat listings per user', 'user lookups (single / in $batch)', 'chats (exactly once, whole)', 'throttles', 'failed', 'peak RSS / heap'];
  const rows = runs.map(({ current: r, baseline }) => {
    const min = minimum(r.groups);
    const today = baseline ? baseline.wallMs / baseline.groups : ISSUE_MS_PER_GROUP;
    const perGroupMs = r.wallMs / r.groups;
    const listings = (r.stats.counts['GET chats (list page)'] ?? 0) / USERS;
    const lookups = r.stats.counts['GET /users/{upn} (lookup)'] ?? 0;
    const change = marginal(r) / marginal(first) - 1;
    const made = r.stats.total / min.viaImessenger;
    const whole = r.stats.distinctChats === r.groups && r.stats.chats === r.groups && r.stats.complete === r.groups;
    return [
      n(r.groups),
      `${(r.wallMs / 1000).toFixed(1)} s`,
      `${perGroupMs.toFixed(0)} ms [<= ${(today / 3).toFixed(0)} ms: today ${today.toFixed(0)} ms${baseline ? '' : ' (issue)'} / 3] ${(today / perGroupMs).toFixed(1)}x better ${ok(perGroupMs * 3 <= today)}`,
      `${n(r.stats.total)} (${(r.stats.total / r.groups).toFixed(2)})${baseline ? ` [today ${n(baseline.stats.total)} (${(baseline.stats.total / baseline.groups).toFixed(2)})]` : ''}`,
      `${marginal(r).toFixed(3)} (${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%) [within 3%] ${ok(Math.abs(change) <= 0.03)}`,
      `${n(r.stats.total)} / ${n(min.viaImessenger)} (${min.perGroup}/group) = ${made.toFixed(2)}x [<= 1.1x] ${ok(made <= 1.1)}; API floor ${n(min.floor)}: ${(r.stats.total / min.floor).toFixed(2)}x`,
      `${listings} [1] ${ok(listings === 1)}`,
      `${n(lookups)} / ${n(r.stats.lookupItems)}`,
      `${n(r.stats.distinctChats)} of ${n(r.stats.chats)} [${n(r.groups)}] ${ok(whole)}`,
      `${r.totals.throttles}, retries ${r.totals.retries}`,
      `${r.totals.failed} [0] ${ok(r.totals.failed === 0)}`,
      `${mb(r.peakRss)} / ${mb(r.peakHeap)}`,
    ];
  });
  // One block per size: "label  value" lines read better than a table this wide.
  for (const row of rows) {
    console.log('');
    row.forEach((value, i) => console.log(`  ${pad(header[i], 44)} ${value}`));
  }
  console.log(`\nRequests per group beyond the ${PER_USER} per user across ${SIZES.join(', ')} groups: ${perGroups.map((x) => x.toFixed(3)).join(', ')}; spread ${(spread * 100).toFixed(1)}% [<= 3%] ${ok(spread <= 0.03)}`);

  console.log('\nRequests by kind (per group)');
  const kinds = [...new Set(runs.flatMap((r) => [...Object.keys(r.current.stats.counts), ...Object.keys(r.baseline?.stats.counts ?? {})]))]
    .sort((a, b) => (runs[runs.length - 1].current.stats.counts[b] ?? 0) - (runs[runs.length - 1].current.stats.counts[a] ?? 0));
  console.log(`  ${pad('kind', 42)} ${runs.map((r) => lpad(`${r.current.groups} groups`, 12) + (r.baseline ? lpad('today', 9) : '')).join('  ')}`);
  for (const kind of kinds) {
    const cell = (run) => (run ? ((run.stats.counts[kind] ?? 0) / run.groups).toFixed(2) : '');
    console.log(`  ${pad(kind, 42)} ${runs.map((r) => lpad(cell(r.current), 12) + (r.baseline ? lpad(cell(r.baseline), 9) : '')).join('  ')}`);
  }
  const last = runs[runs.length - 1].current;
  console.log(`\nRequest bodies (${last.groups} groups): ${mb(last.stats.bodyBytes)} sent, largest ${n(last.stats.largestBody)} bytes`);
  const failures = runs.flatMap((r) => r.current.failures);
  if (failures.length) console.log('\nFirst failures', failures);
}

if (process.argv[2] === '--tenant') {
  tenantProcess(process.argv[3], Number(process.argv[4])).catch((error) => { console.error(error); process.exit(1); });
} else if (process.argv[2] === '--copy') {
  copyProcess(process.argv[3], Number(process.argv[4])).catch((error) => { console.error(error); process.exit(1); });
} else {
  main().catch((error) => { console.error(error); process.exit(1); });
}
