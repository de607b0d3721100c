import { build } from 'hdr-histogram-js';
import fc from 'fast-check';
import { LatencyCounts } from '../src/metrics/latency-counts';

const HIGHEST = 3_600_000_000;
const histogram = () =>
  build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST, numberOfSignificantValueDigits: 3 });

describe('LatencyCounts', () => {
  it('folds into an hdr histogram exactly as recording each value there would count it', () => {
    const value = fc.oneof(
      fc.integer({ min: 1, max: 5_000 }),
      fc.integer({ min: 1, max: HIGHEST }),
      fc.double({ min: 1, max: 100_000, noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 300 }), (values) => {
        const direct = histogram();
        const folded = histogram();
        const counts = new LatencyCounts(HIGHEST);
        for (const v of values) {
          direct.recordValue(Math.round(v));
          counts.record(v);
        }
        counts.foldInto(folded);
        expect(folded.totalCount).toBe(direct.totalCount);
        // the exact sum of what was counted, for the mean
        expect(counts.sum).toBe(values.reduce((sum, v) => sum + Math.round(v), 0));
        for (const percentile of [0, 10, 50, 90, 99, 99.9, 100]) {
          expect(folded.getValueAtPercentile(percentile)).toBe(direct.getValueAtPercentile(percentile));
        }
      }),
    );
  });

  it('starts from zero after each fold, and counts values out of range at its ends', () => {
    const counts = new LatencyCounts(HIGHEST);
    const h = histogram();
    counts.record(700);
    counts.foldInto(h);
    counts.foldInto(h);
    expect(h.totalCount).toBe(1);
    counts.record(0.2);
    counts.record(HIGHEST * 10);
    counts.foldInto(h);
    expect(h.totalCount).toBe(3);
    expect(h.minNonZeroValue).toBe(1);
    expect(h.maxValue).toBeGreaterThan(HIGHEST * 0.999);
  });
});
