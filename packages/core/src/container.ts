/**
 * Dependency injection: one inversify ContainerModule per backend binds the SPI ports; core binds
 * the Messenger on top. `createMessenger` is the common case; `createContainer` hands out the
 * container so users can rebind any port (a custom presence source, a test double) before the
 * first `get`.
 */
import 'reflect-metadata';
import { Container, type ContainerModule, type ResolutionContext } from 'inversify';
import { type BackendInfo, type BackendPorts, PORT_TOKENS, TOKENS } from '@imessenger/contract';
import { Messenger, type MessengerOptions } from './messenger';

/** A backend as core consumes it: its name and the module that binds its ports. */
export interface BackendDefinition {
  readonly name: string;
  readonly module: ContainerModule;
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

export function createContainer(options: CreateMessengerOptions): Container {
  const { backend, ...messengerOptions } = options;
  if (!backend || typeof backend.name !== 'string' || !backend.module) {
    throw new TypeError('createMessenger: `backend` must be a backend definition, e.g. memoryBackend({ seed }).');
  }
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
  return createContainer(options).get<Messenger>(TOKENS.Messenger);
}
