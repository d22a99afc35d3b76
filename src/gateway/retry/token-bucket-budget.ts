import { check, checkPositive } from '../../core/assert.js';
import type { RetryBudget, TokenBucketBudgetConfig } from './budget.js';

/**
 * gRPC retry throttling (gRFC A6): the bucket starts full at maxTokens; every failed attempt
 * takes 1 token, every success gives back tokenRatio; retries are allowed only while
 * tokens > maxTokens/2. The failure already paid, so an allowed retry takes nothing more.
 * Tokens are kept in thousandths, as integers, so that ratios such as 0.1 add up exactly.
 */
export class TokenBucketBudget implements RetryBudget {
  private readonly max: number;
  private readonly ratio: number;
  private milli: number;

  constructor(readonly config: TokenBucketBudgetConfig) {
    this.max = Math.round(config.maxTokens * 1000);
    this.ratio = Math.round(config.tokenRatio * 1000);
    this.milli = this.max;
  }

  /** Current tokens (for tests and reports). */
  get tokens(): number {
    return this.milli / 1000;
  }

  onRequest(_now: number): void {}

  onAttemptResult(failure: boolean): void {
    if (failure) this.milli = this.milli > 1000 ? this.milli - 1000 : 0;
    else this.milli = this.milli + this.ratio < this.max ? this.milli + this.ratio : this.max;
  }

  tryRetry(_now: number): boolean {
    return this.milli * 2 > this.max;
  }
}

export function createTokenBucketBudget(config: TokenBucketBudgetConfig): TokenBucketBudget {
  checkPositive('budget.maxTokens', config.maxTokens);
  check(config.maxTokens <= 1000, 'budget.maxTokens', config.maxTokens, 'must be <= 1000 (gRPC)');
  checkPositive('budget.tokenRatio', config.tokenRatio);
  check(
    config.tokenRatio >= 0.001,
    'budget.tokenRatio',
    config.tokenRatio,
    'must be >= 0.001 (3 decimal places are kept)',
  );
  return new TokenBucketBudget(config);
}
