import type { UnpackError } from '@rx8583/iso8583';
import { Observable } from 'rxjs';
import type { LinkEnd } from './link-end';
import { Multicast } from './multicast';
import type { CloseReason } from './types';

/** The link is up (replayed to every new subscriber of `events$` while open). */
export interface ConnectionConnectedEvent {
  type: 'connected';
  /** `host:port` of the peer. */
  remoteAddress: string;
}

/** A graceful `close()` began: no new sends; `onClose` and in-flight requests still run. */
export interface ConnectionClosingEvent {
  type: 'closing';
}

/** Nothing was sent for `idleTime`: `ping(conn)` was called. */
export interface ConnectionPingEvent {
  type: 'ping';
}

/** Nothing arrived for `readTimeout` ms (with `closeOnReadTimeout`, the link closes right after). */
export interface ConnectionReadTimeoutEvent {
  type: 'readTimeout';
  /** The timeout that passed, in milliseconds. */
  timeout: number;
}

/** A zero-length frame arrived; `echoed` when one was sent back (`echoKeepAlive`). */
export interface ConnectionKeepAliveEvent {
  type: 'keepAlive';
  echoed: boolean;
}

/** An inbound frame could not be unpacked; it was dropped and the connection goes on. */
export interface ConnectionUnpackErrorEvent {
  type: 'unpackError';
  /** Names the field and offset; never a value. */
  error: UnpackError;
}

/**
 * The `byteHooks.inbound` check refused an inbound message (a bad MAC): it was neither matched nor
 * put on `inbound$`; a pending request it answered fails with `RejectedMessageError`.
 */
export interface ConnectionInboundRefusedEvent {
  type: 'inboundRefused';
  /** MTI of the refused message. */
  mti: string;
  /** What the check threw. */
  error: Error;
}

/**
 * A `serve` handler failed on a request: it threw, rejected, gave back something that is not a
 * message, or its reply failed to pack. Carries the request's MTI and key, never its fields.
 */
export interface ConnectionHandlerErrorEvent {
  type: 'handlerError';
  /** MTI of the request. */
  mti: string;
  /** The request's correlation key; undefined when it has none (no STAN, a throwing `requestKey`). */
  key: string | undefined;
  /** The handler's error, the reply's `PackError`, or a `HandlerResultError`. */
  error: Error;
  /** Whether `failureReply` answered the request (default: 96 to authorization and financial requests). */
  answered: boolean;
}

/** A failure that belongs to no caller: a `ping` or `onClose` that threw, an overflow, ... */
export interface ConnectionErrorEvent {
  type: 'error';
  error: Error;
}

/** The connection is gone (the last event). */
export interface ConnectionClosedEvent {
  type: 'closed';
  /** Who ended it. */
  reason: CloseReason;
  /** The failure, when `reason` is `'error'`. */
  error?: Error;
}

/** Everything notable that happens on a connection, by `type`. */
export type ConnectionEvent =
  | ConnectionConnectedEvent
  | ConnectionClosingEvent
  | ConnectionPingEvent
  | ConnectionReadTimeoutEvent
  | ConnectionKeepAliveEvent
  | ConnectionUnpackErrorEvent
  | ConnectionInboundRefusedEvent
  | ConnectionHandlerErrorEvent
  | ConnectionErrorEvent
  | ConnectionClosedEvent;

/**
 * A status the application owns (the library never sets it), e.g. `'online'` after sign-on;
 * a pool's filter can select on it. Starts as `'unknown'`.
 */
export type ConnectionStatus = 'online' | 'offline' | 'unknown' | (string & {});

/**
 * What a connection tells the outside world besides messages: the `events$` stream (which
 * replays `connected` to each new subscriber while open, and `closed` once the link is gone) and
 * the application-owned `status`.
 */
export class ConnectionSignals {
  // The streams and their subscriber lists are made by their first use: most accepted links are
  // never observed. The lists are `Multicast`s, as `inbound$`'s and `traffic$`'s are (lighter than
  // a Subject: see multicast.ts).
  private events: Multicast<ConnectionEvent> | undefined = undefined;
  private statusChanges: Multicast<ConnectionStatus> | undefined = undefined;
  private eventStream: Observable<ConnectionEvent> | undefined = undefined;
  private statusStream: Observable<ConnectionStatus> | undefined = undefined;
  private current: ConnectionStatus = 'unknown';

  constructor(
    private readonly remoteAddress: string,
    private readonly end: LinkEnd,
  ) {}

  get events$(): Observable<ConnectionEvent> {
    return (this.eventStream ??= new Observable<ConnectionEvent>((subscriber) => {
      if (this.end.isGone) {
        subscriber.next(closedEvent(this.end));
        subscriber.complete();
        return undefined;
      }
      subscriber.next({ type: 'connected', remoteAddress: this.remoteAddress });
      return (this.events ??= new Multicast<ConnectionEvent>()).listen(subscriber);
    }));
  }

  /** The current status, then each change (a change made while the current one is handed over included). */
  get status$(): Observable<ConnectionStatus> {
    return (this.statusStream ??= new Observable<ConnectionStatus>((subscriber) => {
      if (this.end.isGone) {
        subscriber.complete();
        return undefined;
      }
      const stop = (this.statusChanges ??= new Multicast<ConnectionStatus>()).listen(subscriber);
      subscriber.next(this.current);
      return stop;
    }));
  }

  emit(event: ConnectionEvent): void {
    this.events?.next(event);
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  set status(value: ConnectionStatus) {
    if (typeof value !== 'string') throw new TypeError('status must be a string');
    if (value === this.current || this.end.isGone) return;
    this.current = value;
    this.statusChanges?.next(value);
  }

  /** The link is gone: emits the final `closed` event and completes both streams. */
  finish(): void {
    this.events?.next(closedEvent(this.end));
    this.events?.complete();
    this.statusChanges?.complete();
  }
}

function closedEvent(end: LinkEnd): ConnectionClosedEvent {
  return { type: 'closed', ...end.info! };
}
