import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { build } from 'hdr-histogram-js';
import { LOG_HISTOGRAM_MAX, LogHistogram } from '../../src/metrics/log-histogram.js';

const PERCENTILES = [0, 1, 25, 50, 75, 90, 99, 99.9, 99.99, 100];

describe('LogHistogram', () => {
  it('gives exact percentiles below 2048 (unit resolution)', () => {
    const h = new LogHistogram();
    for (let v = 1; v <= 1000; v++) h.record(v);
    expect(h.total).toBe(1000);
    expect(h.valueAtPercentile(50)).toBe(500);
    expect(h.valueAtPercentile(90)).toBe(900);
    expect(h.valueAtPercentile(99)).toBe(990);
    expect(h.valueAtPercentile(99.9)).toBe(999);
    expect(h.valueAtPercentile(100)).toBe(1000);
    expect(h.max).toBe(1000);
  });

  it('keeps 3 significant digits above that', () => {
    const h = new LogHistogram();
    for (let v = 1; v <= 100_000; v++) h.record(v);
    const p50 = h.valueAtPercentile(50);
    expect(p50).toBeGreaterThanOrEqual(50_000);
    expect(p50).toBeLessThanOrEqual(50_000 * 1.001);
    expect(p50).toBe(50_015); // the highest value equivalent to 50 000 (bucket width 32)
  });

  it('is empty after reset and returns 0 when empty', () => {
    const h = new LogHistogram();
    h.record(5);
    h.reset();
    expect(h.total).toBe(0);
    expect(h.valueAtPercentile(50)).toBe(0);
    expect(h.counts.every((c) => c === 0)).toBe(true);
  });

  it('clamps negatives to 0 and huge values to the maximum', () => {
    const h = new LogHistogram();
    h.record(-3);
    h.record(1e15);
    expect(h.valueAtPercentile(0)).toBe(0);
    expect(h.max).toBe(LOG_HISTOGRAM_MAX);
    expect(h.valueAtPercentile(100)).toBeGreaterThanOrEqual(LOG_HISTOGRAM_MAX);
  });

  it('agrees with hdr-histogram-js on every percentile (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 5000 }),
            fc.integer({ min: 0, max: 2 ** 31 - 1 }),
            fc.integer({ min: 2 ** 31, max: LOG_HISTOGRAM_MAX }),
          ),
          { minLength: 1, maxLength: 300 },
        ),
        (values) => {
          const mine = new LogHistogram();
          const hdr = build({
            bitBucketSize: 64,
            numberOfSignificantValueDigits: 3,
            highestTrackableValue: LOG_HISTOGRAM_MAX,
            autoResize: false,
            useWebAssembly: false,
          });
          for (const v of values) {
            mine.record(v);
            hdr.recordValue(v);
          }
          for (const p of PERCENTILES) {
            expect(mine.valueAtPercentile(p)).toBe(hdr.getValueAtPercentile(p));
          }
          expect(mine.max).toBe(Math.max(...values));
          const exported = mine.toHdr();
          expect(exported.totalCount).toBe(values.length);
          expect(exported.getValueAtPercentile(99)).toBe(hdr.getValueAtPercentile(99));
        },
      ),
      { numRuns: 200 },
    );
  });
});
