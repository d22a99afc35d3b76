import { checkCost } from './limiter.js';
import type { GcraConfig, Limiter } from './limiter.js';
import { NanoClock, nanosPerToken } from './nano-clock.js';
import { checkRateBurst } from './token-bucket.js';

/**
 * Generic Cell Rate Algorithm (as in redis-cell / throttled): one number, the theoretical
 * arrival time (TAT). With emission interval T = ceil(1e9/rate) ns and tolerance burst·T, a
 * request of cost c is allowed iff max(TAT, now) + c·T − now <= burst·T. That is the token
 * bucket seen from the other side (tokens = burst − (TAT − now)/T), and on the same integer
 * nanoseconds it agrees with TokenBucketLimiter on every request.
 */
export class GcraLimiter implements Limiter {
  private readonly clock = new NanoClock();
  private readonly interval: number;
  private readonly tolerance: number;
  private tat = 0;

  constructor(readonly config: GcraConfig) {
    this.interval = nanosPerToken(config.ratePerSec);
    this.tolerance = config.burst * this.interval;
  }

  tryAcquire(now: number, cost = 1): number {
    checkCost(cost);
    const t = this.clock.at(now);
    const need = cost * this.interval;
    if (need > this.tolerance) return Infinity;
    const newTat = (this.tat > t ? this.tat : t) + need;
    const over = newTat - t - this.tolerance;
    if (over > 0) return this.clock.msUntil(t + over);
    this.tat = newTat;
    return 0;
  }
}

export function createGcraLimiter(config: GcraConfig): GcraLimiter {
  checkRateBurst(config.ratePerSec, config.burst);
  return new GcraLimiter(config);
}
