import {
  check,
  checkFraction,
  checkInteger,
  checkNonNegative,
  checkPositive,
} from '../../core/assert.js';
import type { RatioBudgetConfig, RetryBudget } from './budget.js';

/**
 * Finagle's RetryBudget: each request deposits `percent` of a retry for `ttlMs`, a reserve of
 * minRetriesPerSec·ttl retries is always there, and a retry withdraws 1 for `ttlMs`. The ledger
 * is `buckets` time buckets of width w = ttl/buckets, so at time t it covers [t − ttl + w − (t mod w), t]
 * — between ttl − w and ttl of history. Hence the guarantee the tests check: at
 * every allowed retry r, retries in (r − ttl + w, r] <= percent·requests in (r − ttl, r] + reserve.
 */
export class RatioBudget implements RetryBudget {
  private readonly width: number;
  private readonly reserve: number;
  private readonly requests: Int32Array;
  private readonly retries: Int32Array;
  private bucket = -Infinity;
  private sumRequests = 0;
  private sumRetries = 0;

  constructor(readonly config: RatioBudgetConfig) {
    this.width = config.ttlMs / config.buckets;
    this.reserve = (config.minRetriesPerSec * config.ttlMs) / 1000;
    this.requests = new Int32Array(config.buckets);
    this.retries = new Int32Array(config.buckets);
  }

  onRequest(now: number): void {
    const i = this.advance(now);
    this.requests[i]!++;
    this.sumRequests++;
  }

  onAttemptResult(_failure: boolean): void {}

  tryRetry(now: number): boolean {
    const i = this.advance(now);
    if (this.sumRetries + 1 > this.config.percent * this.sumRequests + this.reserve) return false;
    this.retries[i]!++;
    this.sumRetries++;
    return true;
  }

  /** Moves the window to `now`'s bucket, emptying the buckets that fell out; returns its slot. */
  private advance(now: number): number {
    const n = this.requests.length;
    const b = Math.floor(now / this.width);
    if (b > this.bucket) {
      const gap = b - this.bucket;
      if (gap >= n) {
        this.requests.fill(0);
        this.retries.fill(0);
        this.sumRequests = 0;
        this.sumRetries = 0;
      } else {
        for (let k = this.bucket + 1; k <= b; k++) {
          const slot = k % n;
          this.sumRequests -= this.requests[slot]!;
          this.sumRetries -= this.retries[slot]!;
          this.requests[slot] = 0;
          this.retries[slot] = 0;
        }
      }
      this.bucket = b;
    }
    const slot = this.bucket % n;
    return slot < 0 ? slot + n : slot;
  }
}

export function createRatioBudget(config: RatioBudgetConfig): RatioBudget {
  checkPositive('budget.ttlMs', config.ttlMs);
  checkFraction('budget.percent', config.percent);
  checkNonNegative('budget.minRetriesPerSec', config.minRetriesPerSec);
  checkInteger('budget.buckets', config.buckets, 1);
  check(config.buckets <= 1000, 'budget.buckets', config.buckets, 'must be <= 1000');
  return new RatioBudget(config);
}
