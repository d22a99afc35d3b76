import { checkInteger, checkPositive } from '../../core/assert.js';
import { rateExceeded, rateThresholds, type RateThresholds } from './rate-thresholds.js';
import type { FailureRateTimeConfig, TripPolicy } from './trip-policy.js';

/**
 * Failure (and slow-call) rate over the last `windowMs`, in `buckets` buckets of windowMs/buckets
 * each. Bucket k holds the calls of absolute bucket index k, k+buckets, ... — whichever is newest;
 * buckets that fall out of the window are cleared as time advances, so totals are O(1) to read.
 */
export class FailureRateTime implements TripPolicy {
  private readonly calls: Int32Array;
  private readonly failures: Int32Array;
  private readonly slows: Int32Array;
  private totalCalls = 0;
  private totalFailures = 0;
  private totalSlow = 0;
  /** Absolute index of the newest bucket seen; older indexes are in the ring or gone. */
  private newest = -Infinity;
  private lastNow = NaN;

  constructor(
    readonly windowMs: number,
    readonly buckets: number,
    readonly thresholds: RateThresholds,
  ) {
    this.calls = new Int32Array(buckets);
    this.failures = new Int32Array(buckets);
    this.slows = new Int32Array(buckets);
  }

  record(failure: boolean, slow: boolean, now: number): void {
    const slot = this.advance(now);
    this.calls[slot]!++;
    this.totalCalls++;
    if (failure) {
      this.failures[slot]!++;
      this.totalFailures++;
    }
    if (slow) {
      this.slows[slot]!++;
      this.totalSlow++;
    }
  }

  shouldOpen(now: number): boolean {
    this.advance(now);
    return rateExceeded(this.totalCalls, this.totalFailures, this.totalSlow, this.thresholds);
  }

  reset(): void {
    this.calls.fill(0);
    this.failures.fill(0);
    this.slows.fill(0);
    this.totalCalls = 0;
    this.totalFailures = 0;
    this.totalSlow = 0;
    this.newest = -Infinity;
    this.lastNow = NaN;
  }

  /** Clears the buckets that left the window by `now`; returns the slot for `now`. */
  private advance(now: number): number {
    if (now === this.lastNow) return this.newest % this.buckets;
    this.lastNow = now;
    // now × buckets / windowMs rather than now / bucketMs: exact for integer times, so a call is
    // always gone exactly `buckets` buckets later.
    const index = Math.floor((now * this.buckets) / this.windowMs);
    const n = this.buckets;
    if (index > this.newest) {
      const gap = index - this.newest;
      if (gap >= n) {
        this.reset();
      } else {
        for (let k = this.newest + 1; k <= index; k++) this.clear(k % n);
      }
      this.newest = index;
    }
    // A time before the newest bucket (clocks never go back, but be safe) lands in the newest.
    return this.newest % n;
  }

  private clear(slot: number): void {
    this.totalCalls -= this.calls[slot]!;
    this.totalFailures -= this.failures[slot]!;
    this.totalSlow -= this.slows[slot]!;
    this.calls[slot] = 0;
    this.failures[slot] = 0;
    this.slows[slot] = 0;
  }
}

export function failureRateTime(config: FailureRateTimeConfig): FailureRateTime {
  const windowMs = config.windowMs ?? 60_000;
  const buckets = config.buckets ?? 10;
  checkPositive('windowMs', windowMs);
  checkInteger('buckets', buckets, 1);
  return new FailureRateTime(windowMs, buckets, rateThresholds(config, 20));
}
