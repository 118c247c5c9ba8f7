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

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** What VariantChangeType accepts as a number in a string (VarI4FromStr, without locale separators or &H/&O). */
const NUMERIC_TEXT = /^[ \t]*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[ \t]*$/;

/** Round half to even, as OLE Automation converts a double to an integer (2.5 -> 2, 3.5 -> 4, -2.5 -> -2). */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction !== 0.5) return fraction < 0.5 ? floor : floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * WScript.Quit's argument as WSH converts it. IHost::Quit is `Quit([in, defaultvalue(0)] int
 * ExitCode)`: the script engine passes a VARIANT and DispInvoke converts it with
 * VariantChangeType(VT_I4), the same for JScript as for VBScript (the conversion is COM's, not the
 * language's), and a failed conversion is raised in the script as the engine's runtime error:
 * - nothing, or undefined (VT_EMPTY): 0;
 * - a number: rounded half to even (2.7 -> 3, 2.5 -> 2, -2.5 -> -2); outside the signed 32-bit
 *   range, NaN or Infinity: DISP_E_OVERFLOW, "Overflow" (800A0006) — Quit(1e12) is an error, not a
 *   wrapped or clamped code;
 * - true: -1 (VARIANT_TRUE); false: 0;
 * - a string: the number it spells ("  7 " -> 7, "2.5" -> 2, "1e3" -> 1000), then as a number;
 *   anything else, "" and "abc" included: DISP_E_TYPEMISMATCH, "Type mismatch" (800A000D);
 * - null (VT_NULL): Type mismatch; an object: its value (valueOf, else its text), then as above.
 * Negative codes are kept: the process exit code is this signed 32-bit value, of which Windows keeps
 * all 32 bits (Quit(-1) shows as %ERRORLEVEL% -1) and POSIX the low 8 (-1 exits 255, 256 exits 0).
 */
function quitCode(value: unknown): number {
  const mismatch = (): never => { throw jscriptError(JSCRIPT.TYPE_MISMATCH, 'WScript.Quit'); };
  let v = value;
  if (typeof v === 'object' && v !== null) {
    try {
      const primitive: unknown = v.valueOf();
      v = typeof primitive === 'object' || typeof primitive === 'function' ? String(v) : primitive;
    } catch {
      return mismatch();
    }
  }
  if (v === undefined) return 0;
  if (typeof v === 'boolean') return v ? -1 : 0;
  if (typeof v === 'bigint') v = Number(v);
  if (typeof v === 'string') v = NUMERIC_TEXT.test(v) ? Number(v) : mismatch();
  if (typeof v !== 'number') return mismatch();
  const rounded = Number.isFinite(v) ? roundHalfEven(v) : NaN;
  if (!(rounded >= INT32_MIN && rounded <= INT32_MAX)) throw jscriptError(JSCRIPT.OVERFLOW, 'WScript.Quit');
  return rounded | 0;
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
  const quit = (...args: unknown[]): never => {
    // One optional parameter: more arguments are DISP_E_BADPARAMCOUNT, as from any COM method.
    if (args.length > 1) throw jscriptError(JSCRIPT.WRONG_ARGUMENTS, 'WScript.Quit');
    const exitCode = quitCode(args[0]);
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
