import { type Clock, systemClock } from './clock';

/** Something that can time out. The queue owns the `deadline*` fields while it is scheduled. */
export interface Expirable {
  /** Absolute time (clock ms) at which `expire` is called. Set by the queue. */
  deadline: number;
  /** The lane (timeout length) holding it, or undefined when not scheduled. Set by the queue. */
  deadlineLane: Lane | undefined;
  /** Position in its lane (plus the lane's offset). Set by the queue. */
  deadlineSlot: number;
  /** Called once when the deadline passes while still scheduled. */
  expire(): void;
}

/**
 * All entries with the same timeout length. Entries are appended in time order, so their
 * deadlines are ascending and the head is always the next to expire.
 */
export interface Lane {
  readonly timeout: number;
  items: (Expirable | undefined)[];
  head: number;
  live: number;
  /** Added to array indexes to get slots, so trimming the array does not renumber entries. */
  offset: number;
}

// Slots freed by cancellation are compacted away once they outnumber the live entries by this
// much, so settled requests do not stay referenced until their (long) timeout.
const COMPACT_SLACK = 64;

/**
 * Deadlines for many concurrent requests with one timer. Requests almost always share a handful of
 * timeout lengths; per length the deadlines arrive in order, so each lane is a FIFO and only the
 * heads compete. Adding and cancelling are O(1); firing is exact (the timer is armed for the
 * earliest head), not bucketed.
 */
export class DeadlineQueue {
  private readonly lanes = new Map<number, Lane>();
  private timer: unknown = undefined;
  private armedFor = Infinity;
  private scheduled = 0;

  constructor(private readonly clock: Clock = systemClock) {}

  /** Entries currently scheduled. */
  get size(): number {
    return this.scheduled;
  }

  /** Schedules `entry.expire()` in `timeout` ms. */
  add(entry: Expirable, timeout: number): void {
    let lane = this.lanes.get(timeout);
    if (lane === undefined) {
      lane = { timeout, items: [], head: 0, live: 0, offset: 0 };
      this.lanes.set(timeout, lane);
    }
    entry.deadline = this.clock.now() + timeout;
    entry.deadlineLane = lane;
    entry.deadlineSlot = lane.offset + lane.items.length;
    lane.items.push(entry);
    lane.live++;
    this.scheduled++;
    if (entry.deadline < this.armedFor) this.arm(entry.deadline);
  }

  /**
   * Schedules `entry` `timeout` ms from now, wherever it was. An entry that is the last of its lane
   * only moves its deadline (still the latest there, so the lane stays in order): a link restarts
   * its silence and idle deadlines on every chunk and flush, and the cancel + add of a lane's only
   * entry would drop the lane and make it again — three objects and a Map delete and set each time.
   */
  restart(entry: Expirable, timeout: number): void {
    const lane = entry.deadlineLane;
    if (lane !== undefined && lane.timeout === timeout && entry.deadlineSlot - lane.offset === lane.items.length - 1) {
      // The timer, armed for the old deadline or earlier, finds nothing due and re-arms.
      entry.deadline = this.clock.now() + timeout;
      return;
    }
    this.cancel(entry);
    this.add(entry, timeout);
  }

  /** Unschedules an entry; a no-op when it is not scheduled. */
  cancel(entry: Expirable): void {
    const lane = entry.deadlineLane;
    if (lane === undefined) return;
    entry.deadlineLane = undefined;
    lane.live--;
    this.scheduled--;
    const index = entry.deadlineSlot - lane.offset;
    lane.items[index] = undefined;
    if (index === lane.head) this.dropDeadHeads(lane);
    else if (lane.items.length - lane.head > 2 * lane.live + COMPACT_SLACK) this.compact(lane);
    // The timer stays armed even when nothing is left: re-arming it for every request of a
    // request/response rhythm would cost a timer per message. It fires once, finds nothing, stops.
  }

  /** Unschedules everything without calling `expire`. */
  clear(): void {
    for (const lane of this.lanes.values()) {
      for (let i = lane.head; i < lane.items.length; i++) {
        const entry = lane.items[i];
        if (entry !== undefined) entry.deadlineLane = undefined;
      }
    }
    this.lanes.clear();
    this.scheduled = 0;
    this.disarm();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.armedFor = Infinity;
    // Timers may fire a fraction of a millisecond early against a sub-ms clock.
    const now = this.clock.now() + 1;
    const expired: Expirable[] = [];
    for (const lane of this.lanes.values()) {
      while (lane.head < lane.items.length) {
        const entry = lane.items[lane.head];
        if (entry !== undefined && entry.deadline > now) break;
        lane.items[lane.head++] = undefined;
        if (entry !== undefined) {
          entry.deadlineLane = undefined;
          lane.live--;
          this.scheduled--;
          expired.push(entry);
        }
      }
      this.dropDeadHeads(lane);
    }
    // Expire after the bookkeeping so callbacks may add or cancel entries safely. One callback's
    // throw must not cost the others their expiry (the queue may serve every link of the process):
    // the first is thrown once all have run and the timer is armed again.
    let failure: { error: unknown } | undefined;
    for (const entry of expired) {
      try {
        entry.expire();
      } catch (error) {
        failure ??= { error };
      }
    }
    this.rearm();
    if (failure !== undefined) throw failure.error;
  };

  private dropDeadHeads(lane: Lane): void {
    while (lane.head < lane.items.length && lane.items[lane.head] === undefined) lane.head++;
    if (lane.head === lane.items.length) {
      lane.offset += lane.head;
      lane.items = [];
      lane.head = 0;
      if (lane.live === 0) this.lanes.delete(lane.timeout);
    } else if (lane.head > 1024 && lane.head * 2 > lane.items.length) {
      lane.offset += lane.head;
      lane.items = lane.items.slice(lane.head);
      lane.head = 0;
    }
  }

  private compact(lane: Lane): void {
    const live: Expirable[] = [];
    for (let i = lane.head; i < lane.items.length; i++) {
      const entry = lane.items[i];
      if (entry === undefined) continue;
      entry.deadlineSlot = lane.offset + live.length;
      live.push(entry);
    }
    lane.items = live;
    lane.head = 0;
  }

  private rearm(): void {
    let earliest = Infinity;
    for (const lane of this.lanes.values()) {
      const head = lane.items[lane.head];
      if (head !== undefined && head.deadline < earliest) earliest = head.deadline;
    }
    if (earliest !== Infinity && earliest < this.armedFor) this.arm(earliest);
  }

  private arm(deadline: number): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.armedFor = deadline;
    this.timer = this.clock.setTimer(this.fire, Math.max(0, Math.ceil(deadline - this.clock.now())));
  }

  private disarm(): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }
}

/**
 * One restartable deadline on a `DeadlineQueue`: a link's read timeout, idle ping or frame
 * timeout. `restart()` moves it to `timeout` from now (O(1), see `DeadlineQueue.restart`), so activity
 * costs a clock read and no timer of its own; the queue's one timer serves every link.
 */
export class Deadline implements Expirable {
  deadline = 0;
  deadlineLane: Lane | undefined = undefined;
  deadlineSlot = 0;

  constructor(
    private readonly queue: DeadlineQueue,
    /** Milliseconds from `restart()` to `onExpire` (`Infinity`: never). */
    readonly timeout: number,
    private readonly onExpire: () => void,
  ) {}

  /** Due `timeout` ms from now (whether it was scheduled or not); never, with a timeout of `Infinity`. */
  restart(): void {
    if (this.timeout !== Infinity) this.queue.restart(this, this.timeout);
  }

  /** Not due any more (a no-op when it is not scheduled). */
  cancel(): void {
    this.queue.cancel(this);
  }

  expire(): void {
    this.onExpire();
  }
}

/**
 * The queue every link's read, idle and frame deadlines share: one timer for the process. Its
 * timer does not keep the process alive by itself (each link's socket does, while it is open).
 */
export const linkDeadlines = new DeadlineQueue({
  ...systemClock,
  setTimer: (callback, delay) => setTimeout(callback, delay).unref(),
});
