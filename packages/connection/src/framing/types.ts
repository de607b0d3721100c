/**
 * A framing is how ISO 8583 messages are delimited on a stream: a length header (2-byte binary,
 * 4 ASCII digits, ...) optionally followed by a fixed network header (TPDU, BASE I header).
 */

/** One frame taken off the wire. */
export interface Frame {
  /** The ISO 8583 message bytes (after any fixed header). Zero length = keep-alive. */
  body: Uint8Array;
  /** The fixed network header, decoded by its layout, when the framing declares one. */
  header?: Record<string, unknown>;
}

/**
 * Stateful splitter for one connection's inbound bytes. `push` may be handed chunks of any size;
 * it returns the complete frames they finish and keeps the remainder for the next call.
 * It throws `FramingError` on a bad or oversize length, before allocating for it.
 */
export interface FrameDecoder {
  /** Takes the next chunk of the stream; returns the frames it completes, in order (often none). */
  push(chunk: Uint8Array): Frame[];
  /** Bytes held that do not yet make a frame: more than 0 while a frame is in progress. */
  readonly buffered: number;
  /**
   * Bytes of memory set aside for the frame in progress (at least `buffered`). The presets keep
   * it near what has arrived, never the length a peer announced. Optional for custom decoders.
   */
  readonly reserved?: number;
}

/** Options every framing preset takes, e.g. `framing.ascii4({ includesHeader: true })`. */
export interface FramingOptions {
  /** The length counts the length header (and fixed header) too. Default false. */
  includesHeader?: boolean;
  /** Largest body accepted, in bytes. Default 65536. */
  maxFrameLength?: number;
}

/**
 * How messages are delimited on one kind of link: writes frames with `encode`, reads them with a
 * per-connection `decoder()`. Made by the `framing` presets and `framing.withHeader`.
 *
 * @example
 * ```ts
 * const f: Framing = framing.binary2();
 * socket.write(f.encode(message.pack()));
 * ```
 */
export interface Framing {
  /** Human-readable name for errors and logs, e.g. `binary2`. */
  readonly name: string;
  /** Largest body accepted, in bytes. */
  readonly maxFrameLength: number;
  /**
   * Length header (and fixed header) + body, ready for the socket. An empty body encodes a
   * keep-alive: the bare zero length, without a fixed header. Throws `RangeError` for a body over
   * `maxFrameLength` or longer than the length header can express.
   */
  encode(body: Uint8Array, header?: Record<string, unknown>): Uint8Array;
  /** A fresh decoder for one connection. */
  decoder(): FrameDecoder;
  /**
   * For framings with a fixed header: the header a reply carries, given the header of the
   * request it answers (e.g. a TPDU with source and destination swapped). Absent otherwise.
   */
  replyHeader?(requestHeader: Record<string, unknown>): Record<string, unknown>;
}
