/**
 * What a JScript script expects of the language itself, beyond the host's objects: JScript's
 * `new Error(number, description)` constructor, `e.description` on every error, and
 * `ScriptEngine()` with its version functions. Run in the script's context before the script (its
 * own realm's Error), under a file name of its own so that error positions never point into it.
 */
export const JSCRIPT_PRELUDE_FILENAME = 'imessenger:jscript-prelude';

/**
 * The JScript the host stands for: JScript 5.8 of Windows Script Host 5.8, 32-bit (the cscript of
 * Windows XP, where Messenger scripts ran), build 18702 (Internet Explorer 8's jscript.dll on XP).
 * `ScriptEngineMajorVersion()`… and the conditional compilation variables (`@_jscript_version`,
 * `@_jscript_build`, conditional.ts) answer from here.
 */
export const JSCRIPT_ENGINE = { name: 'JScript', major: 5, minor: 8, build: 18702 } as const;

export const JSCRIPT_PRELUDE = `(function (NativeError) {
  'use strict';
  Object.defineProperty(NativeError.prototype, 'description', {
    configurable: true,
    get: function () { return this.message; },
    set: function (value) { this.message = String(value); },
  });
  Object.defineProperty(NativeError.prototype, 'number', { configurable: true, writable: true, value: 0 });
  // new Error(), new Error(description), new Error(number), new Error(number, description).
  var JScriptError = function Error(first, second) {
    var numbered = arguments.length > 1 || typeof first === 'number';
    var error = new NativeError(numbered ? (second === undefined ? '' : String(second)) : (first === undefined ? '' : String(first)));
    if (numbered) error.number = Number(first) | 0;
    if (new.target && new.target !== JScriptError) Object.setPrototypeOf(error, new.target.prototype);
    return error;
  };
  JScriptError.prototype = NativeError.prototype;
  Object.defineProperty(NativeError.prototype, 'constructor', { configurable: true, writable: true, value: JScriptError });
  Object.setPrototypeOf(JScriptError, NativeError);
  JScriptError.captureStackTrace = NativeError.captureStackTrace;
  Object.defineProperty(globalThis, 'Error', { configurable: true, writable: true, value: JScriptError });
  globalThis.ScriptEngine = function ScriptEngine() { return '${JSCRIPT_ENGINE.name}'; };
  globalThis.ScriptEngineMajorVersion = function ScriptEngineMajorVersion() { return ${JSCRIPT_ENGINE.major}; };
  globalThis.ScriptEngineMinorVersion = function ScriptEngineMinorVersion() { return ${JSCRIPT_ENGINE.minor}; };
  globalThis.ScriptEngineBuildVersion = function ScriptEngineBuildVersion() { return ${JSCRIPT_ENGINE.build}; };
})(Error);`;
