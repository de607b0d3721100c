/**
 * The repeat of an MTI: its fourth digit (the origin) + 1, for a message that may have been sent
 * before — 0220 → 0221, 0400 → 0401, 0420 → 0421, 1420 → 1421. An MTI that is a repeat already
 * (odd fourth digit) is returned as it is.
 *
 * @example
 * ```ts
 * repeatMti('0220'); // '0221'
 * repeatMti('0421'); // '0421'
 * ```
 */
export function repeatMti(mti: string): string {
  if (!/^\d{4}$/.test(mti)) throw new RangeError(`repeatMti: an MTI is four digits, got ${JSON.stringify(mti)}`);
  const origin = mti.charCodeAt(3) - 48;
  return origin % 2 === 1 ? mti : mti.slice(0, 3) + String(origin + 1);
}
