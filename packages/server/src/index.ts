/**
 * @imessenger/server: `imessenger serve`, a per-user local daemon serving the Messenger contract to
 * native clients (the COM server of packages/com-server) over an authenticated loopback wire
 * protocol (docs/protocol.md), and its TypeScript client.
 */
export { startDaemon, DaemonRunningError, type Daemon, type DaemonOptions } from './daemon';
export { ServeClient, type CallResult, type ConnectOptions, type EventListener } from './client';
export { type AnyListener, RemoteSession, type RemoteMessenger } from './remote';
export {
  serveFilePath, secretPathOf, lockPathOf, lockHolder, readServeFile, readSecret, loadOrCreateSecret, isAlive, answers, runningDaemon, SecretFileError, type ServeInfo,
} from './files';
export { clientMac, serverMac, NONCE_BYTES, MAC_BYTES, SECRET_BYTES } from './auth';
export {
  ENUM_DISPID, FOREIGN, FrameReader, FrameSplitter, FrameWriter, INVOKE, KIND_ENUM, MAX_FRAME, MISSING, MSG, NOTHING, PROTOCOL_VERSION, ProtocolError, Ref,
  TAG, WIRE_HR, type WireValue,
} from './wire';
