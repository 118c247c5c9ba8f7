/**
 * Binding of JScript's `function msn::OnSignin(hr)` handlers (rewritten to `msn__OnSignin` by
 * rewrite.ts) to the objects that raise the events.
 *
 * JScript bound `obj::Event` to the object named `obj`. A script usually assigns that variable after
 * the handler is declared (`var msn = new ActiveXObject(…)`), and events may come while the top level
 * is still running, so the binding is decided per event, late: every Messenger object the script
 * creates (ActiveXObject, GetObject, WScript.CreateObject) gets, through its own `.on()` listener
 * (separate from ConnectObject prefixes, so WScript.DisconnectObject leaves it alone, as in
 * JScript), one dispatcher per event name declared; when an event comes, the dispatcher calls
 * `obj__Event` for each handler whose global `obj` holds that very object at that moment.
 * Nothing is wrapped when the script declares no such handler.
 */
import { MESSENGER_EVENT_NAMES } from '@imessenger/contract';
import { type LegacyHost, MESSENGER_PROGIDS } from '@imessenger/shim';
import type { EventHandlerDeclaration } from './rewrite';

type Listener = (...args: unknown[]) => void;
type On = (event: string, listener: Listener) => unknown;

const MESSENGER = new Set<string>(MESSENGER_PROGIDS.map((p) => p.toLowerCase()));
const isMessengerProgId = (progId: unknown): boolean => typeof progId === 'string' && MESSENGER.has(progId.trim().toLowerCase());
const EVENTS = new Set<string>(MESSENGER_EVENT_NAMES.map((e) => e.toLowerCase()));

/**
 * Wrap the globals that create Messenger objects so that each new one is bound. `guard` wraps
 * every handler call (error reporting).
 */
export function bindEventHandlers(
  globals: Record<string, unknown>,
  host: Pick<LegacyHost, 'create' | 'GetObject' | 'CreateObject' | 'WScript'>,
  handlers: readonly EventHandlerDeclaration[],
  guard: (handler: Listener) => Listener = (handler) => handler,
): void {
  // A handler for an event Messenger does not have is never called, as in JScript.
  const events = [...new Set(handlers.map((h) => h.event))].filter((e) => EVENTS.has(e.toLowerCase()));
  if (events.length === 0) return;
  const bound = new WeakSet<object>();

  const bind = (object: object): object => {
    if (bound.has(object)) return object;
    bound.add(object);
    const on = (object as { on: On }).on;
    for (const event of events) {
      on(event, (...args: unknown[]) => {
        for (const handler of handlers) {
          if (handler.event !== event || globals[handler.object] !== object) continue;
          const fn = globals[handler.functionName];
          if (typeof fn === 'function') guard(fn as Listener)(...args);
        }
      });
    }
    return object;
  };

  // A function, not a class: `new ActiveXObject(…)` returns the object it returns.
  function ActiveXObject(progId: string): object {
    const object = host.create(progId);
    return isMessengerProgId(progId) ? bind(object) : object;
  }
  function GetObject(pathOrProgId?: string, progId?: string): object {
    const object = host.GetObject(pathOrProgId, progId);
    return isMessengerProgId(progId || pathOrProgId) ? bind(object) : object;
  }
  globals['ActiveXObject'] = ActiveXObject;
  globals['GetObject'] = GetObject;
  const WScript = host.WScript as { -readonly [K in keyof LegacyHost['WScript']]: LegacyHost['WScript'][K] };
  WScript.GetObject = GetObject;
  WScript.CreateObject = (progId: string, prefix?: string): object => {
    const object = host.CreateObject(progId, prefix);
    return isMessengerProgId(progId) ? bind(object) : object;
  };
}
