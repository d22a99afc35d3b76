/**
 * A rate limiter for client traffic or for one upstream ("500 requests/min").
 *
 * `tryAcquire(now, cost = 1)` returns 0 when the request is allowed (and consumes `cost`),
 * otherwise the milliseconds until it would be allowed (retryAfterMs, > 0), consuming nothing.
 * `Infinity` means never: `cost` exceeds what the limiter can ever hold (burst, or limit).
 *
 * - `cost` is a positive integer (requests, or tokens for a TPM limit); anything else is a bug
 *   and throws RangeError.
 * - Time that goes backwards is treated as standing still at the latest `now` seen: nothing is
 *   refunded or spent twice, and retryAfterMs counts from that latest time.
 * - Calling again at exactly now + retryAfterMs, with nothing else admitted meanwhile, is
 *   allowed (for sliding-window, as far as its estimate goes).
 * - Token bucket and GCRA count time in whole nanoseconds (rounded), so their bound
 *   burst + rate·Δ holds to within one nanosecond of refill.
 */
export interface Limiter {
  tryAcquire(now: number, cost?: number): number;
}

export interface SlidingLogConfig {
  kind: 'sliding-log';
  /** At most `limit` cost in any window of `windowMs` (exact; memory O(limit)). */
  limit: number;
  windowMs: number;
}

export interface SlidingWindowConfig {
  kind: 'sliding-window';
  /** Cloudflare's counter: current window + previous window weighted by its overlap. */
  limit: number;
  windowMs: number;
}

export interface TokenBucketConfig {
  kind: 'token-bucket';
  /** Refill rate, tokens per second (<= 1e6). */
  ratePerSec: number;
  /** Bucket size: what may pass at once after a quiet spell. */
  burst: number;
}

export interface GcraConfig {
  kind: 'gcra';
  ratePerSec: number;
  burst: number;
}

export type LimiterConfig = SlidingLogConfig | SlidingWindowConfig | TokenBucketConfig | GcraConfig;
export type LimiterKind = LimiterConfig['kind'];

export const LIMITER_KINDS: readonly LimiterKind[] = [
  'sliding-log',
  'sliding-window',
  'token-bucket',
  'gcra',
];

export function checkCost(cost: number): void {
  if (!(cost >= 1 && Number.isInteger(cost))) {
    throw new RangeError(`cost must be an integer >= 1, got ${JSON.stringify(cost)}`);
  }
}
