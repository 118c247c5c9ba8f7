/**
 * Each backend is its own install: the shim depends on the memory backend only, and loads the others
 * by name when a configuration asks for them (the Graph and COM adapters, the migration package for
 * routing are optional peer dependencies). Asked for and not installed, they fail with the command
 * that installs them, before any worker starts (the CLI makes it a usage error, exit 2).
 */
import type { BackendConfig } from './api';

/** The package each backend kind is loaded from. */
export const BACKEND_PACKAGES = {
  memory: '@imessenger/adapter-memory',
  com: '@imessenger/adapter-com',
  graph: '@imessenger/adapter-graph',
  routing: '@imessenger/migration',
} as const satisfies Record<BackendConfig['kind'], string>;

/** A backend's package is not installed; the message says what to install. */
export class BackendNotInstalledError extends Error {
  override readonly name = 'BackendNotInstalledError';
  constructor(readonly kind: BackendConfig['kind'], readonly packageName: string) {
    super(`--backend ${kind} needs ${packageName}, which is not installed: npm install ${packageName}`);
  }
}

const installed = (name: string): boolean => {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
};

/** The first package a configuration needs that is not installed (routing: its own, then each side's), as an error; undefined when all are. */
export function missingBackendPackage(config: BackendConfig): BackendNotInstalledError | undefined {
  const configs: (BackendConfig | undefined)[] = config.kind === 'routing' ? [config, config.old, config.new] : [config];
  // An unknown kind is not this check's to refuse (the worker says what the kinds are).
  const missing = configs.find((c) => c && Object.hasOwn(BACKEND_PACKAGES, c.kind) && !installed(BACKEND_PACKAGES[c.kind]));
  return missing && new BackendNotInstalledError(missing.kind, BACKEND_PACKAGES[missing.kind]);
}

/** A backend's package, loaded by name; BackendNotInstalledError when it is not installed. */
export function loadBackendPackage<T>(kind: BackendConfig['kind']): T {
  const name = BACKEND_PACKAGES[kind];
  try {
    return require(name) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && !installed(name)) throw new BackendNotInstalledError(kind, name);
    throw error;
  }
}
