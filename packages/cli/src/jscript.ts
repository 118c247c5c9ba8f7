/**
 * What a JScript script expects of the language itself, beyond the host's objects: JScript's
 * `new Error(number, description)` constructor and `e.description` on every error. Run in the
 * script's context before the script (its own realm's Error), under a file name of its own so that
 * error positions never point into it.
 */
export const JSCRIPT_PRELUDE_FILENAME = 'imessenger:jscript-prelude';

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
})(Error);`;
