import { Observable, type OperatorFunction } from 'rxjs';
import type { Frame, Framing } from '../framing/types';

/**
 * Turns a connection's inbound chunks into frames: reassembles frames split across chunks,
 * splits the ones coalesced in a chunk, and errors the stream with `FramingError` on a bad or
 * oversize length (a byte stream that lost its framing cannot be resynchronised).
 * Each subscription gets its own decoder, so the operator can be reused across connections.
 *
 * @example
 * ```ts
 * const frames$ = chunks$.pipe(decodeFrames(framing.binary2()));
 * frames$.subscribe((frame) => console.log(frame.body.length));
 * ```
 */
export function decodeFrames(framing: Framing): OperatorFunction<Uint8Array, Frame> {
  if (!framing || typeof framing.decoder !== 'function') {
    throw new TypeError('decodeFrames: framing must be a Framing such as framing.binary2()');
  }
  // A hand-rolled subscriber rather than concatMap: one chunk yields many frames on the hot
  // path, and emitting them in a loop avoids an inner Observable per chunk.
  return (source) =>
    new Observable<Frame>((subscriber) => {
      const decoder = framing.decoder();
      return source.subscribe({
        next(chunk) {
          let frames: Frame[];
          try {
            frames = decoder.push(chunk);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          for (const frame of frames) subscriber.next(frame);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
