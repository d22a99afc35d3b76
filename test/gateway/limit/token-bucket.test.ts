import { describe, expect, it } from 'vitest';
import { createTokenBucketLimiter } from '../../../src/gateway/limit/token-bucket.js';
import { describeLimiterContract } from './limiter.contract.js';

for (const [ratePerSec, burst] of [
  [10, 5],
  [3, 1],
  [1000, 50],
  [0.5, 2],
] as const) {
  describeLimiterContract(`token-bucket ${ratePerSec}/s burst ${burst}`, {
    make: () => createTokenBucketLimiter({ kind: 'token-bucket', ratePerSec, burst }),
    capacity: burst,
    // Time is counted in whole (rounded) nanoseconds: the span is known to ±1 ns.
    maxAdmitted: (span) => burst + (ratePerSec * (span + 1e-6)) / 1000,
    exactRetryAfter: true,
    periodMs: 1000 / ratePerSec,
  });
}

describe('token-bucket', () => {
  it('refills at the rate: 10/s burst 2 admits 2, then one every 100 ms', () => {
    const l = createTokenBucketLimiter({ kind: 'token-bucket', ratePerSec: 10, burst: 2 });
    expect(l.tryAcquire(0)).toBe(0);
    expect(l.tryAcquire(0)).toBe(0);
    expect(l.tryAcquire(0)).toBe(100);
    expect(l.tryAcquire(60)).toBe(40);
    expect(l.tryAcquire(100)).toBe(0);
    expect(l.tryAcquire(100, 2)).toBe(200);
    expect(l.tryAcquire(1000, 2)).toBe(0); // refilled to burst, not beyond
    expect(l.tryAcquire(1000)).toBe(100);
  });

  it('validates eagerly, naming parameter and value', () => {
    expect(() =>
      createTokenBucketLimiter({ kind: 'token-bucket', ratePerSec: 0, burst: 1 }),
    ).toThrow(/limiter\.ratePerSec.*0/);
    expect(() =>
      createTokenBucketLimiter({ kind: 'token-bucket', ratePerSec: 1, burst: 1.5 }),
    ).toThrow(/limiter\.burst.*1\.5/);
    expect(() =>
      createTokenBucketLimiter({ kind: 'token-bucket', ratePerSec: 2e6, burst: 1 }),
    ).toThrow(RangeError);
  });
});
