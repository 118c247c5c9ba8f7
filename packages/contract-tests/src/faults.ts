/**
 * Server failures for any backend: wraps a backend definition so that the next call through one of
 * its ports fails with a chosen HRESULT, once. A backend whose fake cannot fail on demand (or
 * serves a call from its cache, so no request could fail) gets OtherSide.failNextCall from here.
 */
import 'reflect-metadata';
import { Container, ContainerModule } from 'inversify';
import { type BackendInfo, type HResultName, PORT_TOKENS, TOKENS, messengerError } from '@imessenger/contract';
import { type BackendDefinition, resolvePorts } from '@imessenger/core';

/** Calls that ask about state, not the server: a fault waits for the next real call. */
const NOT_A_CALL = new Set(['isSignedIn', 'services', 'watch']);

export function withPortFaults(backend: BackendDefinition): { backend: BackendDefinition; failNextCall(hr: HResultName): void } {
  const source = new Container();
  source.load(backend.module);
  const ports = resolvePorts(source);
  const info = source.get<BackendInfo>(TOKENS.BackendInfo, { optional: true }) ?? { name: backend.name };
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

  const module = new ContainerModule(({ bind }) => {
    bind<BackendInfo>(TOKENS.BackendInfo).toConstantValue(info);
    for (const [capability, token] of Object.entries(PORT_TOKENS)) {
      const port = ports[capability as keyof typeof ports];
      if (port) bind(token).toConstantValue(faulty(port));
    }
  });
  return { backend: { name: backend.name, module }, failNextCall(hr) { pending = hr; } };
}
