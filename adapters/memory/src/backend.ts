/**
 * The in-memory backend as core consumes it: `memoryBackend({ seed, stateFile })` gives a backend
 * definition (its inversify ContainerModule binds every port) plus the test hooks.
 */
import { ContainerModule } from 'inversify';
import { type BackendInfo, type OtherSide, PORT_TOKENS, TOKENS } from '@imessenger/contract';
import { memoryOtherSide as other } from './other-side';
import { StateFile, type PersistenceFs } from './persistence';
import { memoryPorts, type ShellLog } from './ports';
import { stateFromSeed } from './state';
import { MemoryStore } from './store';

export interface MemoryBackendOptions {
  /** The seed document (see README and seed.schema.json). Default: one user, empty list. */
  readonly seed?: unknown;
  /** Persist the state to this file: loaded when it exists (the seed is then ignored), saved on every write. */
  readonly stateFile?: string;
  /** File-system calls for persistence (tests inject faults here). */
  readonly fs?: PersistenceFs;
}

export interface MemoryBackend {
  readonly name: 'memory';
  readonly module: ContainerModule;
  /** Make the other side act: contacts change status, the server fails the next call, … */
  readonly otherSide: OtherSide;
  /** What the (headless) user interface was asked to show: profiles, options pages, inbox, … */
  readonly shell: ShellLog;
  /** The live state (read-only use: assertions, export). */
  readonly store: MemoryStore;
}

export function memoryBackend(options: MemoryBackendOptions = {}): MemoryBackend {
  const file = options.stateFile ? new StateFile(options.stateFile, options.fs) : undefined;
  const store = new MemoryStore(file?.load() ?? stateFromSeed(options.seed), file);
  const shell: ShellLog = { shown: [] };
  const ports = memoryPorts(store, shell);
  const info: BackendInfo = { name: 'memory' };
  const module = new ContainerModule(({ bind }) => {
    bind<BackendInfo>(TOKENS.BackendInfo).toConstantValue(info);
    for (const [capability, token] of Object.entries(PORT_TOKENS)) {
      bind(token).toConstantValue(ports[capability as keyof typeof ports]);
    }
  });
  return { name: 'memory', module, otherSide: other(store), shell, store };
}
