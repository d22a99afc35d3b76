import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSlidingLogLimiter } from '../../../src/gateway/limit/sliding-log.js';
import { describeLimiterContract } from './limiter.contract.js';

for (const [limit, windowMs] of [
  [5, 1000],
  [1, 100],
  [20, 60_000],
  [3, 33.3],
] as const) {
  describeLimiterContract(`sliding-log ${limit} per ${windowMs} ms`, {
    make: () => createSlidingLogLimiter({ kind: 'sliding-log', limit, windowMs }),
    capacity: limit,
    // A closed span of length s meets floor(s / windowMs) + 1 windows (now - windowMs, now].
    maxAdmitted: (span) => limit * (Math.floor(span / windowMs) + 1),
    exactRetryAfter: true,
    periodMs: windowMs,
  });
}

describe('sliding-log', () => {
  it('is exact: at most `limit` in every window (now - windowMs, now] (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 500 }),
        fc.array(
          fc.record({
            gap: fc.integer({ min: 0, max: 120 }),
            cost: fc.integer({ min: 1, max: 3 }),
          }),
          {
            maxLength: 200,
          },
        ),
        (limit, windowMs, calls) => {
          const l = createSlidingLogLimiter({ kind: 'sliding-log', limit, windowMs });
          const admitted: { t: number; cost: number }[] = [];
          let t = 0;
          for (const c of calls) {
            t += c.gap;
            const wait = l.tryAcquire(t, c.cost);
            const inWindow = admitted
              .filter((a) => a.t > t - windowMs)
              .reduce((s, a) => s + a.cost, 0);
            // Exact: admitted exactly when it fits, so the log is neither too strict nor too loose.
            expect(wait === 0).toBe(c.cost <= limit && inWindow + c.cost <= limit);
            if (wait === 0) admitted.push({ t, cost: c.cost });
          }
        },
      ),
    );
  });

  it('tells the wait until the oldest entries that block leave the window', () => {
    const l = createSlidingLogLimiter({ kind: 'sliding-log', limit: 3, windowMs: 1000 });
    expect(l.tryAcquire(0)).toBe(0);
    expect(l.tryAcquire(200)).toBe(0);
    expect(l.tryAcquire(400)).toBe(0);
    expect(l.tryAcquire(500)).toBe(500);
    expect(l.tryAcquire(500, 2)).toBe(700);
    expect(l.tryAcquire(1000)).toBe(0);
  });

  it('validates eagerly', () => {
    expect(() =>
      createSlidingLogLimiter({ kind: 'sliding-log', limit: 0, windowMs: 1000 }),
    ).toThrow(/limiter\.limit.*0/);
    expect(() => createSlidingLogLimiter({ kind: 'sliding-log', limit: 1, windowMs: -5 })).toThrow(
      /limiter\.windowMs.*-5/,
    );
    expect(() => createSlidingLogLimiter({ kind: 'sliding-log', limit: 1e9, windowMs: 1 })).toThrow(
      RangeError,
    );
  });
});
