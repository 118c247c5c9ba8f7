/**
 * The advanced composition root, `@imessenger/core/container`: an inversify container over a backend,
 * for those who rebind a port (a presence source of their own, a test double) before the first `get`.
 * Most code never needs it: a backend is a plain object of ports and `createMessenger` takes it as is.
 *
 * This entry alone loads inversify (an optional peer dependency of this package: `npm install inversify
 * reflect-metadata`), and its types alone name inversify's: the main entry's declarations never do, so
 * a CommonJS consumer on any module resolution type-checks without it (docs/decisions.md).
 * inversify 8 is an ES module: a CommonJS consumer type-checking this entry needs `module: nodenext`
 * (TypeScript 5.8+) or an ESM project.
 */
import type { Container, ContainerModule, ResolutionContext } from 'inversify';
import { type BackendDefinition, type BackendInfo, type BackendPorts, PORT_TOKENS, TOKENS } from '@imessenger/contract';
import { type CreateMessengerOptions, checkBackend } from './create';
import { Messenger, type MessengerOptions } from './messenger';

export { PORT_TOKENS, TOKENS } from '@imessenger/contract';
export type { CreateMessengerOptions } from './create';

/** inversify, loaded on first use with a clear message when it is not installed. */
function inversify(): typeof import('inversify') {
  try {
    require('reflect-metadata');
    return require('inversify') as typeof import('inversify');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new Error('@imessenger/core/container needs inversify: npm install inversify reflect-metadata (createMessenger does not).');
  }
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

/** A ContainerModule binding a plain backend's ports (each under its PORT_TOKENS token) and its BackendInfo. */
export function backendModule(backend: BackendDefinition): ContainerModule {
  checkBackend(backend, 'backendModule');
  const { ContainerModule } = inversify();
  return new ContainerModule(({ bind }) => {
    bind<BackendInfo>(TOKENS.BackendInfo).toConstantValue(backend.info ?? { name: backend.name });
    for (const [capability, token] of Object.entries(PORT_TOKENS)) {
      const port = backend.ports[capability as keyof BackendPorts];
      if (port) bind(token).toConstantValue(port);
    }
  });
}

/**
 * A container with the backend's ports, the options and the Messenger bound (singletons): rebind any
 * port, then `container.get<Messenger>(TOKENS.Messenger)`.
 */
export function createContainer(options: CreateMessengerOptions): Container {
  const { backend, ...messengerOptions } = options;
  checkBackend(backend, 'createContainer');
  const { Container } = inversify();
  const container = new Container({ defaultScope: 'Singleton' });
  container.load(backendModule(backend));
  container.bind<MessengerOptions>(TOKENS.MessengerOptions).toConstantValue(messengerOptions);
  container.bind<Messenger>(TOKENS.Messenger).toDynamicValue((ctx) => new Messenger(
    resolvePorts(ctx),
    ctx.get<BackendInfo>(TOKENS.BackendInfo, { optional: true }) ?? { name: backend.name },
    ctx.get<MessengerOptions>(TOKENS.MessengerOptions),
  ));
  return container;
}
