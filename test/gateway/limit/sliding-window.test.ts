import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSlidingWindowLimiter } from '../../../src/gateway/limit/sliding-window.js';
import { describeLimiterContract } from './limiter.contract.js';

for (const [limit, windowMs] of [
  [5, 1000],
  [1, 100],
  [20, 60_000],
  [3, 33.3],
] as const) {
  describeLimiterContract(`sliding-window ${limit} per ${windowMs} ms`, {
    make: () => createSlidingWindowLimiter({ kind: 'sliding-window', limit, windowMs }),
    capacity: limit,
    // Fewer than 2·limit in any span shorter than a window; a longer span meets
    // floor(s / windowMs) + 2 aligned windows of at most `limit` each.
    maxAdmitted: (span) =>
      span < windowMs ? 2 * limit - 1 : limit * (Math.floor(span / windowMs) + 2),
    exactRetryAfter: true,
    periodMs: windowMs,
  });
}

describe('sliding-window', () => {
  it('admits at most `limit` in every aligned window (property)', () => {
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
          const l = createSlidingWindowLimiter({ kind: 'sliding-window', limit, windowMs });
          const perWindow = new Map<number, number>();
          let t = 0;
          for (const c of calls) {
            t += c.gap;
            if (l.tryAcquire(t, c.cost) === 0) {
              const k = Math.floor(t / windowMs);
              perWindow.set(k, (perWindow.get(k) ?? 0) + c.cost);
            }
          }
          for (const n of perWindow.values()) expect(n).toBeLessThanOrEqual(limit);
        },
      ),
    );
  });

  it('weights the previous window by its overlap (Cloudflare)', () => {
    const l = createSlidingWindowLimiter({ kind: 'sliding-window', limit: 10, windowMs: 1000 });
    for (let i = 0; i < 10; i++) expect(l.tryAcquire(500)).toBe(0);
    // At 1250 the estimate is 10·0.75 + 0: two more fit, the third waits until the weight falls.
    expect(l.tryAcquire(1250)).toBe(0);
    expect(l.tryAcquire(1250)).toBe(0);
    // 10·(1 - e/1000) + 2 + 1 <= 10  ⇔  e >= 300.
    expect(l.tryAcquire(1250)).toBeCloseTo(50, 9);
    expect(l.tryAcquire(1300)).toBe(0);
  });

  it('validates eagerly', () => {
    expect(() =>
      createSlidingWindowLimiter({ kind: 'sliding-window', limit: 2.5, windowMs: 1000 }),
    ).toThrow(/limiter\.limit.*2\.5/);
    expect(() =>
      createSlidingWindowLimiter({ kind: 'sliding-window', limit: 1, windowMs: 0 }),
    ).toThrow(/limiter\.windowMs.*0/);
  });
});
