export { CircuitBreaker, createBreaker } from './breaker.js';
export { BREAKER_DEFAULTS, resolveBreakerConfig, type BreakerConfig } from './config.js';
export { openDurationMs } from './open-duration.js';
export { createTripPolicy, slowCallDurationOf } from './registry.js';
export { ConsecutiveFailures, consecutiveFailures } from './consecutive-failures.js';
export { FailureRateCount, failureRateCount } from './failure-rate-count.js';
export { FailureRateTime, failureRateTime } from './failure-rate-time.js';
export {
  isLegalTransition,
  type AvailabilityListener,
  type BreakerListener,
  type BreakerState,
  type BreakerStateKind,
  type CallResult,
} from './state.js';
export {
  TRIP_POLICY_KINDS,
  type ConsecutiveFailuresConfig,
  type FailureRateCountConfig,
  type FailureRateTimeConfig,
  type TripPolicy,
  type TripPolicyConfig,
  type TripPolicyKind,
} from './trip-policy.js';
