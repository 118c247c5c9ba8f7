export * from './index-routing';
export * from './index-copy';
export type { BackendProvider, UserSession } from './providers';
