// Our declarations use Node types (Buffer, node:crypto KeyObject); this makes the shipped index.d.ts load them
// itself, since TypeScript 6 no longer loads @types/node unless a project lists it.
/// <reference types="node" preserve="true" />
/**
 * @rx8583/transactions — what payment networks demand around a link: trace numbers (STAN, RRN,
 * date fields), automatic reversals, durable store-and-forward of advices, card data kept safe at
 * rest, and metrics. Built on the public API of @rx8583/connection and @rx8583/iso8583 only.
 */

// trace numbers and dates
export { openStanGenerator, StanGenerator, MAX_STAN, type StanGeneratorOptions } from './trace/stan';
export { createRrnGenerator, defaultRrnFormat, type RrnGeneratorOptions, type RrnParts } from './trace/rrn';
export {
  transmissionDateTime,
  localTransactionTime,
  zonedParts,
  type LocalTransactionTime,
  type ZonedParts,
} from './trace/dates';

// the journal and its lock
export { openJournal, Journal, type JournalRecovery } from './journal/journal';
export { acquireLock, type FileLock } from './journal/lock';

// card data at rest
export {
  toStoredMessage,
  fromStoredMessage,
  ALWAYS_STRIPPED_FIELDS,
  type CardDataOptions,
  type StoredMessage,
  type StoredValue,
} from './card-data/stored-message';
export type { PanProtection, Tokenizer, ProtectedPan } from './card-data/pan-protector';
export { DEFAULT_STRIPPED_PATHS } from './card-data/verification-codes';

// stores and store-and-forward
export type { ForwardStore, StoredEntry, NewEntry, EntryKind } from './store/types';
export { openJournalStore, JournalStore, type JournalStoreOptions } from './store/journal-store';
export { createStoreAndForward, StoreAndForward, type EnqueueOptions } from './forward/store-and-forward';
export {
  DEFAULT_FORWARD_RETRY,
  type StoreAndForwardOptions,
  type DestinationOptions,
  type Decision,
} from './forward/options';
export type { LinkTarget } from './forward/link-source';
export { repeatMti } from './forward/repeat-mti';
export type {
  ForwardEvent,
  ForwardEnqueuedEvent,
  ForwardAttemptEvent,
  ForwardDeliveredEvent,
  ForwardRetryEvent,
  ForwardParkedEvent,
  ForwardWaitingEvent,
  ForwardErrorEvent,
} from './forward/events';

// metrics (Prometheus and OpenTelemetry adapters: the entries /prometheus and /opentelemetry)
export { metrics$, type MetricsSnapshot, type LatencySnapshot, type MetricsOptions } from './metrics/link-metrics';
export { observeLinks, linksOf, type ObservedTarget, type LinkObserver } from './metrics/observe-links';

// automatic reversal
export {
  createAutoReversal,
  AutoReversal,
  type AutoReversalOptions,
  type ReverseOptions,
} from './reversal/auto-reversal';
export {
  buildReversal,
  originalDataElements,
  originalDataElements93,
  DEFAULT_REVERSAL_FIELDS,
  type ReversalContext,
  type ReversalReason,
} from './reversal/build-reversal';
export type {
  ReversalEvent,
  ReversalQueuedEvent,
  ReversalDoneEvent,
  ReversalParkedEvent,
  ReversalLateResponseEvent,
} from './reversal/events';

export { TransactionsError, LockHeldError, JournalError, StoreClosedError, CardDataError } from './errors';
