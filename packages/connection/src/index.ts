// @rx8583/connection: the public API, listed explicitly.

// framing and operators
export * from './framing/index';
