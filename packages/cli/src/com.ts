/**
 * `imessenger com register|unregister|wine`: the native COM server (@imessenger/com-server) under the
 * Messenger ProgIDs, backed by `imessenger serve`.
 * - On Windows, register/unregister run regsvr32 on the x64 DLL (and the x86 one through SysWOW64's
 *   regsvr32 when the machine has it), per user (HKCU\Software\Classes, no administrator rights).
 * - On Linux they register into the private Wine prefix `com wine` uses, and `com wine` runs a Windows
 *   program there against a daemon of its own (its own serve file, started on demand by the server,
 *   stopped at the end).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { type CommandLine, EXIT, UsageError, defineCommand, runCommand } from '@imessenger/command-line';
import type * as ComServer from '@imessenger/com-server';
import { BACKEND_OPTIONS, parseServeArgs } from './args';
import type { Io } from './main';

export const COM_SPEC = defineCommand({
  name: 'com',
  synopsis: [
    'register [backend options] [--progids <list>] [--per-user] [--force]',
    'unregister',
    'wine [backend options] [--prefix <dir>] -- <windows command line...>',
  ],
  description: 'Registers the native COM server under the original Messenger ProgIDs and CLSID, so that any unchanged program (VBScript, VB6, C#, C++, Delphi, Python win32com, AutoIt…) that creates "Messenger.UIAutomation(.1)" or "Communicator.UIAutomation" talks to the SDK: every call goes to "imessenger serve" (started on demand with the backend options given here), which runs it on the chosen backend. "com wine" runs a Windows program under Wine on Linux against the server.',
  positionals: { max: 1 },
  passThrough: 'windows command line',
  options: {
    ...BACKEND_OPTIONS,
    progids: { type: 'string', value: 'list', help: 'register: the ProgIDs, comma-separated (default: Messenger.UIAutomation.1,Messenger.UIAutomation,Communicator.UIAutomation).' },
    'per-user': { type: 'boolean', help: 'register: in HKCU (no administrator rights). The default and, on Windows, the only scope; under Wine the private prefix is registered machine-wide (Wine 8 does not merge per-user classes).' },
    force: { type: 'boolean', help: 'register: take over a ProgID or CLSID another server owns (unregister puts its values back).' },
    prefix: { type: 'string', value: 'dir', help: 'Linux: the Wine prefix (default: $IMESSENGER_WINEPREFIX, else ~/.cache/imessenger/wine).' },
    dll: { type: 'string', value: 'file.dll', help: 'The x64 server DLL (default: the one shipped in @imessenger/com-server, built from source when there is none).' },
    'test-hooks': { type: 'boolean', help: 'wine: start the daemon with --test-hooks. For tests only.' },
  },
  sections: [{
    title: 'Exit codes of "com wine"',
    text: 'The Windows program\'s exit code. Wine\'s cscript exits 0 when a script stops on a runtime error; "com wine" reports that as "the script stopped on an error" and exit code 1.',
  }],
  examples: [
    'imessenger com register --backend graph --graph-config teams.json',
    'imessenger com unregister',
    'imessenger com wine --seed seed.json -- cscript //nologo ./old/report.vbs',
  ],
});

type ComLine = CommandLine<typeof COM_SPEC.options>;

/** Backend options that name files: made absolute, since the daemon starts elsewhere. */
const PATH_OPTIONS = new Set(['seed', 'state', 'graph-config', 'config', 'mismatches', 'old-seed', 'old-state', 'new-seed', 'new-state']);

/** The backend options as `imessenger serve` arguments (validated the way serve validates them). */
function serveArgs(line: ComLine, cwd: string, env: NodeJS.ProcessEnv): string[] {
  const args: string[] = [];
  for (const key of Object.keys(BACKEND_OPTIONS) as (keyof typeof BACKEND_OPTIONS)[]) {
    const value = line.values[key];
    if (value !== undefined) args.push(`--${key}`, PATH_OPTIONS.has(key) ? path.resolve(cwd, value) : value);
  }
  if (line.values['test-hooks']) args.push('--test-hooks');
  try {
    parseServeArgs(['--detach', ...args], env, cwd);
  } catch (error) {
    // A bad backend option is this command line's: point at com's help, not serve's.
    if (error instanceof UsageError) throw new UsageError(error.message, 'com');
    throw error;
  }
  return args;
}

const cliBin = (): string => path.join(__dirname, '..', 'dist', 'bin.js');
const com = (): typeof ComServer => require('@imessenger/com-server') as typeof ComServer;

/** The x64 DLL: --dll, else the prebuilt one, else built from source into ~/.cache (needs mingw-w64). */
function serverDll(line: ComLine, cwd: string): string {
  if (line.values.dll) return path.resolve(cwd, line.values.dll);
  const { prebuiltDir, dllName, buildDll, missingToolchain } = com();
  const prebuilt = path.join(prebuiltDir(), dllName('x64'));
  if (existsSync(prebuilt)) return prebuilt;
  const missing = missingToolchain('x64');
  if (missing) throw new Error(`no prebuilt COM server DLL in ${prebuiltDir()} and it cannot be built here: ${missing}`);
  return buildDll('x64', path.join(homedir(), '.cache', 'imessenger', 'com-server')).dll;
}

function prefixOf(line: ComLine, cwd: string, env: NodeJS.ProcessEnv): string {
  const { missingWine, defaultPrefix } = com();
  const missing = missingWine();
  if (missing) throw new Error(`"com" on Linux works through Wine: ${missing}`);
  return line.values.prefix ? path.resolve(cwd, line.values.prefix) : defaultPrefix(env);
}

export function comCommand(argv: readonly string[], io: Io): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const env = { ...process.env, ...io.env } as NodeJS.ProcessEnv;
  const out = { stdout: { write: io.stdout }, stderr: { write: io.stderr } };
  return runCommand(COM_SPEC, argv, out, async (line) => {
    const sub = line.positionals[0];
    if (sub === 'register' || sub === 'unregister') {
      if (line.rest.length) throw new UsageError(`"com ${sub}" takes no "--" arguments`, 'com');
      return sub === 'register' ? register(line, cwd, env, io) : unregister(line, cwd, env, io);
    }
    if (sub === 'wine') return wine(line, cwd, env, io);
    throw new UsageError(sub === undefined ? 'missing subcommand: register, unregister or wine' : `unknown subcommand "${sub}" (register, unregister, wine)`, 'com');
  });
}

function progidsOf(line: ComLine): string[] | undefined {
  if (!line.values.progids) return undefined;
  const known = Object.keys(com().PROGIDS);
  const list = line.values.progids.split(',').map((p) => p.trim()).filter(Boolean);
  const unknown = list.filter((p) => !known.includes(p));
  if (unknown.length || !list.length) throw new UsageError(`--progids: unknown ProgID ${unknown.join(', ') || '(none given)'} (known: ${known.join(', ')})`, 'com');
  return list;
}

/** Windows: regsvr32 of each architecture's DLL (SysWOW64's regsvr32 for the x86 one), per user. */
function windowsRegsvr32(dllX64: string, unregister: boolean, extraEnv: Record<string, string>): void {
  const root = process.env['SystemRoot'] ?? 'C:\\Windows';
  const { dllName } = com();
  const targets: [string, string][] = [[path.join(root, 'System32', 'regsvr32.exe'), dllX64]];
  const x86 = path.join(path.dirname(dllX64), dllName('x86'));
  if (existsSync(path.join(root, 'SysWOW64', 'regsvr32.exe')) && existsSync(x86)) targets.push([path.join(root, 'SysWOW64', 'regsvr32.exe'), x86]);
  for (const [regsvr32, dll] of targets) {
    try {
      execFileSync(regsvr32, ['/s', ...(unregister ? ['/u'] : []), dll], { env: { ...process.env, ...extraEnv }, stdio: 'pipe' });
    } catch {
      let why: string | undefined;
      try {
        why = execFileSync('reg', ['query', 'HKCU\\Software\\imessenger\\ComServer', '/v', 'LastRefusal'], { encoding: 'utf8' })
          .split(/\r?\n/).find((l) => l.includes('REG_SZ'))?.replace(/^.*REG_SZ\s+/, '').trim();
      } catch { /* no refusal recorded: regsvr32 failed for another reason */ }
      throw new Error(why ?? `${regsvr32} ${unregister ? '/u ' : ''}${dll} failed`);
    }
  }
}

function register(line: ComLine, cwd: string, env: NodeJS.ProcessEnv, io: Io): number {
  const args = serveArgs(line, cwd, env);
  const progids = progidsOf(line);
  const dll = serverDll(line, cwd);
  const { quoteWindowsArg, ensurePrefix, installServer, wineServeCommand } = com();
  if (process.platform === 'win32') {
    const command = [process.execPath, cliBin(), 'serve', '--detach', ...args].map(quoteWindowsArg).join(' ');
    windowsRegsvr32(dll, false, {
      IMESSENGER_SERVE_COMMAND: command,
      ...(progids ? { IMESSENGER_COM_PROGIDS: progids.join(',') } : {}),
      ...(line.values.force ? { IMESSENGER_COM_FORCE: '1' } : {}),
    });
    io.stdout(`Registered ${dll} for this user (${(progids ?? Object.keys(com().PROGIDS)).join(', ')}); it starts: ${command}\n`);
    return EXIT.OK;
  }
  const prefix = prefixOf(line, cwd, env);
  const { serveFilePath } = require('@imessenger/server') as typeof import('@imessenger/server');
  const serveFile = serveFilePath(env);
  ensurePrefix(prefix);
  installServer(prefix, dll, {
    ...(progids ? { progids } : {}), force: line.values.force === true,
    serveCommand: wineServeCommand(cliBin(), args, serveFile), serveFile,
  });
  io.stdout(`Registered the COM server in the Wine prefix ${prefix} (${(progids ?? Object.keys(com().PROGIDS)).join(', ')}); the daemon's serve file is ${serveFile}.\n`);
  return EXIT.OK;
}

function unregister(line: ComLine, cwd: string, env: NodeJS.ProcessEnv, io: Io): number {
  const dll = serverDll(line, cwd);
  if (process.platform === 'win32') {
    windowsRegsvr32(dll, true, {});
  } else {
    const prefix = prefixOf(line, cwd, env);
    const { ensurePrefix, regsvr32 } = com();
    ensurePrefix(prefix);
    regsvr32(prefix, 'C:\\imessenger\\imessenger-com-x64.dll', true);
  }
  io.stdout('Unregistered the COM server; what registration replaced is back.\n');
  return EXIT.OK;
}

/**
 * Runs a Windows program under Wine against the server: a daemon of its own (its own serve file in a
 * user-only temporary directory, started on demand by the server with these backend options), arguments
 * that name existing files translated to Z:\ paths, output passed through, its exit code back.
 */
async function wine(line: ComLine, cwd: string, env: NodeJS.ProcessEnv, io: Io): Promise<number> {
  if (!line.rest.length) throw new UsageError('missing the Windows command line: imessenger com wine [options] -- <program> [arguments]', 'com');
  const args = serveArgs(line, cwd, env);
  const dll = serverDll(line, cwd);
  const prefix = prefixOf(line, cwd, env);
  const { ensurePrefix, installServer, runWine, translateArgs, wineServeCommand, windowsPath } = com();
  ensurePrefix(prefix);
  installServer(prefix, dll);
  const runDir = mkdtempSync(path.join(tmpdir(), 'imessenger-com-wine-'));
  const serveFile = path.join(runDir, 'serve.json');
  try {
    const result = await runWine(prefix, translateArgs(line.rest, cwd), {
      cwd,
      env: { IMESSENGER_SERVE_FILE: windowsPath(serveFile), IMESSENGER_SERVE_COMMAND: wineServeCommand(cliBin(), args, serveFile) },
      onStdout: io.stdout, onStderr: io.stderr,
    });
    if (result.scriptError) {
      io.stderr(`imessenger: ${line.rest[0]}: the script stopped on an error (Wine's cscript reports no message and exit code 0)\n`);
      return EXIT.FAILED;
    }
    return result.status;
  } finally {
    const { main } = require('./main') as typeof import('./main');
    if (existsSync(serveFile)) await main(['serve', '--stop'], { stdout: () => {}, stderr: io.stderr, env: { ...env, IMESSENGER_SERVE_FILE: serveFile }, cwd });
    rmSync(runDir, { recursive: true, force: true });
  }
}
