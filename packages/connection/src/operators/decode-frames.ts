import { Observable, Subscription, asyncScheduler, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { FramingError } from '../errors';
import { startsLikeTlsRecord, startsWithTlsAlert } from '../framing/tls-mismatch';
import type { Frame, Framing } from '../framing/types';
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
 * Turns a connection's inbound chunks into frames: reassembles frames split across chunks,
 * splits the ones coalesced in a chunk, and errors the stream with `FramingError` on a bad or
 * oversize length (a byte stream that lost its framing cannot be resynchronised) or on a frame
 * not complete within `frameTimeout`. A stream that opens with a TLS alert, or with a TLS record
 * that is no valid frame, fails with an error saying the peer speaks TLS. Each subscription gets its own decoder, so the operator can
 * be reused across connections.
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
      const decoder = framing.decoder();
      /** Bytes pushed so far: the stream offset where the next chunk starts. */
      let received = 0;
      let timer = Subscription.EMPTY;
      const expire = (): void => {
        const held = decoder.buffered;
        const message = `${framing.name} frame not complete within ${frameTimeout} ms (${held} bytes of it arrived)`;
        subscriber.error(new FramingError(message, received - held));
      };
      const sub = source.subscribe({
        next(chunk) {
          if (received === 0 && startsWithTlsAlert(chunk)) {
            subscriber.error(speaksTls(framing.name, 'a TLS alert'));
            return;
          }
          let frames: Frame[];
          try {
            frames = decoder.push(chunk);
          } catch (error) {
            const tls = received === 0 && error instanceof FramingError && startsLikeTlsRecord(chunk);
            subscriber.error(tls ? speaksTls(framing.name, 'a TLS record') : error);
            return;
          }
          received += chunk.length;
          if (timed) {
            // `buffered` is the frame in progress. It is a new frame when nothing was pending
            // before, or when this chunk finished a frame: then its clock starts now.
            if (decoder.buffered === 0) {
              timer.unsubscribe();
              timer = Subscription.EMPTY;
            } else if (timer === Subscription.EMPTY || frames.length > 0) {
              timer.unsubscribe();
              timer = scheduler.schedule(expire, frameTimeout);
            }
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
