#!/usr/bin/env node
/**
 * bench/migration-copy: `copyUsers` from the in-memory backend to Microsoft Graph (the fake tenant,
 * with simulated latency per request): one user owning GROUPS groups of MEMBERS members each, every
 * member a user the tenant knows. Reports wall time, the requests made against the minimum, requests
 * per group, peak memory of the copying process, and throttles.
 *
 *   npm run bench:migration                       (builds first; 1,000 x 10 at 50 ms: long, see the note)
 *   env GROUPS=50 LATENCY_MS=5 node bench/migration-copy.js      (a quick run)
 *
 * Environment: GROUPS or GROUP_COUNT (1000; in bash write `env GROUPS=…`: bash ignores assignments
 * to its own GROUPS variable), MEMBERS (10), LATENCY_MS (50), USERS (1: each user gets its own
 * groups), CONCURRENCY (the library default, 4), THROTTLE_EVERY (0: off; after every this many
 * requests, the next THROTTLE_BURST (4) get 429 with Retry-After: 1, to watch the adapter's retries
 * and the copy's backoff).
 *
 * The fake tenant runs in a child process, so the memory figures are the copy's own. A $batch is
 * one request, as Graph counts round trips.
 */
'use strict';
const path = require('node:path');
const os = require('node:os');
const fs = require('node:fs');
const { fork } = require('node:child_process');
const root = path.resolve(__dirname, '..');

// bash ignores `GROUPS=…` (its own GROUPS variable): use `env GROUPS=50 node …` or GROUP_COUNT=50.
const GROUPS = Number(process.env.GROUP_COUNT ?? process.env.GROUPS ?? 1000);
const MEMBERS = Number(process.env.MEMBERS ?? 10);
const LATENCY_MS = Number(process.env.LATENCY_MS ?? 50);
const USERS = Number(process.env.USERS ?? 1);
const THROTTLE_EVERY = Number(process.env.THROTTLE_EVERY ?? 0);  // requests
const THROTTLE_BURST = Number(process.env.THROTTLE_BURST ?? 4);

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

async function tenantProcess() {
  const { testing } = require(path.join(root, 'adapters/graph/dist'));
  const owners = Array.from({ length: USERS }, (_, u) => ownerOf(u));
  const directory = [];
  for (let u = 0; u < USERS; u++) for (let g = 0; g < GROUPS; g++) for (let m = 0; m < MEMBERS; m++) directory.push({ signinName: memberOf(u, g, m) });
  const seed = { self: { signinName: owners[0], friendlyName: 'Owner 0' }, directory: [...owners.slice(1).map((signinName) => ({ signinName })), ...directory] };
  const tenant = new testing.FakeTenant({ seed, latencyMs: LATENCY_MS });
  await tenant.start();
  const counts = {};
  let total = 0;
  let bodyBytes = 0;
  let largestBody = 0;
  let sinceBurst = 0;
  const drain = () => {
    sinceBurst += tenant.requests.length;
    for (const r of tenant.requests) {
      const k = kindOf(r);
      counts[k] = (counts[k] ?? 0) + 1;
      total++;
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
      process.send({ type: 'stats', counts, total, bodyBytes, largestBody, chats: chats.length, distinctChats: distinct.size, peakRss });
    } else if (msg.type === 'stop') {
      clearInterval(drainer); clearInterval(sampler); if (throttler) clearInterval(throttler);
      await tenant.stop();
      process.exit(0);
    }
  });
  process.send({ type: 'ready', baseUrl: tenant.baseUrl, tenantId: tenant.tenantId, tokens: Object.fromEntries(owners.map((o) => [o, tenant.tokenFor(o)])) });
}

// ---- the copy ---------------------------------------------------------------------------------

function request(child, type) {
  return new Promise((resolve) => {
    const on = (msg) => { if (msg.type === type) { child.off('message', on); resolve(msg); } };
    child.on('message', on);
    child.send({ type });
  });
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const n = (x) => x.toLocaleString('en-US');

async function main() {
  const { copyUsers, memoryProvider, graphProvider, createProgress, DEFAULT_CONCURRENCY } = require(path.join(root, 'packages/migration/dist/index-copy.js'));
  const concurrency = Number(process.env.CONCURRENCY ?? DEFAULT_CONCURRENCY);
  const child = fork(__filename, ['--tenant'], { env: process.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise((resolve, reject) => { child.once('message', resolve); child.once('error', reject); });

  const seeds = {};
  for (let u = 0; u < USERS; u++) {
    const members = [];
    const groups = Array.from({ length: GROUPS }, (_, g) => {
      const m = Array.from({ length: MEMBERS }, (__, i) => memberOf(u, g, i));
      members.push(...m);
      return { name: `Group ${String(g).padStart(4, '0')}`, members: m };
    });
    seeds[ownerOf(u)] = { self: { signinName: ownerOf(u), friendlyName: `Owner ${u}` }, directory: members.map((signinName) => ({ signinName })), groups };
  }
  const from = memoryProvider({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-copy-')), seeds, readOnly: true });
  const to = graphProvider({ tenantId: ready.tenantId, baseUrl: ready.baseUrl, tokenFor: (user) => ready.tokens[user] });

  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => { const m = process.memoryUsage(); peakRss = Math.max(peakRss, m.rss); peakHeap = Math.max(peakHeap, m.heapUsed); };
  const sampler = setInterval(sample, 100);
  const progress = createProgress({ stream: process.stderr, everyMs: 10_000, everySteps: 1_000 });
  console.log(`migration copy: ${USERS} user(s) x ${n(GROUPS)} groups x ${MEMBERS} members, memory -> graph (fake tenant), ${LATENCY_MS} ms latency per request, concurrency ${concurrency}` +
    `${THROTTLE_EVERY > 0 ? `, ${THROTTLE_BURST} x 429 after every ${THROTTLE_EVERY} requests` : ''}\n`);
  const started = process.hrtime.bigint();
  const report = await copyUsers({ from, to, users: Object.keys(seeds), concurrency, onProgress: (s) => progress.update(s) });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  progress.finish({ stepsDone: report.users.reduce((a, u) => a + u.items.length, 0), stepsTotal: report.users.reduce((a, u) => a + u.items.length, 0), usersDone: USERS, usersPlanned: USERS, usersTotal: USERS, failures: report.totals.failed, throttles: report.totals.throttles, elapsedMs: wallMs });
  sample();
  clearInterval(sampler);
  const stats = await request(child, 'stats');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send({ type: 'stop' });
  await exited;

  const groups = GROUPS * USERS;
  // The fewest requests: per user, sign-in (one $batch + one presence call) and one read of the target's
  // groups (empty here: one page); then per group:
  //  - API floor: one POST /chats carrying the topic and all members (user@odata.bind takes UPNs).
  //  - Through IMessenger (CreateGroup, then group AddContact per member) with a Teams group chat needing
  //    two members besides its creator: the empty group and its first member must be stored somewhere (the
  //    profile extension: 2 writes), the second member turns it into a chat exactly once (a journalled
  //    intent, POST /chats, the alias: 3), each further member is one POST /chats/{id}/members. User
  //    lookups can be batched away and the name check can use the listing already read: 0.
  const perUser = 3;
  const floor = groups + perUser * USERS;
  const viaImessenger = groups * (MEMBERS >= 2 ? 2 + 3 + (MEMBERS - 2) : MEMBERS + 1) + perUser * USERS;
  const rows = Object.entries(stats.counts).sort((a, b) => b[1] - a[1]);

  console.log(`\nWall time        ${(wallMs / 1000).toFixed(1)} s (${(wallMs / groups).toFixed(0)} ms per group)`);
  console.log(`Requests         ${n(stats.total)} (${(stats.total / groups).toFixed(1)} per group)`);
  console.log(`Minimum          ${n(viaImessenger)} through IMessenger (${((viaImessenger - perUser * USERS) / groups).toFixed(0)} per group: 2 profile writes, intent + POST /chats + alias, ${MEMBERS - 2} member POSTs)`);
  console.log(`                 ${n(floor)} Graph API floor (1 POST /chats per group with every member inline)`);
  console.log(`Made / minimum   ${(stats.total / viaImessenger).toFixed(2)}x (IMessenger path), ${(stats.total / floor).toFixed(1)}x (API floor)`);
  console.log(`Peak memory      copy process: RSS ${mb(peakRss)}, heap used ${mb(peakHeap)}; fake tenant process: RSS ${mb(stats.peakRss)}`);
  console.log(`Request bodies   ${mb(stats.bodyBytes)} sent, largest ${n(stats.largestBody)} bytes`);
  console.log(`Throttles        ${report.totals.throttles} (copy backoffs after the adapter's own Retry-After retries), retries ${report.totals.retries}`);
  console.log(`Report totals    created ${n(report.totals.created)}, present ${n(report.totals.present)}, skipped ${report.totals.skipped}, failed ${report.totals.failed}`);
  console.log(`Target           ${n(stats.chats)} group chats, ${n(stats.distinctChats)} distinct (topic, members) (expected ${n(groups)}: no duplicate)`);
  console.log('\nRequests by kind');
  for (const [kind, count] of rows) console.log(`  ${String(n(count)).padStart(8)}  ${(count / groups).toFixed(2).padStart(6)}/group  ${kind}`);
  if (report.totals.failed) {
    const failures = report.users.flatMap((u) => u.items.filter((i) => i.outcome === 'failed')).slice(0, 5);
    console.log('\nFirst failures', failures);
  }
}

if (process.argv[2] === '--tenant') {
  tenantProcess().catch((error) => { console.error(error); process.exit(1); });
} else {
  main().catch((error) => { console.error(error); process.exit(1); });
}
