/**
 * Composition, the common case: a backend is a plain object of ports (BackendDefinition), and
 * `createMessenger` puts the Messenger object model on it. No container: inversify is the advanced
 * entry's (`@imessenger/core/container`), for those who rebind ports (docs/decisions.md).
 */
import type { BackendDefinition } from '@imessenger/contract';
import { Messenger, type MessengerOptions } from './messenger';

export interface CreateMessengerOptions extends MessengerOptions {
  readonly backend: BackendDefinition;
}

/** Refuse what is not a backend, naming what one looks like (a backend of the old `module` shape included). */
export function checkBackend(backend: BackendDefinition | undefined, caller = 'createMessenger'): asserts backend is BackendDefinition {
  if (!backend || typeof backend !== 'object' || typeof backend.name !== 'string') {
    throw new TypeError(`${caller}: \`backend\` must be a backend definition, e.g. memoryBackend({ seed }).`);
  }
  if (typeof backend.ports !== 'object' || backend.ports === null) {
    const old = 'module' in backend ? ' Backends are plain objects of ports now: an inversify `module` is no longer read (CHANGELOG, "Backends are plain objects").' : '';
    throw new TypeError(`${caller}: backend "${backend.name}" has no \`ports\` object.${old}`);
  }
  if (!backend.ports.session) throw new TypeError(`${caller}: backend "${backend.name}" has no SessionPort (\`ports.session\`): every backend must provide one.`);
}

/** A Messenger on the given backend: `createMessenger({ backend: memoryBackend({ seed }) })`. */
export function createMessenger(options: CreateMessengerOptions): Messenger {
  const { backend, ...messengerOptions } = options;
  checkBackend(backend);
  return new Messenger(backend.ports, backend.info ?? { name: backend.name }, messengerOptions);
}
