// Our declarations use Node types (Buffer, node:net, node:tls); this makes the shipped index.d.ts load them
// itself, since TypeScript 6 no longer loads @types/node unless a project lists it.
/// <reference types="node" preserve="true" />
// @rx8583/connection: the public API, listed by name.

// framing
export { framing } from './framing/index';
export type { Frame, FrameDecoder, Framing, FramingOptions } from './framing/types';
export type { HeaderLayout, WithHeaderOptions } from './framing/with-header';
export type { Base1Header, Base1Options } from './framing/base1';
export type { LengthEncoding, LengthPrefix } from './framing/length-prefix';
export { LengthPrefixedFraming, type FixedHeaderCodec } from './framing/length-prefixed-framing';
export { DEFAULT_MAX_FRAME_LENGTH } from './framing/presets';
export { tpdu, swapTpdu, type Tpdu } from './framing/tpdu';

// operators
export { decodeFrames, type DecodeFramesConfig } from './operators/decode-frames';
export { decodeMessages, type DecodedFrame } from './operators/decode-messages';
export { matchResponse, type ResponseTarget } from './operators/match-response';
export { defaultRequestKey, isResponseMti, mtiClass, type RequestKeyFn } from './operators/request-key';
export { idlePing, type IdlePingConfig } from './operators/idle-ping';
export { readTimeout, type ReadTimeoutConfig } from './operators/read-timeout';
export { backoffDelay, type BackoffSchedule } from './operators/backoff';
export { retryWithBackoff, type RetryWithBackoffConfig, type RetryNotice } from './operators/retry-with-backoff';

// connection
export { createConnection$, connect } from './connection/create-connection';
export {
  DEFAULT_LINK_OPTIONS,
  type ConnectionOptions,
  type LinkOptions,
  type ByteHooks,
  type RejectedRequestFn,
} from './connection/options';
export type { TlsDialOptions } from './connection/dial';
export type {
  Connection,
  ConnectionState,
  CloseInfo,
  CloseReason,
  CloseOptions,
  SendOptions,
  ReplyOptions,
} from './connection/types';
export { rejects, type OriginalDataOptions } from './connection/rejects';
export {
  defaultFailureReply,
  DEFAULT_SERVE_CONCURRENCY,
  DEFAULT_SERVE_TIMEOUT,
  type RequestHandler,
  type HandlerResult,
  type FailureReply,
  type ServeOptions,
} from './connection/request-handler';
export type {
  ConnectionEvent,
  ConnectionStatus,
  ConnectionConnectedEvent,
  ConnectionClosingEvent,
  ConnectionPingEvent,
  ConnectionReadTimeoutEvent,
  ConnectionKeepAliveEvent,
  ConnectionUnpackErrorEvent,
  ConnectionInboundRefusedEvent,
  ConnectionHandlerErrorEvent,
  ConnectionErrorEvent,
  ConnectionClosedEvent,
} from './connection/events';
export type { TrafficRecord, TrafficOutcome, TrafficListener } from './connection/traffic';

// pool
export { createPool } from './pool/pool';
export { DEFAULT_RECONNECT } from './pool/options';
export { routingHash } from './pool/route';
export type {
  Pool,
  PoolOptions,
  PoolEvent,
  PoolUpEvent,
  PoolDownEvent,
  PoolRetryEvent,
  PoolErrorEvent,
  PoolClosedEvent,
  PoolSummary,
  GetOptions,
} from './pool/types';

// server
export { createServer, DEFAULT_SERVER_OPTIONS } from './server/server';
export type {
  Server,
  ServerOptions,
  ServerSummary,
  ServerRejectReason,
  ServerEvent,
  ServerListeningEvent,
  ServerConnectionEvent,
  ServerRejectedEvent,
  ServerTlsErrorEvent,
  ServerConnectFailedEvent,
  ServerErrorEvent,
  ServerClosedEvent,
  TlsServerOptions,
} from './server/server-types';

// errors
export {
  Rx8583Error,
  SendTimeoutError,
  WriteTimeoutError,
  ReadTimeoutError,
  ConnectionClosedError,
  ConnectError,
  ClientCertificateError,
  ConnectTimeoutError,
  RequestKeyError,
  InboundOverflowError,
  DuplicateRequestError,
  RejectedMessageError,
  HandlerResultError,
  HandlerTimeoutError,
  SpecMismatchError,
  FramingError,
  NoConnectionsError,
  PoolClosedError,
  TlsHandshakeTimeoutError,
  TlsMismatchError,
} from './errors';
