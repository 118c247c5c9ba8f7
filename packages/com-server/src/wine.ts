/**
 * Running Windows programs against the COM server under Wine (Debian's wine64): a private prefix, the
 * server installed and registered in it, Linux paths of arguments translated, and the facts about Wine 8
 * that a caller must design around (see /work/shared/notes/WINDOWS-COM.md and docs/decisions.md):
 * - Wine 8 does not merge HKCU\Software\Classes into HKEY_CLASSES_ROOT, so the server is registered
 *   machine-wide inside the private prefix (IMESSENGER_COM_SCOPE=machine); on Windows it is per user.
 * - A Linux program started from Windows code (the daemon's start command) must be named by its Windows
 *   path (Z:\usr\bin\node); its arguments stay Linux paths. Wine gives no exit status for it.
 * - Wine's cscript exits 0 when a script stops on a runtime error and prints nothing; its only trace is a
 *   `fixme:wscript:ActiveScriptSite_OnScriptError` debug line, which runScript turns into a failure.
 */
import { type SpawnOptions, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const WINE64 = '/usr/lib/wine/wine64';
export const WINESERVER = '/usr/lib/wine/wineserver';

/** Why Wine cannot be used here, or null. */
export function missingWine(): string | null {
  return existsSync(WINE64) ? null : `${WINE64} is not installed (apt-get install wine64)`;
}

/** The Windows path under which Wine programs see a Linux path (drive Z: is /). */
export function windowsPath(linuxPath: string): string {
  return `Z:${resolve(linuxPath).replace(/\//g, '\\')}`;
}

/** Quotes one argument by the Windows command-line rules (CommandLineToArgvW). */
export function quoteWindowsArg(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  return `"${arg.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

/** The default private prefix of `imessenger com wine` ($IMESSENGER_WINEPREFIX overrides it). */
export function defaultPrefix(env: NodeJS.ProcessEnv = process.env): string {
  return env['IMESSENGER_WINEPREFIX'] ?? join(homedir(), '.cache', 'imessenger', 'wine');
}

export function wineEnv(prefix: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', ...extra };
}

/**
 * Creates the prefix on first use (wineboot, ~15 s once), keeps its wineserver alive between calls and
 * starts the prefix's services (services.exe, rpcss, winedevice) with no pipes attached. Started instead by
 * the first program whose output a caller reads, they inherit that program's stdout and stderr and hold
 * them open until the wineserver exits: the caller waits for its timeout although the program has ended
 * (what made regsvr32 time out in CI whenever the prefix existed but its wineserver had gone).
 */
export function ensurePrefix(prefix: string): void {
  const env = wineEnv(prefix);
  if (!existsSync(join(prefix, 'system.reg'))) {
    mkdirSync(prefix, { recursive: true });
    execFileSync(WINE64, ['wineboot', '-i'], { env, stdio: 'ignore', timeout: 120_000 });
    // Let that first wineserver finish and exit: used on, it starts rpcss late and COM activations wait
    // ~10 s each for about a minute (shared/notes/WINDOWS-COM.md).
    execFileSync(WINESERVER, ['-w'], { env, stdio: 'ignore', timeout: 120_000 });
  }
  try {
    execFileSync(WINESERVER, ['-p', '30'], { env, stdio: 'ignore' });
  } catch {
    // Already running for this prefix: nothing to do.
  }
  execFileSync(WINE64, ['wineboot'], { env, stdio: 'ignore', timeout: 120_000 });
}

export interface InstallOptions {
  /** ProgIDs to register (default: all three). */
  readonly progids?: readonly string[];
  readonly force?: boolean;
  /** Recorded for the server: the daemon's start command, and the serve file (its Windows path). */
  readonly serveCommand?: string;
  readonly serveFile?: string;
}

/**
 * Copies the x64 DLL into the prefix (C:\imessenger\) and registers it there (regsvr32). Returns the
 * Windows path of the installed DLL. Registration refusals (another server owns a ProgID) surface as
 * an Error with the server's reason.
 */
export function installServer(prefix: string, dll: string, options: InstallOptions = {}): string {
  const dir = join(prefix, 'drive_c', 'imessenger');
  mkdirSync(dir, { recursive: true });
  const target = join(dir, 'imessenger-com-x64.dll');
  if (!existsSync(target) || statSync(target).mtimeMs !== statSync(dll).mtimeMs || statSync(target).size !== statSync(dll).size) {
    copyFileSync(dll, target);
  }
  const windows = 'C:\\imessenger\\imessenger-com-x64.dll';
  regsvr32(prefix, windows, false, options);
  return windows;
}

/** Runs regsvr32 (un)registration of `dll` (a Windows path) in the prefix, machine scope (see above). */
export function regsvr32(prefix: string, dll: string, unregister: boolean, options: InstallOptions = {}): void {
  const env = wineEnv(prefix, {
    IMESSENGER_COM_SCOPE: 'machine',
    ...(options.progids ? { IMESSENGER_COM_PROGIDS: options.progids.join(',') } : {}),
    ...(options.force ? { IMESSENGER_COM_FORCE: '1' } : {}),
    ...(options.serveCommand ? { IMESSENGER_SERVE_COMMAND: options.serveCommand } : {}),
    ...(options.serveFile ? { IMESSENGER_COM_SERVE_FILE: windowsPath(options.serveFile) } : {}),
  });
  try {
    // Generous: a prefix's first regsvr32 on a loaded machine (wineserver start, DLL load) can take a minute.
    execFileSync(WINE64, ['regsvr32', '/s', ...(unregister ? ['/u'] : []), dll], { env, stdio: 'pipe', timeout: 180_000 });
  } catch (error) {
    const why = regQuery(prefix, 'HKLM\\Software\\imessenger\\ComServer', 'LastRefusal');
    // Without a refusal of ours, say how regsvr32 ended (timeout, signal, exit status, its last words).
    const e = error as { status?: number | null; signal?: string | null; code?: string; stderr?: Buffer | string };
    const tail = String(e.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
    const how = e.code ?? (e.signal ? `signal ${e.signal}` : `exit status ${e.status}`);
    throw new Error(why ?? `regsvr32 ${unregister ? '/u ' : ''}${dll} failed (${how})${tail ? `: ${tail}` : ''}`);
  }
}

/** One REG_SZ value through Wine's reg.exe, or undefined. */
export function regQuery(prefix: string, key: string, name?: string): string | undefined {
  try {
    const out = execFileSync(WINE64, ['reg', 'query', key, ...(name ? ['/v', name] : ['/ve'])], { env: wineEnv(prefix), encoding: 'utf8', stdio: 'pipe', timeout: 60_000 });
    const line = out.split(/\r?\n/).find((l) => /REG_SZ/.test(l));
    return line?.replace(/^.*?REG_SZ\s+/, '').trim();
  } catch {
    return undefined;
  }
}

/**
 * The command line the COM server runs to start the daemon (`imessenger serve --detach …`) from inside
 * Wine: /usr/bin/env by its Windows path (Wine runs a Linux program named so), which sets the daemon's
 * serve file by its Linux path (the Windows program's environment holds its Z: path) and runs node.
 */
export function wineServeCommand(cliBin: string, serveArgs: readonly string[], serveFile: string): string {
  return [windowsPath('/usr/bin/env'), `IMESSENGER_SERVE_FILE=${serveFile}`, process.execPath, cliBin, 'serve', '--detach', ...serveArgs]
    .map(quoteWindowsArg).join(' ');
}

/**
 * Arguments that name an existing Linux file or directory (relative to `cwd` or absolute) become their
 * Windows paths; everything else (switches like //nologo, words) is passed as it is.
 */
export function translateArgs(args: readonly string[], cwd: string): string[] {
  return args.map((arg) => {
    if (arg.startsWith('//') || arg.startsWith('-')) return arg;
    const looksLikePath = arg.includes('/') || /\.[A-Za-z0-9]+$/.test(arg);
    return looksLikePath && existsSync(resolve(cwd, arg)) ? windowsPath(resolve(cwd, arg)) : arg;
  });
}

export interface WineRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Wine's cscript/wscript stopped the script on a runtime or compile error (and exited 0). */
  readonly scriptError: boolean;
}

const SCRIPT_ERROR = /^[0-9a-f]+:fixme:wscript:ActiveScriptSite_OnScriptError/;
const WSCRIPT_FIXME = /^[0-9a-f]+:fixme:wscript:/;

/**
 * Runs `wine64 <argv>` in the prefix, passing output through `onStdout`/`onStderr` as it comes (Wine's
 * own wscript fixme lines removed) and reporting a script error Wine's cscript hides.
 */
export function runWine(
  prefix: string,
  argv: readonly string[],
  options: { env?: Record<string, string>; cwd?: string; onStdout?: (s: string) => void; onStderr?: (s: string) => void; timeoutMs?: number } = {},
): Promise<WineRun> {
  const env = { ...wineEnv(prefix, options.env), WINEDEBUG: '-all,fixme+wscript' };
  const spawnOptions: SpawnOptions = { env, cwd: options.cwd ?? process.cwd(), stdio: ['inherit', 'pipe', 'pipe'] };
  return new Promise((resolvePromise, reject) => {
    const child = spawn(WINE64, [...argv], spawnOptions);
    let stdout = '';
    let stderr = '';
    let pending = '';
    let scriptError = false;
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      const text = s.replace(/\r\n/g, '\n');
      stdout += text;
      options.onStdout?.(text);
    });
    child.stderr?.setEncoding('utf8').on('data', (s: string) => {
      pending += s;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (SCRIPT_ERROR.test(line)) scriptError = true;
        if (WSCRIPT_FIXME.test(line)) continue;
        stderr += `${line}\n`;
        options.onStderr?.(`${line}\n`);
      }
    });
    let done = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      if (pending && !WSCRIPT_FIXME.test(pending)) { stderr += pending; options.onStderr?.(pending); }
      if (pending && SCRIPT_ERROR.test(pending)) scriptError = true;
      resolvePromise({ status: code ?? (signal ? 128 : 1), stdout, stderr, scriptError });
    };
    child.on('error', reject);
    child.on('close', finish);
    // A Wine process the program started (a service, a local server) may inherit its pipes and keep them
    // open long after it exits: once it has exited, read what is left for a moment and stop waiting.
    child.on('exit', (code, signal) => {
      setTimeout(() => { child.stdout?.destroy(); child.stderr?.destroy(); finish(code, signal); }, 1_000).unref();
    });
  });
}
