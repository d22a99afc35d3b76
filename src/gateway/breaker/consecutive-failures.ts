import { checkInteger } from '../../core/assert.js';
import type { ConsecutiveFailuresConfig, TripPolicy } from './trip-policy.js';

export class ConsecutiveFailures implements TripPolicy {
  private run = 0;

  constructor(readonly threshold: number) {}

  record(failure: boolean): void {
    this.run = failure ? this.run + 1 : 0;
  }

  shouldOpen(): boolean {
    return this.run >= this.threshold;
  }

  reset(): void {
    this.run = 0;
  }
}

export function consecutiveFailures(config: ConsecutiveFailuresConfig): ConsecutiveFailures {
  const threshold = config.threshold ?? 5;
  checkInteger('threshold', threshold, 1);
  return new ConsecutiveFailures(threshold);
}
