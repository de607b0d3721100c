import type { Message } from '@rx8583/iso8583';
import type { EntryKind } from '../store/types';

/** An entry is in the store (durable). */
export interface ForwardEnqueuedEvent {
  type: 'enqueued';
  id: number;
  destination: string;
  mti: string;
}

/** An attempt was recorded and is being sent, with the MTI it goes as (0221 for a repeat). */
export interface ForwardAttemptEvent {
  type: 'attempt';
  id: number;
  destination: string;
  mti: string;
  /** 1 for the first attempt since it was (re)queued. */
  attempt: number;
}

/** An entry got its final response and left the store. `late`: the response was to an earlier attempt. */
export interface ForwardDeliveredEvent {
  type: 'delivered';
  id: number;
  destination: string;
  kind: EntryKind;
  response: Message;
  late: boolean;
}

/** An attempt failed (`error`) or got a "retry" response (`response`); the next comes after `delay` ms. */
export interface ForwardRetryEvent {
  type: 'retry';
  id: number;
  destination: string;
  attempt: number;
  delay: number;
  error?: Error;
  response?: Message;
}

/** An entry was parked for manual handling (`requeue` or `discard` it). */
export interface ForwardParkedEvent {
  type: 'parked';
  id: number;
  destination: string;
  kind: EntryKind;
  reason: string;
}

/** No link of the destination is usable: delivery waits for one. */
export interface ForwardWaitingEvent {
  type: 'waiting';
  destination: string;
}

/** The store failed (a full disk, an I/O error); delivery backs off and tries again. */
export interface ForwardErrorEvent {
  type: 'error';
  destination: string;
  error: Error;
}

/** Everything store-and-forward reports, by `type`. */
export type ForwardEvent =
  | ForwardEnqueuedEvent
  | ForwardAttemptEvent
  | ForwardDeliveredEvent
  | ForwardRetryEvent
  | ForwardParkedEvent
  | ForwardWaitingEvent
  | ForwardErrorEvent;
