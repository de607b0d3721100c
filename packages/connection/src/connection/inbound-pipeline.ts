import type { Message, MessageSpec, UnpackError } from '@rx8583/iso8583';
import {
  filter,
  identity,
  map,
  Observable,
  tap,
  type MonoTypeOperatorFunction,
  type Subscriber,
  type Subscription,
} from 'rxjs';
import type { Frame, Framing } from '../framing/types';
import { FrameReader } from '../operators/decode-frames';
import { decodeMessages, type DecodedFrame } from '../operators/decode-messages';
import { matchResponseItems, type ResponseTarget } from '../operators/match-response';
import type { RequestKeyFn } from '../operators/request-key';
import type { TappedRequest, TrafficTap } from './traffic';
import { TurnBudget, type BudgetOutput } from './turn-budget';

/**
 * Frames handed on per turn of the event loop by one link; the rest of a big read waits for the
 * next turns (`setImmediate`), its socket paused meanwhile. A 64 KiB read of 24-byte requests is
 * ~2 700 frames: handled in one go, every other link waited for all of them (a probe sending one
 * request every 5 ms beside a client flooding without reading: p99 515 ms, load 17–21). Slices of
 * 256 frames — about 1 ms of work here — let the other links' reads in between.
 */
export const FRAMES_PER_TURN = 256;

/** What the framing stage needs: every link has it from accept on. */
export interface FramingConfig {
  framing: Framing;
  /** Milliseconds from a frame's first byte to its last. */
  frameTimeout: number;
  /** The link's traffic tap (the chunk listener calls its `chunkArrived`, for the records' time). */
  traffic: TrafficTap;
  /** Stops and restarts the socket's reading while frames of a big read wait for their turn. */
  reading: { pause(): void; resume(): void };
  /** The clock of the frame in progress: started at a frame's first byte, stopped at its last. */
  frameClock: { restart(): void; cancel(): void };
  /** The read side failed (the byte stream lost its framing): the link ends with `error`. */
  failed(error: unknown): void;
}

/** What the stages after framing need: asked for when the first frame arrives. */
export interface MessageConfig {
  spec: MessageSpec;
  requestKey: RequestKeyFn;
  /** The connection's pending requests, which take their responses out of the stream. */
  pending: {
    /** Settles the written request pending under `key` with `response` and returns it; undefined when none is. */
    settle(key: string, response: Message): TappedRequest | undefined;
  };
  /** `byteHooks.inbound`: throws to refuse a message (a bad MAC). */
  check: ((bytes: Uint8Array, message: Message) => void) | undefined;
  traffic: TrafficTap;
  sides: InboundSideChannels;
  /** What comes out: requests from the peer, late and unknown responses (for `serve` or `inbound$`). */
  unmatched(message: Message): void;
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
 * hundred a turn) → messages → (inbound check) → responses settle their requests. What comes out
 * is everything else — requests from the peer, late and unknown responses — for `serve` or
 * `inbound$` (`unmatched`); a byte stream that lost its framing ends the link (`failed`, with a
 * `FramingError`). The side channels leave through `tap`s and the check's own output, never
 * through a filter's predicate.
 *
 * Up to the frames it is plain objects, fed by the socket's chunk listener: every accepted socket
 * has them, and a peer that never completes a frame (`FF FF 30` and silence) must cost little
 * more than its socket. The RxJS stages after framing, and their configuration, are made when the
 * first frame arrives.
 */
export class InboundPipeline implements BudgetOutput<Frame> {
  // bytes → frames; a bad length, TLS where a frame was expected, or a frame not complete within
  // frameTimeout ends the link (FramingError)
  private readonly frames: FrameReader;
  // at most FRAMES_PER_TURN frames a turn: a big read yields to the other links between slices
  private readonly budget: TurnBudget<Frame>;
  // frames → messages → (inbound check) → matching → unmatched: built at the first frame
  private messages: Subscriber<Frame> | undefined = undefined;
  private subscription: Subscription | undefined = undefined;
  private stopped = false;

  constructor(
    private readonly config: FramingConfig,
    private readonly messageConfig: () => MessageConfig,
  ) {
    const { framing, reading } = config;
    this.frames = new FrameReader(framing);
    this.budget = new TurnBudget({ perTurn: FRAMES_PER_TURN, pause: reading.pause, resume: reading.resume }, this);
  }

  /** The link ended: nothing more is wanted. */
  get closed(): boolean {
    return this.stopped;
  }

  /** A socket chunk: its frames go on, in order. */
  push(chunk: Uint8Array): void {
    if (this.stopped) return;
    // traffic$: the frames of each chunk arrived when it was read (one clock read a chunk, when listened to)
    this.config.traffic.chunkArrived();
    let frames: Frame[];
    try {
      frames = this.frames.push(chunk);
    } catch (error) {
      this.budget.error(error);
      return;
    }
    const { frameClock } = this.config;
    if (this.frames.began) frameClock.restart();
    else if (!this.frames.midFrame) frameClock.cancel();
    for (let i = 0; i < frames.length && !this.stopped; i++) this.budget.next(frames[i]!);
  }

  /** The frame in progress outlived `frameTimeout` (its clock fired): the link ends. */
  frameOverdue(): void {
    if (!this.stopped) this.budget.error(this.frames.overdue(this.config.frameTimeout));
  }

  /** The link ended: nothing more is read or handed on. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.config.frameClock.cancel();
    this.budget.cancel();
    this.subscription?.unsubscribe();
  }

  /** @internal A frame whose turn has come. */
  next(frame: Frame): void {
    (this.messages ?? this.startMessages()).next(frame);
  }

  /** @internal The byte stream failed (after the frames ahead of the failure were handled). */
  error(error: unknown): void {
    if (this.stopped) return;
    this.stop();
    this.config.failed(error);
  }

  private startMessages(): Subscriber<Frame> {
    const config = this.messageConfig();
    let relay: Subscriber<Frame> | undefined;
    const frames$ = new Observable<Frame>((inner) => void (relay = inner));
    this.subscription = frameMessages(frames$, config).subscribe({
      next: config.unmatched,
      error: (error: unknown) => this.error(error),
    });
    this.messages = relay!;
    return relay!;
  }
}

/** frames → messages → (inbound check) → matching: the read path after framing. */
function frameMessages(frames$: Observable<Frame>, config: MessageConfig): Observable<Message> {
  const { spec, requestKey, pending, check, traffic, sides } = config;

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
    matchResponseItems(responses, requestKey, messageOf),
    // traffic$: 'unmatched', when someone listens
    tap(recordUnmatched),
    map(messageOf),
  );
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
