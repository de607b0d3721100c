import { dayOfYear, zonedParts } from './dates';

/** The pieces an RRN is made of, for a custom `format`. */
export interface RrnParts {
  /** The full year in `timeZone`. */
  year: number;
  /** Day of the year, 1–366. */
  dayOfYear: number;
  /** Hour of the day, 0–23. */
  hour: number;
  /** The sequence number, as `sequence` returned it. */
  sequence: string;
}

/** What `createRrnGenerator` takes. */
export interface RrnGeneratorOptions {
  /**
   * The next sequence number, six digits or a number (zero-filled to six), e.g.
   * `() => stans.next('rrn')` for one that never repeats across restarts.
   */
  sequence: () => string | number;
  /** IANA time zone of the year, day and hour (the acquirer's). Default `'UTC'`. */
  timeZone?: string;
  /**
   * Builds the 12-character RRN from its parts. Default: last digit of the year, day of the year
   * (3 digits), hour (2 digits), sequence (6 digits) — `6068` `14` `000123` → `'606814000123'`.
   */
  format?: (parts: RrnParts) => string;
}

/**
 * Retrieval reference numbers (field 37). Returns a function giving the RRN for an instant (now by
 * default); a `format` that does not return 12 characters is refused with a `RangeError`.
 *
 * @example
 * ```ts
 * const rrn = createRrnGenerator({ sequence: () => stans.next('rrn'), timeZone: 'Europe/Berlin' });
 * message.set(37, rrn()); // e.g. '606814000123'
 * ```
 */
export function createRrnGenerator(options: RrnGeneratorOptions): (at?: Date) => string {
  const { sequence, timeZone = 'UTC', format = defaultRrnFormat } = options;
  if (typeof sequence !== 'function') throw new TypeError('createRrnGenerator: sequence must be a function');
  if (typeof format !== 'function') throw new TypeError('createRrnGenerator: format must be a function');
  zonedParts(new Date(), timeZone); // refuses an unknown zone now, not on the first transaction
  return (at = new Date()) => {
    const p = zonedParts(at, timeZone);
    const raw = sequence();
    const seq = typeof raw === 'number' ? String(raw).padStart(6, '0') : raw;
    const rrn = format({ year: p.year, dayOfYear: dayOfYear(p.year, p.month, p.day), hour: p.hour, sequence: seq });
    if (typeof rrn !== 'string' || rrn.length !== 12) {
      throw new RangeError(`createRrnGenerator: an RRN has 12 characters, format gave ${String(rrn?.length)}`);
    }
    return rrn;
  };
}

/** The common layout: Y DDD hh + a six-digit sequence. */
export function defaultRrnFormat(parts: RrnParts): string {
  const sequence = parts.sequence.slice(-6).padStart(6, '0');
  return (
    String(parts.year % 10) + String(parts.dayOfYear).padStart(3, '0') + String(parts.hour).padStart(2, '0') + sequence
  );
}
