import type { Message, MessageSpec } from '@rx8583/iso8583';
import { LengthPrefixedFraming } from '../framing/length-prefixed-framing';
import { binary2, DEFAULT_MAX_FRAME_LENGTH } from '../framing/presets';
import type { Framing } from '../framing/types';
import { positiveMilliseconds } from '../milliseconds';
import { describeValue, refuseUnknownKeys, requireObject, type KnownKeys } from '../option-checks';
import { defaultRequestKey, type RequestKeyFn } from '../operators/request-key';
import type { TlsDialOptions } from './dial';
import type { CloseOptions, Connection } from './types';

/**
 * Hooks on the bytes of each message, where a MAC is computed and checked. Both run synchronously
 * on the link's hot path.
 *
 * @example
 * ```ts
 * const byteHooks: ByteHooks = {
 *   outbound: (packed) => withMac(packed, macKey),          // fills the last 8 bytes (field 64)
 *   inbound: (bytes) => { if (!macValid(bytes, macKey)) throw new Error('MAC mismatch'); },
 * };
 * ```
 */
export interface ByteHooks {
  /**
   * Turns the packed bytes of each outbound message (`send`, `reply`; not raw `write`) into the
   * bytes that are framed and sent. A throw fails that `send` or `reply`; the link goes on.
   */
  outbound?: (packed: Uint8Array, message: Message) => Uint8Array;
  /**
   * Checks each inbound message, given the frame's message bytes and what they unpacked to, before
   * it is matched. A throw refuses it: it is reported (`inboundRefused` event), never matched nor put
   * on `inbound$`, and a pending request it answers fails with `RejectedMessageError`.
   */
  inbound?: (bytes: Uint8Array, message: Message) => void;
}

/**
 * Every link option's default, in one place (the docs cite it). `Infinity` means "never" or
 * "unlimited".
 */
export const DEFAULT_LINK_OPTIONS = Object.freeze({
  /** Milliseconds a `send` waits for its response. */
  sendTimeout: 30_000,
  /** Milliseconds without anything sent before `ping(conn)`. */
  idleTime: 5_000,
  /** Milliseconds without anything received before a `readTimeout` event. */
  readTimeout: 60_000,
  /** Largest inbound frame body, in bytes. */
  maxFrameLength: DEFAULT_MAX_FRAME_LENGTH,
  /** Requests awaiting a response at once. */
  maxInFlight: Infinity,
  /** Answer a zero-length frame with one. */
  echoKeepAlive: false,
  /** Inbound messages held for the first `inbound$` subscriber. */
  inboundBufferSize: 1_024,
  /** Milliseconds a closing socket may take before it is destroyed. */
  closeTimeout: 2_000,
  /** Milliseconds from a frame's first byte to its last before the link closes with `FramingError`. */
  frameTimeout: 30_000,
  /** Outbound bytes (queued + held by the socket) over which replies pause reading and sends wait. */
  maxQueuedBytes: 1_048_576,
  /** Milliseconds a socket may accept nothing before the link closes (`WriteTimeoutError`). */
  writeTimeout: 30_000,
  /** Close the link at `readTimeout`: `true` on links a server accepts, `false` on dialled links. */
  closeOnReadTimeout: { accepted: true, dialled: false },
  /** Milliseconds of idleness before TCP keep-alive probes start on dialled links (`false` = off). */
  tcpKeepAlive: 60_000,
  /** Milliseconds for TCP connect plus TLS handshake (dialled links). */
  connectTimeout: 10_000,
});

/** How a connection behaves once its socket is open: shared by clients and server-side connections. */
export interface LinkOptions {
  /** The message layout both sides use. */
  spec: MessageSpec;
  /** How messages are delimited on the stream. Default `framing.binary2()`. */
  framing?: Framing;
  /** Milliseconds a `send` waits for its response, from the call (waits for a slot or room included). Default 30 000. */
  sendTimeout?: number;
  /** Milliseconds without anything sent after which `ping(conn)` is called, repeatedly. Default 5 000. */
  idleTime?: number;
  /** Keeps an idle link alive, usually by sending an 0800 echo. Not called when absent. */
  ping?: (conn: Connection) => unknown;
  /** Milliseconds without anything received after which a `readTimeout` event fires, repeatedly. Default 60 000. */
  readTimeout?: number;
  /** Runs once the socket is open, before the connection is handed out; may send (sign-on). A rejection closes it. */
  onConnect?: (conn: Connection) => unknown;
  /** Runs at the start of a graceful `close()`; may still send (sign-off). Gets up to `sendTimeout`; a rejection is reported, the close goes on. */
  onClose?: (conn: Connection) => unknown;
  /** The correlation key of requests and responses. Default: MTI class + field 11 + field 41. Keys appear in error messages: never build one from card data. */
  requestKey?: RequestKeyFn;
  /** Largest inbound frame body in bytes; longer announced lengths fail the link. Default: the framing's (64 KiB). */
  maxFrameLength?: number;
  /** Requests written and awaiting a response, at most; the rest wait their turn (their timeout running). Default unlimited. */
  maxInFlight?: number;
  /** Answer a zero-length (keep-alive) frame with one. Default false. */
  echoKeepAlive?: boolean;
  /** Inbound messages held for the first `inbound$` subscriber, at most (the oldest is dropped). Default 1 024. */
  inboundBufferSize?: number;
  /** Milliseconds a closing socket may take to finish before it is destroyed (TLS peers can hang). Default 2 000. */
  closeTimeout?: number;
  /** Transform outbound and check inbound message bytes (MACs). Default none. */
  byteHooks?: ByteHooks;
  /**
   * Milliseconds a frame may take from its first byte to its last; then the link closes with
   * `FramingError` (a peer trickling a frame, or sending a length and stopping). Default 30 000.
   */
  frameTimeout?: number;
  /**
   * Ceiling of the link's outbound bytes: its own queue plus what the socket holds. Replies and raw
   * writes over it pause reading the socket (TCP then pushes back on a peer that sends requests
   * without reading the answers) until they drain below half; sends over it wait for room, reading
   * going on. Each queued frame counts 512 bytes besides its own (what its bookkeeping costs), so a
   * flood of tiny frames is bounded in memory, not only in wire bytes. Default 1 MiB.
   */
  maxQueuedBytes?: number;
  /**
   * Milliseconds the socket may accept nothing (its buffer full) before the link closes: every
   * pending send, reply and write settles with `ConnectionClosedError` (cause `WriteTimeoutError`)
   * and queued frames are dropped. Default 30 000.
   */
  writeTimeout?: number;
  /**
   * Close the link when `readTimeout` passes with nothing received (after the `readTimeout`
   * event; reason `error`, `ReadTimeoutError`). Default `true` on links a server accepts, `false`
   * on dialled links (which keep an idle link up with `ping`).
   */
  closeOnReadTimeout?: boolean;
  /**
   * Milliseconds `onConnect` (the sign-on) may take; then the connection is destroyed and the
   * connect fails with `ConnectError` (code `SIGN_ON_TIMEOUT`) — a host that never answers the
   * sign-on cannot hang `connect()` or `pool.connect()`. Default: the `connectTimeout` (10 000).
   */
  signOnTimeout?: number;
  /**
   * Finds, in an inbound message that is a network's reject, the request it rejects: returns that
   * request (or a message carrying its key fields) or its key; `undefined` for any other message.
   * The pending `send` of that key then fails at once with `RejectedMessageError`; the reject goes
   * to `inbound$` (never to a `serve` handler: it answers our request, it is not one to us), and
   * `reject(message)` uses it too. Built in: `rejects.visaHeader()` (Visa's reject header, with
   * `framing.base1`), `rejects.originalDataElements({ field, element })` (an 06xx naming the
   * original's MTI and STAN in field 90, or 48). Default none.
   */
  rejectedRequest?: RejectedRequestFn;
}

/** See `LinkOptions.rejectedRequest`. */
export type RejectedRequestFn = (
  message: Message,
  header: Record<string, unknown> | undefined,
) => Message | string | undefined;

/** Every `LinkOptions` key, for the unknown-option check (the compiler keeps it complete). */
export const LINK_OPTION_KEYS: KnownKeys<LinkOptions> = {
  spec: true,
  framing: true,
  sendTimeout: true,
  idleTime: true,
  ping: true,
  readTimeout: true,
  onConnect: true,
  onClose: true,
  requestKey: true,
  maxFrameLength: true,
  maxInFlight: true,
  echoKeepAlive: true,
  inboundBufferSize: true,
  closeTimeout: true,
  byteHooks: true,
  frameTimeout: true,
  maxQueuedBytes: true,
  writeTimeout: true,
  closeOnReadTimeout: true,
  signOnTimeout: true,
  rejectedRequest: true,
};

/** Everything `connect` / `createConnection$` need: where to dial, how, and the link's behaviour. */
export interface ConnectionOptions extends LinkOptions {
  /** Host name or IP address of the peer. */
  host: string;
  /** TCP port of the peer. */
  port: number;
  /** TLS: `true` for system CAs, or Node `tls.connect` options (`ca`, `cert`, `key`, `servername`). Verified by default. */
  tls?: boolean | TlsDialOptions;
  /** Milliseconds for TCP connect plus TLS handshake. Default 10 000. */
  connectTimeout?: number;
  /** Cancels connecting (and `onConnect`) when aborted. */
  signal?: AbortSignal;
  /**
   * TCP keep-alive: milliseconds of idleness before the OS starts probing, so a half-open link (the
   * peer's host gone) is found out even without `ping`; `false` turns it off. Default 60 000.
   */
  tcpKeepAlive?: number | false;
}

/** Every `ConnectionOptions` key. */
export const CONNECTION_OPTION_KEYS: KnownKeys<ConnectionOptions> = {
  ...LINK_OPTION_KEYS,
  host: true,
  port: true,
  tls: true,
  connectTimeout: true,
  signal: true,
  tcpKeepAlive: true,
};

const BYTE_HOOK_KEYS: KnownKeys<ByteHooks> = { outbound: true, inbound: true };

/** `LinkOptions` with every default filled in. */
export interface ResolvedLinkOptions {
  spec: MessageSpec;
  framing: Framing;
  sendTimeout: number;
  idleTime: number;
  ping: ((conn: Connection) => unknown) | undefined;
  readTimeout: number;
  onConnect: ((conn: Connection) => unknown) | undefined;
  onClose: ((conn: Connection) => unknown) | undefined;
  requestKey: RequestKeyFn;
  maxFrameLength: number;
  maxInFlight: number;
  echoKeepAlive: boolean;
  inboundBufferSize: number;
  closeTimeout: number;
  frameTimeout: number;
  maxQueuedBytes: number;
  writeTimeout: number;
  closeOnReadTimeout: boolean;
  signOnTimeout: number;
  rejectedRequest: RejectedRequestFn | undefined;
  outboundBytes: ByteHooks['outbound'];
  inboundBytes: ByteHooks['inbound'];
}

/** A duration option, or its default when absent. */
function duration(where: string, name: string, value: unknown, fallback: number, allowInfinity = false): number {
  return value === undefined ? fallback : positiveMilliseconds(where, `options.${name}`, value, allowInfinity);
}

/** A count option (a positive integer, or `Infinity` where allowed), or its default when absent. */
function count(where: string, name: string, value: unknown, fallback: number, allowInfinity = false): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' && ((Number.isSafeInteger(value) && value > 0) || (allowInfinity && value === Infinity));
  if (!ok) {
    throw new RangeError(
      `${where}: options.${name} must be a positive integer${allowInfinity ? ' or Infinity' : ''}, got ${describeValue(value)}`,
    );
  }
  return value;
}

function optionalFunction<T>(where: string, name: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`${where}: options.${name} must be a function, got ${describeValue(value)}`);
  }
  return value;
}

/** The framing with another frame size limit (both directions). */
function withMaxFrameLength(where: string, framing: Framing, maxFrameLength: number): Framing {
  if (framing.maxFrameLength === maxFrameLength) return framing;
  if (!(framing instanceof LengthPrefixedFraming)) {
    throw new TypeError(
      `${where}: options.maxFrameLength needs a preset framing; set the limit on your own framing instead`,
    );
  }
  const { prefix, includesHeader, fixedHeader, name } = framing;
  return new LengthPrefixedFraming(prefix, includesHeader, maxFrameLength, fixedHeader, name);
}

/**
 * Validates `LinkOptions` and fills in defaults; `where` names the caller in error messages, `side`
 * says whether the links are dialled or accepted by a server (some defaults differ).
 */
export function resolveLinkOptions(
  where: string,
  options: LinkOptions,
  side: 'dialled' | 'accepted',
  known: KnownKeys<object> = LINK_OPTION_KEYS,
): ResolvedLinkOptions {
  requireObject(where, 'options', options);
  refuseUnknownKeys(where, options, known);
  if (typeof options.spec !== 'object' || options.spec === null) {
    throw new TypeError(
      `${where}: options.spec is required (a MessageSpec such as spec87ascii), got ${describeValue(options.spec)}`,
    );
  }
  const framing = options.framing ?? binary2();
  if (typeof framing?.encode !== 'function' || typeof framing.decoder !== 'function') {
    throw new TypeError(
      `${where}: options.framing must be a Framing (e.g. framing.binary2()), got ${describeValue(framing)}`,
    );
  }
  const D = DEFAULT_LINK_OPTIONS;
  const maxInFlight = count(where, 'maxInFlight', options.maxInFlight, D.maxInFlight, true);
  const inboundBufferSize = count(where, 'inboundBufferSize', options.inboundBufferSize, D.inboundBufferSize);
  const maxFrameLength = count(where, 'maxFrameLength', options.maxFrameLength, framing.maxFrameLength);
  const limitedFraming = withMaxFrameLength(where, framing, maxFrameLength);
  for (const flag of ['echoKeepAlive', 'closeOnReadTimeout'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
      throw new TypeError(`${where}: options.${flag} must be a boolean, got ${describeValue(options[flag])}`);
    }
  }
  const hooks = options.byteHooks;
  if (hooks !== undefined) {
    requireObject(where, 'options.byteHooks', hooks);
    refuseUnknownKeys(`${where}: options.byteHooks`, hooks, BYTE_HOOK_KEYS);
  }
  const dialTimeout = (options as ConnectionOptions).connectTimeout;
  return {
    spec: options.spec,
    framing: limitedFraming,
    sendTimeout: duration(where, 'sendTimeout', options.sendTimeout, D.sendTimeout),
    idleTime: duration(where, 'idleTime', options.idleTime, D.idleTime, true),
    ping: optionalFunction(where, 'ping', options.ping),
    readTimeout: duration(where, 'readTimeout', options.readTimeout, D.readTimeout, true),
    onConnect: optionalFunction(where, 'onConnect', options.onConnect),
    onClose: optionalFunction(where, 'onClose', options.onClose),
    requestKey: optionalFunction(where, 'requestKey', options.requestKey) ?? defaultRequestKey,
    maxFrameLength,
    maxInFlight,
    echoKeepAlive: options.echoKeepAlive ?? D.echoKeepAlive,
    inboundBufferSize,
    closeTimeout: duration(where, 'closeTimeout', options.closeTimeout, D.closeTimeout),
    frameTimeout: duration(where, 'frameTimeout', options.frameTimeout, D.frameTimeout, true),
    rejectedRequest: optionalFunction(where, 'rejectedRequest', options.rejectedRequest),
    signOnTimeout: duration(
      where,
      'signOnTimeout',
      options.signOnTimeout,
      typeof dialTimeout === 'number' && dialTimeout > 0 ? dialTimeout : D.connectTimeout,
    ),
    maxQueuedBytes: count(where, 'maxQueuedBytes', options.maxQueuedBytes, D.maxQueuedBytes),
    writeTimeout: duration(where, 'writeTimeout', options.writeTimeout, D.writeTimeout),
    closeOnReadTimeout: options.closeOnReadTimeout ?? D.closeOnReadTimeout[side],
    outboundBytes: optionalFunction(where, 'byteHooks.outbound', hooks?.outbound),
    inboundBytes: optionalFunction(where, 'byteHooks.inbound', hooks?.inbound),
  };
}

const CLOSE_OPTION_KEYS: KnownKeys<CloseOptions> = { drainTimeout: true };

/** Validates the options of a `close()` (connection, server, pool); returns the drain timeout, if any. */
export function resolveCloseOptions(where: string, options: CloseOptions | undefined): number | undefined {
  if (options === undefined) return undefined;
  requireObject(where, 'options', options);
  refuseUnknownKeys(where, options, CLOSE_OPTION_KEYS);
  const { drainTimeout } = options;
  return drainTimeout === undefined ? undefined : positiveMilliseconds(where, 'options.drainTimeout', drainTimeout);
}

/** Validates the dialing part of `ConnectionOptions`. */
export function validateDialOptions(
  where: string,
  options: ConnectionOptions,
): { connectTimeout: number; tcpKeepAlive: number | false } {
  requireObject(where, 'options', options);
  refuseUnknownKeys(where, options, CONNECTION_OPTION_KEYS);
  if (typeof options.host !== 'string' || options.host === '') {
    throw new TypeError(`${where}: options.host must be a non-empty string, got ${describeValue(options.host)}`);
  }
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535) {
    throw new RangeError(
      `${where}: options.port must be an integer from 1 to 65535, got ${describeValue(options.port)}`,
    );
  }
  const tls = options.tls;
  if (tls !== undefined && typeof tls !== 'boolean' && (typeof tls !== 'object' || tls === null)) {
    throw new TypeError(`${where}: options.tls must be true or tls.connect options, got ${describeValue(tls)}`);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new TypeError(`${where}: options.signal must be an AbortSignal, got ${describeValue(options.signal)}`);
  }
  const D = DEFAULT_LINK_OPTIONS;
  const keepAlive = options.tcpKeepAlive;
  return {
    connectTimeout: duration(where, 'connectTimeout', options.connectTimeout, D.connectTimeout),
    tcpKeepAlive: keepAlive === false ? false : duration(where, 'tcpKeepAlive', keepAlive, D.tcpKeepAlive),
  };
}
