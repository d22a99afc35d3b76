import { checkInteger, checkPositive } from '../../core/assert.js';
import { nextUp, waitUntil } from './float.js';
import { checkCost } from './limiter.js';
import type { Limiter, SlidingWindowConfig } from './limiter.js';

/**
 * Sliding-window counter (Cloudflare): fixed windows aligned to multiples of windowMs, and the
 * estimate prev·(1 − elapsed/windowMs) + curr, which assumes the previous window's requests
 * were spread evenly. O(1) memory. What it guarantees, and the contract tests check:
 * at most `limit` in any aligned window, and fewer than 2·limit in any span of windowMs
 * (limit + prev·elapsed/windowMs when the span straddles two windows). retryAfterMs is exact
 * for the estimate: waiting it out and retrying is allowed.
 */
export class SlidingWindowLimiter implements Limiter {
  private window = -Infinity;
  private prev = 0;
  private curr = 0;
  private latest = -Infinity;

  constructor(readonly config: SlidingWindowConfig) {}

  tryAcquire(now: number, cost = 1): number {
    checkCost(cost);
    if (now > this.latest) this.latest = now;
    now = this.latest;
    const w = this.config.windowMs;
    const k = Math.floor(now / w);
    if (k !== this.window) {
      this.prev = k === this.window + 1 ? this.curr : 0;
      this.curr = 0;
      this.window = k;
    }
    const limit = this.config.limit;
    if (cost > limit) return Infinity;
    if (estimate(this.prev, this.curr, now, k, w) + cost <= limit) {
      this.curr += cost;
      return 0;
    }
    return waitUntil(now, this.admitTime(now, k, cost));
  }

  /** The first time > now at which the estimate lets `cost` in, nothing else admitted. */
  private admitTime(now: number, k: number, cost: number): number {
    const { windowMs: w, limit } = this.config;
    // Within this window once enough of the previous one has slid out, or else in the next
    // window, where this one becomes the previous.
    const thisWindow = this.curr + cost <= limit;
    const p = thisWindow ? this.prev : this.curr;
    const room = thisWindow ? limit - this.curr - cost : limit - cost;
    const base = thisWindow ? k : k + 1;
    let t = base * w + (p > room ? w - (room * w) / p : 0);
    if (!(t > now)) t = nextUp(now);
    // Guard against rounding: the estimate the next call computes at t must admit.
    while (this.estimateAt(t) + cost > limit) t = nextUp(t);
    return t;
  }

  /** The estimate at time t >= now for the current state, as tryAcquire(t) would compute it. */
  private estimateAt(t: number): number {
    const w = this.config.windowMs;
    const k = Math.floor(t / w);
    if (k === this.window) return estimate(this.prev, this.curr, t, k, w);
    if (k === this.window + 1) return estimate(this.curr, 0, t, k, w);
    return 0;
  }
}

function estimate(prev: number, curr: number, now: number, k: number, w: number): number {
  return (prev * (w - (now - k * w))) / w + curr;
}

export function createSlidingWindowLimiter(config: SlidingWindowConfig): SlidingWindowLimiter {
  checkInteger('limiter.limit', config.limit, 1);
  checkPositive('limiter.windowMs', config.windowMs);
  return new SlidingWindowLimiter(config);
}
