import type { Framing, FrameDecoder } from './types';
import type { LengthPrefix } from './length-prefix';
import { LengthPrefixedDecoder, type FrameFormat } from './decoder';

/** A fixed network header (TPDU, BASE I header) between the length prefix and the message. */
export interface FixedHeaderCodec {
  /** Bytes the header occupies. */
  readonly size: number;
  /** Reads the header at `offset`. */
  decode(bytes: Uint8Array, offset: number): Record<string, unknown>;
  /** Writes `header` at `offset`; the `size` bytes there are zero beforehand. */
  encode(header: Record<string, unknown>, target: Uint8Array, offset: number): void;
  /** The header used when `encode` is given none; absent = a header must be given. */
  readonly defaultHeader?: Record<string, unknown>;
  /** Maps a request's header to the header of the reply that answers it. */
  readonly replyHeader?: (requestHeader: Record<string, unknown>) => Record<string, unknown>;
}

/**
 * A framing made of a length prefix, an optional fixed header, and the message body: every
 * preset and every `withHeader` framing is one of these. Build one with the `framing` presets
 * (which validate their options); the class is exported for `instanceof` checks and its fields.
 *
 * @example
 * ```ts
 * const f = framing.vmlh({ includesHeader: true });
 * f instanceof LengthPrefixedFraming; // true
 * f.prefix.size;                      // 4
 * ```
 */
export class LengthPrefixedFraming implements Framing {
  readonly name: string;
  readonly replyHeader?: (requestHeader: Record<string, unknown>) => Record<string, unknown>;
  private readonly format: FrameFormat;

  constructor(
    /** The length prefix in front of every frame. */
    readonly prefix: LengthPrefix,
    /** The length counts the prefix itself. */
    readonly includesHeader: boolean,
    /** Largest body accepted, in bytes. */
    readonly maxFrameLength: number,
    /** The fixed header after the prefix, if the network has one. */
    readonly fixedHeader?: FixedHeaderCodec,
    /** Name for errors and logs; default the prefix's name. */
    name?: string,
  ) {
    this.name = name ?? prefix.name;
    const header = fixedHeader;
    this.format = {
      name: this.name,
      prefix,
      includesHeader,
      maxFrameLength,
      headerSize: header?.size ?? 0,
      decodeHeader: header && ((bytes, offset) => header.decode(bytes, offset)),
    };
    if (header?.replyHeader) this.replyHeader = header.replyHeader;
  }

  decoder(): FrameDecoder {
    return new LengthPrefixedDecoder(this.format);
  }

  encode(body: Uint8Array, header?: Record<string, unknown>): Uint8Array {
    const { prefix, includesHeader, maxFrameLength, fixedHeader } = this;
    if (body.length > maxFrameLength) {
      throw new RangeError(`${this.name}: a ${body.length}-byte body is over maxFrameLength ${maxFrameLength}`);
    }
    // An empty body is a keep-alive: the bare length, never a header with nothing after it.
    const headerSize = body.length === 0 || !fixedHeader ? 0 : fixedHeader.size;
    const contentLength = headerSize + body.length;
    const declared = includesHeader ? contentLength + prefix.size : contentLength;
    if (declared > prefix.maxLength) {
      throw new RangeError(
        `${this.name}: a ${body.length}-byte body does not fit a length prefix of at most ${prefix.maxLength}`,
      );
    }
    const frame = Buffer.allocUnsafe(prefix.size + contentLength);
    prefix.write(declared, frame, 0);
    if (headerSize > 0) this.writeHeader(header, frame, prefix.size);
    frame.set(body, prefix.size + headerSize);
    return frame;
  }

  private writeHeader(header: Record<string, unknown> | undefined, frame: Uint8Array, offset: number): void {
    const codec = this.fixedHeader!;
    const value = header ?? codec.defaultHeader;
    if (value === undefined) {
      throw new TypeError(`${this.name}: no header given to encode and no defaultHeader configured`);
    }
    frame.fill(0, offset, offset + codec.size);
    codec.encode(value, frame, offset);
  }
}
