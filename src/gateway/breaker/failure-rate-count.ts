import { check, checkInteger } from '../../core/assert.js';
import { rateExceeded, rateThresholds, type RateThresholds } from './rate-thresholds.js';
import type { FailureRateCountConfig, TripPolicy } from './trip-policy.js';

const FAILED = 1;
const SLOW = 2;

/** Failure (and slow-call) rate over the last `windowSize` calls, in a ring of flag bytes. */
export class FailureRateCount implements TripPolicy {
  private readonly ring: Uint8Array;
  private head = 0;
  private calls = 0;
  private failures = 0;
  private slow = 0;

  constructor(
    readonly windowSize: number,
    readonly thresholds: RateThresholds,
  ) {
    this.ring = new Uint8Array(windowSize);
  }

  record(failure: boolean, slow: boolean): void {
    const ring = this.ring;
    const old = ring[this.head]!;
    if (this.calls === this.windowSize) {
      if (old & FAILED) this.failures--;
      if (old & SLOW) this.slow--;
    } else {
      this.calls++;
    }
    ring[this.head] = (failure ? FAILED : 0) | (slow ? SLOW : 0);
    if (failure) this.failures++;
    if (slow) this.slow++;
    this.head = this.head + 1 === this.windowSize ? 0 : this.head + 1;
  }

  shouldOpen(): boolean {
    return rateExceeded(this.calls, this.failures, this.slow, this.thresholds);
  }

  reset(): void {
    this.ring.fill(0);
    this.head = 0;
    this.calls = 0;
    this.failures = 0;
    this.slow = 0;
  }
}

export function failureRateCount(config: FailureRateCountConfig): FailureRateCount {
  const windowSize = config.windowSize ?? 100;
  checkInteger('windowSize', windowSize, 1);
  const t = rateThresholds(config, windowSize);
  check(
    t.minimumCalls <= windowSize,
    'minimumCalls',
    t.minimumCalls,
    `must be <= windowSize (${windowSize}), or the breaker could never open`,
  );
  return new FailureRateCount(windowSize, t);
}
