// Our declarations use Node types (Buffer, node:net, node:tls); this makes the shipped index.d.ts load them
// itself, since TypeScript 6 no longer loads @types/node unless a project lists it.
/// <reference types="node" preserve="true" />
// @rx8583/connection: the public API, listed explicitly.

// framing and operators
export * from './framing/index';
export { decodeFrames, type DecodeFramesConfig } from './operators/decode-frames';
export { decodeMessages, type DecodedFrame } from './operators/decode-messages';
export { idlePing, type IdlePingConfig } from './operators/idle-ping';
export { readTimeout, type ReadTimeoutConfig } from './operators/read-timeout';
export { backoffDelay, assertBackoffSchedule, type BackoffSchedule } from './operators/backoff';
export {
  retryWithBackoff,
  DEFAULT_JITTER,
  type RetryWithBackoffConfig,
  type RetryNotice,
} from './operators/retry-with-backoff';

// pool
export * from './pool/index';

// connection and server
export { createConnection$, connect } from './connection/create-connection';
export type { ConnectionOptions, LinkOptions } from './connection/options';
export type { TlsDialOptions } from './connection/dial';
export type {
  Connection,
  ConnectionEvent,
  ConnectionState,
  ConnectionStatus,
  CloseInfo,
  CloseReason,
  SendOptions,
  ReplyOptions,
} from './connection/types';
export {
  defaultFailureReply,
  DEFAULT_SERVE_CONCURRENCY,
  type RequestHandler,
  type HandlerResult,
  type FailureReply,
  type ServeOptions,
} from './connection/request-handler';
export { defaultRequestKey, isResponseMti, mtiClass, type RequestKeyFn } from './connection/request-key';
export { matchResponse, type ResponseTarget } from './operators/match-response';
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
export {
  Rx8583Error,
  SendTimeoutError,
  WriteTimeoutError,
  ConnectionClosedError,
  ConnectError,
  ClientCertificateError,
  ConnectTimeoutError,
  RequestKeyError,
  InboundOverflowError,
  DuplicateRequestError,
  RejectedMessageError,
  HandlerResultError,
  FramingError,
  NoConnectionsError,
  PoolClosedError,
  TlsHandshakeTimeoutError,
  TlsMismatchError,
} from './errors';
