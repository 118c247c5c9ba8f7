/** The data-copy half of @imessenger/migration (the lead merges this into index.ts). */
export {
  copyUsers, planCopy, failureOf, DEFAULT_CONCURRENCY, SORT_ORDER, FRIENDLY_NAME,
  type CopyOptions, type CopySession, type Failure, type GroupWritten, type PlanOptions, type PlannedStep, type PlanAction, type StepKind, type UserPlan,
} from './copy';
export {
  copyCommand, parseCopyArgs, providerFor, COPY_USAGE, DEFAULT_JOURNAL, DEFAULT_REPORT, EXIT, SpecError, UsageError,
  type CopyArgs, type CopyCommandIo, type ProviderForOptions,
} from './copy-command';
export { JOURNAL_LOCK, Journal, JournalError, readJournal, stepKey, type JournalFs, type JournalOptions, type JournalOutcome, type JournalRecord, type ReadJournal, type StepOutcome, type StepState } from './journal';
export {
  createProgress, formatBar, formatLine, formatRate,
  type ProgressOptions, type ProgressReporter, type ProgressSnapshot, type ProgressStream,
} from './progress';
export { memoryProvider, userFileBase, type MemoryProvider, type MemoryProviderOptions, type MemorySession } from './providers-memory';
export {
  countItems, emptyCounts, hasFailures, mdEscape, renderMarkdown, renderPlan, renderSummary, totalsOf, writeReport, MAX_BACKOFFS_RECORDED,
  type BackoffRecord, type CopyReport, type Counts, type ItemKind, type ItemReport, type Outcome, type UserReport, type UserStatus,
} from './report';
export {
  formatDuration, htmlEscape, redactSecrets, renderCopyHtml, renderMismatchHtml, writeMismatchHtml, HTML_MAX_ITEMS, HTML_MAX_USERS, TIMELINE_BINS,
} from './report-html';
export {
  backoffDelay, isThrottled, isTransient, sleep, withBackoff, ThrottleGate, WriteSlots, DEFAULT_BACKOFF, THROTTLED, TRANSIENT,
  type BackoffEvent, type BackoffOptions, type RetryCounters, type Sleep,
} from './throttle';
