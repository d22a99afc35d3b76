import { check, checkInteger, checkPositive } from '../../core/assert.js';
import type { TripPolicyConfig } from './trip-policy.js';

/** How a breaker trips and recovers. Defaults are the values operators commonly start from. */
export interface BreakerConfig {
  /** When a closed breaker opens. Default: 5 consecutive failures. */
  trip: TripPolicyConfig;
  /** Successful half-open probes needed to close. Default 2. */
  successThreshold: number;
  /** How long the breaker stays open on its first trip (ms). Default 60 000. */
  openMs: number;
  /** Each further trip without a successful close multiplies the open time by this. Default 1. */
  openBackoffMultiplier: number;
  /** Cap on the grown open time (ms). Default 300 000, or openMs when that is larger. */
  maxOpenMs: number;
  /** Concurrent probes admitted in half-open. Default 3. */
  halfOpenMaxCalls: number;
}

export const BREAKER_DEFAULTS: Readonly<BreakerConfig> = Object.freeze({
  trip: Object.freeze({ kind: 'consecutive-failures', threshold: 5 }),
  successThreshold: 2,
  openMs: 60_000,
  openBackoffMultiplier: 1,
  maxOpenMs: 300_000,
  halfOpenMaxCalls: 3,
});

/** Fills defaults and validates every number; throws RangeError naming the parameter and value. */
export function resolveBreakerConfig(config: Partial<BreakerConfig>): BreakerConfig {
  const openMs = config.openMs ?? BREAKER_DEFAULTS.openMs;
  const c: BreakerConfig = {
    trip: config.trip ?? BREAKER_DEFAULTS.trip,
    successThreshold: config.successThreshold ?? BREAKER_DEFAULTS.successThreshold,
    openMs,
    openBackoffMultiplier: config.openBackoffMultiplier ?? BREAKER_DEFAULTS.openBackoffMultiplier,
    maxOpenMs: config.maxOpenMs ?? Math.max(BREAKER_DEFAULTS.maxOpenMs, openMs),
    halfOpenMaxCalls: config.halfOpenMaxCalls ?? BREAKER_DEFAULTS.halfOpenMaxCalls,
  };
  checkInteger('successThreshold', c.successThreshold, 1);
  checkPositive('openMs', c.openMs);
  check(
    Number.isFinite(c.openBackoffMultiplier) && c.openBackoffMultiplier >= 1,
    'openBackoffMultiplier',
    c.openBackoffMultiplier,
    'must be a finite number >= 1',
  );
  checkPositive('maxOpenMs', c.maxOpenMs);
  check(c.maxOpenMs >= c.openMs, 'maxOpenMs', c.maxOpenMs, `must be >= openMs (${c.openMs})`);
  checkInteger('halfOpenMaxCalls', c.halfOpenMaxCalls, 1);
  return c;
}
