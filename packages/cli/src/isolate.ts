/**
 * `imessenger run --isolate`: the script runs in a child Node process (dist/isolate-child.js, a vm
 * context there, as in-process) started under Node's permission model, so that what it can reach
 * through a context escape is that child, not this process:
 *
 * - it reads only the SDK (the packages the host loads, found by walking the dependencies of
 *   @imessenger/shim and @imessenger/contract: each package's node_modules entry and its real
 *   directory) and the script file; with `--state f`, also f's directory, the only place it may
 *   write (the memory backend saves by write-and-rename there); with a Graph `cacheFile`, that
 *   file's directory likewise;
 * - `--allow-worker` (the shim's backend runs in a worker thread), nothing else: no child
 *   processes, no native addons, no WASI, no inspector; isolate-guard.ts, preloaded in every
 *   thread, closes what the model leaves open (workers with their own execArgv, signals, trace
 *   files);
 * - its environment holds only the locale, time zone and CA settings (not the host's secrets,
 *   such as IMESSENGER_GRAPH_ACCESS_TOKEN): the settings come over the IPC channel, which the child
 *   closes before the script runs;
 * - its stdout and stderr (WScript.Echo, StdOut, StdErr, error reports) are relayed, and its exit
 *   code is this run's.
 *
 * Limits go with it: the child runs the script in a realm worker (realm.ts) and enforces --timeout
 * (one deadline, from this call) and --max-memory there, as without --isolate; a child still alive
 * GRACE_MS after the deadline is killed from here, with the same message. The child also ends when
 * this process does (its stdin, held open here, closes).
 *
 * Not confined: the network (Node 20's model has no network permission; the Graph backend needs
 * it), and CPU and memory beyond the limits given.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackendConfig } from '@imessenger/shim';
import { TIMEOUT_EXIT_CODE, timeoutMessage } from './limits';
import type { RunScriptOptions } from './run';

/** What the child gets over IPC. */
export interface IsolateInit {
  readonly file: string;
  readonly backend: BackendConfig;
  readonly args: readonly string[];
  /** Date.now() at which the time limit ends the script (the child counts from here, not from its start). */
  readonly deadline?: number;
  readonly maxMemoryMb?: number;
}

/** How long after the deadline a child that did not end itself is killed. */
const GRACE_MS = 2000;
/** The host's environment variables the child keeps. */
const CHILD_ENV = /^(TZ|LANG|LANGUAGE|LC_[A-Z]+|NODE_EXTRA_CA_CERTS|SYSTEMROOT)$/i;

const compiled = (name: string): string =>
  (__filename.endsWith('.ts') ? path.resolve(__dirname, '..', 'dist', name) : path.join(__dirname, name));

/** Run the script in an isolated child process; its exit code. */
export function runIsolated(options: RunScriptOptions): Promise<number> {
  const file = path.resolve(options.file);
  const stdout = options.stdout ?? ((text: string) => { process.stdout.write(text); });
  const stderr = options.stderr ?? ((text: string) => { process.stderr.write(text); });
  const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
  const init: IsolateInit = {
    file, backend: options.backend, args: options.args ?? [],
    ...(deadline !== undefined ? { deadline } : {}),
    ...(options.maxMemoryMb !== undefined ? { maxMemoryMb: options.maxMemoryMb } : {}),
  };

  return new Promise<number>((resolve) => {
    const child = fork(compiled('isolate-child.js'), [], {
      execArgv: isolateExecArgv(file, options.backend),
      env: childEnv(process.env),
      // stdin: never written, held open; the child ends when it closes (this process died).
      stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
    });
    let killed = false;
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, options.timeoutMs + GRACE_MS);
    child.stdin!.on('error', () => undefined);
    child.stdout!.setEncoding('utf8').on('data', (text: string) => stdout(text));
    child.stderr!.setEncoding('utf8').on('data', (text: string) => stderr(text));
    let failure: Error | undefined;
    child.on('error', (error) => { failure ??= error; });
    child.send(init, (error) => { if (error) failure ??= error; });
    // 'close': the child has exited and its output has all been relayed.
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (killed) {
        stderr(timeoutMessage(file));
        resolve(TIMEOUT_EXIT_CODE);
      } else if (code === null) {
        stderr(`imessenger: the isolated script host ${failure ? `failed: ${failure.message}` : `was stopped by ${signal ?? 'a signal'}`}.\n`);
        resolve(1);
      } else {
        resolve(code);
      }
    });
  });
}

/** The child's Node options: the permission model, with only what the run needs. */
export function isolateExecArgv(file: string, backend: BackendConfig): string[] {
  const reads = new Set<string>([...sdkPaths(), file]);
  const writes = new Set<string>();
  const writable = (target: string | undefined): void => {
    if (target === undefined) return;
    const dir = path.dirname(path.resolve(target));
    reads.add(dir);
    writes.add(dir);
  };
  if (backend.kind === 'memory') writable(backend.stateFile);
  if (backend.kind === 'graph') writable(backend.cacheFile);
  // Node 22 renamed the flag; 20 knows only the experimental one.
  const permission = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';
  return [
    permission,
    ...[...reads].map((p) => `--allow-fs-read=${p}`),
    ...[...writes].map((p) => `--allow-fs-write=${p}`),
    '--allow-worker',
    '--disable-warning=ExperimentalWarning',
    '--disable-warning=SecurityWarning',
    '--require', compiled('isolate-guard.js'),
  ];
}

let sdk: readonly string[] | undefined;

/**
 * What the host loads: this package's directory, and @imessenger/shim and @imessenger/contract with
 * their dependencies, each as its node_modules entry (what resolution looks at) and its real
 * directory (what a workspace link points to).
 */
export function sdkPaths(): readonly string[] {
  if (sdk) return sdk;
  const paths = new Set<string>([fs.realpathSync(path.resolve(__dirname, '..'))]);
  const visited = new Set<string>();
  const visit = (name: string, from: string): void => {
    const entry = findPackage(name, from);
    if (entry === undefined) return; // an optional dependency that is not installed
    const real = fs.realpathSync(entry);
    paths.add(entry);
    paths.add(real);
    if (visited.has(real)) return;
    visited.add(real);
    const manifest = JSON.parse(fs.readFileSync(path.join(real, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const deps = { ...manifest['dependencies'], ...manifest['optionalDependencies'], ...manifest['peerDependencies'] };
    for (const dep of Object.keys(deps)) visit(dep, real);
  };
  for (const name of ['@imessenger/shim', '@imessenger/contract']) visit(name, path.resolve(__dirname, '..'));
  return (sdk = [...paths]);
}

/** The directory `require(name)` from `from` finds the package in, as Node looks it up. */
function findPackage(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const entry = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(entry, 'package.json'))) return entry;
    if (path.dirname(dir) === dir) return undefined;
  }
}

function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => CHILD_ENV.test(key)));
}
