import type { Message } from '@rx8583/iso8583';
import type { Observable } from 'rxjs';
import type { Connection } from './types';
import { positiveMilliseconds } from '../milliseconds';
import { describeValue, refuseUnknownKeys, requireObject, type KnownKeys } from '../option-checks';

/**
 * What a {@link RequestHandler} gives back: the reply, nothing (no reply is sent), or a Promise or
 * Observable of either. Of an Observable the first value is the reply; one that completes without
 * a value sends none; a second value is reported (`handlerError`) and never sent.
 */
export type HandlerResult =
  Message | void | undefined | PromiseLike<Message | void | undefined> | Observable<Message | void | undefined>;

/**
 * Answers one inbound request: `server.serve(handler)`, `conn.serve(handler)` — and the packages
 * above the core (the Nest transport, the NATS workers) take the same type. It gets each request
 * the peer sends (never a response: late and unmatched responses stay on `inbound$`) and the
 * connection it came on.
 *
 * A handler that throws or rejects, or whose reply fails to pack, never takes the process or the
 * link down: the failure is reported on the connection's `events$` as a `handlerError` and the
 * request gets the answer of `ServeOptions.failureReply`.
 *
 * @example
 * ```ts
 * const issuer: RequestHandler = async (request) => {
 *   if (request.mti === '0800') return request.toResponse({ 39: '00' });
 *   const approved = await ledger.authorize(request.getString(4));
 *   return request.toResponse({ 39: approved ? '00' : '51' });
 * };
 * server.serve(issuer);
 * ```
 */
export type RequestHandler = (request: Message, connection: Connection) => HandlerResult;

/**
 * The answer to a request whose handler failed, or `undefined` for none. Must not throw; if it
 * does, or its answer fails to pack, that is reported too and the request gets no answer.
 */
export type FailureReply = (request: Message, error: Error) => Message | undefined;

/** How `serve` runs its handler. */
export interface ServeOptions {
  /**
   * Requests of one link handled at once. At the bound the link stops reading its socket — as
   * with a full reply queue — so TCP pushes back on a peer that sends faster than the handler
   * answers; reading resumes when a handler finishes. Default 128.
   */
  concurrency?: number;
  /**
   * Milliseconds a handler may take for one request. Then the request counts as failed — a
   * `handlerError` with `HandlerTimeoutError`, answered by `failureReply` (96 to an authorization,
   * nothing to an advice or reversal) — its concurrency slot is freed, and whatever the handler
   * gives back later is dropped. Default {@link DEFAULT_SERVE_TIMEOUT} (25 000): below the 30 s a
   * client waits by default, so it gets the 96 instead of its own timeout. `Infinity` disables.
   */
  timeout?: number;
  /**
   * The answer to a request whose handler threw, rejected, returned something that is not a
   * message, or whose reply failed to pack. Default {@link defaultFailureReply}: 96 (system
   * malfunction) to authorization and financial requests, no answer to anything else.
   */
  failureReply?: FailureReply;
}

/** `ServeOptions` with the defaults filled in. */
export interface ResolvedServeOptions {
  concurrency: number;
  timeout: number;
  failureReply: FailureReply;
}

const SERVE_OPTION_KEYS: KnownKeys<ServeOptions> = { concurrency: true, timeout: true, failureReply: true };

/** Default requests handled at once on one link. */
export const DEFAULT_SERVE_CONCURRENCY = 128;

/** Default milliseconds a handler may take for one request. */
export const DEFAULT_SERVE_TIMEOUT = 25_000;

const ZERO = 0x30;

/**
 * The default `failureReply`: a request of class 1 (authorization) or 2 (financial) with function
 * 0 (a request, repeats included: 0100, 0101, 0200, 1200, ...) is answered with its response and
 * 39 = `96` (system malfunction), so the acquirer declines at once instead of waiting for its
 * timeout. Advices (x1x2, x2x2, x1x20...), reversals (04xx), network management (08xx) and every
 * other class get **no** answer: an acquirer keeps an unanswered advice or reversal in its
 * store-and-forward queue and repeats it, where an answer — even a decline — would make it drop
 * the message.
 */
export function defaultFailureReply(request: Message): Message | undefined {
  const mti = request.mti;
  const messageClass = mti.charCodeAt(1) - ZERO;
  const messageFunction = mti.charCodeAt(2) - ZERO;
  if (mti.length !== 4 || messageFunction !== 0 || (messageClass !== 1 && messageClass !== 2)) return undefined;
  return request.toResponse({ 39: '96' });
}

/** Validates `serve`'s arguments up front; `where` names the caller. */
export function resolveServeOptions(where: string, handler: unknown, options: unknown = {}): ResolvedServeOptions {
  if (typeof handler !== 'function') {
    throw new TypeError(
      `${where}: handler must be a function (request, connection) => reply, got ${describeValue(handler)}`,
    );
  }
  requireObject(where, 'options', options);
  refuseUnknownKeys(where, options, SERVE_OPTION_KEYS);
  const {
    concurrency = DEFAULT_SERVE_CONCURRENCY,
    timeout = DEFAULT_SERVE_TIMEOUT,
    failureReply = defaultFailureReply,
  } = options as ServeOptions;
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`${where}: options.concurrency must be a positive integer, got ${describeValue(concurrency)}`);
  }
  positiveMilliseconds(where, 'options.timeout', timeout, true);
  if (typeof failureReply !== 'function') {
    throw new TypeError(`${where}: options.failureReply must be a function, got ${describeValue(failureReply)}`);
  }
  return { concurrency, timeout, failureReply };
}
