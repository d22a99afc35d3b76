import {
  assertNever,
  check,
  checkInteger,
  checkNonNegative,
  checkPositive,
} from '../../core/assert.js';
import type { Rng } from '../../core/rng.js';
import type { AttemptOutcome } from '../outcome.js';
import { backoffDelay, createBackoff } from './backoff.js';
import type { BackoffConfig } from './backoff.js';
import { withDefaults } from './fill.js';

/** Outcomes that may be retried. `timeout` covers per-try timeouts and HTTP 408. */
export type RetryOn = 'connect-error' | 'reset' | 'timeout' | '429' | '5xx';
export const RETRY_ON: readonly RetryOn[] = ['connect-error', 'reset', 'timeout', '429', '5xx'];

export interface RetryAfterConfig {
  /** Wait at least as long as the upstream's Retry-After / retry-after-ms asks. */
  honour: boolean;
  /** A hint longer than this means "not here": fail over to another upstream at once. */
  maxMs: number;
}

export interface RetryPolicyConfig {
  /** Total attempts including the first; 1 disables retries. */
  attempts: number;
  retryOn: readonly RetryOn[];
  /** The 5xx codes that retry when `retryOn` holds '5xx'. */
  retryStatuses: readonly number[];
  retryAfter: RetryAfterConfig;
  backoff: BackoffConfig;
  /** Limit on each attempt (Infinity: none). */
  perTryTimeoutMs: number;
  /** Deadline across all attempts and backoffs, from the request's start (Infinity: none). */
  totalTimeoutMs: number;
}

export type RetryPolicyInput = Partial<Omit<RetryPolicyConfig, 'retryAfter' | 'backoff'>> & {
  retryAfter?: Partial<RetryAfterConfig> | undefined;
  backoff?: Partial<BackoffConfig> | undefined;
};

export const RETRY_DEFAULTS: Readonly<RetryPolicyConfig> = Object.freeze({
  attempts: 3,
  retryOn: RETRY_ON,
  retryStatuses: Object.freeze([500, 502, 503, 504]),
  retryAfter: Object.freeze({ honour: true, maxMs: 30_000 }),
  backoff: createBackoff(),
  perTryTimeoutMs: 30_000,
  totalTimeoutMs: 120_000,
});

/** Fills defaults and validates eagerly; throws RangeError naming the parameter and value. */
export function createRetryPolicy(partial: RetryPolicyInput = {}): RetryPolicyConfig {
  const { retryAfter, backoff, ...rest } = partial;
  const cfg: RetryPolicyConfig = {
    ...withDefaults(RETRY_DEFAULTS, rest),
    retryAfter: withDefaults(RETRY_DEFAULTS.retryAfter, retryAfter ?? {}),
    backoff: createBackoff(backoff ?? {}),
  };
  checkInteger('retry.attempts', cfg.attempts, 1);
  for (const r of cfg.retryOn) {
    check(RETRY_ON.includes(r), 'retry.retryOn', r, `must be one of ${RETRY_ON.join(', ')}`);
  }
  for (const s of cfg.retryStatuses) {
    check(
      Number.isInteger(s) && s >= 500 && s <= 599,
      'retry.retryStatuses',
      s,
      'must be 5xx status codes (500–599)',
    );
  }
  check(
    typeof cfg.retryAfter.honour === 'boolean',
    'retry.retryAfter.honour',
    cfg.retryAfter.honour,
    'must be a boolean',
  );
  checkNonNegative('retry.retryAfter.maxMs', cfg.retryAfter.maxMs);
  checkTimeout('retry.perTryTimeoutMs', cfg.perTryTimeoutMs);
  checkTimeout('retry.totalTimeoutMs', cfg.totalTimeoutMs);
  return cfg;
}

function checkTimeout(param: string, value: number): void {
  if (value !== Infinity) checkPositive(param, value);
}

/**
 * Whether this outcome is worth another attempt. Attempts left, deadline and budget are the
 * caller's to check; a `deadline` timeout is final. 4xx other than 408/429 never retry (a 400 such as context_length_exceeded
 * is not transient); a client that went away (`aborted`) or a stream that already reached the
 * client (`truncated`) never retry.
 */
export function classifyForRetry(
  outcome: AttemptOutcome,
  cfg: RetryPolicyConfig,
): 'retry' | 'final' {
  switch (outcome.kind) {
    case 'ok':
    case 'aborted':
    case 'truncated':
      return 'final';
    case 'connect-error':
    case 'reset':
      return cfg.retryOn.includes(outcome.kind) ? 'retry' : 'final';
    case 'timeout':
      // The overall deadline leaves no time for another attempt.
      if (outcome.phase === 'deadline') return 'final';
      return cfg.retryOn.includes('timeout') ? 'retry' : 'final';
    case 'http-error': {
      const s = outcome.status;
      if (s === 429) return cfg.retryOn.includes('429') ? 'retry' : 'final';
      if (s === 408) return cfg.retryOn.includes('timeout') ? 'retry' : 'final';
      if (s >= 500 && s <= 599) {
        return cfg.retryOn.includes('5xx') && cfg.retryStatuses.includes(s) ? 'retry' : 'final';
      }
      return 'final';
    }
    default:
      return assertNever(outcome, 'outcome');
  }
}

export type RetryDelay =
  { readonly kind: 'wait'; readonly ms: number } | { readonly kind: 'failover-now' };

const FAILOVER_NOW: RetryDelay = Object.freeze({ kind: 'failover-now' });
const WAIT: { kind: 'wait'; ms: number } = { kind: 'wait', ms: 0 };

/**
 * The wait before retry `retry` (1 = first retry) after `outcome`. With `retryAfter.honour`, a
 * valid hint (outcome.retryAfterMs, finite and >= 0) sets a floor: the wait is
 * max(backoff, hint). A hint beyond `retryAfter.maxMs` returns `failover-now`: do not wait for
 * this upstream — retry at once elsewhere; the caller must exclude that upstream from the pick.
 *
 * Allocation-free: the `wait` result is one object reused by every call, valid only until the
 * next call — read `ms` straight away and do not keep the object.
 */
export function nextRetryDelay(
  outcome: AttemptOutcome,
  cfg: RetryPolicyConfig,
  retry: number,
  prevDelayMs: number,
  rng: Rng,
): RetryDelay {
  let ms = backoffDelay(cfg.backoff, retry, prevDelayMs, rng);
  if (cfg.retryAfter.honour && outcome.kind === 'http-error') {
    const hint = outcome.retryAfterMs;
    if (hint !== undefined && hint >= 0 && hint < Infinity) {
      if (hint > cfg.retryAfter.maxMs) return FAILOVER_NOW;
      if (hint > ms) ms = hint;
    }
  }
  WAIT.ms = ms;
  return WAIT;
}
