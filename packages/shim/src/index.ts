/**
 * @imessenger/shim: legacy Messenger automation code runs unchanged and synchronously on any backend.
 *
 *   const host = createAutomationHost({ backend: { kind: 'memory', seed } });
 *   const msn = host.create('Messenger.UIAutomation.1');       // or: new host.ActiveXObject(…)
 *   msn.MyContacts.Item(0).SigninName;                          // synchronous
 *   host.dispose();
 *
 * or, for a script host: installLegacyGlobals(sandbox, { backend, scriptPath, args }).
 */
export type {
  AutomationHost, BackendConfig, HostOptions, RoutingBackendConfig, SingleBackendConfig, LegacyEnumerator, LegacyGlobalsOptions, LegacyHost, ShimHost, SyncOtherSide,
  WScriptArguments, WScriptNamedArguments, WScriptObject, WScriptStream,
} from './api';
export { createAutomationHost, Enumerator, interfaceOf, MESSENGER_PROGIDS, workerPath } from './host';
export { createWScript, installLegacyGlobals } from './legacy';
export { BACKEND_PACKAGES, BackendNotInstalledError, missingBackendPackage } from './backend-packages';
export { JSCRIPT, jscriptError, WScriptQuit, type JScriptErrorInfo } from './jscript';
export { MessengerError, isMessengerError } from '@imessenger/contract';
export { callError, type CoreClass, coreClasses, invokeRow, rowName, signedEventArgs, startBackend, type StartedBackend } from './dispatch';
