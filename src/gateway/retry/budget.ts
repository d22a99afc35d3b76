/**
 * Caps retries so that they cannot amplify an outage. The dispatcher calls `onRequest` once per
 * client request, `onAttemptResult` after every attempt, and `tryRetry` before each retry;
 * `tryRetry` consumes the allowance when it returns true. A false answer is a budget denial the
 * caller counts. Time never flowing backwards is the caller's promise; budgets treat a `now`
 * earlier than the last one as the last one.
 */
export interface RetryBudget {
  onRequest(now: number): void;
  onAttemptResult(failure: boolean): void;
  tryRetry(now: number): boolean;
}

export interface RatioBudgetConfig {
  kind: 'ratio';
  /** How long a request's deposit lasts (Finagle's ttl). */
  ttlMs: number;
  /** Retries allowed as a fraction of requests within ttl (Finagle's percentCanRetry). */
  percent: number;
  /** Retries allowed per second on top, so that low traffic can still retry. */
  minRetriesPerSec: number;
  /** Time buckets the ttl is split into; the window slides one bucket at a time. */
  buckets: number;
}

export interface TokenBucketBudgetConfig {
  kind: 'token-bucket';
  /** gRPC retryThrottling.maxTokens. */
  maxTokens: number;
  /** gRPC retryThrottling.tokenRatio: tokens a success gives back (3 decimal places kept). */
  tokenRatio: number;
}

export interface NoBudgetConfig {
  kind: 'none';
}

export type RetryBudgetConfig = RatioBudgetConfig | TokenBucketBudgetConfig | NoBudgetConfig;
export type RetryBudgetKind = RetryBudgetConfig['kind'];

/** Per kind, everything but `kind` optional. */
export type RetryBudgetInput =
  | ({ kind: 'ratio' } & Partial<Omit<RatioBudgetConfig, 'kind'>>)
  | ({ kind: 'token-bucket' } & Partial<Omit<TokenBucketBudgetConfig, 'kind'>>)
  | NoBudgetConfig;

export const RATIO_BUDGET_DEFAULTS: Readonly<RatioBudgetConfig> = Object.freeze({
  kind: 'ratio',
  ttlMs: 10_000,
  percent: 0.2,
  minRetriesPerSec: 10,
  buckets: 10,
});

export const TOKEN_BUCKET_BUDGET_DEFAULTS: Readonly<TokenBucketBudgetConfig> = Object.freeze({
  kind: 'token-bucket',
  maxTokens: 10,
  tokenRatio: 0.1,
});
