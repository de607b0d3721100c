/**
 * Round-trip latencies of a benchmark run, recorded without disturbing what is measured: times
 * come from `performance.now()` (a double; `process.hrtime.bigint()` allocates two BigInts per
 * round trip) and go into fixed-size Float64Array blocks (a growing `number[]` copies all of
 * its samples — megabytes at a time — whenever it outgrows its backing store, a stall the
 * requests in flight at that moment would be charged for).
 */
const BLOCK = 1 << 16;

export class LatencyRecorder {
  private readonly blocks: Float64Array[] = [new Float64Array(BLOCK)];
  private current = this.blocks[0];
  private fill = 0;
  private total = 0;

  /** Samples recorded. */
  get count(): number {
    return this.total;
  }

  /** Records one latency in milliseconds. */
  record(ms: number): void {
    if (this.fill === BLOCK) {
      this.current = new Float64Array(BLOCK);
      this.blocks.push(this.current);
      this.fill = 0;
    }
    this.current[this.fill++] = ms;
    this.total++;
  }

  /** The latency at percentile `p` (0–100), by the nearest-rank method; NaN when empty. */
  percentiles(...ps: number[]): number[] {
    const all = new Float64Array(this.total);
    let offset = 0;
    for (const block of this.blocks) {
      const used = Math.min(BLOCK, this.total - offset);
      all.set(block.subarray(0, used), offset);
      offset += used;
    }
    all.sort();
    return ps.map((p) => (all.length === 0 ? NaN : all[Math.min(all.length - 1, Math.floor((all.length * p) / 100))]));
  }
}
