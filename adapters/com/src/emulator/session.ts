/**
 * One emulated Messenger client session: what every object created from any of its ProgIDs shares,
 * as on a real machine where every `new ActiveXObject('Messenger.UIAutomation')` talks to the one
 * running client. It holds the state, the event sinks, and the identity maps that make the same
 * contact, group, service or window always the same object.
 */
import { type HResultName, HR, type MessengerEventName, messengerError, toSigned } from '@imessenger/contract';
import type { AutomationObject } from '../dispatch';
import type { Invoker } from './automation';
import { type DispOperation, toWinaxError, winaxError } from './errors';
import { type ComEvents, SinkRegistry } from './events';
import type { Contact, ConversationWindow, Group, MainWindow, Service } from './objects';
import { EmulatorState } from './state';

export type Entity = Contact | Group | Service | ConversationWindow | MainWindow;

/** Property reads answered from the client's own state. */
const LOCAL_READS = new Set(['MyStatus', 'MyServiceId', 'MyServiceName', 'Services']);

export class Session implements Invoker {
  readonly state: EmulatorState;
  readonly sinks = new SinkRegistry();
  /** Identity maps: contacts by lower-case sign-in name, groups, services and windows by id. */
  readonly contacts = new Map<string, Contact>();
  readonly groups = new Map<string, Group>();
  readonly services = new Map<string, Service>();
  readonly windows = new Map<string, ConversationWindow>();
  mainWindow: MainWindow | undefined;
  /** From an automation object handed out back to what it stands for (vContact, Remove(obj), …). */
  readonly owners = new WeakMap<AutomationObject, Entity>();

  constructor(seed: unknown) { this.state = new EmulatorState(seed); }

  /**
   * Every member access: an injected fault fails it first (once); otherwise the body runs and
   * anything it throws leaves in winax's shape, naming the member as winax does. Reads of the
   * client's own state (am I signed in, which service) ask no server, so a fault waits for the next
   * member that does — as the in-memory backend's faults wait past isSignedIn and services.
   */
  invoke<T>(op: DispOperation, member: string, body: () => T, onFault?: (hr: number) => void): T {
    const fault = op === 'DispPropertyGet' && LOCAL_READS.has(member) ? undefined : this.state.takeFault();
    if (fault !== undefined) {
      onFault?.(HR[fault]);
      throw winaxError(op, member, HR[fault]);
    }
    try {
      return body();
    } catch (error) {
      throw toWinaxError(op, member, error);
    }
  }

  /** Raise an event on every advised sink; an `hr` is passed signed, as a COM LONG. */
  fire<E extends MessengerEventName>(event: E, ...args: ComEvents[E]): void { this.sinks.fire(event, ...args); }

  /** `hr` as an event argument: COM passes the LONG signed. */
  hr(name: HResultName): number { return toSigned(HR[name]); }

  /** The signed-out rule of a member: the HRESULT its page documents for "not signed in". */
  requireSignedIn(member: string, hr: HResultName = 'MSGR_E_NOT_LOGGED_ON'): void {
    if (!this.state.signedIn) throw messengerError(hr, member, 'The client is not signed in.');
  }
}
