/**
 * The in-memory backend as core consumes it: `memoryBackend({ seed, stateFile })` gives a backend
 * definition (a plain object of ports) plus the test hooks.
 */
import type { BackendDefinition, BackendInfo, BackendPorts, OtherSide } from '@imessenger/contract';
import { memoryOtherSide as other } from './other-side';
import { StateChangedError, StateFile, type PersistenceFs } from './persistence';
import { memoryPorts, type ShellLog } from './ports';
import { SeedError } from './seed';
import { type MemoryState, stateFromSeed } from './state';
import { MemoryStore } from './store';

export interface MemoryBackendOptions {
  /** The seed document (see README and seed.schema.json). Default: one user, empty list. */
  readonly seed?: unknown;
  /** The file `seed` was read from, if any: a SeedError names it. */
  readonly seedFile?: string;
  /** Persist the state to this file: loaded when it exists (the seed is then ignored), saved on every write. */
  readonly stateFile?: string;
  /**
   * Read the state file but never lock or write it: changes stay in memory (copy sources, dry runs).
   * Otherwise several processes may share the file: each write is a locked load-compare-save (see persistence.ts).
   */
  readonly readOnly?: boolean;
  /** File-system calls for persistence (tests inject faults here). */
  readonly fs?: PersistenceFs;
}

export interface MemoryBackend extends BackendDefinition {
  readonly name: 'memory';
  readonly ports: Required<BackendPorts>;
  readonly info: BackendInfo;
  /** Make the other side act: contacts change status, the server fails the next call, … */
  readonly otherSide: OtherSide;
  /** What the (headless) user interface was asked to show: profiles, options pages, inbox, … */
  readonly shell: ShellLog;
  /** The live state (read-only use: assertions, export). */
  readonly store: MemoryStore;
}

export function memoryBackend(options: MemoryBackendOptions = {}): MemoryBackend {
  const file = options.stateFile ? new StateFile(options.stateFile, options.fs, { readOnly: options.readOnly ?? false }) : undefined;
  const store = new MemoryStore(file?.load() ?? seeded(options.seed, options.seedFile), file);
  const shell: ShellLog = { shown: [] };
  const ports = rerunOnStateChange(memoryPorts(store, shell));
  const info: BackendInfo = { name: 'memory' };
  return {
    name: 'memory', ports, info,
    otherSide: rerunOnStateChange({ hooks: other(store) }).hooks, shell, store,
  };
}

/** How often a call is run again because another process keeps changing the state file under it. */
const MAX_RERUNS = 50;

/**
 * Each port method run again when its write found the state file changed by another process
 * (StateChangedError: the store has the new state by then). Every method's body runs synchronously
 * up to its write, so running it again repeats its checks on the new state and applies nothing twice.
 */
function rerunOnStateChange<P extends object>(ports: P): P {
  const wrapped: Record<string, unknown> = {};
  for (const [name, port] of Object.entries(ports)) {
    const members: Record<string, unknown> = {};
    for (const [member, fn] of Object.entries(port as Record<string, unknown>)) {
      if (typeof fn !== 'function') { members[member] = fn; continue; }
      members[member] = (...args: unknown[]): unknown => {
        const first: unknown = fn.apply(port, args);
        if (!(first instanceof Promise)) return first;
        return (async () => {
          let attempt: Promise<unknown> = first;
          for (let run = 1; ; run++) {
            try {
              return await attempt;
            } catch (error) {
              if (!(error instanceof StateChangedError)) throw error;
              if (run >= MAX_RERUNS) throw new Error(`${error.file} changed under ${name}.${member} ${run} times in a row (other processes keep writing it); try again.`);
              attempt = fn.apply(port, args) as Promise<unknown>;
            }
          }
        })();
      };
    }
    wrapped[name] = members;
  }
  return wrapped as P;
}

/** The state from a seed; a SeedError names the file the seed came from. */
function seeded(seed: unknown, seedFile: string | undefined): MemoryState {
  try {
    return stateFromSeed(seed);
  } catch (error) {
    throw error instanceof SeedError && seedFile !== undefined ? error.inFile(seedFile) : error;
  }
}
