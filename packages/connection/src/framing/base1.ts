import { FramingError } from '../errors';
import type { Frame, FrameDecoder, Framing, FramingOptions } from './types';
import { vmlh } from './presets';

/**
 * Visa's BASE I message header, as VAPChannel (jPOS) reads and writes it: 22 bytes after the VML
 * length — header length, header format, text format, total length (2 bytes), destination and
 * source station ids (3 BCD bytes each), round-trip control, flags (2), status (3), batch number,
 * reserved (3), user information. When Visa rejects a message it returns it behind a longer header
 * whose format byte has bit 0x80 set (header field 13, a bitmap, follows) and whose field 14 holds
 * the 4-digit reject code; the original 22-byte header and the original message come after it.
 */
export interface Base1Header {
  /** Header field 2, header flag and format: 1 on what we send; bit 0x80 marks a reject header. */
  format: number;
  /** Header field 3, text format: 2 = ISO 8583 (the default). */
  textFormat: number;
  /** Header field 5, destination station id: 6 digits. */
  destination: string;
  /** Header field 6, source station id: 6 digits. */
  source: string;
  /** Header field 7, round-trip control information. */
  roundTrip: number;
  /** Header field 8, BASE I flags (2 bytes). */
  flags: number;
  /** Header field 9, message status flags (3 bytes). */
  status: number;
  /** Header field 10, batch number. */
  batch: number;
  /** Header field 11, reserved (3 bytes). */
  reserved: number;
  /** Header field 12, user information. */
  userInfo: number;
  /**
   * Header field 14 of a reject header: Visa's 4-digit reject code. Present only on a message Visa
   * rejected — the message behind it is then the request it rejects, as we sent it.
   */
  rejectCode?: string;
}

/** What `framing.base1` takes: the presets' options and the header our messages carry. */
export interface Base1Options extends FramingOptions {
  /** Header of the messages we send (ours as source, Visa's as destination); fields not given are 0, formats 1 and 2. */
  header?: Partial<Base1Header>;
}

const HEADER_SIZE = 22;
const REJECT_FLAG = 0x80;
/** Header fields 13 (bitmap, 2 bytes) and 14 (reject data group, 2 bytes) of a reject header. */
const REJECT_GROUP_SIZE = 4;

/**
 * Visa BASE I framing: the VML length (`framing.vmlh`), the 22-byte BASE I header, the message.
 * Decoded frames carry the header as a {@link Base1Header}; a rejected message's carries its
 * `rejectCode` (pair with `rejectedRequest: rejects.visaHeader()`). Replies go back with source
 * and destination swapped (jPOS `swap-direction`).
 *
 * @example
 * ```ts
 * const visa = framing.base1({ maxFrameLength: 2048, header: { source: '123456', destination: '000000' } });
 * connect({ host, port, spec, framing: visa, echoKeepAlive: true, rejectedRequest: rejects.visaHeader() });
 * ```
 */
export function base1(options: Base1Options = {}): Framing {
  const { header = {}, ...lengthOptions } = options;
  const length = vmlh(lengthOptions);
  // Our header is encoded once (a bad one fails now, not on the first send); each frame copies it
  // and writes its own total length.
  const ours = new Uint8Array(HEADER_SIZE);
  encodeHeader(fullHeader(header), ours, 0);
  return {
    name: 'vmlh+base1',
    maxFrameLength: length.maxFrameLength,
    encode(body, given) {
      if (body.length === 0) return length.encode(body); // keep-alive: the bare length
      const framed = new Uint8Array(HEADER_SIZE + body.length);
      if (given === undefined) {
        framed.set(ours);
        putTotalLength(framed, body.length);
      } else encodeHeader(fullHeader(given as Partial<Base1Header>), framed, body.length);
      framed.set(body, HEADER_SIZE);
      return length.encode(framed);
    },
    decoder: () => new Base1Decoder(length.decoder()),
    replyHeader(request) {
      const { rejectCode: _rejectCode, ...rest } = request as unknown as Base1Header;
      return { ...rest, format: rest.format & ~REJECT_FLAG, source: rest.destination, destination: rest.source };
    },
  };
}

/** Takes the BASE I header (and a reject header) off the front of each frame the VML decoder cuts. */
class Base1Decoder implements FrameDecoder {
  /** Stream offset of the next frame's length prefix. */
  private offset = 0;
  /** A bad header is fatal like a bad length: the error is thrown again on every push. */
  private failure: FramingError | undefined;

  constructor(private readonly frames: FrameDecoder) {}

  get buffered(): number {
    return this.frames.buffered;
  }

  get reserved(): number | undefined {
    return this.frames.reserved;
  }

  push(chunk: Uint8Array): Frame[] {
    if (this.failure) throw this.failure;
    try {
      return this.frames.push(chunk).map((frame) => {
        const at = this.offset + 4;
        this.offset = at + frame.body.length;
        return frame.body.length === 0 ? frame : splitHeader(frame.body, at);
      });
    } catch (error) {
      if (error instanceof FramingError) this.failure = error;
      throw error;
    }
  }
}

function splitHeader(bytes: Uint8Array, at: number): Frame {
  const first = headerLength(bytes, 0, at);
  if ((bytes[1]! & REJECT_FLAG) === 0) return { header: decodeHeader(bytes, 0), body: bytes.subarray(first) };
  if (first < HEADER_SIZE + REJECT_GROUP_SIZE) {
    throw new FramingError(`vmlh+base1 reject header of ${first} bytes is too short to hold its reject code`, at);
  }
  const original = headerLength(bytes, first, at);
  const header: Record<string, unknown> = {
    ...decodeHeader(bytes, 0),
    rejectCode: bcd(bytes, HEADER_SIZE + 2, 2),
  };
  return { header, body: bytes.subarray(first + original) };
}

/** Length of the header starting at `start`, checked against what the frame holds. */
function headerLength(bytes: Uint8Array, start: number, at: number): number {
  const declared = bytes[start];
  if (declared === undefined || declared < HEADER_SIZE || start + declared > bytes.length) {
    const what = declared === undefined ? 'missing' : `of ${declared} bytes`;
    throw new FramingError(
      `vmlh+base1 header at byte ${start} of a ${bytes.length}-byte frame is ${what} (a BASE I header has at least ${HEADER_SIZE})`,
      at + start,
    );
  }
  return declared;
}

function decodeHeader(bytes: Uint8Array, start: number): Record<string, unknown> {
  const u = (offset: number, size: number) => {
    let value = 0;
    for (let i = 0; i < size; i++) value = value * 256 + bytes[start + offset + i]!;
    return value;
  };
  const header: Base1Header = {
    format: u(1, 1),
    textFormat: u(2, 1),
    destination: bcd(bytes, start + 5, 3),
    source: bcd(bytes, start + 8, 3),
    roundTrip: u(11, 1),
    flags: u(12, 2),
    status: u(14, 3),
    batch: u(17, 1),
    reserved: u(18, 3),
    userInfo: u(21, 1),
  };
  return header as unknown as Record<string, unknown>;
}

function encodeHeader(header: Base1Header, target: Uint8Array, bodyLength: number): void {
  putUnsigned(target, 0, 1, HEADER_SIZE, 'length');
  putUnsigned(target, 1, 1, header.format, 'format');
  putUnsigned(target, 2, 1, header.textFormat, 'textFormat');
  putTotalLength(target, bodyLength);
  putBcd(target, 5, header.destination, 'destination');
  putBcd(target, 8, header.source, 'source');
  putUnsigned(target, 11, 1, header.roundTrip, 'roundTrip');
  putUnsigned(target, 12, 2, header.flags, 'flags');
  putUnsigned(target, 14, 3, header.status, 'status');
  putUnsigned(target, 17, 1, header.batch, 'batch');
  putUnsigned(target, 18, 3, header.reserved, 'reserved');
  putUnsigned(target, 21, 1, header.userInfo, 'userInfo');
}

/** Header field 4: the header and the message behind it, in bytes. */
function putTotalLength(target: Uint8Array, bodyLength: number): void {
  putUnsigned(target, 3, 2, HEADER_SIZE + bodyLength, 'total length');
}

function putUnsigned(target: Uint8Array, offset: number, size: number, value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= 256 ** size) {
    throw new RangeError(
      `framing.base1: header.${name} must be an integer from 0 to ${256 ** size - 1}, got ${String(value)}`,
    );
  }
  for (let i = size - 1; i >= 0; i--, value = Math.floor(value / 256)) target[offset + i] = value % 256;
}

function fullHeader(header: Partial<Base1Header>): Base1Header {
  if (typeof header !== 'object' || header === null) throw new TypeError('framing.base1: header must be an object');
  return {
    format: 1,
    textFormat: 2,
    destination: '000000',
    source: '000000',
    roundTrip: 0,
    flags: 0,
    status: 0,
    batch: 0,
    reserved: 0,
    userInfo: 0,
    ...header,
  };
}

function bcd(bytes: Uint8Array, offset: number, size: number): string {
  let digits = '';
  for (let i = 0; i < size; i++) digits += bytes[offset + i]!.toString(16).padStart(2, '0');
  return digits;
}

function putBcd(target: Uint8Array, offset: number, digits: unknown, name: string): void {
  if (typeof digits !== 'string' || !/^[0-9]{6}$/.test(digits)) {
    throw new RangeError(
      `framing.base1: header.${name} must be a station id of 6 digits, got ${typeof digits === 'string' ? `'${digits}'` : typeof digits}`,
    );
  }
  for (let i = 0; i < 3; i++) target[offset + i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
}
