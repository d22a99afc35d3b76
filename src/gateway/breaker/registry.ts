import { assertNever } from '../../core/assert.js';
import { consecutiveFailures } from './consecutive-failures.js';
import { failureRateCount } from './failure-rate-count.js';
import { failureRateTime } from './failure-rate-time.js';
import type { TripPolicy, TripPolicyConfig } from './trip-policy.js';

/** Builds the trip policy named by `config.kind`, validating eagerly (RangeError). */
export function createTripPolicy(config: TripPolicyConfig): TripPolicy {
  switch (config.kind) {
    case 'consecutive-failures':
      return consecutiveFailures(config);
    case 'failure-rate-count':
      return failureRateCount(config);
    case 'failure-rate-time':
      return failureRateTime(config);
    default:
      return assertNever(config, 'trip policy kind');
  }
}

/** The duration above which the breaker reports a call as slow to this policy (ms). */
export function slowCallDurationOf(config: TripPolicyConfig): number {
  switch (config.kind) {
    case 'consecutive-failures':
      return Infinity;
    case 'failure-rate-count':
    case 'failure-rate-time':
      return config.slowCallDurationMs ?? 60_000;
    default:
      return assertNever(config, 'trip policy kind');
  }
}
