import type { MessageSpec } from '@rx8583/iso8583';
import { LengthPrefixedFraming } from '../framing/length-prefixed-framing';
import { binary2 } from '../framing/presets';
import type { Framing } from '../framing/types';
import type { TlsDialOptions } from './dial';
import { defaultRequestKey, type RequestKeyFn } from './request-key';
import type { Connection } from './types';

/** How a connection behaves once its socket is open: shared by clients and server-side connections. */
export interface LinkOptions {
  /** The message layout both sides use. */
  spec: MessageSpec;
  /** How messages are delimited on the stream. Default `framing.binary2()`. */
  framing?: Framing;
  /** Milliseconds a `send` waits for its response, from when it is written. Default 30 000. */
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
  /** Requests written and awaiting a response, at most; the rest wait their turn. Default unlimited. */
  maxInFlight?: number;
  /** Answer a zero-length (keep-alive) frame with one. Default false. */
  echoKeepAlive?: boolean;
  /** Inbound messages held for the first `inbound$` subscriber, at most (the oldest is dropped). Default 1 024. */
  inboundBufferSize?: number;
  /** Milliseconds a closing socket may take to finish before it is destroyed (TLS peers can hang). Default 2 000. */
  closeTimeout?: number;
}

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
}

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
}

// Node timers overflow above this and fire at once.
const MAX_TIMER_DELAY = 2_147_483_647;

function positive(where: string, name: string, value: unknown, fallback: number, allowInfinity: boolean): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' && value > 0 && (value <= MAX_TIMER_DELAY || (allowInfinity && value === Infinity));
  if (!ok) {
    const what = `a positive number up to ${MAX_TIMER_DELAY}${allowInfinity ? ' or Infinity' : ''}`;
    throw new RangeError(`${where}: options.${name} must be ${what}, got ${String(value)}`);
  }
  return value;
}

function optionalFunction<T>(where: string, name: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`${where}: options.${name} must be a function`);
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

/** Validates `LinkOptions` and fills in defaults; `where` names the caller in error messages. */
export function resolveLinkOptions(where: string, options: LinkOptions): ResolvedLinkOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${where}: options must be an object`);
  if (typeof options.spec !== 'object' || options.spec === null) {
    throw new TypeError(`${where}: options.spec is required (a MessageSpec such as spec87ascii)`);
  }
  const framing = options.framing ?? binary2();
  if (typeof framing.encode !== 'function' || typeof framing.decoder !== 'function') {
    throw new TypeError(`${where}: options.framing must be a Framing (e.g. framing.binary2())`);
  }
  const maxInFlight = positive(where, 'maxInFlight', options.maxInFlight, Infinity, true);
  if (maxInFlight !== Infinity && !Number.isInteger(maxInFlight)) {
    throw new RangeError(`${where}: options.maxInFlight must be a positive integer, got ${maxInFlight}`);
  }
  const inboundBufferSize = positive(where, 'inboundBufferSize', options.inboundBufferSize, 1024, false);
  const maxFrameLength = positive(where, 'maxFrameLength', options.maxFrameLength, framing.maxFrameLength, false);
  if (!Number.isInteger(maxFrameLength) || !Number.isInteger(inboundBufferSize)) {
    throw new RangeError(`${where}: options.maxFrameLength and options.inboundBufferSize must be integers`);
  }
  const limitedFraming = withMaxFrameLength(where, framing, maxFrameLength);
  if (options.echoKeepAlive !== undefined && typeof options.echoKeepAlive !== 'boolean') {
    throw new TypeError(`${where}: options.echoKeepAlive must be a boolean`);
  }
  return {
    spec: options.spec,
    framing: limitedFraming,
    sendTimeout: positive(where, 'sendTimeout', options.sendTimeout, 30_000, false),
    idleTime: positive(where, 'idleTime', options.idleTime, 5_000, true),
    ping: optionalFunction(where, 'ping', options.ping),
    readTimeout: positive(where, 'readTimeout', options.readTimeout, 60_000, true),
    onConnect: optionalFunction(where, 'onConnect', options.onConnect),
    onClose: optionalFunction(where, 'onClose', options.onClose),
    requestKey: optionalFunction(where, 'requestKey', options.requestKey) ?? defaultRequestKey,
    maxFrameLength,
    maxInFlight,
    echoKeepAlive: options.echoKeepAlive ?? false,
    inboundBufferSize,
    closeTimeout: positive(where, 'closeTimeout', options.closeTimeout, 2_000, false),
  };
}

/** Validates the dialing part of `ConnectionOptions`; returns the connect timeout. */
export function validateDialOptions(where: string, options: ConnectionOptions): number {
  if (typeof options.host !== 'string' || options.host === '') {
    throw new TypeError(`${where}: options.host must be a non-empty string`);
  }
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535) {
    throw new RangeError(`${where}: options.port must be an integer from 1 to 65535, got ${String(options.port)}`);
  }
  const tls = options.tls;
  if (tls !== undefined && typeof tls !== 'boolean' && (typeof tls !== 'object' || tls === null)) {
    throw new TypeError(`${where}: options.tls must be true or tls.connect options`);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new TypeError(`${where}: options.signal must be an AbortSignal`);
  }
  return positive(where, 'connectTimeout', options.connectTimeout, 10_000, false);
}

/** Validates a per-call `send` timeout. */
export function checkSendTimeout(timeout: unknown): number {
  if (typeof timeout !== 'number' || !(timeout > 0) || timeout > MAX_TIMER_DELAY) {
    throw new RangeError(`send: options.timeout must be a positive number of milliseconds, got ${String(timeout)}`);
  }
  return timeout;
}
