import { check, checkInteger, checkPositive } from '../../core/assert.js';
import { checkCost } from './limiter.js';
import type { Limiter, TokenBucketConfig } from './limiter.js';
import { MAX_RATE_PER_SEC, NanoClock, nanosPerToken } from './nano-clock.js';

/**
 * Token bucket: starts full with `burst` tokens and refills at `ratePerSec`, up to `burst`.
 * A token is kept as T = ceil(1e9/rate) nanoseconds of credit so that all arithmetic is on
 * integers. Admits at most burst + rate·Δ in any span Δ.
 */
export class TokenBucketLimiter implements Limiter {
  private readonly clock = new NanoClock();
  private readonly perToken: number;
  private readonly capacity: number;
  private credit: number;
  private last = 0;

  constructor(readonly config: TokenBucketConfig) {
    this.perToken = nanosPerToken(config.ratePerSec);
    this.capacity = config.burst * this.perToken;
    this.credit = this.capacity;
  }

  tryAcquire(now: number, cost = 1): number {
    checkCost(cost);
    const t = this.clock.at(now);
    const c = this.credit + (t - this.last);
    this.credit = c < this.capacity ? c : this.capacity;
    this.last = t;
    const need = cost * this.perToken;
    if (need > this.capacity) return Infinity;
    if (this.credit >= need) {
      this.credit -= need;
      return 0;
    }
    return this.clock.msUntil(t + need - this.credit);
  }
}

export function createTokenBucketLimiter(config: TokenBucketConfig): TokenBucketLimiter {
  checkRateBurst(config.ratePerSec, config.burst);
  return new TokenBucketLimiter(config);
}

export function checkRateBurst(ratePerSec: number, burst: number): void {
  checkPositive('limiter.ratePerSec', ratePerSec);
  check(
    ratePerSec <= MAX_RATE_PER_SEC,
    'limiter.ratePerSec',
    ratePerSec,
    `must be <= ${MAX_RATE_PER_SEC}`,
  );
  checkInteger('limiter.burst', burst, 1);
}
