import type { Message, MessageSpec, UnpackError } from '@rx8583/iso8583';
import {
  filter,
  identity,
  map,
  Observable,
  tap,
  type MonoTypeOperatorFunction,
  type OperatorFunction,
  type Subscriber,
} from 'rxjs';
import type { Frame, Framing } from '../framing/types';
import { decodeFrames } from '../operators/decode-frames';
import { decodeMessages, type DecodedFrame } from '../operators/decode-messages';
import { matchResponse, type ResponseTarget } from '../operators/match-response';
import type { RequestKeyFn } from '../operators/request-key';
import type { TappedRequest, TrafficTap } from './traffic';
import { turnBudget } from './turn-budget';

/**
 * Frames handed on per turn of the event loop by one link; the rest of a big read waits for the
 * next turns (`setImmediate`), its socket paused meanwhile. A 64 KiB read of 24-byte requests is
 * ~2 700 frames: handled in one go, every other link waited for all of them (a probe sending one
 * request every 5 ms beside a client flooding without reading: p99 515 ms, load 17–21). Slices of
 * 256 frames — about 1 ms of work here — let the other links' reads in between.
 */
export const FRAMES_PER_TURN = 256;

/** What the read side needs to know. */
export interface InboundConfig {
  framing: Framing;
  /** Milliseconds from a frame's first byte to its last. */
  frameTimeout: number;
  spec: MessageSpec;
  requestKey: RequestKeyFn;
  /** The connection's pending requests, which take their responses out of the stream. */
  pending: {
    /** Settles the written request pending under `key` with `response` and returns it; undefined when none is. */
    settle(key: string, response: Message): TappedRequest | undefined;
  };
  /** `byteHooks.inbound`: throws to refuse a message (a bad MAC). */
  check: ((bytes: Uint8Array, message: Message) => void) | undefined;
  /** The link's traffic tap (the socket's chunk listener calls its `chunkArrived`, for the records' time). */
  traffic: TrafficTap;
  /** Stops and restarts the socket's reading while frames of a big read wait for their turn. */
  reading: { pause(): void; resume(): void };
}

/** The side channels of the read side: everything that is not an unmatched message. */
export interface InboundSideChannels {
  /** A message arrived with a fixed network header (called before it is matched or emitted). */
  header(message: Message, header: Record<string, unknown>): void;
  /** A zero-length frame arrived. */
  keepAlive(): void;
  /** A frame did not unpack; the stream goes on. */
  unpackError(error: UnpackError): void;
  /** The inbound check refused a message; the stream goes on without it. */
  refused(message: Message, error: unknown): void;
}

type MessageItem = Extract<DecodedFrame, { kind: 'message' }>;

const EMPTY = new Uint8Array(0);
const isMessage = (item: DecodedFrame): item is MessageItem => item.kind === 'message';
const messageOf = (item: MessageItem): Message => item.message;

/**
 * A connection's read side, top to bottom as DESIGN.md draws it: socket chunks → frames (a few
 * hundred a turn) → messages → (inbound check) → responses settle their requests. What comes out is everything else —
 * requests from the peer, late and unknown responses — for `inbound$`. Errors with `FramingError`
 * when the byte stream loses its framing. The side channels leave through `tap`s and the check's
 * own output, never through a filter's predicate.
 */
export function inboundMessages(
  chunks$: Observable<Uint8Array>,
  config: InboundConfig,
  sides: InboundSideChannels,
): Observable<Message> {
  const { framing, frameTimeout, reading } = config;
  return chunks$.pipe(
    // bytes → frames; a bad length or a frame not complete within frameTimeout ends the link (FramingError)
    decodeFrames(framing, { frameTimeout }),
    // at most FRAMES_PER_TURN frames a turn: a big read yields to the other links between slices
    turnBudget({ perTurn: FRAMES_PER_TURN, pause: reading.pause, resume: reading.resume }),
    // the rest is built when the first frame arrives (a peer that never completes one costs only the above)
    atFirstValue((frames$) => frameMessages(frames$, config, sides)),
  );
}

/** frames → messages → (inbound check) → matching: the read path after framing. */
function frameMessages(
  frames$: Observable<Frame>,
  config: InboundConfig,
  sides: InboundSideChannels,
): Observable<Message> {
  const { spec, requestKey, pending, check, traffic } = config;

  const reportSideChannels = (item: DecodedFrame): void => {
    if (item.kind === 'message') {
      if (item.header !== undefined) sides.header(item.message, item.header);
    } else if (item.kind === 'keepAlive') {
      if (traffic.active) traffic.received('keepAlive', EMPTY, undefined, undefined);
      sides.keepAlive();
    } else {
      if (traffic.active) traffic.received('undecodable', item.body, undefined, item.header);
      sides.unpackError(item.error);
    }
  };
  // A response settles its request here, and traffic$ hears of it with the request it answered.
  const responses: ResponseTarget<MessageItem> = {
    resolve(key, item) {
      const request = pending.settle(key, item.message);
      if (request === undefined) return false;
      if (traffic.active) traffic.matched(request, item.message, item.body, item.header);
      return true;
    },
  };
  const recordUnmatched = (item: MessageItem): void => {
    if (traffic.active) traffic.received('unmatched', item.body, item.message, item.header);
  };
  const onRefused = (item: MessageItem, error: unknown): void => {
    if (traffic.active) traffic.received('refused', item.body, item.message, item.header);
    sides.refused(item.message, error);
  };

  return frames$.pipe(
    // frames → message | keep-alive | unpack error
    decodeMessages(spec),
    // side channels: network headers kept for replies; keep-alives and unpack errors reported
    tap(reportSideChannels),
    filter(isMessage),
    // byteHooks.inbound (MACs): a refused message leaves here, reported
    check === undefined ? identity : refuseUnchecked(check, onRefused),
    // responses settle their pending send (traffic$: 'matched'); everything else goes on to inbound$
    matchResponse(responses, requestKey, messageOf),
    // traffic$: 'unmatched', when someone listens
    tap(recordUnmatched),
    map(messageOf),
  );
}

/**
 * Subscribes the stages `build` makes only when the source emits its first value, then feeds them
 * everything. Each stage of an RxJS pipeline costs a link ~650 bytes (its Observable, subscriber
 * and closures; measured over 2 000 subscriptions): the seven after framing cost ~3.5 KiB of the
 * ~18.5 KiB an accepted socket that sent `FF FF 30` cost, for nothing until a frame is complete.
 */
function atFirstValue<T, R>(build: (source: Observable<T>) => Observable<R>): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      let relay: Subscriber<T> | undefined;
      const start = (): Subscriber<T> => {
        const stages = build(new Observable<T>((inner) => void (relay = inner)));
        subscriber.add(stages.subscribe(subscriber));
        return relay!;
      };
      const subscription = source.subscribe({
        next: (value) => (relay ?? start()).next(value),
        // the stages after framing only pass errors and completion on
        error: (error: unknown) => (relay ?? subscriber).error(error),
        complete: () => (relay ?? subscriber).complete(),
      });
      return subscription;
    });
}

/** Drops the messages `check` throws for, handing each to `onRefused` (its own output). */
function refuseUnchecked(
  check: (bytes: Uint8Array, message: Message) => void,
  onRefused: (item: MessageItem, error: unknown) => void,
): MonoTypeOperatorFunction<MessageItem> {
  return (source) =>
    new Observable<MessageItem>((subscriber) =>
      source.subscribe({
        next(item) {
          try {
            check(item.body, item.message);
          } catch (error) {
            onRefused(item, error);
            return;
          }
          subscriber.next(item);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}
