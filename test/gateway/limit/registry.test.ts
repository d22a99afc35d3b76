import { describe, expect, it } from 'vitest';
import { GcraLimiter } from '../../../src/gateway/limit/gcra.js';
import { LIMITER_KINDS } from '../../../src/gateway/limit/limiter.js';
import type { LimiterConfig } from '../../../src/gateway/limit/limiter.js';
import { createLimiter } from '../../../src/gateway/limit/registry.js';
import { SlidingLogLimiter } from '../../../src/gateway/limit/sliding-log.js';
import { SlidingWindowLimiter } from '../../../src/gateway/limit/sliding-window.js';
import { TokenBucketLimiter } from '../../../src/gateway/limit/token-bucket.js';

describe('createLimiter', () => {
  it('builds each kind by name', () => {
    expect(createLimiter({ kind: 'sliding-log', limit: 5, windowMs: 1000 })).toBeInstanceOf(
      SlidingLogLimiter,
    );
    expect(createLimiter({ kind: 'sliding-window', limit: 5, windowMs: 1000 })).toBeInstanceOf(
      SlidingWindowLimiter,
    );
    expect(createLimiter({ kind: 'token-bucket', ratePerSec: 5, burst: 1 })).toBeInstanceOf(
      TokenBucketLimiter,
    );
    expect(createLimiter({ kind: 'gcra', ratePerSec: 5, burst: 1 })).toBeInstanceOf(GcraLimiter);
    expect(LIMITER_KINDS).toHaveLength(4);
  });

  it('rejects an unknown kind and bad values with a RangeError naming them', () => {
    expect(() => createLimiter({ kind: 'leaky' } as unknown as LimiterConfig)).toThrow(
      /limiter\.kind.*"leaky"/,
    );
    expect(() => createLimiter({ kind: 'gcra', ratePerSec: Number.NaN, burst: 1 })).toThrow(
      /limiter\.ratePerSec/,
    );
    expect(() => createLimiter({ kind: 'gcra', ratePerSec: 1, burst: 0 })).toThrow(
      /limiter\.burst.*0/,
    );
  });

  it('"500 requests/min" as a token bucket: 500/60 per second', () => {
    const l = createLimiter({ kind: 'token-bucket', ratePerSec: 500 / 60, burst: 500 });
    let admitted = 0;
    for (let t = 0; t < 60_000; t += 10) if (l.tryAcquire(t) === 0) admitted++;
    // 500 at once, then 8.33/s for the 59.99 s that follow.
    expect(admitted).toBe(500 + Math.floor((59_990 * 500) / 60_000));
  });
});
