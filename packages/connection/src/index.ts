// @rx8583/connection: the public API, listed explicitly.

// framing and operators
export * from './framing/index';
export { decodeFrames } from './operators/decode-frames';
export { decodeMessages, type DecodedFrame } from './operators/decode-messages';
export { idlePing, type IdlePingConfig } from './operators/idle-ping';
export { readTimeout, type ReadTimeoutConfig } from './operators/read-timeout';
export { backoffDelay, assertBackoffSchedule, type BackoffSchedule } from './operators/backoff';
export { retryWithBackoff, DEFAULT_JITTER, type RetryWithBackoffConfig, type RetryNotice } from './operators/retry-with-backoff';

// pool
export * from './pool/index';
