#!/usr/bin/env node
/**
 * bench/com-bridge: what a call costs through the native COM server (packages/com-server) under Wine:
 * a Windows process (the early-bound C client, and Wine's cscript running VBScript) calls the in-process
 * DLL, which forwards it over loopback TCP to `imessenger serve` (here started inside this Node process,
 * memory backend on the example seed). The anchor, measured in the same run between the same two
 * processes: a raw loopback socket round trip from the C client to an echo server in this process, with
 * the same message shape (a small frame out, a small frame back, select() before recv()).
 *
 *   npm run bench:com                  (builds first; about a minute; needs wine64 and mingw-w64)
 *
 * Table: median and p90 over ROUNDS runs of CALLS calls each (microseconds per call), and bridge / raw of
 * the medians. Target: the C client's property get ≤ 1.5× the raw round trip. Then EVENTS events
 * (default 10^5) raised by the backend (a contact's status, cycling through six values) reach the C
 * client's DMessengerEvents sink: count, order errors, time. Target: all, in order.
 * Options: CALLS (default 3000), ROUNDS (default 7), EVENTS (default 100000).
 * The C client measures its calls and the raw round trips in ten interleaved slices of one run; the
 * VBScript rows come from cscript runs alternating with the C client's (VBScript has no socket), so they
 * are noisier. The machine's load average is printed with the table.
 */
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const root = path.resolve(__dirname, '..');
const com = require(path.join(root, 'packages/com-server/dist'));
const { startDaemon, ServeClient } = require(path.join(root, 'packages/server/dist'));

const CALLS = Number(process.env.CALLS ?? 3000);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const EVENTS = Number(process.env.EVENTS ?? 100000);
const SEED = path.join(root, 'examples/legacy-jscript/seed.json');

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const p90 = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * 0.9))]; };

async function main() {
  const missing = com.missingWine() ?? com.missingToolchain('x64');
  if (missing) { console.log(`bench/com-bridge: cannot run: ${missing}`); process.exitCode = 1; return; }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-com-bench-'));
  const prefix = path.join(os.tmpdir(), `imessenger-com-wine-test-${os.userInfo().uid}`);
  const build = com.buildDll('x64', work);
  const clientExe = path.join(work, 'client.exe');
  execFileSync('x86_64-w64-mingw32-gcc', ['-O2', '-I', path.dirname(build.header), '-o', clientExe,
    path.join(root, 'packages/com-server/test/native/client.c'), build.guids, '-lole32', '-loleaut32', '-luuid', '-lws2_32', '-luser32']);
  com.ensurePrefix(prefix);
  com.installServer(prefix, build.dll);

  const serveFile = path.join(work, 'serve.json');
  const daemon = await startDaemon({
    backend: { kind: 'memory', seed: JSON.parse(fs.readFileSync(SEED, 'utf8')), seedFile: SEED },
    serveFile, testHooks: true, log: () => {},
  });
  const echo = net.createServer((socket) => { socket.setNoDelay(true); socket.on('data', (d) => socket.write(d)); });
  await new Promise((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const env = { IMESSENGER_SERVE_FILE: com.windowsPath(serveFile), IMESSENGER_SERVE_COMMAND: 'none', IMESSENGER_BENCH_ECHO_PORT: String(echo.address().port) };

  const vbs = path.join(work, 'bench.vbs');
  fs.writeFileSync(vbs, [
    'Set m = CreateObject("Messenger.UIAutomation.1")',
    'On Error Resume Next', 'm.AutoSignin', 'On Error Goto 0',
    `n = ${CALLS}`,
    's = m.MyStatus', 'Set c = m.GetContact("bob@contoso.com", "")',
    't0 = Timer', 'For i = 1 To n', '  s = m.MyStatus', 'Next',
    't1 = Timer', 'For i = 1 To n', '  Set c = m.GetContact("bob@contoso.com", "")', 'Next',
    't2 = Timer',
    'WScript.Echo "bench propget_us " & ((t1 - t0) * 1000000 / n)',
    'WScript.Echo "bench method_us " & ((t2 - t1) * 1000000 / n)',
    '',
  ].join('\r\n'));

  const samples = { c_propget: [], c_propget_bstr: [], c_method: [], raw: [], vbs_propget: [], vbs_method: [] };
  const parse = (out, prefix) => {
    for (const m of out.matchAll(/^bench (\w+) ([\d.]+)/gm)) {
      const key = m[1] === 'raw_us' ? 'raw' : `${prefix}_${m[1].replace(/_us$/, '')}`;
      samples[key]?.push(Number(m[2]));
    }
  };
  for (let round = 0; round < ROUNDS; round++) {
    const c = await com.runWine(prefix, [com.windowsPath(clientExe), 'bench', String(CALLS)], { env });
    parse(c.stdout, 'c');
    const v = await com.runWine(prefix, ['cscript', '//nologo', com.windowsPath(vbs)], { env });
    if (v.scriptError) throw new Error('bench.vbs stopped on an error');
    parse(v.stdout, 'vbs');
  }

  const raw = median(samples.raw);
  const rows = [
    ['C client: property get (MyStatus, LONG)', samples.c_propget],
    ['C client: property get (MyServiceId, BSTR)', samples.c_propget_bstr],
    ['C client: method (GetContact -> object)', samples.c_method],
    ['VBScript: property get (MyStatus)', samples.vbs_propget],
    ['VBScript: method (GetContact)', samples.vbs_method],
    ['raw loopback round trip (C client <-> this process)', samples.raw],
  ];
  console.log(`\nbench/com-bridge: Wine ${execFileSync(com.WINE64, ['--version'], { encoding: 'utf8' }).trim()}, ${ROUNDS} rounds x ${CALLS} calls, microseconds per call; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log(`${'call'.padEnd(54)}${'median'.padStart(9)}${'p90'.padStart(9)}${'/ raw'.padStart(9)}`);
  for (const [label, xs] of rows) {
    console.log(`${label.padEnd(54)}${median(xs).toFixed(1).padStart(9)}${p90(xs).toFixed(1).padStart(9)}${(median(xs) / raw).toFixed(2).padStart(9)}`);
  }
  const ratio = median(samples.c_propget) / raw;
  console.log(`\ntarget: C property get / raw round trip <= 1.5 (median): ${ratio.toFixed(2)} ${ratio <= 1.5 ? 'met' : 'NOT met'}`);

  // Events: the C client advises, then the backend raises EVENTS status changes as fast as HOOK frames go.
  let ready;
  const isReady = new Promise((resolve) => { ready = resolve; });
  const run = com.runWine(prefix, [com.windowsPath(clientExe), 'bench', 'events', String(EVENTS)], {
    env, onStdout: (s) => { if (s.includes('ready')) ready(); }, timeoutMs: 300_000,
  });
  await isReady;
  const client = await ServeClient.connect({ serveFile });
  // Bob starts Online (2): the cycle starts elsewhere, so every step is a change (client.c checks the same cycle).
  const cycle = [10, 14, 34, 50, 66, 2];
  const started = Date.now();
  for (let i = 0; i < EVENTS; i += 1000) {
    const batch = [];
    for (let k = i; k < Math.min(EVENTS, i + 1000); k++) batch.push(client.hook('contactStatus', ['bob@contoso.com', cycle[k % 6]]));
    await Promise.all(batch);
  }
  const raised = Date.now() - started;
  const result = await run;
  const m = /events (\d+) order_errors (\d+) ms (\d+)/.exec(result.stdout);
  console.log(`\nevents: raised ${EVENTS} in ${raised} ms; the C client's sink received ${m?.[1] ?? '?'} with ${m?.[2] ?? '?'} out of order (${m?.[3] ?? '?'} ms)`);
  console.log(`target: all ${EVENTS} in order: ${m && Number(m[1]) === EVENTS && m[2] === '0' ? 'met' : 'NOT met'}`);

  client.close?.();
  echo.close();
  await daemon.close();
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
