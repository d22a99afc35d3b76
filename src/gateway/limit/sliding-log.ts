import { check, checkInteger, checkPositive } from '../../core/assert.js';
import { sumUp, waitUntil } from './float.js';
import { checkCost } from './limiter.js';
import type { Limiter, SlidingLogConfig } from './limiter.js';

export const MAX_LOG_LIMIT = 10_000_000;

/**
 * Sliding-window log: remembers when each admitted request leaves the window, and admits
 * while the cost within (now − windowMs, now] stays <= limit. Exact, at O(limit) memory: a ring
 * of (expiry, cost) pairs, which never holds more than `limit` entries since each costs >= 1.
 */
export class SlidingLogLimiter implements Limiter {
  private readonly expiry: Float64Array;
  private readonly cost: Int32Array;
  private head = 0;
  private size = 0;
  private sum = 0;
  private latest = -Infinity;

  constructor(readonly config: SlidingLogConfig) {
    this.expiry = new Float64Array(config.limit);
    this.cost = new Int32Array(config.limit);
  }

  tryAcquire(now: number, cost = 1): number {
    checkCost(cost);
    if (now > this.latest) this.latest = now;
    now = this.latest;
    const cap = this.expiry.length;
    while (this.size > 0 && this.expiry[this.head]! <= now) {
      this.sum -= this.cost[this.head]!;
      this.head = this.head + 1 === cap ? 0 : this.head + 1;
      this.size--;
    }
    const limit = this.config.limit;
    if (cost > limit) return Infinity;
    if (this.sum + cost <= limit) {
      let tail = this.head + this.size;
      if (tail >= cap) tail -= cap;
      // Rounded up: an entry must not leave the window a hair early.
      this.expiry[tail] = sumUp(now, this.config.windowMs);
      this.cost[tail] = cost;
      this.size++;
      this.sum += cost;
      return 0;
    }
    // Walk from the oldest entry until enough cost has left the window.
    let freed = 0;
    const excess = this.sum + cost - limit;
    let i = this.head;
    for (;;) {
      freed += this.cost[i]!;
      if (freed >= excess) return waitUntil(now, this.expiry[i]!);
      i = i + 1 === cap ? 0 : i + 1;
    }
  }
}

export function createSlidingLogLimiter(config: SlidingLogConfig): SlidingLogLimiter {
  checkInteger('limiter.limit', config.limit, 1);
  check(
    config.limit <= MAX_LOG_LIMIT,
    'limiter.limit',
    config.limit,
    `must be <= ${MAX_LOG_LIMIT} for sliding-log (use sliding-window or a bucket)`,
  );
  checkPositive('limiter.windowMs', config.windowMs);
  return new SlidingLogLimiter(config);
}
