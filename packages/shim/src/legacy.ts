/**
 * What a Windows Script Host script finds on its global object: ActiveXObject, GetObject,
 * Enumerator and WScript (Echo, Sleep, Quit, Arguments, ScriptName, StdOut/StdErr, CreateObject,
 * ConnectObject, DisconnectObject), over one automation host. For script hosts and embedders:
 *
 *   const sandbox = {};
 *   const host = installLegacyGlobals(sandbox, { backend: { kind: 'memory', seed }, scriptPath, args });
 *   vm.runInNewContext(source, sandbox);   // handlers `Msn_OnSignin` declared by the script are found on sandbox
 *   host.dispose();
 */
import * as path from 'node:path';
import type {
  LegacyGlobalsOptions, LegacyHost, ShimHost, WScriptArguments, WScriptNamedArguments, WScriptObject, WScriptStream,
} from './api';
import { Host } from './host';
import { JSCRIPT, jscriptError, markQuit, WScriptQuit } from './jscript';

function argumentsOf(values: readonly string[]): WScriptArguments {
  const list = Object.freeze([...values]);
  return {
    length: list.length,
    Length: list.length,
    Count: () => list.length,
    Item(index: number): string {
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= list.length) {
        throw jscriptError(JSCRIPT.SUBSCRIPT_OUT_OF_RANGE, 'WScript.Arguments.Item');
      }
      return list[index] as string;
    },
    [Symbol.iterator]: () => list[Symbol.iterator](),
  };
}

const NAMED = /^\/([^:]+)(?::(.*))?$/s;

/** WSH's split of the command line: `/name:value` and `/name` are Named, the rest Unnamed. */
function namedOf(values: readonly string[]): WScriptNamedArguments {
  const named = new Map<string, string>();
  for (const v of values) {
    const m = NAMED.exec(v);
    if (m) named.set((m[1] as string).toLowerCase(), m[2] ?? '');
  }
  return {
    length: named.size,
    Length: named.size,
    Count: () => named.size,
    Item: (name: string) => named.get(String(name).toLowerCase()),
    Exists: (name: string) => named.has(String(name).toLowerCase()),
  };
}

function stream(write: (text: string) => void): WScriptStream {
  return {
    Write: (text: unknown) => write(String(text)),
    WriteLine: (text: unknown = '') => write(`${String(text)}\n`),
    WriteBlankLines: (lines: number) => write('\n'.repeat(Math.max(0, Math.trunc(Number(lines)) || 0))),
  };
}

/** The WScript object of a script run on `host`. */
export function createWScript(host: ShimHost, options: Omit<LegacyGlobalsOptions, 'backend'> = {}): WScriptObject {
  const stdout = options.stdout ?? ((text: string) => { process.stdout.write(text); });
  const stderr = options.stderr ?? ((text: string) => { process.stderr.write(text); });
  const full = options.scriptPath ? path.resolve(options.scriptPath) : '';
  const args = options.args ?? [];
  const all = argumentsOf(args);
  const Arguments = Object.assign(all, {
    Named: namedOf(args),
    Unnamed: argumentsOf(args.filter((a) => !NAMED.test(a))),
  });
  const quit = (code?: number): never => {
    const exitCode = code === undefined ? 0 : Math.trunc(Number(code)) || 0;
    try {
      if (options.onQuit) options.onQuit(exitCode);
    } catch (error) {
      markQuit(error);
      throw error;
    }
    throw new WScriptQuit(exitCode);
  };
  return {
    Name: 'Windows Script Host',
    Version: '5.8',
    FullName: process.execPath,
    Path: path.dirname(process.execPath),
    ScriptName: full ? path.basename(full) : '',
    ScriptFullName: full,
    Interactive: false,
    Arguments,
    StdOut: stream(stdout),
    StdErr: stream(stderr),
    Echo: (...values: unknown[]) => stdout(`${values.map((v) => String(v)).join(' ')}\n`),
    Sleep: (ms: number) => host.sleep(ms),
    Quit: quit,
    CreateObject: (progId: string, prefix?: string) => host.CreateObject(progId, prefix),
    GetObject: (pathOrProgId?: string, progId?: string) => host.GetObject(pathOrProgId, progId),
    ConnectObject: (object: object, prefix: string) => host.ConnectObject(object, prefix),
    DisconnectObject: (object: object) => host.DisconnectObject(object),
  };
}

/**
 * Put ActiveXObject, GetObject, Enumerator and WScript on `target` (a vm context's sandbox, or
 * globalThis), over a new host whose event handlers are looked up on `target`. Returns the host:
 * dispose it when the script is done.
 */
export function installLegacyGlobals(target: object, options: LegacyGlobalsOptions): LegacyHost {
  const host = new Host({ ...options, globals: target });
  const WScript = createWScript(host, options);
  const globals = target as Record<string, unknown>;
  globals['ActiveXObject'] = host.ActiveXObject;
  globals['GetObject'] = (pathOrProgId?: string, progId?: string) => host.GetObject(pathOrProgId, progId);
  globals['Enumerator'] = host.Enumerator;
  globals['WScript'] = WScript;
  return Object.assign(host, { WScript }) as LegacyHost;
}
