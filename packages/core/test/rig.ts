/**
 * A Messenger over the memory backend's ports with some of them replaced (a recording shell, a
 * directory that fails, no groups capability…), made directly, for core's own tests of what the
 * kit cannot reach through a backend. `remote(change)` delivers a change as the backend would.
 */
import type { BackendInfo, BackendPorts, RemoteChange } from '@imessenger/contract';
import { Messenger, type MessengerOptions } from '@imessenger/core';
import { memoryBackend } from '@imessenger/adapter-memory';

/** `base` with some of its methods replaced (the rest keep their `this`). */
export const override = <T extends object>(base: T, methods: Partial<T>): T => Object.assign(Object.create(base) as T, methods);

export function wrappedMessenger(seed: unknown, wrap: (ports: BackendPorts) => Partial<BackendPorts> = () => ({}), info: BackendInfo = { name: 'memory (wrapped)' }, options?: MessengerOptions) {
  const { ports } = memoryBackend({ seed: structuredClone(seed) });
  const listeners: ((change: RemoteChange) => void)[] = [];
  const msn = new Messenger({
    ...ports, ...wrap(ports), events: { watch: (listener) => { listeners.push(listener); return () => { listeners.splice(listeners.indexOf(listener), 1); }; } },
  }, info, options);
  const events: [string, unknown[]][] = [];
  msn.onAny((name, args) => events.push([name, [...args]]));
  return { msn, events, ports, remote: (change: RemoteChange) => { for (const l of listeners) l(change); } };
}
