import { inspect } from 'node:util';
import {
  BehaviorSubject,
  NEVER,
  Subject,
  defer,
  filter,
  merge,
  switchMap,
  type Observable,
  type Subscription,
} from 'rxjs';
import { checkConnectionOptions, createConnection$ } from '../connection/create-connection';
import { resolveCloseOptions } from '../connection/options';
import type { CloseInfo, CloseOptions, Connection } from '../connection/types';
import { asError, NoConnectionsError, PoolClosedError } from '../errors';
import type { RetryNotice } from '../operators/retry-with-backoff';
import { judgeConnect, type FirstAttempt, type GateSlot } from './connect-gate';
import { reconnectingLink } from './link-loop';
import { resolvePoolOptions, type ResolvedPoolOptions } from './options';
import { slotForKey } from './route';
import type { GetOptions, Pool, PoolEvent, PoolOptions, PoolSummary } from './types';

/** One address of the pool and the link it has now, if any. */
class Slot implements GateSlot {
  connection: Connection | null = null;
  firstAttempt: FirstAttempt = 'pending';
  lastError: unknown = undefined;
  loop: Subscription | null = null;
  statusWatch: Subscription | null = null;

  constructor(
    readonly index: number,
    readonly address: string,
  ) {}

  get up(): boolean {
    return this.connection !== null && this.connection.state === 'open';
  }
}

/**
 * Creates a pool of self-healing links; nothing is dialled until `connect()`.
 *
 * @example
 * ```ts
 * const pool = createPool({
 *   addresses: ['127.0.0.1:8583', '127.0.0.1:8584'],
 *   connection: (address) => {
 *     const [host, port] = address.split(':');
 *     return { host: host!, port: Number(port), spec: spec87ascii, onConnect: signOn };
 *   },
 *   minConnections: 1,
 *   reconnect: { initial: 500, max: 30_000, jitter: 0.2 },
 *   filter: (conn) => conn.status === 'online',
 * });
 * await pool.connect();
 * const conn = await pool.get();
 * ```
 */
export function createPool(options: PoolOptions): Pool {
  return new LinkPool(resolvePoolOptions(options));
}

class LinkPool implements Pool {
  private readonly slots: Slot[];
  private readonly usable = new BehaviorSubject<readonly Connection[]>([]);
  private readonly events = new Subject<PoolEvent>();
  private turn = 0;
  private connecting: Promise<void> | null = null;
  private gate: { resolve: () => void; reject: (error: Error) => void } | null = null;
  private closing: Promise<void> | null = null;

  readonly connections$: Observable<readonly Connection[]> = this.usable.asObservable();
  readonly events$: Observable<PoolEvent> = this.events.asObservable();

  constructor(private readonly options: ResolvedPoolOptions) {
    this.slots = options.addresses.map((address, index) => new Slot(index, address));
  }

  get connections(): readonly Connection[] {
    return this.slots.flatMap((slot) => (this.isUsable(slot) ? [slot.connection!] : []));
  }

  connect(): Promise<void> {
    if (this.closing) return Promise.reject(new PoolClosedError());
    this.connecting ??= new Promise<void>((resolve, reject) => {
      this.gate = { resolve, reject };
      for (const slot of this.slots) this.startLoop(slot);
      this.judgeGate();
    });
    return this.connecting;
  }

  get(options: GetOptions = {}): Promise<Connection> {
    if (this.closing) return Promise.reject(new PoolClosedError());
    const key = (options as GetOptions | null)?.key;
    if (key !== undefined && typeof key !== 'string' && typeof key !== 'number') {
      return Promise.reject(new TypeError('pool.get: options.key must be a string or a number'));
    }
    const conn = key === undefined ? this.nextInTurn() : this.byKey(key);
    if (conn) return Promise.resolve(conn);
    const up = this.slots.filter((slot) => slot.up).length;
    const why = up === 0 ? 'none is up' : `${up} up, none passing the filter`;
    return Promise.reject(new NoConnectionsError(`no usable connection in the pool of ${this.slots.length} (${why})`));
  }

  isUp(): boolean {
    return this.slots.some((slot) => this.isUsable(slot));
  }

  isDegraded(): boolean {
    return this.connections.length < this.slots.length;
  }

  close(options?: CloseOptions): Promise<void> {
    if (this.closing === undefined) {
      try {
        resolveCloseOptions('pool.close', options);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    this.closing ??= this.shutDown(options);
    return this.closing;
  }

  toJSON(): PoolSummary {
    const links = this.slots.map((slot) => ({ address: slot.address, up: this.isUsable(slot) }));
    const up = links.filter((link) => link.up).length;
    return { state: this.summaryState(up), up, links };
  }

  toString(): string {
    const { state, up, links } = this.toJSON();
    return `Pool(${up}/${links.length} up, ${state})`;
  }

  [inspect.custom](_depth: number, options: object): string {
    return `Pool ${inspect(this.toJSON(), options)}`;
  }

  private async shutDown(options?: CloseOptions): Promise<void> {
    const gate = this.gate;
    this.gate = null;
    gate?.reject(new PoolClosedError());
    // Stop the loops first: unsubscribing also cancels dials in progress and pending waits.
    for (const slot of this.slots) {
      slot.loop?.unsubscribe();
      slot.loop = null;
    }
    const open = this.slots.flatMap((slot) => (slot.connection ? [slot.connection] : []));
    await Promise.all(
      open.map((conn) => conn.close(options).catch((error: unknown) => this.events.next({ type: 'error', error }))),
    );
    await Promise.all(open.map((conn) => conn.closed));
    this.usable.next([]);
    this.usable.complete();
    this.events.next({ type: 'closed' });
    this.events.complete();
  }

  private startLoop(slot: Slot): void {
    const { connection: factory, reconnect } = this.options;
    const dial = () =>
      defer(async () => factory(slot.address)).pipe(
        switchMap((options) => {
          try {
            checkConnectionOptions(`createPool: options.connection('${slot.address}')`, options);
          } catch (error) {
            this.misconfigured(slot, asError(error));
            return NEVER; // redialling cannot mend a configuration: this slot stays down
          }
          return createConnection$(options);
        }),
      );
    slot.loop = reconnectingLink(dial, { ...reconnect, onRetry: (notice) => this.onRetry(slot, notice) }).subscribe(
      (conn) => this.onUp(slot, conn),
    );
  }

  private onUp(slot: Slot, conn: Connection): void {
    slot.connection = conn;
    slot.firstAttempt = 'up';
    this.events.next({ type: 'up', address: slot.address, index: slot.index, connection: conn });
    // The filter usually reads the status (online after sign-on): re-evaluate on each change,
    // and drop the link from connections$ as soon as its graceful close begins.
    const closing$ = conn.events$.pipe(filter((event) => event.type === 'closing'));
    slot.statusWatch = merge(conn.status$, closing$).subscribe(() => this.publish());
    void conn.closed.then((info) => this.onDown(slot, conn, info));
    this.judgeGate();
  }

  private onDown(slot: Slot, conn: Connection, info: CloseInfo): void {
    if (slot.connection !== conn) return;
    slot.connection = null;
    slot.statusWatch?.unsubscribe();
    slot.statusWatch = null;
    const down: PoolEvent = { type: 'down', address: slot.address, index: slot.index, reason: info.reason };
    this.events.next(info.error ? { ...down, error: info.error } : down);
    this.publish();
    this.judgeGate();
  }

  private onRetry(slot: Slot, notice: RetryNotice): void {
    if (slot.firstAttempt === 'pending') slot.firstAttempt = 'failed';
    slot.lastError = notice.error;
    this.events.next({ type: 'retry', address: slot.address, index: slot.index, ...notice });
    this.judgeGate();
  }

  /**
   * The factory's options for a slot are invalid (a misspelt key, a wrong type): reported, and
   * `connect()` fails with that error at once, instead of retrying a dial that can never work.
   */
  private misconfigured(slot: Slot, error: Error): void {
    this.events.next({ type: 'error', error, address: slot.address, index: slot.index });
    const gate = this.gate;
    if (gate === null) return;
    this.gate = null;
    void this.close().then(() => gate.reject(error));
  }

  private judgeGate(): void {
    if (!this.gate) return;
    const verdict = judgeConnect(this.options.minConnections, this.slots);
    if (verdict === 'wait') return;
    const gate = this.gate;
    this.gate = null;
    if (verdict === 'open') gate.resolve();
    else void this.close().then(() => gate.reject(verdict));
  }

  private nextInTurn(): Connection | null {
    const usable = this.connections;
    if (usable.length === 0) return null;
    const conn = usable[this.turn % usable.length]!;
    this.turn = (this.turn + 1) % 0x40000000;
    return conn;
  }

  private byKey(key: string | number): Connection | null {
    return slotForKey(
      key,
      this.slots.map((slot) => (this.isUsable(slot) ? slot.connection : null)),
    );
  }

  private isUsable(slot: Slot): boolean {
    if (!slot.up) return false;
    try {
      return Boolean(this.options.filter(slot.connection!));
    } catch (error) {
      this.events.next({ type: 'error', error, address: slot.address, index: slot.index });
      return false;
    }
  }

  private summaryState(up: number): PoolSummary['state'] {
    if (this.closing) return 'closed';
    if (this.connecting === null) return 'idle';
    if (up === this.slots.length) return 'up';
    if (up > 0) return 'degraded';
    return this.slots.some((slot) => slot.firstAttempt === 'pending') ? 'connecting' : 'down';
  }

  /** Emits the usable set when it changed. */
  private publish(): void {
    const next = this.connections;
    const current = this.usable.value;
    if (next.length === current.length && next.every((conn, i) => conn === current[i])) return;
    this.usable.next(next);
  }
}
