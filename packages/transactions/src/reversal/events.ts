import type { Message } from '@rx8583/iso8583';

/** A reversal is in the store (durable) and on its way. */
export interface ReversalQueuedEvent {
  type: 'queued';
  /** The store's id of the reversal. */
  id: number;
  /** Its MTI as first sent (0400, 0420, 1420). */
  mti: string;
  /** The correlation key of the original it reverses. */
  originalKey: string;
  /** The reason code it carries. */
  reason: string;
}

/** The host answered a reversal (any response ends its repeats). */
export interface ReversalDoneEvent {
  type: 'reversed';
  id: number;
  response: Message;
}

/** A reversal reached its destination's limit without a response: parked for manual handling. */
export interface ReversalParkedEvent {
  type: 'parked';
  id: number;
  reason: string;
}

/**
 * A response to a reversed original arrived after its reversal was queued — an approval the
 * reversal undoes (`approved`), to reconcile, not to lose.
 */
export interface ReversalLateResponseEvent {
  type: 'lateResponse';
  /** The store's id of the reversal. */
  id: number;
  originalKey: string;
  response: Message;
  /** Field 39 is `00`. */
  approved: boolean;
}

/** Everything the automatic reversal reports, by `type`. */
export type ReversalEvent = ReversalQueuedEvent | ReversalDoneEvent | ReversalParkedEvent | ReversalLateResponseEvent;
