#!/usr/bin/env node
/**
 * bench/startup: what `imessenger run` costs before the script's first line does anything useful.
 *
 * Paired, alternating runs of two whole processes, so machine noise hits both alike:
 *   anchor:   `node two-lines.js`                      (Node itself running a 2-line script)
 *   measured: `imessenger run two-lines.js` (memory)   (the host, its worker, core and the backend)
 * The figure judged is the ratio of the medians (target ≤ 3×). Then one more run with a preload
 * that lists, per thread, the packages it loaded: the main thread must not load the Graph client,
 * MSAL or @imessenger/migration (a `run` never needs them), and no thread loads a package twice.
 *
 *   npm run bench:startup            (builds first)
 *   RUNS=40 node bench/startup.js    (more pairs; default 20)
 */
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'packages/cli/dist/bin.js');
const RUNS = Number(process.env.RUNS ?? 20);
const TARGET_RATIO = 3;
const FORBIDDEN_IN_MAIN = ['@microsoft/microsoft-graph-client', '@azure/msal-node', '@imessenger/migration'];

if (!fs.existsSync(bin)) {
  console.error(`${bin} is missing: run \`npx tsc -b\` (or \`npm run bench:startup\`, which builds first).`);
  process.exit(1);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-startup-'));
const legacy = path.join(dir, 'two-lines.js');
fs.writeFileSync(legacy, 'var msn = new ActiveXObject("Messenger.UIAutomation.1");\nWScript.Echo(msn.MyStatus);\n');
const plain = path.join(dir, 'two-lines-node.js');
fs.writeFileSync(plain, 'var msn = { MyStatus: 1 };\nconsole.log(msn.MyStatus);\n');

/** A preload that reports, as the thread exits, which packages it loaded (once per package path). */
const probe = path.join(dir, 'probe.js');
fs.writeFileSync(probe, `
const Module = require('node:module');
const fs = require('node:fs');
const { isMainThread, threadId } = require('node:worker_threads');
const out = ${JSON.stringify(dir)} + '/modules-' + threadId + '.json';
// A worker is terminated, not exited, when the script ends: write the list after every top-level load.
const load = Module._load;
let depth = 0;
Module._load = function (...args) {
  depth++;
  try { return load.apply(this, args); } finally { if (--depth === 0) snapshot(); }
};
function snapshot() {
  const packages = {};
  for (const file of Object.keys(require.cache)) {
    const m = file.match(/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//) || file.match(/\\/(packages|adapters)\\/([^/]+)\\/dist\\//);
    if (!m) continue;
    const name = m[2] ? (m[1] === 'adapters' ? '@imessenger/adapter-' + m[2] : '@imessenger/' + m[2]) : m[1];
    (packages[name] ??= new Set()).add(file.slice(0, file.indexOf(m[0]) + m[0].length));
  }
  fs.writeFileSync(out, JSON.stringify({ thread: isMainThread ? 'main' : 'worker ' + threadId,
    packages: Object.fromEntries(Object.entries(packages).map(([k, v]) => [k, v.size])) }));
}
`);

function timed(args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0 || r.stdout.trim() !== '1') throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stdout}${r.stderr}`);
  return ms;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (ms) => `${ms.toFixed(1)} ms`;

// Warm the file-system cache for both before timing.
timed([plain]);
timed([bin, 'run', legacy, '--backend', 'memory']);

const node = [];
const host = [];
for (let i = 0; i < RUNS; i++) {
  // Alternate which goes first, so neither always runs right after the other.
  if (i % 2) { host.push(timed([bin, 'run', legacy, '--backend', 'memory'])); node.push(timed([plain])); }
  else { node.push(timed([plain])); host.push(timed([bin, 'run', legacy, '--backend', 'memory'])); }
}
const ratio = median(host) / median(node);
const pairRatios = host.map((h, i) => h / node[i]);

timed(['-r', probe, bin, 'run', legacy, '--backend', 'memory']);
const threads = fs.readdirSync(dir).filter((f) => f.startsWith('modules-')).sort().map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
fs.rmSync(dir, { recursive: true, force: true });

console.log(`bench/startup — ${RUNS} paired runs, node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('');
console.log('| process | median wall | p90 wall |');
console.log('|---|---:|---:|');
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];
console.log(`| \`node two-lines.js\` (anchor) | ${fmt(median(node))} | ${fmt(p90(node))} |`);
console.log(`| \`imessenger run two-lines.js\` (memory) | ${fmt(median(host))} | ${fmt(p90(host))} |`);
console.log('');
const ratioMet = ratio <= TARGET_RATIO;
console.log(`ratio of medians: ${ratio.toFixed(2)}x (median of paired ratios ${median(pairRatios).toFixed(2)}x); target ≤ ${TARGET_RATIO}x -> ${ratioMet ? 'MET' : 'MISSED'}`);
console.log('');
console.log('| thread | packages loaded |');
console.log('|---|---|');
let modulesMet = true;
for (const t of threads) {
  const names = Object.keys(t.packages).sort();
  const twice = names.filter((n) => t.packages[n] > 1);
  const forbidden = t.thread === 'main' ? FORBIDDEN_IN_MAIN.filter((n) => names.includes(n)) : [];
  if (twice.length || forbidden.length) modulesMet = false;
  console.log(`| ${t.thread} | ${names.join(', ')}${forbidden.length ? ` — FORBIDDEN: ${forbidden.join(', ')}` : ''}${twice.length ? ` — LOADED TWICE: ${twice.join(', ')}` : ''} |`);
}
console.log('');
console.log(`main thread loads none of ${FORBIDDEN_IN_MAIN.join(', ')}; no package twice in a thread -> ${modulesMet ? 'MET' : 'MISSED'}`);
process.exit(ratioMet && modulesMet ? 0 : 1);
