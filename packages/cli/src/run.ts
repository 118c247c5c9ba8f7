/**
 * The script host: runs a legacy JScript/WSH file in a fresh V8 context whose globals are the
 * shim's ActiveXObject, GetObject, Enumerator and WScript, and returns its exit code.
 *
 * - A file that is not JScript (.vbs, .wsf, .jse…: language.ts) is refused, exit code 2, as a
 *   command-line mistake, before anything starts.
 * - The source goes through rewriteScript (conditional compilation, `function msn::OnSignin`
 *   handlers, catch guards for WScript.Quit) with lines and columns kept, and runs with the script's
 *   full path as file name, so positions in errors are the script's own.
 * - WScript.Quit(n) ends the script with exit code n (even inside a try block).
 * - An uncaught error, in the script or in one of its event handlers, is printed as cscript did
 *   (file(line, col), description, error number) and gives exit code 1.
 * - The host is disposed in every case, so the process can exit.
 * - With a limit (timeoutMs, maxMemoryMb) the same run happens in a worker thread that another
 *   thread can stop (realm.ts).
 *
 * A trusted host, like WSH: the script's context is not a security boundary. Its globals are the
 * shim's, but `this.constructor.constructor("return process")()` reaches this process, as a WSH
 * script reached the machine. `imessenger run --isolate` (isolate.ts) runs it in a child process
 * under Node's permission model instead.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { type BackendConfig, installLegacyGlobals, type LegacyHost, WScriptQuit } from '@imessenger/shim';
import { JScriptCompilationError } from './conditional';
import { bindEventHandlers } from './handlers';
import { notJScript } from './language';
import { runInRealm } from './realm';
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
  /**
   * End the script this many milliseconds after the call (everything counts: the backend
   * starting, the script, its event handlers and WScript.Sleep calls), with WSH's "Script
   * execution time was exceeded" message and exit code 124 (TIMEOUT_EXIT_CODE).
   */
  readonly timeoutMs?: number;
  /**
   * Cap the script's realm at this many megabytes: past it the script ends with a message and exit
   * code 134 (MEMORY_EXIT_CODE) instead of taking the process down.
   */
  readonly maxMemoryMb?: number;
}

/**
 * Thrown by WScript.Quit, and after an error in an event handler (already reported, exit code 1).
 * A WScriptQuit, so the shim's event delivery lets it through to the script's current call; the
 * script's catch blocks rethrow it (rewrite.ts), so it reaches runScript.
 */
class ScriptEnd extends WScriptQuit {}

type Listener = (...args: unknown[]) => void;

/**
 * Run the script to its end, its WScript.Quit, its first uncaught error or a limit; the exit code.
 * Without limits it runs in this thread; with one, in a worker thread (realm.ts).
 */
export async function runScript(options: RunScriptOptions): Promise<number> {
  if (options.timeoutMs !== undefined || options.maxMemoryMb !== undefined) return runInRealm(options);
  return runScriptHere(options);
}

/** The run itself, in this thread (limits ignored): runScript without limits, and the realm worker. */
export async function runScriptHere(options: RunScriptOptions): Promise<number> {
  const file = path.resolve(options.file);
  const stdout = options.stdout ?? ((text: string) => { process.stdout.write(text); });
  const stderr = options.stderr ?? ((text: string) => { process.stderr.write(text); });
  const wrongKind = notJScript(file);
  if (wrongKind !== undefined) {
    stderr(`imessenger: ${wrongKind}\n`);
    return 2;
  }

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
    try {
      rewritten = rewriteScript(source.replace(/^\uFEFF/, ''));
    } catch (e) {
      if (!(e instanceof JScriptCompilationError)) throw e;
      stderr(formatScriptError(file, e, { line: e.line, column: e.column }, 'compilation'));
      return 1;
    }
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
