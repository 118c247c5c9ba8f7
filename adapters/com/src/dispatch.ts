/**
 * The small dispatch port the COM adapter talks to: create an automation object by ProgID, use its
 * members by name, subscribe to its connection point, release it. Two implementations: winax on
 * Windows (winax-port.ts) and the emulator (emulator/), shaped alike so the adapter cannot tell them
 * apart.
 */

/**
 * An automation object as winax hands it out: properties read and written by IDL name
 * (`o.MyStatus`, `o.MyStatus = 2`), methods called by name (`o.Signin(0, name, pw)`), parameterised
 * properties and collection items called like methods (`o.MyPhoneNumber(1)`, `c.Item(0)`).
 */
export type AutomationObject = { [member: string]: unknown };

/** A sink: one function per DMessengerEvents event name; arguments as COM delivers them. */
export type EventSink = { [event: string]: (...args: unknown[]) => void };

export interface ConnectionPoint {
  advise(sink: EventSink): number;
  unadvise(cookie: number): void;
  getMethods?(): string[];
}

export interface DispatchPort {
  readonly kind: 'winax' | 'emulator';
  /** `new ActiveXObject(progId)`; throws a MessengerError saying which ProgID and how to fix it. */
  create(progId: string): AutomationObject;
  connectionPoints(object: AutomationObject): ConnectionPoint[];
  /** Release COM references (no-op in the emulator). */
  release(...objects: AutomationObject[]): void;
  /** Windows: deliver queued COM events (winax.peekAndDispatchMessages). */
  pump?(): void;
}

/** The ProgIDs of the Messenger automation object: Windows Messenger, and Office Communicator / Lync. */
export const MESSENGER_PROGIDS = ['Messenger.UIAutomation.1', 'Messenger.UIAutomation', 'Communicator.UIAutomation'] as const;
export type MessengerProgId = (typeof MESSENGER_PROGIDS)[number];
export const DEFAULT_PROGID: MessengerProgId = 'Messenger.UIAutomation.1';

/**
 * The error winax throws for a failed COM call (from its source): a plain Error whose message is
 * "<Op>: <member>[: <SCODE_NAME>] <description>", `errno` the signed HRESULT, and, when the object
 * filled EXCEPINFO, `code` (the scode), `source` and `description`.
 */
export interface WinaxError extends Error {
  errno?: number;
  code?: number | string;
  source?: string;
  description?: string;
}
