export { memoryBackend, type MemoryBackend, type MemoryBackendOptions } from './backend';
export type { ShellLog } from './ports';
export type { MemoryStore, WindowState } from './store';
export type { Schema } from './schema';
export { SEED_MAX_DEPTH, SEED_SCHEMA, SeedError, seedJsonSchema, validateSeed, type SeedDocument, type SeedPhones, type SeedUser } from './seed';
export { STATE_LOCK, StateChangedError, StateFile, type PersistenceFs, type StateFileOptions } from './persistence';
export { STATE_SCHEMA, StateFileError, validateState } from './state-schema';
export { stateFromSeed, DEFAULT_SEED, type GroupState, type MemoryState, type UserState } from './state';
