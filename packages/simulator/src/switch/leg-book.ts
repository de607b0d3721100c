/** What the switch remembers of an issuer leg, to send a reversal of it the same way. */
export interface LegRecord {
  /** The issuer the original went to (or was advised to). */
  issuer: string;
  /** Field 90 as the issuer knows the original: its MTI, the leg's STAN and field 7, 32, 33. */
  originalData: string;
}

/**
 * Issuer legs by the acquirer's original data elements (what the acquirer's reversal carries in
 * field 90), newest last. Bounded: past `capacity` the oldest leg is forgotten — its reversal is
 * then routed by BIN with the acquirer's field 90, and the issuer answers it as unknown (25).
 */
export class LegBook {
  readonly #legs = new Map<string, LegRecord>();

  constructor(private readonly capacity = 100_000) {}

  remember(acquirerOriginalData: string, leg: LegRecord): void {
    this.#legs.delete(acquirerOriginalData);
    this.#legs.set(acquirerOriginalData, leg);
    if (this.#legs.size > this.capacity) this.#legs.delete(this.#legs.keys().next().value!);
  }

  find(acquirerOriginalData: string): LegRecord | undefined {
    return this.#legs.get(acquirerOriginalData);
  }
}
