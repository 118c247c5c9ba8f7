/**
 * The emulator of the native Messenger automation object (Messenger.UIAutomation), for every
 * machine without Windows: a DispatchPort that hands out winax-shaped objects over one emulated
 * client session, seeded from the in-memory backend's seed document.
 *
 *   const port = emulateMessenger({ seed });
 *   const msn = port.create('Messenger.UIAutomation.1');
 *   const cookie = port.connectionPoints(msn)[0]!.advise({ OnSignin(hr) { … } });
 *   msn.Signin(0, 'ann@contoso.com', 'secret');   // throws winax-shaped errors, raises events synchronously
 *   port.otherSide.contactStatus('bob@contoso.com', 0x22);
 */
import type { OtherSide } from '@imessenger/contract';
import { type AutomationObject, type ConnectionPoint, type DispatchPort, MESSENGER_PROGIDS } from '../dispatch';
import { invalidClassString } from './errors';
import { eventsConnectionPoint } from './events';
import { messengerObject } from './messenger';
import { emulatedOtherSide } from './other-side';
import { Session } from './session';

export interface EmulatorOptions {
  /** The seed document of the in-memory backend (adapters/memory seed format). Default: its DEFAULT_SEED. */
  readonly seed?: unknown;
  /** The ProgIDs registered on the emulated machine (compared ignoring case). Default: MESSENGER_PROGIDS. */
  readonly progIds?: readonly string[];
}

export type EmulatedDispatchPort = DispatchPort & { readonly kind: 'emulator'; readonly otherSide: OtherSide };

export function emulateMessenger(options: EmulatorOptions = {}): EmulatedDispatchPort {
  // One running client: every ProgID and every create() reaches the same session (the same state,
  // the same contact objects, the same events).
  const session = new Session(options.seed);
  const registered = new Set((options.progIds ?? MESSENGER_PROGIDS).map((p) => p.toLowerCase()));
  const points = new WeakMap<AutomationObject, ConnectionPoint>();

  return {
    kind: 'emulator',
    create(progId: string): AutomationObject {
      // ProgIDs are looked up in the registry, which ignores case.
      if (typeof progId !== 'string' || !registered.has(progId.toLowerCase())) throw invalidClassString(String(progId));
      const messenger = messengerObject(session);
      points.set(messenger, eventsConnectionPoint(session.sinks));
      return messenger;
    },
    /** The Messenger object has one connection point (DMessengerEvents); its other objects have none. */
    connectionPoints(object: AutomationObject): ConnectionPoint[] {
      const point = points.get(object);
      return point ? [point] : [];
    },
    release(): void { /* nothing to release: no COM references */ },
    otherSide: emulatedOtherSide(session),
  };
}

export { exposedMembers } from './automation';
export { CO_E_CLASSSTRING, DISP_E_MEMBERNOTFOUND } from './errors';
