/**
 * Telling TLS from plain ISO 8583 by a link's first bytes, so that a link with TLS on one end only
 * fails with an error that says so instead of "closed by the peer" or a framing error.
 *
 * Every TLS record starts with its content type (20–23), then version 3.0–3.4 (`03 00`–`03 04`);
 * a handshake record (22) that opens a connection carries a ClientHello (handshake type 1) at
 * byte 5. Read as an ISO 8583 length prefix these bytes announce a frame of 5 000-odd bytes
 * (binary) or are not a number (ASCII, BCD), so they are only ever taken as TLS where a link is
 * failing anyway or where a TLS server expects its first byte.
 */

const ALERT = 21;
const HANDSHAKE = 22;
const CLIENT_HELLO = 1;

/** The bytes start like a TLS record (alert, handshake, ...): the peer speaks TLS. */
export function startsLikeTlsRecord(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0]! >= 20 && bytes[0]! <= 23 && bytes[1] === 3 && bytes[2]! <= 4;
}

/** The bytes start like a TLS ClientHello: a TLS client opening its handshake. */
export function startsLikeTlsHello(bytes: Uint8Array): boolean {
  return startsLikeTlsRecord(bytes) && bytes[0] === HANDSHAKE && (bytes.length < 6 || bytes[5] === CLIENT_HELLO);
}

/**
 * The bytes start with a whole TLS alert record (content type 21, a version, length 2, level
 * warning or fatal): what a TLS server sends a client that does not speak TLS.
 */
export function startsWithTlsAlert(bytes: Uint8Array): boolean {
  return (
    startsLikeTlsRecord(bytes) &&
    bytes[0] === ALERT &&
    bytes.length >= 7 &&
    bytes[3] === 0 &&
    bytes[4] === 2 &&
    (bytes[5] === 1 || bytes[5] === 2)
  );
}

/** The first byte of every TLS connection a client opens (a handshake record). */
export function opensTlsHandshake(firstByte: number): boolean {
  return firstByte === HANDSHAKE;
}

/**
 * A fatal TLS alert (unexpected_message), written to a plain-TCP client that reached a TLS
 * server: a TLS client would understand it, and our plain client recognises a TLS record.
 */
export const TLS_ALERT_UNEXPECTED_MESSAGE = Uint8Array.from([21, 3, 3, 0, 2, 2, 10]);
