import { map, type OperatorFunction } from 'rxjs';
import { UnpackError, unpack, type Message, type MessageSpec } from '@rx8583/iso8583';
import type { Frame } from '../framing/types';

/** What one inbound frame turned out to be. */
export type DecodedFrame =
  /**
   * An ISO 8583 message; `body` is the frame's message bytes it was unpacked from, `header` the
   * frame's fixed network header when the framing has one.
   */
  | { kind: 'message'; message: Message; body: Uint8Array; header?: Record<string, unknown> }
  /** A zero-length frame: a keep-alive or a host poll. */
  | { kind: 'keepAlive' }
  /** A frame whose bytes are not a valid message for the spec; the stream goes on. */
  | { kind: 'unpackError'; error: UnpackError; body: Uint8Array; header?: Record<string, unknown> };

const KEEP_ALIVE: DecodedFrame = Object.freeze({ kind: 'keepAlive' });

/**
 * Unpacks each frame with `spec`. A frame that does not unpack is emitted as an `unpackError`
 * item (its `error` names the field and offset, never a value) instead of ending the stream: one
 * bad message from a host should be reported, not bring the link down. Zero-length frames become
 * `keepAlive` items.
 *
 * @example
 * ```ts
 * chunks$.pipe(decodeFrames(framing.binary2()), decodeMessages(spec87ascii)).subscribe((item) => {
 *   if (item.kind === 'message') handle(item.message);
 *   else if (item.kind === 'unpackError') log.warn(item.error.message);
 * });
 * ```
 */
export function decodeMessages(spec: MessageSpec): OperatorFunction<Frame, DecodedFrame> {
  if (typeof spec !== 'object' || spec === null) {
    throw new TypeError('decodeMessages: spec must be a MessageSpec such as spec87ascii');
  }
  return map((frame: Frame): DecodedFrame => {
    const { body, header } = frame;
    if (body.length === 0) return KEEP_ALIVE;
    try {
      const message = unpack(spec, body);
      return header ? { kind: 'message', message, body, header } : { kind: 'message', message, body };
    } catch (error) {
      if (!(error instanceof UnpackError)) throw error;
      return header ? { kind: 'unpackError', error, body, header } : { kind: 'unpackError', error, body };
    }
  });
}
