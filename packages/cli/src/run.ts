/**
 * The script host: runs a legacy JScript/WSH file in a fresh V8 context whose globals are the
 * shim's ActiveXObject, GetObject, Enumerator and WScript, and returns its exit code.
 *
 * - The source goes through rewriteScript (`function msn::OnSignin` handlers, catch guards for
 *   WScript.Quit) with lines and columns kept, and runs with the script's full path as file name, so
 *   positions in errors are the script's own.
 * - WScript.Quit(n) ends the script with exit code n (even inside a try block).
 * - An uncaught error, in the script or in one of its event handlers, is printed as cscript did
 *   (file(line, col), description, error number) and gives exit code 1.
 * - The host is disposed in every case, so the process can exit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { type BackendConfig, installLegacyGlobals, type LegacyHost, WScriptQuit } from '@imessenger/shim';
import { bindEventHandlers } from './handlers';
import { JSCRIPT_PRELUDE, JSCRIPT_PRELUDE_FILENAME } from './jscript';
import { formatScriptError, positionIn, type ScriptPosition, syntaxErrorPosition } from './report';
import { QUIT_GUARD, type RewriteResult, rewriteScript } from './rewrite';
import { makeArgumentsCallable } from './wscript';

export interface RunScriptOptions {
  /** The script (relative paths resolve against the current directory). */
  readonly file: string;
  readonly backend: BackendConfig;
  /** WScript.Arguments. */
  readonly args?: readonly string[];
  /** WScript.Echo / StdOut (default: process.stdout). */
  readonly stdout?: (text: string) => void;
  /** WScript.StdErr and error reports (default: process.stderr). */
  readonly stderr?: (text: string) => void;
}

/**
 * Thrown by WScript.Quit, and after an error in an event handler (already reported, exit code 1).
 * A WScriptQuit, so the shim's event delivery lets it through to the script's current call; the
 * script's catch blocks rethrow it (rewrite.ts), so it reaches runScript.
 */
class ScriptEnd extends WScriptQuit {}

type Listener = (...args: unknown[]) => void;

/** Run the script to its end, its WScript.Quit, or its first uncaught error; the exit code. */
export async function runScript(options: RunScriptOptions): Promise<number> {
  const file = path.resolve(options.file);
  const stdout = options.stdout ?? ((text: string) => { process.stdout.write(text); });
  const stderr = options.stderr ?? ((text: string) => { process.stderr.write(text); });

  let end: ScriptEnd | undefined;
  /** An event handler, wrapped so that its error is reported and ends the script, as in cscript. */
  const guarded = new WeakMap<Listener, Listener>();
  const guard = (handler: Listener): Listener => {
    let wrapped = guarded.get(handler);
    if (!wrapped) {
      wrapped = function (this: unknown, ...args: unknown[]): void {
        try {
          handler.apply(this, args);
        } catch (error) {
          if (error instanceof WScriptQuit) throw error;
          if (!end) {
            report(error, positionIn(error, file));
            end = new ScriptEnd(1);
          }
          throw end;
        }
      };
      guarded.set(handler, wrapped);
    }
    return wrapped;
  };

  const sandbox: Record<string, unknown> = {};
  const context = vm.createContext(sandbox, { name: file });
  // The shim finds `prefix_Event` handlers on the globals it is given: it gets them guarded.
  const handlerLookup = new Proxy(sandbox, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? guard(value as Listener) : value;
    },
  });
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = Math.max(stackTraceLimit, 100);
  let host: LegacyHost | undefined;
  let rewritten: RewriteResult | undefined;
  const report = (error: unknown, position: ScriptPosition | undefined, kind?: 'compilation'): void => {
    stderr(formatScriptError(file, error, rewritten && original(rewritten, position), kind));
  };
  try {
    vm.runInContext(JSCRIPT_PRELUDE, context, { filename: JSCRIPT_PRELUDE_FILENAME });
    Object.defineProperty(sandbox, QUIT_GUARD, {
      enumerable: false,
      value: (caught: unknown) => { if (caught instanceof ScriptEnd) throw caught; },
    });
    host = installLegacyGlobals(handlerLookup, {
      backend: options.backend,
      scriptPath: file,
      args: options.args ?? [],
      stdout,
      stderr,
      onQuit: (code: number): never => { throw (end ??= new ScriptEnd(code)); },
      // Only reached by a listener that escaped the guard; report it the same way.
      onHandlerError: (error: unknown) => { if (!end) report(error, positionIn(error, file)); },
    });
    makeArgumentsCallable(host.WScript);
    // The host's worker (the backend) is starting now, on its own thread, while the script is read
    // and compiled here.
    let source: string;
    try {
      source = fs.readFileSync(file, 'utf8');
    } catch (e) {
      stderr(`imessenger: cannot read script ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      return 1;
    }
    // A byte order mark, as Notepad saved scripts.
    rewritten = rewriteScript(source.replace(/^\uFEFF/, ''));
    let script: vm.Script;
    try {
      script = new vm.Script(rewritten.code, { filename: file });
    } catch (e) {
      report(e, syntaxErrorPosition(e, file), 'compilation');
      return 1;
    }
    bindEventHandlers(sandbox, host, rewritten.handlers, guard);
    script.runInContext(context);
    return end?.code ?? 0;
  } catch (e) {
    if (end) return end.code;
    report(e, positionIn(e, file));
    return 1;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    host?.dispose();
  }
}

function original(rewritten: RewriteResult, position: ScriptPosition | undefined): ScriptPosition | undefined {
  return position && { line: position.line, column: rewritten.originalColumn(position.line, position.column) };
}
