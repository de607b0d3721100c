import type { Message, MessageSpec, UnpackError } from '@rx8583/iso8583';
import { filter, map, type Observable } from 'rxjs';
import type { Framing } from '../framing/types';
import { decodeFrames } from '../operators/decode-frames';
import { decodeMessages, type DecodedFrame } from '../operators/decode-messages';
import { matchResponse, type ResponseTarget } from '../operators/match-response';
import type { RequestKeyFn } from './request-key';

/** What the read side needs to know. */
export interface InboundConfig {
  framing: Framing;
  spec: MessageSpec;
  requestKey: RequestKeyFn;
  /** The connection's pending requests, which take their responses out of the stream. */
  pending: ResponseTarget;
}

/** Side channels of the read side: everything that is not an unmatched message. */
export interface InboundHandlers {
  /** A message arrived with a fixed network header (before it is matched or emitted). */
  header(message: Message, header: Record<string, unknown>): void;
  /** A zero-length frame arrived. */
  keepAlive(): void;
  /** A frame did not unpack; the stream goes on. */
  unpackError(error: UnpackError): void;
}

type MessageItem = Extract<DecodedFrame, { kind: 'message' }>;

/**
 * A connection's read side: chunks → frames → messages → responses settle their requests; what
 * is emitted is everything else (requests from the peer, late and unknown responses). Errors
 * with `FramingError` when the byte stream loses its framing.
 */
export function inboundMessages(
  chunks$: Observable<Uint8Array>,
  config: InboundConfig,
  handlers: InboundHandlers,
): Observable<Message> {
  const isMessage = (item: DecodedFrame): item is MessageItem => {
    if (item.kind === 'message') {
      if (item.header !== undefined) handlers.header(item.message, item.header);
      return true;
    }
    if (item.kind === 'keepAlive') handlers.keepAlive();
    else handlers.unpackError(item.error);
    return false;
  };
  return chunks$.pipe(
    decodeFrames(config.framing),
    decodeMessages(config.spec),
    filter(isMessage),
    map((item) => item.message),
    matchResponse(config.pending, config.requestKey),
  );
}
