import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGcraLimiter } from '../../../src/gateway/limit/gcra.js';
import { createTokenBucketLimiter } from '../../../src/gateway/limit/token-bucket.js';
import { describeLimiterContract } from './limiter.contract.js';

for (const [ratePerSec, burst] of [
  [10, 5],
  [3, 1],
  [1000, 50],
  [500 / 60, 4],
] as const) {
  describeLimiterContract(`gcra ${ratePerSec}/s burst ${burst}`, {
    make: () => createGcraLimiter({ kind: 'gcra', ratePerSec, burst }),
    capacity: burst,
    // Time is counted in whole (rounded) nanoseconds: the span is known to ±1 ns.
    maxAdmitted: (span) => burst + (ratePerSec * (span + 1e-6)) / 1000,
    exactRetryAfter: true,
    periodMs: 1000 / ratePerSec,
  });
}

describe('gcra', () => {
  it('agrees with the token bucket on every request of random arrival sequences (property)', () => {
    const rate = fc.oneof(
      fc.integer({ min: 1, max: 2000 }),
      fc.double({ min: 0.01, max: 1e5, noNaN: true }),
      fc.integer({ min: 1, max: 10_000 }).map((n) => n / 60),
    );
    const time = fc.oneof(
      fc.integer({ min: -50, max: 2000 }),
      fc.double({ min: -50, max: 2000, noNaN: true }),
    );
    fc.assert(
      fc.property(
        rate,
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0, max: 2e12, noNaN: true }),
        fc.array(fc.record({ gap: time, cost: fc.integer({ min: 1, max: 25 }) }), {
          maxLength: 300,
        }),
        (ratePerSec, burst, start, calls) => {
          const tb = createTokenBucketLimiter({ kind: 'token-bucket', ratePerSec, burst });
          const gcra = createGcraLimiter({ kind: 'gcra', ratePerSec, burst });
          let t = start;
          for (const c of calls) {
            t += c.gap;
            expect(gcra.tryAcquire(t, c.cost)).toBe(tb.tryAcquire(t, c.cost));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('spaces requests by the emission interval once the burst is spent', () => {
    const l = createGcraLimiter({ kind: 'gcra', ratePerSec: 4, burst: 1 });
    expect(l.tryAcquire(0)).toBe(0);
    expect(l.tryAcquire(0)).toBe(250);
    expect(l.tryAcquire(249)).toBe(1);
    expect(l.tryAcquire(250)).toBe(0);
  });
});
