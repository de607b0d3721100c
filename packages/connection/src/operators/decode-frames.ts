import { Observable, Subscription, asyncScheduler, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { FramingError } from '../errors';
import { startsLikeTlsRecord, startsWithTlsAlert } from '../framing/tls-mismatch';
import type { Frame, FrameDecoder, Framing } from '../framing/types';
import { positiveMilliseconds } from '../milliseconds';
import { refuseUnknownKeys, requireObject, type KnownKeys } from '../option-checks';

/** Configuration of {@link decodeFrames}. */
export interface DecodeFramesConfig {
  /**
   * Milliseconds a frame may take from its first byte to its last; then the stream errors with
   * `FramingError` (a peer that trickles a frame, or sends a length and stops, holds memory and a
   * connection slot for nothing). Counted per frame, not reset by the frame's later bytes.
   * Default: no limit (links set it from `frameTimeout`, default 30 000).
   */
  frameTimeout?: number;
  /** Scheduler for the frame timer; a `TestScheduler` in tests. Default: the async scheduler. */
  scheduler?: SchedulerLike;
}

/**
 * The error for a link whose first bytes are TLS: the peer is a TLS server (a TLS server answers
 * plain bytes with an alert) and this end dialled without TLS.
 */
function speaksTls(framingName: string, what: string): FramingError {
  return new FramingError(
    `the peer sent ${what} where a ${framingName} frame was expected: it speaks TLS (dial it with tls options)`,
    0,
  );
}

/**
 * One inbound byte stream's framing: a framing's decoder plus what the stream as a whole needs —
 * the TLS mismatch check on its first bytes, stream offsets for errors, and whether a frame is in
 * progress, for its `frameTimeout` clock. Shared by {@link decodeFrames} and every link's read
 * path (which runs it without an RxJS stage and keeps the clock on the shared deadline queue).
 */
export class FrameReader {
  private readonly decoder: FrameDecoder;
  /** Bytes pushed so far: the stream offset where the next chunk starts. */
  private received = 0;
  /** The last push began a frame that is not complete yet: its clock starts now. */
  began = false;

  constructor(private readonly framing: Framing) {
    this.decoder = framing.decoder();
  }

  /** A frame is in progress (some of its bytes have arrived). */
  get midFrame(): boolean {
    return this.decoder.buffered > 0;
  }

  /**
   * The frames `chunk` completes, in order.
   *
   * @throws FramingError on a bad or oversize length, or when the peer speaks TLS.
   */
  push(chunk: Uint8Array): Frame[] {
    const { framing, decoder } = this;
    const first = this.received === 0;
    if (first && startsWithTlsAlert(chunk)) throw speaksTls(framing.name, 'a TLS alert');
    const wasMidFrame = decoder.buffered > 0;
    let frames: Frame[];
    try {
      frames = decoder.push(chunk);
    } catch (error) {
      const tls = first && error instanceof FramingError && startsLikeTlsRecord(chunk);
      throw tls ? speaksTls(framing.name, 'a TLS record') : error;
    }
    this.received += chunk.length;
    // `buffered` is the frame in progress. It is a new frame when nothing was pending before, or
    // when this chunk finished a frame.
    this.began = decoder.buffered > 0 && (!wasMidFrame || frames.length > 0);
    return frames;
  }

  /** The error for a frame in progress that outlived `frameTimeout`. */
  overdue(frameTimeout: number): FramingError {
    const held = this.decoder.buffered;
    const message = `${this.framing.name} frame not complete within ${frameTimeout} ms (${held} bytes of it arrived)`;
    return new FramingError(message, this.received - held);
  }
}

/**
 * Turns a connection's inbound chunks into frames: reassembles frames split across chunks,
 * splits the ones coalesced in a chunk, and errors the stream with `FramingError` on a bad or
 * oversize length (a byte stream that lost its framing cannot be resynchronised) or on a frame
 * not complete within `frameTimeout`. A stream that opens with a TLS alert, or with a TLS record
 * that is no valid frame, fails with an error saying the peer speaks TLS. Each subscription gets
 * its own decoder, so the operator can be reused across connections.
 *
 * @example
 * ```ts
 * const frames$ = chunks$.pipe(decodeFrames(framing.binary2(), { frameTimeout: 30_000 }));
 * frames$.subscribe((frame) => console.log(frame.body.length));
 * ```
 */
export function decodeFrames(framing: Framing, config: DecodeFramesConfig = {}): OperatorFunction<Uint8Array, Frame> {
  if (!framing || typeof framing.decoder !== 'function') {
    throw new TypeError('decodeFrames: framing must be a Framing such as framing.binary2()');
  }
  requireObject('decodeFrames', 'config', config);
  refuseUnknownKeys('decodeFrames', config, {
    frameTimeout: true,
    scheduler: true,
  } satisfies KnownKeys<DecodeFramesConfig>);
  const { frameTimeout, scheduler = asyncScheduler } = config;
  const timed = frameTimeout !== undefined && frameTimeout !== Infinity;
  if (timed) positiveMilliseconds('decodeFrames', 'frameTimeout', frameTimeout);
  // A hand-rolled subscriber rather than concatMap: one chunk yields many frames on the hot
  // path, and emitting them in a loop avoids an inner Observable per chunk.
  return (source) =>
    new Observable<Frame>((subscriber) => {
      const reader = new FrameReader(framing);
      let timer = Subscription.EMPTY;
      const expire = (): void => subscriber.error(reader.overdue(frameTimeout!));
      const sub = source.subscribe({
        next(chunk) {
          let frames: Frame[];
          try {
            frames = reader.push(chunk);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          if (timed && (reader.began || !reader.midFrame)) {
            timer.unsubscribe();
            timer = reader.began ? scheduler.schedule(expire, frameTimeout) : Subscription.EMPTY;
          }
          for (const frame of frames) subscriber.next(frame);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        timer.unsubscribe();
        sub.unsubscribe();
      };
    });
}
