export { graphBackend, GRAPH_UNSUPPORTED, type GraphBackend, type GraphBackendOptions } from './backend';
export type { GraphAuth } from './auth/auth';
export { GraphAuthError } from './auth/auth';
export * from './auth';
export { hresultFor, graphError, redact, type GraphFailure, type GraphResource } from './errors';
export { statusFromGraph, statusToGraph, SETTABLE_ON_TEAMS, type GraphPresence } from './presence-map';
export { RecordingLauncher, linkFor, type Launcher, type LaunchIntent } from './launcher';
export {
  GraphHttp, GRAPH_BASE_URL, BATCH_CONCURRENCY, BATCH_LIMIT, segment, odataString, userPath,
  type GraphHttpOptions, type BatchRequest, type BatchResponse, type BatchOptions,
} from './http';
export { meetingExternalId } from './ports/conversations';
export type { WatcherOptions } from './ports/events';
export {
  SubscriptionManager, createWebhookHandler, presenceResource, PRESENCE_SUBSCRIPTION_MAX_MS,
  type WebhookOptions, type WebhookHandler, type WebhookHandlerOptions, type PresenceSubscription,
  type RejectedNotification, type RejectReason, type ReceiveResult, type ReceiveOptions,
} from './webhook';
export * as testing from './testing';
