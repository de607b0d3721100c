import { WriteTimeoutError } from '../errors';
import type { Expirable, Lane } from './deadline-queue';
import type { WriteTicket } from './write-queue';

/**
 * The promise side of a reply or raw write: resolves when the frame reaches the socket, rejects
 * with `WriteTimeoutError` if it could not within the timeout (it is then never written), or with
 * the connection's end.
 */
export class WriteAck implements WriteTicket, Expirable {
  cancelled = false;
  deadline = 0;
  deadlineLane: Lane | undefined = undefined;
  deadlineSlot = 0;
  readonly promise: Promise<void>;
  private resolve!: () => void;
  private reject!: (error: Error) => void;

  constructor(
    readonly timeout: number,
    /** Unschedules this ack's deadline once it is settled. */
    private readonly unschedule: (ack: WriteAck) => void,
  ) {
    this.promise = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  written(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.unschedule(this);
    this.resolve();
  }

  expire(): void {
    this.fail(new WriteTimeoutError(this.timeout));
  }

  fail(error: Error): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.unschedule(this);
    this.reject(error);
  }
}
