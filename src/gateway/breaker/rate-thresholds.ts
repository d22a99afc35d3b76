import { check, checkFraction, checkInteger, checkNonNegative } from '../../core/assert.js';
import type { FailureRateCommon } from './trip-policy.js';

export interface RateThresholds {
  minimumCalls: number;
  failureRateThreshold: number;
  /** Infinity when the slow-call rule is off. */
  slowCallRateThreshold: number;
  slowCallDurationMs: number;
}

export function rateThresholds(config: FailureRateCommon, defaultMinimum: number): RateThresholds {
  const t = {
    minimumCalls: config.minimumCalls ?? defaultMinimum,
    failureRateThreshold: config.failureRateThreshold ?? 0.5,
    slowCallRateThreshold: config.slowCallRateThreshold ?? Infinity,
    slowCallDurationMs: config.slowCallDurationMs ?? 60_000,
  };
  checkInteger('minimumCalls', t.minimumCalls, 1);
  checkFraction('failureRateThreshold', t.failureRateThreshold);
  check(t.failureRateThreshold > 0, 'failureRateThreshold', t.failureRateThreshold, 'must be > 0');
  if (config.slowCallRateThreshold !== undefined) {
    checkFraction('slowCallRateThreshold', t.slowCallRateThreshold);
    check(
      t.slowCallRateThreshold > 0,
      'slowCallRateThreshold',
      t.slowCallRateThreshold,
      'must be > 0',
    );
  }
  checkNonNegative('slowCallDurationMs', t.slowCallDurationMs);
  return t;
}

/** The rule both windows share: enough calls, and a failure or slow-call rate at its threshold. */
export function rateExceeded(
  calls: number,
  failures: number,
  slow: number,
  t: RateThresholds,
): boolean {
  if (calls < t.minimumCalls || calls === 0) return false;
  // Division, not threshold × calls: 0.7 × 10 is 7.000000000000001 in floating point.
  return failures / calls >= t.failureRateThreshold || slow / calls >= t.slowCallRateThreshold;
}
