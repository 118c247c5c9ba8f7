export { memoryBackend, type MemoryBackend, type MemoryBackendOptions } from './backend';
export { SEED_MAX_DEPTH, SEED_SCHEMA, SeedError, seedJsonSchema, validateSeed, type SeedDocument, type SeedUser } from './seed';
export { STATE_LOCK, StateChangedError, StateFile, type PersistenceFs, type StateFileOptions } from './persistence';
export { STATE_SCHEMA, StateFileError, validateState } from './state-schema';
export { stateFromSeed, DEFAULT_SEED, type MemoryState } from './state';
