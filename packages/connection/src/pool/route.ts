/**
 * A stable 32-bit FNV-1a hash of a routing key: the same key gives the same number in every
 * process and every run, so a reversal can follow its original to the same link.
 *
 * @example
 * ```ts
 * routingHash('TERM0001/000042') === routingHash('TERM0001/000042'); // true, in any process
 * routingHash(42) === routingHash('42');                              // numbers hash as their digits
 * ```
 */
export function routingHash(key: string | number): number {
  const text = String(key);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The slot for `key`: its hash modulo the number of slots, or, when that slot has no usable
 * link, the next one that has. Hashing over slots rather than over usable links keeps every
 * other key on its link when one link goes down.
 */
export function slotForKey<T>(key: string | number, slots: ReadonlyArray<T | null>): T | null {
  const start = routingHash(key) % slots.length;
  for (let step = 0; step < slots.length; step++) {
    const candidate = slots[(start + step) % slots.length];
    if (candidate) return candidate;
  }
  return null;
}
