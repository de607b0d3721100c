import { FramingError } from '../errors';
import type { Frame, FrameDecoder } from './types';
import { NOT_A_LENGTH, type LengthPrefix } from './length-prefix';

/** Everything a decoder needs to know about the frames of one framing. */
export interface FrameFormat {
  /** Framing name for error messages, e.g. `binary2`. */
  readonly name: string;
  /** The length prefix in front of every frame. */
  readonly prefix: LengthPrefix;
  /** The length counts the prefix itself (the fixed header is always counted). */
  readonly includesHeader: boolean;
  /** Largest body accepted, in bytes (fixed header not included). */
  readonly maxFrameLength: number;
  /** Bytes of fixed header between the prefix and the body; 0 when there is none. */
  readonly headerSize: number;
  /** Turns the fixed header at `offset` into an object; absent when `headerSize` is 0. */
  readonly decodeHeader?: (bytes: Uint8Array, offset: number) => Record<string, unknown>;
}

const EMPTY = new Uint8Array(0);

/**
 * First buffer for a frame that straddles chunks. A declared length is only a claim: 1 000
 * sockets that each send `FF FF 30` and stop would pin 64 MiB if the claim were allocated up
 * front, so the buffer starts this small and doubles as bytes really arrive (a 64 KiB frame
 * costs 8 copies, ~128 KiB of copying in total — nothing next to reading it from the network).
 */
const FIRST_CAPACITY = 512;

/**
 * Splits one connection's inbound byte stream into frames. Whole frames inside a chunk are
 * returned as subarrays of it (no copy); only a frame that straddles chunks is copied, into a
 * buffer that holds what has arrived and grows in steps up to the length once checked.
 */
export class LengthPrefixedDecoder implements FrameDecoder {
  /** Prefix bytes of a frame whose prefix straddles chunks (made by the first such prefix). */
  private prefixBytes: Uint8Array | undefined = undefined;
  /** Prefix bytes of the frame in progress that have arrived (all of them once its content has begun). */
  private prefixFilled = 0;
  /** Header + body bytes of the frame being reassembled, once its prefix is complete (grows). */
  private content: Uint8Array | null = null;
  private contentFilled = 0;
  /** Header + body length the prefix declared, once complete and checked. */
  private contentLengthDeclared = 0;
  /** Stream offset of the first byte of the next chunk. */
  private consumed = 0;
  /** Stream offset of the prefix of the frame being reassembled. */
  private frameStart = 0;
  /** A framing error is fatal: the stream cannot be resynchronised, so it is thrown again. */
  private failure: FramingError | null = null;

  constructor(private readonly format: FrameFormat) {}

  get buffered(): number {
    return this.prefixFilled + this.contentFilled;
  }

  get reserved(): number {
    return (this.prefixBytes?.length ?? 0) + (this.content?.length ?? 0);
  }

  push(chunk: Uint8Array): Frame[] {
    if (this.failure) throw this.failure;
    const frames: Frame[] = [];
    try {
      let pos = this.prefixFilled > 0 ? this.resume(chunk, frames) : 0;
      const size = this.format.prefix.size;
      while (pos < chunk.length) {
        if (chunk.length - pos < size) {
          this.holdPrefix(chunk.subarray(pos), this.consumed + pos);
          break;
        }
        const contentLength = this.contentLength(chunk, pos, this.consumed + pos);
        const start = pos + size;
        if (chunk.length - start >= contentLength) {
          frames.push(this.frame(chunk.subarray(start, start + contentLength), this.consumed + pos));
          pos = start + contentLength;
        } else {
          this.holdPrefix(chunk.subarray(pos, start), this.consumed + pos);
          this.startContent(contentLength, chunk.subarray(start));
          break;
        }
      }
    } catch (error) {
      if (error instanceof FramingError) this.failure = error;
      throw error;
    }
    this.consumed += chunk.length;
    return frames;
  }

  /** Continues the frame left incomplete by earlier chunks; returns where the chunk's rest starts. */
  private resume(chunk: Uint8Array, frames: Frame[]): number {
    let pos = 0;
    const size = this.format.prefix.size;
    if (this.content === null) {
      const prefixBytes = this.prefixBytes!;
      pos = Math.min(size - this.prefixFilled, chunk.length);
      prefixBytes.set(chunk.subarray(0, pos), this.prefixFilled);
      this.prefixFilled += pos;
      if (this.prefixFilled < size) return pos;
      this.startContent(this.contentLength(prefixBytes, 0, this.frameStart), EMPTY);
    }
    const take = Math.min(this.contentLengthDeclared - this.contentFilled, chunk.length - pos);
    const content = this.room(this.contentFilled + take);
    content.set(chunk.subarray(pos, pos + take), this.contentFilled);
    this.contentFilled += take;
    if (this.contentFilled === this.contentLengthDeclared) {
      frames.push(this.frame(content, this.frameStart));
      this.content = null;
      this.prefixFilled = 0;
      this.contentFilled = 0;
    }
    return pos + take;
  }

  /** Starts a frame at `streamOffset` whose prefix, or part of it, is `bytes`; keeps them only when incomplete. */
  private holdPrefix(bytes: Uint8Array, streamOffset: number): void {
    if (bytes.length < this.format.prefix.size)
      (this.prefixBytes ??= new Uint8Array(this.format.prefix.size)).set(bytes, 0);
    this.prefixFilled = bytes.length;
    this.frameStart = streamOffset;
  }

  private startContent(length: number, firstBytes: Uint8Array): void {
    this.contentLengthDeclared = length;
    this.content = new Uint8Array(Math.min(length, Math.max(FIRST_CAPACITY, firstBytes.length)));
    this.content.set(firstBytes, 0);
    this.contentFilled = firstBytes.length;
  }

  /** The content buffer, grown (doubling, never past the declared length) to hold `needed` bytes. */
  private room(needed: number): Uint8Array {
    const content = this.content!;
    if (needed <= content.length) return content;
    const grown = new Uint8Array(Math.min(this.contentLengthDeclared, Math.max(needed, content.length * 2)));
    grown.set(content.subarray(0, this.contentFilled), 0);
    this.content = grown;
    return grown;
  }

  /** Reads and checks the length at `offset`: the bytes of header + body that follow the prefix. */
  private contentLength(bytes: Uint8Array, offset: number, streamOffset: number): number {
    const { name, prefix, includesHeader, headerSize, maxFrameLength } = this.format;
    const declared = prefix.read(bytes, offset);
    if (declared === NOT_A_LENGTH) {
      throw new FramingError(`${name} length header is not a number`, streamOffset);
    }
    // Zero is a keep-alive even when the length counts itself: peers send a bare 0 as a poll.
    if (declared === 0) return 0;
    const length = includesHeader ? declared - prefix.size : declared;
    if (length === 0) return 0;
    if (length < headerSize) {
      const what = length < 0 ? `its own ${prefix.size}-byte length header` : `the ${headerSize}-byte header`;
      throw new FramingError(`${name} length ${declared} is too short to hold ${what}`, streamOffset);
    }
    if (length - headerSize > maxFrameLength) {
      throw new FramingError(
        `${name} length ${declared} announces a ${length - headerSize}-byte body, over maxFrameLength ${maxFrameLength}`,
        streamOffset,
      );
    }
    return length;
  }

  private frame(content: Uint8Array, streamOffset: number): Frame {
    const { name, headerSize, decodeHeader } = this.format;
    if (headerSize === 0 || content.length === 0 || !decodeHeader) return { body: content };
    let header: Record<string, unknown>;
    try {
      header = decodeHeader(content, 0);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new FramingError(`${name} fixed header does not decode (${reason})`, streamOffset);
    }
    return { header, body: content.subarray(headerSize) };
  }
}
