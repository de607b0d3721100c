import type { Observable } from 'rxjs';
import type { ConnectionOptions } from '../connection/options';
import type { CloseOptions, CloseReason, Connection } from '../connection/types';
import type { BackoffSchedule } from '../operators/backoff';

/** What `createPool` takes. */
export interface PoolOptions {
  /**
   * One link per entry, each handed to `connection` (e.g. `'10.0.0.5:8583'`). Repeat an address
   * for several links to one host.
   */
  addresses: readonly string[];
  /**
   * The options of a link to `address`. Called before every dial, so it may return fresh options
   * (credentials, a rotated certificate); it may be async. A throw or a rejection counts as a
   * failed dial: reported, then retried on the backoff schedule like any other failure.
   */
  connection: (address: string) => ConnectionOptions | Promise<ConnectionOptions>;
  /** Links that must be up (sign-on included) for `connect()` to resolve. Default 1; 0 resolves at once. */
  minConnections?: number;
  /**
   * Waits between attempts on one address, in ms: `initial`, doubling up to `max`, each spread
   * by ±`jitter`. Default `{ initial: 1_000, max: 30_000, jitter: 0.2 }`; missing fields take these.
   */
  reconnect?: Partial<BackoffSchedule>;
  /** Which open links `get()` may hand out, e.g. `(conn) => conn.status === 'online'`. Default: all. */
  filter?: (conn: Connection) => boolean;
}

/** Per-call options of `Pool.get`. */
export interface GetOptions {
  /**
   * Route by a stable hash of this key (e.g. a terminal id or the original STAN) so related
   * messages, such as a reversal and its original, take the same link while it is usable.
   */
  key?: string | number;
}

/** A link came up (after its sign-on) and joined the pool. `index` is the address's position. */
export interface PoolUpEvent {
  type: 'up';
  address: string;
  index: number;
  connection: Connection;
}

/** A link left the pool: closed by the peer, by a failure, or locally. */
export interface PoolDownEvent {
  type: 'down';
  address: string;
  index: number;
  reason: CloseReason;
  error?: Error;
}

/** A dial or a link failed; the next attempt on this address comes after `delay` ms. */
export interface PoolRetryEvent {
  type: 'retry';
  address: string;
  index: number;
  attempt: number;
  delay: number;
  error: unknown;
}

/** A failure that belongs to no link attempt: a filter that threw, a close that failed. */
export interface PoolErrorEvent {
  type: 'error';
  error: unknown;
  address?: string;
  index?: number;
}

/** The pool closed (the last event). */
export interface PoolClosedEvent {
  type: 'closed';
}

/** Everything notable that happens in a pool, by `type`. */
export type PoolEvent = PoolUpEvent | PoolDownEvent | PoolRetryEvent | PoolErrorEvent | PoolClosedEvent;

/** A pool at a glance, as `toJSON()` gives it and `util.inspect` prints it. */
export interface PoolSummary {
  state: 'idle' | 'connecting' | 'up' | 'degraded' | 'down' | 'closed';
  /** Usable links now (what `get()` chooses from). */
  up: number;
  /** One entry per address: whether its link is usable right now. */
  links: ReadonlyArray<{ address: string; up: boolean }>;
}

/**
 * Several ISO 8583 links that heal themselves: every address is dialled, redialled with backoff
 * when it drops, and `get()` hands out a usable link.
 *
 * @example
 * ```ts
 * const pool = createPool({
 *   addresses: ['10.0.0.5:8583', '10.0.0.6:8583'],
 *   connection: (address) => ({ ...hostAndPort(address), spec: spec87ascii, onConnect: signOn }),
 *   filter: (conn) => conn.status === 'online',
 * });
 * await pool.connect();
 * const response = await (await pool.get()).send(authorization);
 * await pool.close();
 * ```
 */
export interface Pool {
  /**
   * Starts dialling every address; resolves once `minConnections` links are up. Rejects with
   * `NoConnectionsError` (naming each failed address) when they cannot be, after closing the
   * pool; with `PoolClosedError` after `close()`. Calling it again returns the same promise.
   */
  connect(): Promise<void>;
  /**
   * The next usable link, round-robin (or by `key`): open and passing `filter`, never one that is
   * closing. Rejects with `NoConnectionsError` when there is none, `PoolClosedError` after `close()`.
   */
  get(options?: GetOptions): Promise<Connection>;
  /** The usable links now (what `get()` chooses from). */
  readonly connections: readonly Connection[];
  /** The usable links: the current set, then the set after every change; completes on close. */
  readonly connections$: Observable<readonly Connection[]>;
  /** Link up/down, retries with their wait, errors; completes after `closed`. */
  readonly events$: Observable<PoolEvent>;
  /** At least one usable link. */
  isUp(): boolean;
  /** Fewer usable links than addresses. */
  isDegraded(): boolean;
  /**
   * Stops every reconnect loop and closes every link gracefully (their `onClose` sign-offs run);
   * resolves when all are closed. `options` go to every link's `close` (a `drainTimeout` bounds
   * how long in-flight requests may still take). Idempotent.
   */
  close(options?: CloseOptions): Promise<void>;
  /** The summary `util.inspect`, `String()` and `JSON.stringify` show: addresses and states, never messages. */
  toJSON(): PoolSummary;
}
