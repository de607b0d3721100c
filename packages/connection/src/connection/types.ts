import type { Message } from '@rx8583/iso8583';
import type { Observable } from 'rxjs';
import type { ConnectionEvent, ConnectionStatus } from './events';
import type { TrafficListener, TrafficRecord } from './traffic';
import type { RequestHandler, ServeOptions } from './request-handler';

/** Who ended a connection: we did (`close()`), the peer did, or a failure (network, framing). */
export type CloseReason = 'local' | 'peer' | 'error';

/** What `Connection.closed` resolves with. */
export interface CloseInfo {
  /** Who ended it. */
  reason: CloseReason;
  /** The failure, when `reason` is `'error'` (a socket error, a `FramingError`, ...). */
  error?: Error;
}

/** Where a connection is in its life. */
export type ConnectionState = 'open' | 'closing' | 'closed';

/** Options of a graceful `close()`. */
export interface CloseOptions {
  /**
   * Milliseconds from the call after which requests still awaiting their response (and `serve`
   * handlers still running, and an `onClose` still signing off) are given up: pending sends fail
   * with `ConnectionClosedError` and the socket ends. Distinct from `closeTimeout`, the grace a
   * closing socket gets to finish. Default: none — each request waits out its own send timeout.
   */
  drainTimeout?: number;
}

/** Per-call options of `send`. */
export interface SendOptions {
  /** Milliseconds to wait for the response, counted from this call (waiting for a slot or room included). */
  timeout?: number;
  /** Network header for framings that carry one (`framing.withHeader`). */
  header?: Record<string, unknown>;
}

/** Per-call options of `reply` and `write`. */
export interface ReplyOptions {
  /**
   * Network header for framings that carry one. Defaults, for `reply`, to the reply header
   * derived from the header the `request` arrived with (e.g. a TPDU with source and destination
   * swapped).
   */
  header?: Record<string, unknown>;
  /** The inbound request this answers, whose network header the reply mirrors. */
  request?: Message;
}

/**
 * One live ISO 8583 link, from `connect`, `createConnection$` or a server's `connections$`.
 *
 * @example
 * ```ts
 * const conn = await connect({ host: '127.0.0.1', port: 8583, spec: spec87ascii });
 * conn.inbound$.subscribe((request) => conn.reply(approve(request)));
 * const response = await conn.send(authorization, { timeout: 5_000 });
 * await conn.close();
 * ```
 */
export interface Connection {
  /** `host:port` of the peer. */
  readonly remoteAddress: string;
  /** `open`, then `closing` during a graceful `close()`, then `closed`. */
  readonly state: ConnectionState;
  /** Requests pending now: written and awaiting their response, or waiting for a `maxInFlight` slot or room. */
  readonly inFlight: number;
  /**
   * Sends a request and resolves with its response. Rejects with `SendTimeoutError`,
   * `ConnectionClosedError`, `PackError` (the connection stays up), `DuplicateRequestError`,
   * `RequestKeyError` or `RejectedMessageError`.
   */
  send(message: Message, options?: SendOptions): Promise<Message>;
  /** `send` as a cold Observable: sends on subscribe; unsubscribing abandons the request. */
  send$(message: Message, options?: SendOptions): Observable<Message>;
  /** Writes a message that expects no response (a reply to a peer's request). */
  reply(message: Message, options?: ReplyOptions): Promise<void>;
  /** Writes a raw frame body (framed, in order with everything else sent). */
  write(body: Uint8Array, options?: Omit<ReplyOptions, 'request'>): Promise<void>;
  /**
   * Requests from the peer, and responses that matched no pending request (late or unknown).
   * Messages that arrive before the first subscription are held for it, up to a bound.
   */
  readonly inbound$: Observable<Message>;
  /**
   * Answers every request the peer sends with `handler` — also the requests held before anyone
   * subscribed to `inbound$`. From then on `inbound$` carries only late and unmatched responses.
   * A handler that fails is reported (`handlerError` on `events$`) and never crashes the process.
   *
   * @throws TypeError | RangeError for a bad handler or options, Error when already serving.
   * @example
   * ```ts
   * conn.serve((request) => request.toResponse({ 39: '00' }));
   * ```
   */
  serve(handler: RequestHandler, options?: ServeOptions): void;
  /** Lifecycle and diagnostics; completes after `closed`. */
  readonly events$: Observable<ConnectionEvent>;
  /**
   * Every message in and out — direction, time, outcome, the frame's message bytes — for metrics,
   * monitors and audit logs. Hot: a subscriber sees what happens from then on; it never takes
   * messages from `inbound$` (held messages stay held for `inbound$`'s first subscriber), and
   * while nobody subscribes it costs nothing. Completes after `closed`.
   */
  readonly traffic$: Observable<TrafficRecord>;
  /**
   * The same records as `traffic$`, handed straight to `listener.next` without an Observable per
   * record — for consumers of every record of busy links (`metrics$` is one). `listener.complete`
   * runs when the link is gone (at once if it already is); the returned function stops listening.
   * A listener that throws does not disturb the link: its error is reported as RxJS reports a
   * subscriber's (`config.onUnhandledError`, else thrown from a timer).
   *
   * @example
   * ```ts
   * let responses = 0;
   * const stop = conn.listenTraffic({ next: (record) => void (record.outcome === 'matched' && responses++) });
   * // ... later
   * stop();
   * ```
   */
  listenTraffic(listener: TrafficListener): () => void;
  /** The application's status for this connection (never set by the library). */
  status: ConnectionStatus;
  /** `status` as a stream: the current value, then each change; completes on close. */
  readonly status$: Observable<ConnectionStatus>;
  /** Reads application metadata stored with `set`. */
  get<T = unknown>(key: string): T | undefined;
  /** Stores application metadata on the connection (terminal id, session keys' ids, ...). */
  set(key: string, value: unknown): void;
  /**
   * Settles a pending `send` with `RejectedMessageError`. Takes the request, a message with the
   * same key, its key, or a network's reject message that the `rejectedRequest` option recognises
   * (an 0620 naming the original in field 90, say). False when none is pending.
   */
  reject(request: Message | string, reason: string | Error): boolean;
  /**
   * Closes gracefully: refuses new sends, runs `onClose` (which may still send, e.g. a
   * sign-off), waits for in-flight requests (each bounded by its timeout) and for running `serve`
   * handlers, then ends the socket. With `drainTimeout`, whatever is still pending that many ms
   * after the call fails with `ConnectionClosedError` and the socket ends. Idempotent (a later
   * call's `drainTimeout` is ignored); resolves when the socket is closed.
   */
  close(options?: CloseOptions): Promise<void>;
  /**
   * Ends the connection at once, without `onClose` or waiting: the socket is destroyed and
   * everything pending fails with `ConnectionClosedError` (its `cause` is `error` when given, and
   * `closed` then resolves with reason `'error'`, else `'local'`).
   */
  destroy(error?: Error): void;
  /** Resolves (never rejects) when the connection is gone, with who ended it. */
  readonly closed: Promise<CloseInfo>;
  /** The network header the message arrived with, for framings that carry one. */
  headerOf(message: Message): Record<string, unknown> | undefined;
}
