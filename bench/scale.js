#!/usr/bin/env node
/**
 * bench/scale: how core's contact resolution grows with the contact list. The memory backend with
 * N contacts (default N = 1,000, 10,000, 100,000) in N/100 groups of 100 members, walked on the
 * async face and on the shim face (synchronous, through the worker), in child processes per size
 * and face, so sizes do not pollute each other's timings or peak RSS.
 *
 * Steps (each timed as a whole; GetContact and FindContact over many names, the rest once over the list):
 *   Signin x20                      twenty sign-ins, a sign-out before each but the first
 *   GetContact x1000, before        1,000 distinct names, none read yet (no MyContacts so far)
 *   MyContacts, FriendlyName+Status the first enumeration of the whole list, two property reads per contact
 *   GetContact x1000, after         1,000 distinct names, after MyContacts
 *   FindContact x100
 *   MyGroups + members, after       every group's Name, every member's SigninName and Status, after MyContacts
 *   MyGroups + members, before      the same walk on a fresh Messenger that has read nothing (async
 *                                   face: a new Messenger over the signed-in backend; shim: a new host)
 *   … before, listing fallback      async face only: the same, with the DirectoryPort's optional
 *                                   listedContacts hidden (how core runs on Graph and COM: one listing)
 *
 * How it is timed: a warm-up round at 1,000 contacts, then the best of 7 rounds (3 at 100,000) —
 * the round least disturbed by the other processes of a shared machine — in each of 2 child
 * processes per size and face (--processes), keeping each step's best. In a round every step runs
 * in `lanes` independent sessions (backend + Messenger; --work / N of them, at least one: 10 at
 * 1,000 contacts), timed together and divided by the lanes, so a timed step does about as much work
 * at every size and garbage collection falls into it alike. Before each timed step: a full
 * collection and a 10 ms pause, so a step pays for its own garbage only. Peak RSS comes from a
 * separate child per size and face that runs one lane.
 *
 * Targets: every step's growth exponent (log(t2/t1) / log(n2/n1) between adjacent sizes) ≤ 1.15,
 * or, where this machine's floor for the same data work is higher, ≤ that floor (the anchor row: the
 * lookups and objects of a before-walk in plain JavaScript, measured in the same child; see
 * anchorRound); at 10,000 contacts the before-walk within 2x of the after-walk; peak RSS at 100,000 ≤ 400 MB.
 * Times on a shared machine are noisy: rerun a step that misses by a little before believing it.
 *
 *   npx tsc -b && node bench/scale.js                      (about three minutes)
 *   node bench/scale.js --sizes 1000,10000 --faces async   (a quick run; --rounds 1 for quicker)
 *   node bench/scale.js --root /path/to/other/checkout     (the same walk over another built tree)
 * Options: --sizes, --faces (async,shim), --root, --rounds, --processes (2), --work (10000: contacts per timed step).
 */
'use strict';
const path = require('node:path');
const os = require('node:os');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const { parseArgs } = require('node:util');

const { values: opts } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000,100000' },
    faces: { type: 'string', default: 'async,shim' },
    root: { type: 'string', default: path.resolve(__dirname, '..') },
    work: { type: 'string', default: '10000' },
    mode: { type: 'string' },
    rounds: { type: 'string' },
    lanes: { type: 'string' },
    processes: { type: 'string', default: '2' },
    child: { type: 'boolean', default: false },
    size: { type: 'string' },
    face: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const TARGET_EXPONENT = 1.15;
const TARGET_BEFORE_AFTER = 2;
const TARGET_RSS_MB = 400;
const RSS_SIZE = 100_000;
const RATIO_SIZE = 10_000;
const LOOKUPS = 1000;
const FINDS = 100;
const SIGNINS = 20;
const GROUP_SIZE = 100;
const SELF = 'ann@contoso.com';

const nameOf = (i) => `user${String(i).padStart(6, '0')}@contoso.com`;

function seedOf(n) {
  const contacts = new Array(n);
  for (let i = 0; i < n; i++) contacts[i] = { signinName: nameOf(i), friendlyName: `User ${i}`, status: i % 3 === 0 ? 2 : 1 };
  const groups = [];
  for (let g = 0; g * GROUP_SIZE < n; g++) {
    const members = [];
    for (let i = g * GROUP_SIZE; i < Math.min(n, (g + 1) * GROUP_SIZE); i++) members.push(nameOf(i));
    groups.push({ name: `Group ${String(g).padStart(4, '0')}`, members });
  }
  return { self: { signinName: SELF, friendlyName: 'Ann Lee' }, contacts, groups };
}

/** `count` distinct names spread over the list, starting at `offset` within each stride. */
function namesOf(n, count, offset) {
  const stride = Math.max(1, Math.floor(n / count));
  return Array.from({ length: Math.min(count, n) }, (_, k) => nameOf((k * stride + Math.min(offset, stride - 1)) % n));
}

const now = () => performance.now();
/** A step's time in this round, per lane; the best round is kept. */
function record(t, step, start, lanes) { t[step] = Math.min(t[step] ?? Infinity, (now() - start) / lanes); }
/**
 * Before a timed step: a full collection (the children run with --expose-gc), then a short pause
 * for the collector's background work to finish, so the step pays for its own garbage only.
 */
const settle = async () => { global.gc?.(); await new Promise((resolve) => setTimeout(resolve, 10)); };

/**
 * The anchor: the data work of a before-walk in plain JavaScript, without the SDK: for every member
 * of every group, look the lower-cased name up in a Map of the N users, copy the user into a new
 * record and keep a new object holding it in a Map by name (what the backend's lookup and core's
 * first contact object cost at least). No promises, no ports, no validation. Its growth exponent is
 * this machine's floor for that work (hash lookups and surviving objects grow faster than N once
 * they no longer fit in the CPU caches and the young generation); a step is judged against
 * max(target, floor), so what is judged is what the SDK adds, measured in the same run.
 */
async function anchorRound(n, lanes, t) {
  // The names as the backend holds them (flat strings; the users' keys are separate lower-case copies).
  const members = Array.from({ length: n }, (_, i) => nameOf(i).toLowerCase());
  const users = Array.from({ length: lanes }, () => new Map(members.map((m, i) => [m.toLowerCase(), {
    signinName: m, friendlyName: `User ${i}`, status: 1, blocked: false, canPage: false, phones: {},
  }])));
  await settle();
  const s = now();
  let made = 0;
  for (const byName of users) {
    const held = new Map();
    for (let g = 0; g < n; g += GROUP_SIZE) {
      for (let i = g; i < Math.min(n, g + GROUP_SIZE); i++) {
        const key = members[i].toLowerCase();
        if (held.has(key)) continue;
        const u = byName.get(key);
        const record = { signinName: u.signinName, friendlyName: u.friendlyName, status: u.status, blocked: u.blocked, canPage: u.canPage, phones: u.phones, serviceId: 'x' };
        held.set(key, { record, key, listed: true, session: 1 });
      }
    }
    made += held.size;
  }
  record(t, 'anchor', s, lanes);
  if (made !== n * lanes) throw new Error(`the anchor made ${made} objects, expected ${n * lanes}`);
}

// ---- one size, one face, in this (child) process ------------------------------------------------

/**
 * One round: every step, each done in `lanes` lanes and timed over all of them; the step's time in
 * the round is that total divided by `lanes`. A lane is a session of its own: its own backend and
 * fresh Messenger objects (so every "before" is a first time). At small N a round has several
 * lanes, so a timed step does about as much work, over about as much data, at every size (one
 * 1,000-contact session alone would sit in the CPU caches, and an exponent from it would measure
 * the caches, not the code), and garbage collection falls into it alike; a full collection before
 * each timed step keeps one step's garbage out of the next one's time.
 */
async function asyncRound(lib, n, lanes, t) {
  const { createMessenger, memoryBackend } = lib;
  const time = async (step, objects, fn) => {
    await settle();
    const s = now();
    for (const o of objects) await fn(o);
    record(t, step, s, lanes);
  };
  const walkGroups = async (msn) => {
    let members = 0;
    for await (const g of await msn.get_MyGroups()) {
      await g.get_Name();
      for await (const c of await g.get_Contacts()) { await c.get_SigninName(); await c.get_Status(); members++; }
    }
    if (members !== n) throw new Error(`walked ${members} group members, expected ${n}`);
  };
  const backends = Array.from({ length: lanes }, () => memoryBackend({ seed: seedOf(n) }));
  const msns = backends.map((backend) => createMessenger({ backend }));
  await time('signin', msns, async (msn) => {
    for (let i = 0; i < SIGNINS; i++) {
      if (i > 0) await msn.Signout();
      await msn.Signin(0, SELF, 'x');
    }
  });
  await time('getContactBefore', msns, async (msn) => { for (const name of namesOf(n, LOOKUPS, 0)) await msn.GetContact(name, ''); });
  // Each backend is signed in now; these Messengers over them have read nothing.
  const fresh = backends.map((backend) => createMessenger({ backend }));
  await time('myGroupsBefore', fresh, walkGroups);
  for (const f of fresh) f.dispose();
  fresh.length = 0;
  await time('myContacts', msns, async (msn) => {
    let count = 0;
    for await (const c of await msn.get_MyContacts()) { await c.get_FriendlyName(); await c.get_Status(); count++; }
    if (count !== n) throw new Error(`enumerated ${count} contacts, expected ${n}`);
  });
  await time('getContactAfter', msns, async (msn) => { for (const name of namesOf(n, LOOKUPS, 1)) await msn.GetContact(name, ''); });
  await time('findContact', msns, async (msn) => { for (let i = 0; i < FINDS; i++) await msn.FindContact(0, 'User', String(i)); });
  await time('myGroupsAfter', msns, walkGroups);
  for (const msn of msns) msn.dispose();
  msns.length = 0;
  // The before-walk again without the optional DirectoryPort.listedContacts: core's listing fallback.
  let listings = 0;
  const fallbacks = [];
  for (const backend of backends) {
    const directory = backend.ports.directory;
    if (typeof directory.listedContacts !== 'function') break;
    const counting = {
      listContacts: () => { listings++; return directory.listContacts(); },
      lookup: (s) => directory.lookup(s), addContact: (s) => directory.addContact(s), removeContact: (s) => directory.removeContact(s),
      setBlocked: (s, b) => directory.setBlocked(s, b), find: (q) => directory.find(q),
    };
    fallbacks.push(createMessenger({ backend: { ...backend, ports: { ...backend.ports, directory: counting } } }));
  }
  if (fallbacks.length) {
    await time('myGroupsFallback', fallbacks, walkGroups);
    t.fallbackListings = listings / lanes;
    for (const f of fallbacks) f.dispose();
  }
}

/** The same round on the shim face: one Messenger per host (its worker), so a fresh Messenger is a fresh host. */
async function shimRound(lib, n, lanes, t) {
  const seed = seedOf(n);
  const each = (make) => Array.from({ length: lanes }, make);
  const time = async (step, objects, fn) => {
    await settle();
    const s = now();
    for (const o of objects) fn(o);
    record(t, step, s, lanes);
  };
  const walkGroups = (msn) => {
    let members = 0;
    for (const g of msn.MyGroups) {
      void g.Name;
      for (const c of g.Contacts) { void c.SigninName; void c.Status; members++; }
    }
    if (members !== n) throw new Error(`walked ${members} group members, expected ${n}`);
  };
  const open = () => { const host = lib.createAutomationHost({ backend: { kind: 'memory', seed } }); return { host, msn: host.create('Messenger.UIAutomation.1') }; };
  const hosts = each(open);
  const msns = hosts.map((h) => h.msn);
  await time('signin', msns, (msn) => {
    for (let i = 0; i < SIGNINS; i++) {
      if (i > 0) msn.Signout();
      msn.Signin(0, SELF, 'x');
    }
  });
  await time('getContactBefore', msns, (msn) => { for (const name of namesOf(n, LOOKUPS, 0)) msn.GetContact(name, ''); });
  await time('myContacts', msns, (msn) => {
    let count = 0;
    for (const c of msn.MyContacts) { void c.FriendlyName; void c.Status; count++; }
    if (count !== n) throw new Error(`enumerated ${count} contacts, expected ${n}`);
  });
  await time('getContactAfter', msns, (msn) => { for (const name of namesOf(n, LOOKUPS, 1)) msn.GetContact(name, ''); });
  await time('findContact', msns, (msn) => { for (let i = 0; i < FINDS; i++) msn.FindContact(0, 'User', String(i)); });
  await time('myGroupsAfter', msns, walkGroups);
  for (const h of hosts) h.host.dispose();
  const fresh = each(open);
  for (const f of fresh) f.msn.Signin(0, SELF, 'x');
  await time('myGroupsBefore', fresh.map((f) => f.msn), walkGroups);
  for (const f of fresh) f.host.dispose();
}

/**
 * mode "time": a warm-up round at 1,000 contacts, then `rounds` timed rounds of `lanes` lanes; a
 * step's time is its best round (the one least disturbed by other processes on a shared machine).
 * mode "rss": one lane, and the process's peak RSS.
 */
async function child(root, n, face, mode, rounds, lanes) {
  const lib = {
    ...require(path.join(root, 'packages/core/dist')),
    ...require(path.join(root, 'adapters/memory/dist')),
    ...require(path.join(root, 'packages/contract/dist')),
    ...(face === 'shim' ? require(path.join(root, 'packages/shim/dist')) : {}),
  };
  const round = face === 'async' ? asyncRound : shimRound;
  const t = {};
  if (mode === 'rss') {
    await round(lib, n, 1, t);
    process.stdout.write(`${JSON.stringify({ rssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
    return;
  }
  await round(lib, Math.min(n, 1000), 1, {});
  for (let r = 0; r < rounds; r++) await round(lib, n, lanes, t);
  // After the SDK's rounds, so it does not change their heap; with as many rounds, for as fair a best.
  for (let r = 0; r < rounds; r++) await anchorRound(n, lanes, t);
  process.stdout.write(`${JSON.stringify(t)}\n`);
}

// ---- the parent: one child per size and face, then the tables ------------------------------------

const STEPS = [
  ['signin', `Signin x${SIGNINS} (a sign-out before each but the first)`],
  ['getContactBefore', `GetContact x${LOOKUPS}, before MyContacts`],
  ['myContacts', 'MyContacts, FriendlyName + Status of each'],
  ['getContactAfter', `GetContact x${LOOKUPS}, after MyContacts`],
  ['findContact', `FindContact x${FINDS}`],
  ['myGroupsAfter', 'MyGroups + every member, after MyContacts'],
  ['myGroupsBefore', 'MyGroups + every member, before MyContacts (fresh Messenger)'],
  ['myGroupsFallback', '… before, listing fallback (no listedContacts)'],
];
const ANCHOR_LABEL = 'anchor: the same lookups and objects in plain JS (this machine\'s floor)';

const fmtMs = (v) => (v === undefined ? '–' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 10 ? 2 : 1)} ms`);
const fmtN = (n) => n.toLocaleString('en-US');
const exponent = (t1, t2, n1, n2) => Math.log(t2 / t1) / Math.log(n2 / n1);

function runChild(root, n, face, mode) {
  const started = now();
  const lanes = String(Math.max(1, Math.ceil(Number(opts.work) / n)));
  const rounds = opts.rounds ?? (n <= 10_000 ? '7' : '3');
  const args = ['--expose-gc', __filename, '--child', '--root', root, '--size', String(n), '--face', face, '--mode', mode, '--rounds', rounds, '--lanes', lanes];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`the ${face} ${mode} run at ${fmtN(n)} contacts failed (exit ${r.status ?? r.signal})`);
  const lines = r.stdout.trim().split('\n');
  const result = JSON.parse(lines[lines.length - 1]);
  const what = mode === 'rss' ? 'peak RSS (one lane)' : `times (best of ${rounds} rounds of ${lanes} lane${lanes === '1' ? '' : 's'})`;
  process.stderr.write(`  ${face} ${fmtN(n)} ${what}: done in ${fmtMs(now() - started)}\n`);
  return result;
}

function parent() {
  const root = path.resolve(opts.root);
  const sizes = opts.sizes.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0).sort((a, b) => a - b);
  const faces = opts.faces.split(',').map((s) => s.trim()).filter((f) => f === 'async' || f === 'shim');
  if (!sizes.length || !faces.length) { console.error('scale: --sizes needs positive integers, --faces async and/or shim'); process.exit(2); }
  if (!(Number.isInteger(Number(opts.processes)) && Number(opts.processes) > 0)) { console.error('scale: --processes needs a positive integer'); process.exit(2); }
  for (const pkg of ['packages/core/dist', 'adapters/memory/dist', ...(faces.includes('shim') ? ['packages/shim/dist'] : [])]) {
    if (!fs.existsSync(path.join(root, pkg))) { console.error(`scale: ${path.join(root, pkg)} is missing (run \`npx tsc -b\` there)`); process.exit(1); }
  }
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  console.log(`scale: Node ${process.version}, ${cores} cores, ${os.cpus()[0]?.model ?? 'unknown CPU'}; code under ${root}`);
  console.log(`memory backend, N contacts in N/${GROUP_SIZE} groups of ${GROUP_SIZE}; one child process per size and face; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const results = {};
  for (const face of faces) {
    results[face] = {};
    for (const n of sizes) {
      // Each step's best over the processes: a process's heap layout and JIT choices stay with it for all its rounds.
      const runs = Array.from({ length: Number(opts.processes) }, () => runChild(root, n, face, 'time'));
      const best = {};
      for (const run of runs) for (const [step, v] of Object.entries(run)) best[step] = step in best ? Math.min(best[step], v) : v;
      results[face][n] = { ...best, ...runChild(root, n, face, 'rss') };
    }
  }

  let missed = 0;
  const verdict = (ok) => { if (!ok) missed++; return ok ? 'MET' : 'MISSED'; };
  for (const face of faces) {
    const r = results[face];
    console.log(`\n${face} face`);
    const pairs = sizes.slice(1).map((n, i) => [sizes[i], n]);
    console.log(`| step | ${sizes.map(fmtN).join(' | ')} | ${pairs.map(([a, b]) => `exponent ${fmtN(a)}→${fmtN(b)}`).join(' | ')} | target |`);
    console.log(`|---|${sizes.map(() => '---:').join('|')}|${pairs.map(() => '---:').join('|')}|---|`);
    const exponentsOf = (key) => pairs.map(([a, b]) => (r[a][key] === undefined || r[b][key] === undefined ? undefined : exponent(r[a][key], r[b][key], a, b)));
    const floors = exponentsOf('anchor');
    const row = (label, key, exps, target) => console.log(`| ${label} | ${sizes.map((n) => fmtMs(r[n][key])).join(' | ')} | ${exps.map((e) => (e === undefined ? '–' : e.toFixed(2))).join(' | ')} | ${target} |`);
    row(ANCHOR_LABEL, 'anchor', floors, 'the floor');
    for (const [key, label] of STEPS) {
      if (sizes.every((n) => r[n][key] === undefined)) continue;
      const exps = exponentsOf(key);
      // Judged against the target, or the machine's floor for the same size pair when that is higher.
      const met = exps.every((e, i) => e === undefined || e <= Math.max(TARGET_EXPONENT, floors[i] ?? 0));
      const overFloor = exps.some((e, i) => e !== undefined && e > TARGET_EXPONENT && e <= (floors[i] ?? 0));
      const target = exps.some((e) => e !== undefined) ? `≤ ${TARGET_EXPONENT} or the floor: ${verdict(met)}${overFloor ? ' (within the floor)' : ''}` : '';
      row(label, key, exps, target);
    }
    const rssTarget = sizes.includes(RSS_SIZE) ? `≤ ${TARGET_RSS_MB} MB at ${fmtN(RSS_SIZE)}: ${verdict(r[RSS_SIZE].rssMB <= TARGET_RSS_MB)}` : `(≤ ${TARGET_RSS_MB} MB at ${fmtN(RSS_SIZE)}: not run)`;
    console.log(`| peak RSS of the run | ${sizes.map((n) => `${r[n].rssMB.toFixed(0)} MB`).join(' | ')} | ${pairs.map(([a, b]) => exponent(r[a].rssMB, r[b].rssMB, a, b).toFixed(2)).join(' | ')} | ${rssTarget} |`);
    if (r[sizes[0]].fallbackListings !== undefined) {
      console.log(`listings made by the fallback walk: ${sizes.map((n) => `${r[n].fallbackListings} at ${fmtN(n)}`).join(', ')}`);
    }
    if (sizes.includes(RATIO_SIZE)) {
      const { myGroupsBefore: b, myGroupsAfter: a } = r[RATIO_SIZE];
      console.log(`MyGroups + members at ${fmtN(RATIO_SIZE)}: before MyContacts ${fmtMs(b)}, after ${fmtMs(a)}: ${(b / a).toFixed(2)}x (target ≤ ${TARGET_BEFORE_AFTER}x: ${verdict(b / a <= TARGET_BEFORE_AFTER)})`);
    } else {
      console.log(`(before/after MyGroups target is judged at ${fmtN(RATIO_SIZE)} contacts: not run)`);
    }
  }
  console.log(`\nload average after the run: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(missed ? `targets: ${missed} MISSED` : 'targets: all MET');
}

if (opts.help) {
  console.log('usage: node bench/scale.js [--sizes 1000,10000,100000] [--faces async,shim] [--root <built checkout>] [--rounds N] [--processes 2] [--work 10000]');
} else if (opts.child) {
  child(path.resolve(opts.root), Number(opts.size), opts.face, opts.mode, Number(opts.rounds), Number(opts.lanes)).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
} else {
  parent();
}
