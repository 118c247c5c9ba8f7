/** The routing half of @imessenger/migration: route, shadow, dual-write, reconcile (the lead merges this into index.ts). */
export { COHORT_BUCKETS, cohortBucket, explainCohort, inCohort, joinsAtPercent, listedInCohort, type Cohort } from './cohort';
export {
  CONFIG_MAX_ALIAS_COUNT, CONFIG_MAX_DEPTH, CONTACT_FIELDS, MigrationConfigError, activeConfig, answeringBackends, backendsUsed, cohortFor, loadMigrationConfig,
  parseMigrationConfig, routeFor, routesFor, validateMigrationConfig, withStage,
  type CapabilityRoute, type CapabilityRoutes, type ContactField, type DualWriteSettings, type MigrationConfig, type MigrationStage,
  type Route, type Routes, type ShadowSettings, type Side,
} from './config';
export {
  MODES, PORT_METHODS, ROUTABLE_CAPABILITIES, methodKind, methodsOf, modesFor,
  type DelegatedCapability, type MethodKind, type MethodTable, type Mode, type PortOf, type RoutableCapability,
} from './routing-methods';
export {
  CHANGE_CAPABILITY, portsOf, routingBackend, type ResolvedBackend, type RoutingBackend, type RoutingBackendOptions,
} from './routing';
export {
  STATUS_CLASSES, differences, normalizeContact, normalizeContacts, normalizeError, normalizeGroups, normalizeResult, normalizeStatus,
  normalizeStatuses, statusClass, toJson,
  type Difference, type FailedResult, type Json, type NormalizeOptions, type StatusClass,
} from './normalize';
export { Shadow, type ShadowContext, type ShadowOptions, type ShadowStats } from './shadow';
export {
  MISMATCH_LOCK, fileMismatchStore, formatSummary, memoryMismatchStore, readMismatches, summarise,
  type MemberSummary, type MismatchRecord, type MismatchStore, type MismatchSummary,
} from './mismatch-store';
export {
  DualWriter, applyWrite, describeWrite, retryQueue, type DualWriteFailure, type DualWriterOptions, type RetryReport,
} from './dual-write';
export { QUEUE_LOCK, fileWriteQueue, memoryWriteQueue, readQueue, type QueuedWrite, type SecondaryWrite, type WriteQueue } from './dual-write-queue';
export { RECONCILABLE, formatReconcileReport, reconcile, type ReconcilableCapability, type ReconcileOptions, type ReconcileReport } from './reconcile';
export {
  RECONCILE_SPEC, REPORT_SPEC, RETRY_SPEC, ROUTES_SPEC, migrateReconcileCommand, migrateReportCommand, migrateRetryCommand, migrateRoutesCommand,
  type CommandIo, type RoutingCommandIo,
} from './routes-command';
export { MIGRATE_COMMANDS, MIGRATE_SPEC, MIGRATE_USAGE, migrateCommand, routesCommand, type MigrateCommandName } from './migrate-command';
