export { comBackend, type ComBackend, type ComBackendOptions } from './backend';
export {
  DEFAULT_PROGID, MESSENGER_PROGIDS, type AutomationObject, type ConnectionPoint, type DispatchPort, type EventSink,
  type MessengerProgId, type WinaxError,
} from './dispatch';
export { COM_HRESULTS, comError, hresultOf, WINAX_TYPE_ERRORS } from './errors';
export { DMESSENGER_EVENTS, EVENT_PARAMS, normaliseEventArgs, type EventParam, type ObjectKind } from './event-args';
export { isProgIdMissing, winaxDispatch, type WinaxDispatchOptions } from './winax-port';
export { emulateMessenger, type EmulatedDispatchPort, type EmulatorOptions } from './emulator';
