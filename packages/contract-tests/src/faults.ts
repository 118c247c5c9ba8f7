/**
 * Server failures for any backend: wraps a backend definition so that the next call through one of
 * its ports fails with a chosen HRESULT, once. A backend whose fake cannot fail on demand (or
 * serves a call from its cache, so no request could fail) gets OtherSide.failNextCall from here.
 */
import { type BackendDefinition, type BackendPorts, type HResultName, messengerError } from '@imessenger/contract';

/** Calls that ask about state, not the server: a fault waits for the next real call. */
const NOT_A_CALL = new Set(['isSignedIn', 'services', 'watch']);

export function withPortFaults(backend: BackendDefinition): { backend: BackendDefinition; failNextCall(hr: HResultName): void } {
  let pending: HResultName | undefined;

  const faulty = <T extends object>(port: T): T => new Proxy(port, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || NOT_A_CALL.has(String(property))) return typeof value === 'function' ? value.bind(target) : value;
      return (...args: unknown[]) => {
        const fault = pending;
        pending = undefined;
        if (fault) return Promise.reject(messengerError(fault, undefined, `Simulated server error in ${String(property)}.`));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });

  const ports = Object.fromEntries(Object.entries(backend.ports).map(([capability, port]) => [capability, port && faulty(port as object)])) as unknown as BackendPorts;
  return {
    backend: { name: backend.name, ports, info: backend.info ?? { name: backend.name } },
    failNextCall(hr) { pending = hr; },
  };
}
