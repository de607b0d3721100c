/**
 * Counts the sends of a link driven flat out (attack e): every send issued must settle — with a
 * response or a typed error — and progress is recorded per second, so a deadlock shows as seconds
 * with nothing settled.
 */
import type { Connection } from '@rx8583/connection';
import type { Message } from '@rx8583/iso8583';

export interface TallySummary {
  issued: number;
  answered: number;
  failed: Record<string, number>;
  /** Sends still unsettled when the summary was taken. */
  pending: number;
  /** Sends settled in each second of the run. */
  settledPerSecond: number[];
  /** Longest time with no send settling, from the start of the run (a deadlock shows here). */
  longestStallMs: number;
}

export class SendTally {
  private issued = 0;
  private answered = 0;
  private readonly failed: Record<string, number> = {};
  private readonly perSecond: number[] = [];
  private started = Date.now();
  private lastSettled = Date.now();
  private longestStall = 0;
  private stan = 0;

  /**
   * Keeps `window` sends of `request(stan)` in flight on `link` for `durationMs`, replacing each
   * one as it settles; resolves when the last has settled.
   */
  driveFlatOut(
    link: Connection,
    window: number,
    durationMs: number,
    request: (stan: number) => Message,
  ): Promise<void> {
    this.started = Date.now();
    this.lastSettled = this.started;
    const deadline = this.started + durationMs;
    const lane = async (): Promise<void> => {
      while (Date.now() < deadline && link.state === 'open') {
        this.issued++;
        this.stan = (this.stan % 999_999) + 1;
        try {
          await link.send(request(this.stan));
          this.answered++;
        } catch (error) {
          const name = error instanceof Error ? error.name : 'non-error';
          this.failed[name] = (this.failed[name] ?? 0) + 1;
        }
        const now = Date.now();
        this.longestStall = Math.max(this.longestStall, now - this.lastSettled);
        this.lastSettled = now;
        const second = Math.floor((now - this.started) / 1000);
        this.perSecond[second] = (this.perSecond[second] ?? 0) + 1;
      }
    };
    return Promise.all(Array.from({ length: window }, lane)).then(() => undefined);
  }

  summary(): TallySummary {
    const failed = Object.values(this.failed).reduce((a, b) => a + b, 0);
    return {
      issued: this.issued,
      answered: this.answered,
      failed: { ...this.failed },
      pending: this.issued - this.answered - failed,
      settledPerSecond: Array.from(this.perSecond, (n) => n ?? 0),
      longestStallMs: this.longestStall,
    };
  }
}
