/**
 * DMessengerEvents through a connection point, as winax delivers them: a sink is a plain object
 * with one function per event name; each event calls it synchronously with the documented
 * arguments in the documented order (events.ts of the contract). Objects arrive as the emulator's
 * automation objects (the same ones its members hand out), and an `hr` arrives as COM passes a
 * LONG: a signed 32-bit number (MSGR_E_GROUP_ALREADY_EXISTS is -2130705589, not 0x8100034B).
 */
import {
  type BoolRef, type DMessengerEvents, type IMessengerContact, type IMessengerConversationWnd, type IMessengerGroup,
  MESSENGER_EVENT_NAMES, type MessengerEventName,
} from '@imessenger/contract';
import type { AutomationObject, ConnectionPoint, EventSink } from '../dispatch';

/** One event argument as COM delivers it: objects as automation objects; a VARIANT_BOOL* as its value. */
type ComArg<T> = T extends BoolRef ? boolean
  : T extends IMessengerContact | IMessengerGroup | IMessengerConversationWnd ? AutomationObject
  : T;
/** A tuple of event arguments as COM delivers them (a homomorphic mapping keeps it a tuple). */
type ComArgs<A extends readonly unknown[]> = { [K in keyof A]: ComArg<A[K]> };
/** Each event's arguments, derived from the contract's DMessengerEvents (so all 25 events are covered). */
export type ComEvents = { [E in MessengerEventName]: ComArgs<DMessengerEvents[E]> };

/** The sinks advised on any Messenger object of one session (all objects share the client's events). */
export class SinkRegistry {
  private readonly sinks = new Map<number, EventSink>();
  private nextCookie = 1;

  advise(sink: EventSink): number {
    const cookie = this.nextCookie++;
    this.sinks.set(cookie, sink);
    return cookie;
  }

  /** An unknown or already removed cookie is ignored (a second unadvise is harmless). */
  unadvise(cookie: number): void { this.sinks.delete(cookie); }

  /**
   * Raise one event on every sink, synchronously, in advise order. A sink without a handler for it
   * is skipped; a handler that throws does not break the call that raised the event (COM ignores
   * what a sink's Invoke returns).
   */
  fire<E extends MessengerEventName>(event: E, ...args: ComEvents[E]): void {
    for (const sink of [...this.sinks.values()]) {
      const handler = sink[event];
      if (typeof handler !== 'function') continue;
      try {
        handler.apply(sink, args);
      } catch (error) {
        process.emitWarning(`A ${event} sink threw: ${error instanceof Error ? error.message : String(error)}`, 'MessengerEventWarning');
      }
    }
  }
}

/** The Messenger object's one connection point (DMessengerEvents). */
export function eventsConnectionPoint(sinks: SinkRegistry): ConnectionPoint {
  return {
    advise: (sink) => sinks.advise(sink),
    unadvise: (cookie) => sinks.unadvise(cookie),
    getMethods: () => [...MESSENGER_EVENT_NAMES],
  };
}
