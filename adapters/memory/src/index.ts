export { memoryBackend, type MemoryBackend, type MemoryBackendOptions } from './backend';
export { SEED_SCHEMA, SeedError, seedJsonSchema, validateSeed, type SeedDocument, type SeedUser } from './seed';
export { StateFile, type PersistenceFs } from './persistence';
export { stateFromSeed, DEFAULT_SEED, type MemoryState } from './state';
