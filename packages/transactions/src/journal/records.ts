import { crc32 } from 'node:zlib';

/**
 * The journal's record frame: a 4-byte big-endian payload length, the payload's CRC-32 (4 bytes,
 * big-endian), then the payload. The CRC is what tells a torn or half-flushed last record from a
 * good one after a crash; the length alone cannot, since a torn write can leave any bytes.
 */
export const RECORD_HEADER_BYTES = 8;

/**
 * Records over this size are refused on write and treated as a torn tail on read. 16 MiB is far
 * above any ISO 8583 message (the largest frames seen on networks are 8–64 KiB).
 */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

/** Frames one payload as a record. */
export function encodeRecord(payload: Uint8Array): Buffer {
  if (payload.length > MAX_RECORD_BYTES) {
    throw new RangeError(`a journal record holds at most ${MAX_RECORD_BYTES} bytes, got ${payload.length}`);
  }
  const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  record.writeUInt32BE(payload.length, 0);
  record.writeUInt32BE(crc32(payload), 4);
  record.set(payload, RECORD_HEADER_BYTES);
  return record;
}

/** What a scan of a journal's bytes found. */
export interface ScanResult {
  /** Payloads of the good records, in order (views into the scanned bytes). */
  payloads: Buffer[];
  /** Bytes covered by good records: where a torn tail starts (= the input's length when none). */
  goodLength: number;
}

/**
 * Reads records from the start of `bytes` up to the first one that is incomplete or fails its CRC:
 * everything from there on is a torn tail (a write the crash interrupted) and is not returned.
 */
export function scanRecords(bytes: Buffer): ScanResult {
  const payloads: Buffer[] = [];
  let offset = 0;
  while (offset + RECORD_HEADER_BYTES <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const end = offset + RECORD_HEADER_BYTES + length;
    if (length > MAX_RECORD_BYTES || end > bytes.length) break;
    const payload = bytes.subarray(offset + RECORD_HEADER_BYTES, end);
    if (crc32(payload) !== bytes.readUInt32BE(offset + 4)) break;
    payloads.push(payload);
    offset = end;
  }
  return { payloads, goodLength: offset };
}
