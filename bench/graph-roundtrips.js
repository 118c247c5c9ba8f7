#!/usr/bin/env node
/**
 * bench/graph-roundtrips: how many Graph requests each Messenger member costs on the Teams backend,
 * against the fewest the API allows, and a side-by-side load of a 1,000-contact list with presence
 * against naive Graph client code (one request per contact), on the same fake tenant with 50 ms of
 * simulated latency per request. Then presence at scale (1,000 and 5,000 contacts): sign-in
 * requests, a light poll round's requests, CPU per light round (the adapter's process only: the
 * fake tenant runs in a child process) and the wall time of a full directory round at 50 ms latency.
 *
 *   npm run bench:graph            (builds first; about a minute and a half)
 *   GRAPH_BENCH_BASELINE=/tmp/base node bench/graph-roundtrips.js
 *                                  (also measures a built checkout of an earlier version: "before")
 *
 * A $batch is one request (one round trip), as Graph counts it for latency.
 */
'use strict';
const path = require('node:path');
const { fork } = require('node:child_process');
const root = path.resolve(__dirname, '..');
const { createMessenger } = require(path.join(root, 'packages/core/dist'));
const graph = require(path.join(root, 'adapters/graph/dist'));
const { graphBackend, testing } = graph;
const { kitSeed } = require(path.join(root, 'packages/contract-tests/dist/fixture.js'));
const { Client, HTTPMessageHandler } = require('@microsoft/microsoft-graph-client');

const LATENCY_MS = Number(process.env.LATENCY_MS ?? 50);
const BASELINE = process.env.GRAPH_BENCH_BASELINE;

async function session(seed, { latencyMs = 0 } = {}) {
  const service = seed.services[0];
  const tenant = new testing.FakeTenant({ seed, tenantId: service.id.replace(/[{}]/g, ''), latencyMs });
  await tenant.start();
  const upn = seed.self.signinName;
  let token = '';
  const auth = {
    mode: 'delegated',
    async signin() { token = tenant.tokenFor(upn); return { username: upn }; },
    async signout() { token = ''; },
    async getToken(o) { if (o?.forceRefresh || !token) token = tenant.tokenFor(upn); return token; },
  };
  const backend = graphBackend({ auth, tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, serviceName: service.name, presence: { intervalMs: 0 }, retry: { delaySeconds: 0 } });
  const msn = createMessenger({ backend });
  return { tenant, backend, msn, upn };
}

/** Member -> [scenario, minimum requests the API allows, why that is the minimum]. */
const BOB = 'bob@contoso.com', CAROL = 'carol@contoso.com', DAVE = 'dave@fabrikam.com', ERIN = 'erin@contoso.com';
const groupNamed = async (msn, name) => (await msn.get_MyGroups()).toArray().find((g) => g.record.name === name);
const MEMBERS = [
  ['IMessenger.Signin', async (s) => { await s.msn.Signin(0, s.upn, ''); }, 2, 'one $batch (me, profile, contact list, inbox), then one $batch: the presence session (setPresence) and, after it, the presence call for me + contacts (past 650 ids, 20 to a $batch): both need ids the first returns', false],
  ['IMessenger.Signout', (s) => s.msn.Signout(), 1, 'clearPresence: the presence session ends, so others see the user offline at once (tokens are dropped locally; Graph has no sign-out call)'],
  ['IMessenger.MyContacts', (s) => s.msn.get_MyContacts(), 0, 'read at sign-in; kept current by the watcher'],
  ['IMessenger.GetContact', (s) => s.msn.GetContact(BOB, ''), 0, 'a listed contact is known since sign-in'],
  ['IMessenger.AddContact', (s) => s.msn.AddContact(0, ERIN), 2, 'resolve the user (GET /users/{upn}), then the Outlook contact and the new contact\'s presence in one $batch'],
  ['IMessengerContacts.Remove', async (s) => { const c = await s.msn.get_MyContacts(); await c.Remove(await c.Item(0)); }, 1, 'DELETE /me/contacts/{id}'],
  ['IMessenger.MyStatus (put)', (s) => s.msn.put_MyStatus(0x0a), 1, 'setUserPreferredPresence'],
  ['IMessenger.MyStatus (get)', (s) => s.msn.get_MyStatus(), 0, 'read at sign-in, kept by the watcher'],
  ['IMessenger.MyFriendlyName', (s) => s.msn.get_MyFriendlyName(), 0, 'from /me at sign-in'],
  ['IMessenger.MyPhoneNumber', (s) => s.msn.get_MyPhoneNumber(1), 0, 'from /me at sign-in'],
  ['IMessenger.Services', (s) => s.msn.get_Services(), 0, 'the tenant is the one service'],
  ['IMessenger.UnreadEmailCount', (s) => s.msn.get_UnreadEmailCount(0), 1, 'GET mailFolders/inbox?$select=unreadItemCount'],
  ['IMessenger2.MyGroups', (s) => s.msn.get_MyGroups(), 1, 'one page of group chats with members expanded (≤ 50 chats); the profile is read at sign-in'],
  ['IMessenger2.CreateGroup', (s) => s.msn.CreateGroup('Project Phoenix', '{9b017612-c9f1-11d2-8d9f-0000f875c541}'), 2, 'the chat list (is the name taken?), then the profile PATCH that holds the still-empty group'],
  ['IMessengerGroup.Name (put)', async (s) => { const g = await groupNamed(s.msn, 'Coworkers'); s.tenant.resetRequests(); await g.put_Name('Team'); }, 2, 'the chat list (is the new name taken?), then PATCH /chats/{id}'],
  ['IMessengerGroup.AddContact', async (s) => { const g = await groupNamed(s.msn, 'Coworkers'); s.tenant.resetRequests(); await g.AddContact(DAVE); }, 1, 'POST /chats/{id}/members (DAVE is a contact: his user id is known)'],
  ['IMessengerGroup.RemoveContact', async (s) => { const g = await groupNamed(s.msn, 'Coworkers'); s.tenant.resetRequests(); await g.RemoveContact(BOB); }, 1, 'DELETE /chats/{id}/members/{membershipId} (the roster came with the list)'],
  ['IMessengerGroups.Remove', async (s) => { const gs = await s.msn.get_MyGroups(); const g = gs.toArray().find((x) => x.record.name === 'Coworkers'); s.tenant.resetRequests(); await gs.Remove(g); }, 1, 'hideForUser and the profile PATCH that keeps it hidden after the next message, in one $batch'],
  ['IMessenger.InstantMessage', (s) => s.msn.InstantMessage(BOB), 0, 'a window opens; the 1:1 chat is made when first needed'],
  ['IMessenger2.StartVideo', (s) => s.msn.StartVideo(BOB), 2, 'createOrGet and the 1:1 chat in one $batch, then the invitation message (it needs the join URL)'],
  ['IMessengerConversationWnd.History', async (s) => { const w = await s.msn.InstantMessage(BOB); s.tenant.resetRequests(); await w.get_History(); }, 2, 'POST /chats (the 1:1 chat, made now) and GET its messages'],
  ['IMessenger2.ContactsSortOrder (put)', (s) => s.msn.put_ContactsSortOrder(1), 1, 'PATCH of the profile extension'],
  ['IMessenger2.ContactsSortOrder (get)', (s) => s.msn.get_ContactsSortOrder(), 0, 'read with the profile at sign-in'],
  ['IMessenger.AutoSignin', async (s) => { await s.msn.AutoSignin(); }, 2, 'as Signin', false],
  ['IMessenger.MySigninName', (s) => s.msn.get_MySigninName(), 0, 'from /me at sign-in'],
  ['IMessenger.MyServiceName', (s) => s.msn.get_MyServiceName(), 0, 'the tenant'],
  ['IMessenger.ReceiveFileDirectory', (s) => s.msn.get_ReceiveFileDirectory(), 0, 'a local setting'],
  ['IMessenger3.Property', (s) => s.msn.get_Property(0), 0, 'the SDK version'],
  ['IMessenger.FindContact', (s) => s.msn.FindContact(0, 'Bob', 'Kelly'), 0, 'a people-search link through the launcher'],
  ['IMessenger.ViewProfile', (s) => s.msn.ViewProfile(BOB), 0, 'a Teams link through the launcher'],
  ['IMessenger.OpenInbox', (s) => s.msn.OpenInbox(), 0, 'an Outlook link through the launcher'],
  ['IMessenger.SendMail', (s) => s.msn.SendMail(BOB), 0, 'an Outlook compose link through the launcher'],
  ['IMessenger.OptionsPages', (s) => s.msn.OptionsPages(0, 0), 0, 'a Teams settings link'],
  ['IMessenger.MediaWizard', (s) => s.msn.MediaWizard(0), 0, 'a Teams device settings link'],
  ['IMessenger.StartVoice', (s) => s.msn.StartVoice(BOB), 2, 'as StartVideo'],
  ['IMessenger.Page (refused)', (s) => s.msn.Page(BOB).catch(() => undefined), 0, 'MSGR_E_PAGING_UNAVAILABLE before any request'],
  ['IMessenger.Phone (refused)', (s) => s.msn.Phone(BOB, 2, '').catch(() => undefined), 0, 'MSGR_E_PHONESERVICE_UNAVAILABLE before any request'],
  ['IMessenger.SendFile (refused)', (s) => s.msn.SendFile(BOB, 'a.txt').catch(() => undefined), 0, 'E_NOTIMPL before any request'],
  ['IMessenger.InviteApp (refused)', (s) => s.msn.InviteApp(BOB, '{00000000-0000-0000-0000-000000000001}').catch(() => undefined), 0, 'E_NOTIMPL before any request'],
  ['IMessengerContact properties', async (s) => { const c = await s.msn.GetContact(BOB, ''); await Promise.all([c.get_FriendlyName(), c.get_Status(), c.get_PhoneNumber(2).catch(() => ''), c.get_ServiceName(), c.get_IsSelf(), c.get_Property(1)]); }, 0, 'known since sign-in'],
  ['IMessengerContact.Blocked put (refused)', async (s) => { const c = await s.msn.GetContact(BOB, ''); await c.put_Blocked(true).catch(() => undefined); }, 0, 'E_NOTIMPL before any request'],
  ['IMessengerGroups Count/Item/_NewEnum', async (s) => { const g = await s.msn.get_MyGroups(); s.tenant.resetRequests(); await g.get_Count(); await g.Item(0); await g.get__NewEnum(); }, 0, 'the collection MyGroups returned'],
  ['IMessengerGroup.Contacts / Service', async (s) => { const g = await groupNamed(s.msn, 'Coworkers'); s.tenant.resetRequests(); await g.get_Contacts(); await g.get_Service(); }, 0, 'the roster came with MyGroups'],
  ['IMessengerConversationWnd.AddContact', async (s) => { const w = await s.msn.InstantMessage(BOB); s.tenant.resetRequests(); await w.AddContact(CAROL); }, 1, 'POST /chats: a 1:1 chat becomes a new group chat'],
  ['IMessengerConversationWnd.Contacts / Close', async (s) => { const w = await s.msn.InstantMessage(BOB); s.tenant.resetRequests(); await w.get_Contacts(); await w.Close(); }, 0, 'local window state'],
  ['IMessengerWindow.Show (conversation)', async (s) => { const w = await s.msn.InstantMessage(BOB); s.tenant.resetRequests(); await w.Show(); }, 1, 'POST /chats (the 1:1 chat\'s link), then the launcher'],
  ['presence poll (watcher round)', (s) => s.backend.watcher.pollNow(), 1, 'one $batch: presence per 650 ids, /me, the inbox (and, every few rounds, contacts\' directory entries)'],
];

async function perMember() {
  const rows = [];
  for (const [member, run, minimum, why, signedIn = true] of MEMBERS) {
    const s = await session(kitSeed());
    try {
      if (signedIn) await s.msn.Signin(0, s.upn, '');
      s.tenant.resetRequests();
      await run(s);
      const made = s.tenant.requests.length;
      rows.push({ member, made, minimum, ratio: minimum === 0 ? (made === 0 ? 1 : Infinity) : made / minimum, why });
    } finally {
      s.msn.dispose();
      await s.tenant.stop();
    }
  }
  return rows;
}

function bigSeed(n) {
  const seed = kitSeed();
  seed.contacts = Array.from({ length: n }, (_, i) => ({ signinName: `user${i}@contoso.com`, friendlyName: `User ${i}`, status: [1, 2, 0x22, 0x0a][i % 4] }));
  seed.groups = [];
  return seed;
}

/** What a hand-written port does: list the contacts page by page, then one presence request per contact. */
async function naiveLoad(tenant, upn) {
  const token = tenant.tokenFor(upn);
  const base = new URL(tenant.baseUrl);
  // The client's own auth handler signs only https Graph hosts; the loopback fake needs the header set here.
  const bearer = { setNext(next) { this.next = next; }, async execute(context) {
    context.options = { ...context.options, headers: { ...(context.options?.headers ?? {}), Authorization: `Bearer ${token}` } };
    await this.next.execute(context);
  } };
  bearer.setNext(new HTTPMessageHandler());
  const client = Client.initWithMiddleware({ middleware: bearer, baseUrl: `${base.origin}/`, defaultVersion: base.pathname.replace(/^\//, '') });
  const contacts = [];
  let page = await client.api('/me/contacts').get();
  contacts.push(...page.value);
  // The client resolves only https links itself; the loopback fake's http nextLink is made relative.
  while (page['@odata.nextLink']) { page = await client.api(page['@odata.nextLink'].slice(tenant.baseUrl.length)).get(); contacts.push(...page.value); }
  const statuses = [];
  for (const c of contacts) statuses.push(await client.api(`/users/${encodeURIComponent(c.emailAddresses[0].address)}/presence`).get());
  return statuses.length;
}

async function sideBySide(n) {
  const seed = bigSeed(n);
  const results = [];
  {
    const s = await session(seed, { latencyMs: LATENCY_MS });
    const started = performance.now();
    await s.msn.Signin(0, s.upn, '');
    const contacts = (await s.msn.get_MyContacts()).toArray();
    const statuses = await Promise.all(contacts.map((c) => c.get_Status()));
    results.push({ code: 'adapter (Signin + MyContacts + Status)', contacts: statuses.length, requests: s.tenant.requests.length, ms: performance.now() - started });
    s.msn.dispose();
    await s.tenant.stop();
  }
  {
    const s = await session(seed, { latencyMs: LATENCY_MS });
    const started = performance.now();
    const count = await naiveLoad(s.tenant, s.upn);
    results.push({ code: 'naive Graph client code', contacts: count, requests: s.tenant.requests.length, ms: performance.now() - started });
    await s.tenant.stop();
  }
  return results;
}

// ---- presence at scale ----------------------------------------------------------------------------

/** The fake tenant in a child process, so that process.cpuUsage() here measures the adapter alone. */
async function tenantChild() {
  const tenant = new testing.FakeTenant({ seed: bigSeed(Number(process.env.BENCH_CONTACTS)), latencyMs: Number(process.env.BENCH_LATENCY_MS) });
  await tenant.start();
  const upn = kitSeed().self.signinName;
  process.on('message', async ({ op, seq }) => {
    if (op === 'requests') {
      const items = (r, test) => (r.path === '/$batch' ? r.body.requests.filter((i) => test(i.url)).length : 0);
      const presenceItems = (r) => items(r, (url) => url === '/communications/getPresencesByUserId');
      const sessionItems = (r) => items(r, (url) => url.endsWith('/presence/setPresence'));
      process.send({ seq, value: tenant.requests.map((r) => ({ method: r.method, path: r.path, batchItems: r.batchItems, presenceItems: presenceItems(r), sessionItems: sessionItems(r) })) });
    } else if (op === 'reset') {
      tenant.resetRequests();
      process.send({ seq });
    } else if (op === 'stop') {
      await tenant.stop();
      process.send({ seq }, () => process.exit(0));
    }
  });
  process.send({ ready: { baseUrl: tenant.baseUrl, tenantId: tenant.tenantId, upn, token: tenant.tokenFor(upn) } });
}

async function remoteTenant(contacts, latencyMs) {
  const child = fork(__filename, ['--tenant-child'], { env: { ...process.env, BENCH_CONTACTS: String(contacts), BENCH_LATENCY_MS: String(latencyMs) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map();
  let seq = 0;
  const ready = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (m) => { if (m.ready) resolve(m.ready); else waiting.get(m.seq)?.(m.value); });
  });
  const call = (op) => new Promise((resolve) => { waiting.set(++seq, resolve); child.send({ op, seq }); });
  return { ...ready, requests: () => call('requests'), reset: () => call('reset'), stop: () => call('stop') };
}

/** A signed-in backend of `adapter` (this tree's dist, or the baseline's) on a remote tenant. */
async function remoteSession(adapter, tenant) {
  const auth = { mode: 'delegated', async signin() { return { username: tenant.upn }; }, async signout() {}, async getToken() { return tenant.token; } };
  const backend = adapter.mod.graphBackend({ auth, tenantId: tenant.tenantId, baseUrl: tenant.baseUrl, presence: { intervalMs: 0 }, retry: { delaySeconds: 0 } });
  await backend.ports.session.signin({ signinName: tenant.upn, password: '' });
  return backend;
}

/**
 * The adapter measured: this tree's, or the baseline's. A light round is presence, /me and the inbox
 * (no directory entries), what most timed rounds are; an earlier version without
 * pollNow({ directory: false }) runs its watcher's own round(false), the one its timer runs.
 */
const adapterOf = (mod) => ({
  mod,
  light: (backend) => (mod === graph ? backend.watcher.pollNow({ directory: false }) : backend.watcher.round(false)),
});

const presenceCallsFor = (n) => Math.ceil((n + 1) / 650);  // me + n contacts
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Sign-in and light-round requests at n contacts (no latency). */
async function requestCounts(adapter, n) {
  const tenant = await remoteTenant(n, 0);
  try {
    const backend = await remoteSession(adapter, tenant);
    const signin = await tenant.requests();
    await tenant.reset();
    await adapter.light(backend);
    const round = await tenant.requests();
    return {
      signin: signin.length,
      listing: signin.filter((r) => r.path === '/me/contacts').length + 1,
      presenceCalls: signin.filter((r) => r.path === '/communications/getPresencesByUserId').length + signin.reduce((k, r) => k + r.presenceItems, 0),
      presenceBatches: signin.filter((r) => r.presenceItems > 0).length,
      // The presence session's setPresence: alone (before), or in the presence $batch (sessionItems).
      session: signin.filter((r) => r.path.endsWith('/presence/setPresence')).length + signin.reduce((k, r) => k + (r.sessionItems ?? 0), 0),
      round: round.length,
    };
  } finally { await tenant.stop(); }
}

/** Milliseconds of this process's CPU (user + system) per light round at n contacts: median of `trials` runs of `rounds` rounds. */
async function cpuPerRound(adapter, n, { warmup, rounds, trials }) {
  const tenant = await remoteTenant(n, 0);
  try {
    const backend = await remoteSession(adapter, tenant);
    for (let i = 0; i < warmup; i++) await adapter.light(backend);
    const perRound = [];
    for (let t = 0; t < trials; t++) {
      await tenant.reset();  // the child's log would grow
      const before = process.cpuUsage();
      for (let i = 0; i < rounds; i++) await adapter.light(backend);
      const used = process.cpuUsage(before);
      perRound.push((used.user + used.system) / 1000 / rounds);
    }
    return median(perRound);
  } finally { await tenant.stop(); }
}

/** Wall time of one full round (presence and every contact's directory entry) at n contacts and `latency` ms. */
async function directoryRoundWall(adapter, n, latency) {
  const tenant = await remoteTenant(n, latency);
  try {
    const backend = await remoteSession(adapter, tenant);
    await tenant.reset();
    const started = performance.now();
    await backend.watcher.pollNow();
    const ms = performance.now() - started;
    const sent = await tenant.requests();
    return { ms, batches: sent.length };
  } finally { await tenant.stop(); }
}

async function presenceAtScale() {
  const current = adapterOf(graph);
  const baseline = BASELINE ? adapterOf(require(path.join(path.resolve(BASELINE), 'adapters/graph/dist'))) : undefined;
  const rows = [];
  const row = (name, measured, target, ok, before) => rows.push({ name, measured, target, ok, before });
  const fmt = (x, digits = 2) => x.toFixed(digits);

  for (const n of [1000, 5000]) {
    const after = await requestCounts(current, n);
    const before = baseline ? await requestCounts(baseline, n) : undefined;
    const calls = presenceCallsFor(n);
    // The presence session's setPresence travels in the first presence $batch, ahead of the calls (presence-session.ts).
    const batches = Math.ceil((calls + 1) / 20);
    const listing = Math.max(1, Math.ceil(n / 1000));
    row(`sign-in, ${n} contacts: requests`, `${after.signin} (listing ${after.listing} + ${after.session ? 'setPresence and ' : ''}${after.presenceCalls} presence calls in ${after.presenceBatches} $batch)`,
      `${listing + batches} (listing ${listing} + setPresence and ${calls} calls in ${batches} $batch)`,
      after.signin === listing + batches && after.presenceCalls === calls && after.presenceBatches === batches && after.listing === listing && after.session === 1,
      before && `${before.signin}`);
    row(`light poll round, ${n} contacts: requests`, `${after.round}`, '1', after.round === 1, before && `${before.round}`);
  }

  const load = { warmup: 10, rounds: 20, trials: 5 };
  const cpu1 = await cpuPerRound(current, 1000, load);
  const cpu5 = await cpuPerRound(current, 5000, load);
  const exponent = Math.log(cpu5 / cpu1) / Math.log(5);
  let beforeCpu;
  if (baseline) {
    const light = { warmup: 3, rounds: 5, trials: 3 };
    const b1 = await cpuPerRound(baseline, 1000, light);
    const b5 = await cpuPerRound(baseline, 5000, light);
    beforeCpu = { b1, b5, exponent: Math.log(b5 / b1) / Math.log(5) };
  }
  row('CPU per light round, 1,000 contacts', `${fmt(cpu1)} ms`, '(the base of the exponent)', true, beforeCpu && `${fmt(beforeCpu.b1)} ms`);
  row('CPU per light round, 5,000 contacts', `${fmt(cpu5)} ms`, `≤ ${fmt(cpu1 * 5 ** 1.15)} ms (5^1.15 × the 1,000 row)`, exponent <= 1.15, beforeCpu && `${fmt(beforeCpu.b5)} ms`);
  const perContact = (cpu5 - cpu1) / 4000 * 1000;
  row('CPU growth exponent 1,000 -> 5,000', `${fmt(exponent)} (${fmt(perContact)} µs per extra contact)`, '≤ 1.15 (1.00 = linear)', exponent <= 1.15,
    beforeCpu && `${fmt(beforeCpu.exponent)} (${fmt((beforeCpu.b5 - beforeCpu.b1) / 4000 * 1000)} µs per extra contact)`);

  const n = 5000;
  const wall = await directoryRoundWall(current, n, LATENCY_MS);
  const wallBefore = baseline ? await directoryRoundWall(baseline, n, LATENCY_MS) : undefined;
  const concurrency = graph.BATCH_CONCURRENCY ?? 4;
  const floor = Math.ceil(wall.batches / concurrency) * LATENCY_MS / 1000;
  const sequential = wall.batches * LATENCY_MS / 1000;
  row(`full directory round, ${n} contacts, ${LATENCY_MS} ms latency: wall`, `${fmt(wall.ms / 1000)} s (${wall.batches} $batch, ≤ ${concurrency} at once)`,
    `≈ ${fmt(floor)} s (⌈${wall.batches}/${concurrency}⌉ × ${LATENCY_MS} ms); < ${fmt(sequential / 2)} s (half of one after another, ${fmt(sequential)} s)`,
    wall.ms / 1000 < sequential / 2, wallBefore && `${fmt(wallBefore.ms / 1000)} s (${wallBefore.batches} $batch)`);
  return { rows, baseline: Boolean(baseline) };
}

(async () => {
  if (process.argv[2] === '--tenant-child') return tenantChild();
  console.log('Graph requests per member (fresh signed-in session on the fake tenant; a $batch counts once)\n');
  const rows = await perMember();
  const w = Math.max(...rows.map((r) => r.member.length));
  console.log(`${'member'.padEnd(w)}  made  min  ratio  why the minimum`);
  for (const r of rows) console.log(`${r.member.padEnd(w)}  ${String(r.made).padStart(4)}  ${String(r.minimum).padStart(3)}  ${(Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : 'inf').padStart(5)}  ${r.why}`);
  const off = rows.filter((r) => r.ratio !== 1);
  console.log(`\n${rows.length - off.length} / ${rows.length} members at ratio 1.00${off.length ? `; above: ${off.map((r) => r.member).join(', ')}` : ''}`);

  console.log(`\nLoading 1,000 contacts with presence, ${LATENCY_MS} ms latency per request\n`);
  const [ours, naive] = await sideBySide(1000);
  for (const r of [ours, naive]) console.log(`${r.code.padEnd(40)} contacts ${r.contacts}  requests ${String(r.requests).padStart(5)}  wall ${(r.ms / 1000).toFixed(2)} s`);
  console.log(`\nnaive / adapter: ${(naive.requests / ours.requests).toFixed(1)}x the requests, ${(naive.ms / ours.ms).toFixed(1)}x the wall time`);

  console.log(`\nPresence at scale (fake tenant in a child process; CPU = this process, the adapter, per light round)${BASELINE
    ? `; before = ${BASELINE}` : '; for "before", set GRAPH_BENCH_BASELINE to a built checkout of an earlier version'}\n`);
  const scale = await presenceAtScale();
  const width = Math.max(...scale.rows.map((r) => r.name.length));
  const mw = Math.max(...scale.rows.map((r) => r.measured.length));
  const tw = Math.max(...scale.rows.map((r) => r.target.length));
  console.log(`${'row'.padEnd(width)}  ${'measured'.padEnd(mw)}  ${'target'.padEnd(tw)}  ok${scale.baseline ? '   before' : ''}`);
  for (const r of scale.rows) {
    console.log(`${r.name.padEnd(width)}  ${r.measured.padEnd(mw)}  ${r.target.padEnd(tw)}  ${r.ok ? 'yes' : 'NO '}${scale.baseline ? `  ${r.before ?? ''}` : ''}`);
  }
  const missed = scale.rows.filter((r) => !r.ok);
  console.log(`\n${scale.rows.length - missed.length} / ${scale.rows.length} presence rows on target${missed.length ? `; missed: ${missed.map((r) => r.name).join(', ')}` : ''}`);
  process.exit(off.length || missed.length ? 1 : 0);
})().catch((error) => { console.error(error); process.exit(2); });
