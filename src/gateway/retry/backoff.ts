import { assertNever, check, checkNonNegative } from '../../core/assert.js';
import type { Rng } from '../../core/rng.js';
import { withDefaults } from './fill.js';

export type BackoffKind = 'constant' | 'exponential';
export type JitterKind = 'none' | 'full' | 'equal' | 'decorrelated';

export const BACKOFF_KINDS: readonly BackoffKind[] = ['constant', 'exponential'];
export const JITTER_KINDS: readonly JitterKind[] = ['none', 'full', 'equal', 'decorrelated'];

/**
 * How long to wait before retry n (1 = the first retry). The formulas are those of the AWS
 * Architecture Blog, "Exponential Backoff And Jitter", with ceiling(n) = min(maxMs, baseMs·m^(n-1))
 * for `exponential` and min(maxMs, baseMs) for `constant`:
 *
 * - none:         ceiling(n)
 * - full:         random(0, ceiling(n))
 * - equal:        ceiling(n)/2 + random(0, ceiling(n)/2)
 * - decorrelated: min(maxMs, random(baseMs, max(baseMs, prev)·3)) — grows by its own ×3 from the
 *                 previous delay, so `kind` and `multiplier` play no part in it.
 */
export interface BackoffConfig {
  kind: BackoffKind;
  baseMs: number;
  maxMs: number;
  /** Growth per retry for `exponential`; >= 1. */
  multiplier: number;
  jitter: JitterKind;
}

export const BACKOFF_DEFAULTS: Readonly<BackoffConfig> = Object.freeze({
  kind: 'exponential',
  baseMs: 100,
  maxMs: 10_000,
  multiplier: 2,
  jitter: 'full',
});

/** Fills defaults and validates eagerly; throws RangeError naming the parameter and value. */
export function createBackoff(partial: Partial<BackoffConfig> = {}): BackoffConfig {
  const cfg: BackoffConfig = withDefaults(BACKOFF_DEFAULTS, partial);
  check(
    BACKOFF_KINDS.includes(cfg.kind),
    'backoff.kind',
    cfg.kind,
    `must be one of ${BACKOFF_KINDS.join(', ')}`,
  );
  check(
    JITTER_KINDS.includes(cfg.jitter),
    'backoff.jitter',
    cfg.jitter,
    `must be one of ${JITTER_KINDS.join(', ')}`,
  );
  checkNonNegative('backoff.baseMs', cfg.baseMs);
  checkNonNegative('backoff.maxMs', cfg.maxMs);
  check(
    cfg.maxMs >= cfg.baseMs,
    'backoff.maxMs',
    cfg.maxMs,
    `must be >= backoff.baseMs (${cfg.baseMs})`,
  );
  check(
    Number.isFinite(cfg.multiplier) && cfg.multiplier >= 1,
    'backoff.multiplier',
    cfg.multiplier,
    'must be a finite number >= 1',
  );
  return cfg;
}

/** min(maxMs, baseMs·m^(n-1)) for exponential, min(maxMs, baseMs) for constant. */
export function backoffCeiling(cfg: BackoffConfig, retry: number): number {
  const { baseMs, maxMs } = cfg;
  if (cfg.kind === 'constant' || baseMs === 0) return baseMs < maxMs ? baseMs : maxMs;
  const n = retry > 1 ? retry - 1 : 0;
  const d = baseMs * Math.pow(cfg.multiplier, n);
  return d < maxMs ? d : maxMs;
}

/** The delay before retry `retry` (1 = first retry). Pure apart from the draws it takes from rng. */
export function backoffDelay(
  cfg: BackoffConfig,
  retry: number,
  prevDelayMs: number,
  rng: Rng,
): number {
  switch (cfg.jitter) {
    case 'none':
      return backoffCeiling(cfg, retry);
    case 'full':
      return rng.next() * backoffCeiling(cfg, retry);
    case 'equal': {
      const c = backoffCeiling(cfg, retry);
      const d = c / 2 + (rng.next() * c) / 2;
      return d < c ? d : c; // rounding (denormals) must not leave the range
    }
    case 'decorrelated': {
      const lo = cfg.baseMs < cfg.maxMs ? cfg.baseMs : cfg.maxMs;
      const hi = decorrelatedHigh(cfg, prevDelayMs);
      const d = lo + rng.next() * (hi - lo);
      return d < hi ? d : hi;
    }
    default:
      return assertNever(cfg.jitter, 'backoff.jitter');
  }
}

/** The range backoffDelay draws from: min <= delay <= max (max is not reached by a draw). */
export function backoffBounds(
  cfg: BackoffConfig,
  retry: number,
  prevDelayMs: number,
): { min: number; max: number } {
  switch (cfg.jitter) {
    case 'none': {
      const c = backoffCeiling(cfg, retry);
      return { min: c, max: c };
    }
    case 'full':
      return { min: 0, max: backoffCeiling(cfg, retry) };
    case 'equal': {
      const c = backoffCeiling(cfg, retry);
      return { min: c / 2, max: c };
    }
    case 'decorrelated':
      return {
        min: cfg.baseMs < cfg.maxMs ? cfg.baseMs : cfg.maxMs,
        max: decorrelatedHigh(cfg, prevDelayMs),
      };
    default:
      return assertNever(cfg.jitter, 'backoff.jitter');
  }
}

function decorrelatedHigh(cfg: BackoffConfig, prevDelayMs: number): number {
  // The first retry has no previous delay (or a tiny one): start from base, as AWS does.
  const prev = prevDelayMs > cfg.baseMs ? prevDelayMs : cfg.baseMs;
  const hi = prev * 3;
  return hi < cfg.maxMs ? hi : cfg.maxMs;
}
