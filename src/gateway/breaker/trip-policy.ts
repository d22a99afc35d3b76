/**
 * Decides whether a closed breaker should open; the breaker owns the transitions. `record` is
 * called once per counted call result in the closed state, `shouldOpen` right after it, and
 * `reset` whenever the breaker (re-)enters closed.
 */
export interface TripPolicy {
  record(failure: boolean, slow: boolean, now: number): void;
  shouldOpen(now: number): boolean;
  reset(): void;
}

/** Opens at the `threshold`-th failure in a row; a success resets the run. Slowness is ignored. */
export interface ConsecutiveFailuresConfig {
  kind: 'consecutive-failures';
  /** Default 5. */
  threshold?: number;
}

/** Settings shared by both failure-rate windows (Resilience4j's meaning). */
export interface FailureRateCommon {
  /** Never opens while the window holds fewer calls than this. */
  minimumCalls?: number;
  /** Opens when failures ÷ calls ≥ this fraction. Default 0.5. */
  failureRateThreshold?: number;
  /** Opens when slow calls ÷ calls ≥ this fraction. Default: off. */
  slowCallRateThreshold?: number;
  /** A call is slow when it took longer than this (ms). Default 60 000 (Resilience4j). */
  slowCallDurationMs?: number;
}

/** Failure rate over the last `windowSize` calls. */
export interface FailureRateCountConfig extends FailureRateCommon {
  kind: 'failure-rate-count';
  /** Default 100. minimumCalls defaults to windowSize and may not exceed it. */
  windowSize?: number;
}

/**
 * Failure rate over the last `windowMs`, kept in `buckets` equal buckets: a call is forgotten
 * once its bucket leaves the window, i.e. between windowMs − windowMs/buckets and windowMs after it.
 */
export interface FailureRateTimeConfig extends FailureRateCommon {
  kind: 'failure-rate-time';
  /** Default 60 000. */
  windowMs?: number;
  /** Default 10. */
  buckets?: number;
  /** Default 20. */
  minimumCalls?: number;
}

export type TripPolicyConfig =
  ConsecutiveFailuresConfig | FailureRateCountConfig | FailureRateTimeConfig;

export type TripPolicyKind = TripPolicyConfig['kind'];

export const TRIP_POLICY_KINDS: readonly TripPolicyKind[] = [
  'consecutive-failures',
  'failure-rate-count',
  'failure-rate-time',
];
