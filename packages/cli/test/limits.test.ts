/**
 * Trust and limits of `imessenger run`: --timeout (WSH's //T:nn), --max-memory, --isolate.
 *
 * A limit needs a thread that is not the script's, and --isolate a process: these tests run the
 * built host (`npx tsc -b packages/cli`: dist/realm-worker.js, dist/isolate-child.js, dist/bin.js),
 * through runScript in this process or through the real bin in a child process. Each run takes
 * about a second at most.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs, USAGE, UsageError } from '../src/args';
import { MEMORY_EXIT_CODE, TIMEOUT_EXIT_CODE } from '../src/limits';
import { main } from '../src/main';
import { runScript } from '../src/run';

jest.setTimeout(30_000);

const BIN = path.resolve(__dirname, '..', 'dist', 'bin.js');
const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'imessenger-limits-')));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const SEED = {
  self: { signinName: 'ann@contoso.com', friendlyName: 'Ann Lee', password: 'pw' },
  contacts: [{ signinName: 'bob@contoso.com', friendlyName: 'Bob Kelly', status: 2 }],
  groups: [],
};
const SEED_FILE = path.join(dir, 'seed.json');
fs.writeFileSync(SEED_FILE, JSON.stringify(SEED));

let scripts = 0;
function script(source: string): string {
  const file = path.join(dir, `script${++scripts}.js`);
  fs.writeFileSync(file, source);
  return file;
}

interface Result { code: number | null; out: string; err: string; pid: number; ms: number }

/** `node dist/bin.js run <file> <options>`, as an operator runs it. */
function bin(file: string, options: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, 'run', file, '--seed', SEED_FILE, ...options], { cwd: dir, env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => { out += text; });
  child.stderr.setEncoding('utf8').on('data', (text: string) => { err += text; });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err, pid: child.pid!, ms: Date.now() - started })));
}

/** runScript in this process (the limits put the script in a worker thread). */
async function run(file: string, limits: { timeoutMs?: number; maxMemoryMb?: number }): Promise<Omit<Result, 'pid'>> {
  const started = Date.now();
  let out = '';
  let err = '';
  const code = await runScript({
    file, backend: { kind: 'memory', seed: SEED }, ...limits,
    stdout: (text) => { out += text; }, stderr: (text) => { err += text; },
  });
  return { code, out, err, ms: Date.now() - started };
}

const exceeded = (file: string): string => `Script execution time was exceeded on script "${file}".\nScript execution was terminated.\n`;
const SIGNIN = 'var msn = new ActiveXObject("Messenger.UIAutomation.1");\nmsn.Signin(0, "ann@contoso.com", "pw");\n';

describe('the command line', () => {
  const parse = (...argv: string[]) => parseArgs(['run', script('WScript.Echo(1);'), ...argv], {}, dir);
  const usage = (...argv: string[]): string => {
    try {
      parse(...argv);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return (e as Error).message;
    }
    throw new Error(`no UsageError for ${argv.join(' ')}`);
  };

  it('parses --timeout (seconds, 0 = no limit), --max-memory (MB) and --isolate', () => {
    expect(parse('--timeout', '30', '--max-memory', '256', '--isolate')).toMatchObject({ timeoutMs: 30_000, maxMemoryMb: 256, isolate: true });
    expect(parse('--timeout=0.5')).toMatchObject({ timeoutMs: 500 });
    const none = parse('--timeout', '0');
    expect(none).not.toHaveProperty('timeoutMs');
    expect(none).not.toHaveProperty('isolate');
  });

  it.each([
    [['--timeout', 'x'], 'bad --timeout value "x": expected a number of seconds'],
    [['--timeout', '-1'], 'bad --timeout value "-1"'],
    [['--timeout', '99999999'], 'bad --timeout value "99999999"'],
    [['--max-memory', '8'], 'bad --max-memory value "8": expected a whole number of megabytes, at least 16'],
    [['--max-memory', '1.5'], 'bad --max-memory value "1.5"'],
    [['--isolate=yes'], 'option --isolate takes no value'],
    [['--isolate', '--isolate'], 'option --isolate given twice'],
  ])('rejects %j', (argv, message) => {
    expect(usage(...argv)).toContain(message);
  });

  it('--help says the host is trusted, and shows the limits with their exit codes and examples', async () => {
    let out = '';
    expect(await main(['run', '--help'], { stdout: (t) => { out += t; }, stderr: () => undefined })).toBe(0);
    expect(out).toBe(`${USAGE}\n`);
    for (const text of ['--timeout <seconds>', '--max-memory <MB>', '--isolate', 'is a trusted host', 'return process', '124', '134', 'imessenger run contacts.js --isolate --timeout 30']) {
      expect(out).toContain(text);
    }
  });
});

describe('--timeout: the whole run counts', () => {
  it.each([
    ['a synchronous infinite loop', 'WScript.Echo("before");\nwhile (true) {}'],
    ['a WScript.Sleep loop', 'WScript.Echo("before");\nfor (;;) WScript.Sleep(60000);'],
    ['an event handler that never returns', `function msn::OnSignin(hr) { WScript.Echo("before"); for (;;) {} }\n${SIGNIN}`],
    ['a promise job after the top level', 'Promise.resolve().then(function () { for (;;) {} });\nWScript.Echo("before");'],
  ])('%s ends at the deadline with WSH\'s message and exit code 124', async (_, source) => {
    const file = script(source);
    const r = await run(file, { timeoutMs: 700 });
    expect(r).toMatchObject({ code: TIMEOUT_EXIT_CODE, out: 'before\n', err: exceeded(file) });
    expect(r.ms).toBeGreaterThanOrEqual(690);
    expect(r.ms).toBeLessThan(5000);
  });

  it('a script that ends in time is not affected: its output and Quit code', async () => {
    const r = await run(script(`${SIGNIN}WScript.Echo(msn.MyStatus);\nWScript.Quit(3);`), { timeoutMs: 10_000 });
    expect(r).toMatchObject({ code: 3, out: '2\n', err: '' });
  });

  it('the real bin: while (true) {} ends after --timeout 1 with exit code 124', async () => {
    const file = script('WScript.Echo("before");\nwhile (true) {}');
    const r = await bin(file, ['--timeout', '1']);
    expect(r).toMatchObject({ code: TIMEOUT_EXIT_CODE, out: 'before\n', err: exceeded(file) });
    expect(r.ms).toBeLessThan(6000);
  });
});

describe('--max-memory', () => {
  const noCrash = (err: string): void => {
    expect(err).not.toMatch(/FATAL ERROR|heap out of memory|Native stack trace|Aborted/i);
  };

  it.each([
    ['objects on the heap', 'var a = [];\nfor (;;) a.push(new Array(1000).fill(1.5));'],
    ['memory outside the heap (typed arrays)', 'var a = [];\nfor (;;) a.push(new Uint8Array(1 << 20).fill(1));'],
  ])('a script that allocates %s without bound ends with a message and exit code 134, not a crash', async (_, source) => {
    const file = script(`WScript.Echo("before");\n${source}`);
    const r = await bin(file, ['--max-memory', '32']);
    expect(r).toMatchObject({
      code: MEMORY_EXIT_CODE, out: 'before\n',
      err: `Script execution exceeded the memory limit of 32 MB on script "${file}".\nScript execution was terminated.\n`,
    });
    noCrash(r.err);
  });

  it('a script within the limit runs as usual', async () => {
    const r = await run(script(`${SIGNIN}WScript.Echo(msn.MyContacts.Count);`), { maxMemoryMb: 32 });
    expect(r).toMatchObject({ code: 0, out: '1\n', err: '' });
  });
});

describe('--isolate', () => {
  /** What a context escape reaches, printed one line per probe. */
  const PROBE = script(`var p = this.constructor.constructor("return process")();
var require = p.mainModule.require;
function probe(name, f) { try { WScript.Echo(name + ": " + f()); } catch (e) { WScript.Echo(name + ": " + (e.code || e.message)); } }
probe("pid", function () { return p.pid; });
probe("ppid", function () { return p.ppid; });
probe("write", function () { require("fs").writeFileSync(${JSON.stringify(path.join(dir, 'escaped.txt'))}, "x"); return "written"; });
probe("read", function () { return require("fs").readFileSync(${JSON.stringify(SEED_FILE)}, "utf8").length; });
probe("spawn", function () { return require("child_process").execFileSync(p.execPath, ["-e", "1"]).length; });
probe("signal", function () { p.kill(p.ppid, 0); return "sent"; });
probe("worker", function () { new (require("worker_threads").Worker)("1", { eval: true, execArgv: [] }); return "started"; });
probe("secret", function () { return p.env.IMESSENGER_GRAPH_ACCESS_TOKEN; });`);
  const probes = (out: string): Record<string, string> =>
    Object.fromEntries(out.trim().split('\n').map((line) => line.split(': ') as [string, string]));
  const SECRET = { IMESSENGER_GRAPH_ACCESS_TOKEN: 'host-secret' };

  it('without it (trusted, like WSH), an escape reaches the host process itself', async () => {
    const r = await bin(PROBE, [], SECRET);
    const got = probes(r.out);
    expect(r.code).toBe(0);
    expect(Number(got['pid'])).toBe(r.pid);
    expect(got).toMatchObject({ write: 'written', spawn: expect.stringMatching(/^\d+$/), secret: 'host-secret' });
    fs.rmSync(path.join(dir, 'escaped.txt'));
  });

  it('with it, an escape reaches a child process that can write, spawn, signal or read nothing of the host\'s', async () => {
    const r = await bin(PROBE, ['--isolate'], SECRET);
    const got = probes(r.out);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(Number(got['pid'])).not.toBe(r.pid);
    expect(Number(got['ppid'])).toBe(r.pid);
    expect(got).toEqual({
      pid: got['pid'], ppid: String(r.pid),
      write: 'ERR_ACCESS_DENIED', read: 'ERR_ACCESS_DENIED', spawn: 'ERR_ACCESS_DENIED', signal: 'ERR_ACCESS_DENIED',
      worker: 'ERR_ACCESS_DENIED', secret: 'undefined',
    });
    expect(fs.existsSync(path.join(dir, 'escaped.txt'))).toBe(false);
  });

  it('relays Echo, StdOut and StdErr and passes the Quit code through', async () => {
    const r = await bin(script('WScript.Echo("a", 1);\nWScript.StdOut.Write("b");\nWScript.StdErr.WriteLine("c");\nWScript.Quit(5);'), ['--isolate']);
    expect(r).toMatchObject({ code: 5, out: 'a 1\nb', err: 'c\n' });
  });

  it('reports an uncaught error as cscript did, exit code 1', async () => {
    const file = script('WScript.Echo("x");\nmissing();');
    const r = await bin(file, ['--isolate']);
    expect(r).toMatchObject({ code: 1, out: 'x\n', err: `${file}(2, 1) Microsoft JScript runtime error: missing is not defined\n` });
  });

  it('while (true) {} ends at --timeout with the same message; --max-memory likewise', async () => {
    const loop = script('WScript.Echo("before");\nwhile (true) {}');
    const [timed, grown] = await Promise.all([
      bin(loop, ['--isolate', '--timeout', '1']),
      bin(script('var a = [];\nfor (;;) a.push(new Array(1000).fill(1.5));'), ['--isolate', '--max-memory', '32']),
    ]);
    expect(timed).toMatchObject({ code: TIMEOUT_EXIT_CODE, out: 'before\n', err: exceeded(loop) });
    expect(timed.ms).toBeLessThan(6000);
    expect(grown.code).toBe(MEMORY_EXIT_CODE);
    expect(grown.err).toMatch(/^Script execution exceeded the memory limit of 32 MB on script /);
  });

  it('the child ends when the host is killed (a looping script is not left behind)', async () => {
    const file = script('WScript.Echo(this.constructor.constructor("return process")().pid);\nwhile (true) {}');
    const host = spawn(process.execPath, [BIN, 'run', file, '--isolate'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve) => host.stdout.setEncoding('utf8').once('data', (text: string) => resolve(Number(text))));
    // Gone, or a zombie waiting for a reaper (/proc on Linux says so).
    const alive = (): boolean => {
      try { process.kill(pid, 0); } catch { return false; }
      try { return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return true; }
    };
    expect(alive()).toBe(true);
    host.kill('SIGKILL');
    const until = Date.now() + 3000;
    while (alive() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(alive()).toBe(false);
  });

  it('with --state, writes the state file\'s directory and nothing else', async () => {
    const stateDir = path.join(dir, 'state');
    fs.mkdirSync(stateDir);
    const state = path.join(stateDir, 'state.json');
    const other = path.join(dir, 'other.txt');
    const file = script(`var fs = this.constructor.constructor("return process")().mainModule.require("fs");
try { fs.writeFileSync(${JSON.stringify(other)}, "x"); WScript.Echo("other: written"); } catch (e) { WScript.Echo("other: " + e.code); }
var msn = new ActiveXObject("Messenger.UIAutomation.1");
try { msn.Signin(0, "ann@contoso.com", "pw"); WScript.Echo("signed in"); } catch (e) { WScript.Echo(e.description); }`);
    const first = await bin(file, ['--isolate', '--state', state]);
    expect(first).toMatchObject({ code: 0, out: 'other: ERR_ACCESS_DENIED\nsigned in\n', err: '' });
    expect(fs.existsSync(state)).toBe(true);
    // The second run starts from the saved state: already signed in.
    const second = await bin(file, ['--isolate', '--state', state]);
    expect(second.out).toMatch(/^other: ERR_ACCESS_DENIED\n.*already/i);
    expect(fs.existsSync(other)).toBe(false);
  });
});
