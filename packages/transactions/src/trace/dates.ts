/** Date and time fields: 7 (transmission, UTC) and 12/13 (local to the card acceptor). */

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * Field 7, transmission date and time: `MMDDhhmmss` in UTC.
 *
 * @example
 * ```ts
 * transmissionDateTime(new Date('2026-03-09T07:05:01Z')); // '0309070501'
 * ```
 */
export function transmissionDateTime(at: Date = new Date()): string {
  assertDate('transmissionDateTime', at);
  return (
    pad2(at.getUTCMonth() + 1) +
    pad2(at.getUTCDate()) +
    pad2(at.getUTCHours()) +
    pad2(at.getUTCMinutes()) +
    pad2(at.getUTCSeconds())
  );
}

/** The wall-clock parts of an instant in a time zone. */
export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

// One formatter per zone: building an Intl.DateTimeFormat costs tens of microseconds.
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The calendar date and time of `at` in an IANA time zone (`'Europe/Berlin'`, `'UTC'`), through
 * `Intl` (no time-zone data of our own). Throws a `RangeError` naming the zone when it is unknown.
 */
export function zonedParts(at: Date, timeZone: string): ZonedParts {
  assertDate('zonedParts', at);
  let format = formatters.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (error) {
      throw new RangeError(`unknown time zone '${timeZone}'`, { cause: error });
    }
    formatters.set(timeZone, format);
  }
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const { type, value } of format.formatToParts(at)) if (type !== 'literal') parts[type] = Number(value);
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** Fields 12 and 13 of one instant. */
export interface LocalTransactionTime {
  /** Field 12, local transaction time `hhmmss`. */
  time: string;
  /** Field 13, local transaction date `MMDD`. */
  date: string;
}

/**
 * Fields 12 (`hhmmss`) and 13 (`MMDD`) in the card acceptor's time zone.
 *
 * @example
 * ```ts
 * localTransactionTime(new Date('2026-03-09T23:30:00Z'), 'Europe/Berlin'); // { time: '003000', date: '0310' }
 * ```
 */
export function localTransactionTime(at: Date, timeZone: string): LocalTransactionTime {
  const p = zonedParts(at, timeZone);
  return { time: pad2(p.hour) + pad2(p.minute) + pad2(p.second), date: pad2(p.month) + pad2(p.day) };
}

/** Day of the year of a calendar date, 1 for 1 January. */
export function dayOfYear(year: number, month: number, day: number): number {
  return Math.round((Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
}

function assertDate(where: string, at: Date): void {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new TypeError(`${where}: expected a valid Date`);
}
