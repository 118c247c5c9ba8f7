/**
 * The COM backend as core consumes it: `comBackend({ progId })` creates the Messenger automation
 * object at once (so a missing winax or ProgID fails here, clearly, not at the first call) and gives
 * a backend definition: a plain object of every SPI port over it. `emulate: true` uses
 * the emulator instead of winax, on any platform.
 */
import type { BackendDefinition, BackendInfo, BackendPorts, OtherSide } from '@imessenger/contract';
import { Com } from './com';
import { type AutomationObject, DEFAULT_PROGID, type DispatchPort, MESSENGER_PROGIDS, type MessengerProgId } from './dispatch';
import { emulateMessenger } from './emulator';
import { comPorts } from './ports';
import { winaxDispatch } from './winax-port';

export interface ComBackendOptions {
  /** The automation object to drive (default 'Messenger.UIAutomation.1'). */
  readonly progId?: MessengerProgId;
  /** Use the emulator (any platform), optionally seeded like the memory backend. */
  readonly emulate?: boolean | { readonly seed?: unknown };
  /** A dispatch port of your own (default: winax on Windows). Not together with `emulate`. */
  readonly dispatch?: DispatchPort;
  /** How long Signin/AutoSignin wait for the client's OnSignin (default 30 000 ms). */
  readonly signinTimeoutMs?: number;
  /** How long AddContact, Contacts.Remove and Signout wait for the event that confirms them (default 5 000 ms). */
  readonly confirmTimeoutMs?: number;
  /** How long the COM echo of the adapter's own write is expected, to be dropped (default 5 000 ms). */
  readonly echoWindowMs?: number;
  /** How often COM messages are pumped while events are advised (default 50 ms). */
  readonly pumpIntervalMs?: number;
}

export interface ComBackend extends BackendDefinition {
  readonly name: 'com';
  readonly info: BackendInfo;
  readonly progId: MessengerProgId;
  /** The dispatch port in use ('winax' or 'emulator'). */
  readonly dispatch: DispatchPort;
  /** The Messenger automation object itself. */
  readonly object: AutomationObject;
  readonly ports: Required<BackendPorts>;
  /** The emulator's other side (contacts change status, the server signs you out, …); emulator only. */
  readonly otherSide?: OtherSide;
  /** Unadvise the event sink, stop the message pump, release every COM object. Idempotent. */
  dispose(): void;
}

const DEFAULTS = { signinTimeoutMs: 30_000, confirmTimeoutMs: 5_000, echoWindowMs: 5_000, pumpIntervalMs: 50 } as const;

function positive(options: ComBackendOptions, key: keyof typeof DEFAULTS): number {
  const value = options[key];
  if (value === undefined) return DEFAULTS[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`comBackend: \`${key}\` must be a positive number of milliseconds, got ${JSON.stringify(value)}.`);
  }
  return value;
}

function isDispatchPort(value: unknown): value is DispatchPort {
  const p = value as Partial<DispatchPort> | null;
  return typeof p === 'object' && p !== null && typeof p.create === 'function' && typeof p.connectionPoints === 'function' && typeof p.release === 'function';
}

/** The otherSide of an emulator port, when the port has one. */
function otherSideOf(port: DispatchPort): OtherSide | undefined {
  const side = (port as { otherSide?: unknown }).otherSide;
  return typeof side === 'object' && side !== null ? (side as OtherSide) : undefined;
}

export function comBackend(options: ComBackendOptions = {}): ComBackend {
  if (typeof options !== 'object' || options === null) throw new TypeError('comBackend: options must be an object, e.g. { progId: "Messenger.UIAutomation.1" }.');
  const progId = options.progId ?? DEFAULT_PROGID;
  if (!(MESSENGER_PROGIDS as readonly string[]).includes(progId)) {
    throw new TypeError(`comBackend: unknown \`progId\` ${JSON.stringify(progId)}; supported: ${MESSENGER_PROGIDS.join(', ')}.`);
  }
  const { emulate, dispatch: given } = options;
  if (emulate !== undefined && typeof emulate !== 'boolean' && (typeof emulate !== 'object' || emulate === null)) {
    throw new TypeError('comBackend: `emulate` must be true, false or { seed }.');
  }
  if (given !== undefined && !isDispatchPort(given)) {
    throw new TypeError('comBackend: `dispatch` must be a DispatchPort (create, connectionPoints, release).');
  }
  if (given && emulate) throw new TypeError('comBackend: give either `dispatch` or `emulate`, not both.');
  const timing = {
    signinTimeoutMs: positive(options, 'signinTimeoutMs'),
    confirmTimeoutMs: positive(options, 'confirmTimeoutMs'),
    echoWindowMs: positive(options, 'echoWindowMs'),
    pumpIntervalMs: positive(options, 'pumpIntervalMs'),
  };

  const dispatch: DispatchPort = given
    ?? (emulate ? emulateMessenger({ seed: typeof emulate === 'object' ? emulate.seed : undefined }) : winaxDispatch());
  // Created now: a missing winax, a missing ProgID or a client that will not start fails here.
  const object = dispatch.create(progId);
  const com = new Com(dispatch, progId);
  const session = comPorts(com, object, timing);
  const info: BackendInfo = { name: 'com' };

  let disposed = false;
  const otherSide = otherSideOf(dispatch);
  return {
    name: 'com',
    info,
    progId,
    dispatch,
    object,
    ports: session.ports,
    ...(otherSide ? { otherSide } : {}),
    dispose() {
      if (disposed) return;
      disposed = true;
      session.dispose();
      com.dispose();
      dispatch.release(object);
    },
  };
}
