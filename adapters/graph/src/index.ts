export { graphBackend, GRAPH_APPLICATION_UNSUPPORTED, GRAPH_UNSUPPORTED, type GraphBackend, type GraphBackendOptions } from './backend';
export { SESSION_EXPIRATION, SESSION_RENEW_MS, sessionPresenceFor, type GraphPresenceSession, type PresenceSessionOptions } from './presence-session';
export type { GraphAuth } from './auth/auth';
export { GraphAuthError } from './auth/auth';
export * from './auth';
export { hresultFor, graphError, redact, type GraphFailure, type GraphResource } from './errors';
export { registerSecret, registerSecrets, forgetSecret, MAX_SECRETS } from './secrets';
export { statusFromGraph, statusToGraph, SETTABLE_ON_TEAMS, NEAREST_ON_TEAMS, STATUS_POLICIES, type GraphPresence, type StatusPolicy } from './presence-map';
export { RecordingLauncher, linkFor, type Launcher, type LaunchIntent } from './launcher';
export {
  GraphHttp, GRAPH_BASE_URL, BATCH_CONCURRENCY, BATCH_LIMIT, MAX_PAGES, MAX_REDIRECTS, segment, odataString, userPath, formsDotSegment,
  type GraphHttpOptions, type BatchRequest, type BatchResponse, type BatchOptions, type RawResponse, type RequestOptions,
} from './http';
export { meetingExternalId } from './ports/conversations';
export type { PresenceWatcher, WatcherOptions } from './ports/events';
export {
  SubscriptionManager, createWebhookHandler, presenceResource, PRESENCE_SUBSCRIPTION_MAX_MS,
  type WebhookOptions, type WebhookHandler, type WebhookHandlerOptions, type PresenceSubscription,
  type RejectedNotification, type RejectReason, type ReceiveResult, type ReceiveOptions,
} from './webhook';
/**
 * Test fixtures (the fake tenant), kept here for existing users.
 * @deprecated Import them from `@imessenger/adapter-graph/testing`; this namespace leaves the main
 * entry in a later release, so that test code is not part of the adapter's API.
 */
export * as testing from './testing';
export {
  loadGraphConfig, checkGraphConfigDocument, requireOneUser, describeSettings, tenantProblem, isTenantGuid, GraphConfigError,
  ENV_OVERRIDES, AUTH_TYPES, graphConfigSchemaPath,
  type GraphSettings, type GraphAuthSettings, type LoadGraphConfigOptions, type AuthType,
} from './config';
export {
  graphAuthFromSettings, graphBackendFromSettings, type GraphAuthFromSettingsOptions, type GraphBackendFromSettingsOptions,
} from './config-build';
export { tokenClaims, type TokenClaims } from './auth/claims';
export {
  GRAPH_CAPABILITIES, DEFAULT_CAPABILITIES, GRAPH_REQUESTS, graphPermissions, requestsOf, unsupportedIn, allows, requestFor,
  DEFAULT_DELEGATED_SCOPES, FULL_PROFILE, type GraphRequestName, type GraphCapability, type GraphMode, type GraphRequestPermissions, type GraphPermissionPlan,
} from './permissions';
