import type { Message } from '@rx8583/iso8583';

/** Unmatched responses and unpack failures remembered for hints, at most (the oldest are forgotten). */
const REMEMBERED = 64;

interface Unmatched {
  at: number;
  mti: string;
  stan: string;
}

const monotonicNow = (): number => performance.now();

/**
 * What a link saw that may explain a `SendTimeoutError`: responses that matched no request and
 * frames that did not unpack. When a request times out, a response with its STAN that matched
 * nothing (the peer changed field 41, or answered with another MTI class) or an unpack failure
 * during the wait (another spec or framing) is the likely cause — the hint says so, without card
 * data (MTI, STAN and counts only).
 */
export class TimeoutClues {
  private readonly unmatched: Unmatched[] = [];
  private readonly unpackFailures: number[] = [];

  constructor(private readonly now: () => number = monotonicNow) {}

  /** A response matched no pending request. */
  unmatchedResponse(message: Message): void {
    const stan = message.get(11);
    if (typeof stan !== 'string') return;
    remember(this.unmatched, { at: this.now(), mti: message.mti, stan });
  }

  /** A frame failed to unpack. */
  unpackFailure(): void {
    remember(this.unpackFailures, this.now());
  }

  /**
   * The hint for a request with `stan` that waited `timeout` ms (until now); '' when nothing points
   * anywhere. The window is twice the timeout: deadlines fire in coarse lanes, so "now − timeout"
   * can fall after the start of the wait.
   */
  hintFor(stan: unknown, timeout: number): string {
    const since = this.now() - 2 * timeout;
    const hints: string[] = [];
    const sameStan =
      typeof stan === 'string' ? this.unmatched.find((u) => u.at >= since && u.stan === stan) : undefined;
    if (sameStan !== undefined) {
      hints.push(
        `a ${sameStan.mti} with the same STAN ${stan} arrived and matched nothing (does the peer echo every field of the key, e.g. 41?)`,
      );
    }
    const failures = this.unpackFailures.filter((at) => at >= since).length;
    if (failures > 0) {
      hints.push(
        `${failures} inbound frame${failures === 1 ? '' : 's'} failed to unpack (unpackError events: does the peer use this spec and framing?)`,
      );
    }
    return hints.length === 0 ? '' : `; meanwhile ${hints.join('; and ')}`;
  }
}

function remember<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > REMEMBERED) list.shift();
}
