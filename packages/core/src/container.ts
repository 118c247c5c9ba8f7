/**
 * Composition: a backend hands core its ports, either as a plain object (`ports`: no container, and
 * inversify is never loaded) or as an inversify ContainerModule that binds them. `createMessenger` is
 * the common case; `createContainer` hands out an inversify container so users can rebind any port (a
 * custom presence source, a test double) before the first `get`. inversify is loaded only there: it is
 * an ES module, and loading it is most of a worker's start-up (bench/startup.js).
 */
import type { Container, ContainerModule, ResolutionContext } from 'inversify';
import { type BackendInfo, type BackendPorts, PORT_TOKENS, TOKENS } from '@imessenger/contract';
import { Messenger, type MessengerOptions } from './messenger';

/** A backend as core consumes it: its name and the module that binds its ports (and, optionally, the ports themselves). */
export interface BackendDefinition {
  readonly name: string;
  readonly module: ContainerModule;
  /** The backend's ports as a plain object: when given, createMessenger uses them without a container. */
  readonly ports?: BackendPorts;
  /** What the backend declares about itself (used with `ports`; the module binds it as TOKENS.BackendInfo). */
  readonly info?: BackendInfo;
}

export interface CreateMessengerOptions extends MessengerOptions {
  readonly backend: BackendDefinition;
}

/** Resolve every bound port; unbound optional capabilities stay undefined (core maps them to HRESULTs). */
export function resolvePorts(ctx: Pick<ResolutionContext, 'get'>): BackendPorts {
  const optional = <T>(token: symbol): T | undefined => ctx.get<T>(token, { optional: true });
  const session = optional<BackendPorts['session']>(PORT_TOKENS.session);
  if (!session) throw new Error('The backend binds no SessionPort (TOKENS.SessionPort): every backend must provide one.');
  return {
    session,
    directory: optional(PORT_TOKENS.directory),
    presence: optional(PORT_TOKENS.presence),
    groups: optional(PORT_TOKENS.groups),
    conversations: optional(PORT_TOKENS.conversations),
    mail: optional(PORT_TOKENS.mail),
    preferences: optional(PORT_TOKENS.preferences),
    shell: optional(PORT_TOKENS.shell),
    events: optional(PORT_TOKENS.events),
  };
}

function checkBackend(backend: BackendDefinition | undefined): asserts backend is BackendDefinition {
  if (!backend || typeof backend.name !== 'string' || !(backend.ports || backend.module)) {
    throw new TypeError('createMessenger: `backend` must be a backend definition, e.g. memoryBackend({ seed }).');
  }
}

export function createContainer(options: CreateMessengerOptions): Container {
  const { backend, ...messengerOptions } = options;
  checkBackend(backend);
  require('reflect-metadata');
  const { Container } = require('inversify') as typeof import('inversify');
  const container = new Container({ defaultScope: 'Singleton' });
  container.load(backend.module);
  container.bind<MessengerOptions>(TOKENS.MessengerOptions).toConstantValue(messengerOptions);
  container.bind<Messenger>(TOKENS.Messenger).toDynamicValue((ctx) => new Messenger(
    resolvePorts(ctx),
    ctx.get<BackendInfo>(TOKENS.BackendInfo, { optional: true }) ?? { name: backend.name },
    ctx.get<MessengerOptions>(TOKENS.MessengerOptions),
  ));
  return container;
}

/** A Messenger on the given backend: `createMessenger({ backend: memoryBackend({ seed }) })`. */
export function createMessenger(options: CreateMessengerOptions): Messenger {
  const { backend, ...messengerOptions } = options;
  checkBackend(backend);
  if (!backend.ports) return createContainer(options).get<Messenger>(TOKENS.Messenger);
  if (!backend.ports.session) throw new Error('The backend has no SessionPort: every backend must provide one.');
  return new Messenger(backend.ports, backend.info ?? { name: backend.name }, messengerOptions);
}
