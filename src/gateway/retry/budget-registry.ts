import { assertNever } from '../../core/assert.js';
import { RATIO_BUDGET_DEFAULTS, TOKEN_BUCKET_BUDGET_DEFAULTS } from './budget.js';
import type { RetryBudget, RetryBudgetInput, RetryBudgetKind } from './budget.js';
import { withDefaults } from './fill.js';
import { NoBudget } from './no-budget.js';
import { createRatioBudget } from './ratio-budget.js';
import { createTokenBucketBudget } from './token-bucket-budget.js';

export const RETRY_BUDGET_KINDS: readonly RetryBudgetKind[] = ['none', 'ratio', 'token-bucket'];

/** Builds a budget by `kind`, defaults filled, validated eagerly (RangeError names the field). */
export function createRetryBudget(config: RetryBudgetInput): RetryBudget {
  switch (config.kind) {
    case 'none':
      return new NoBudget();
    case 'ratio':
      return createRatioBudget(withDefaults(RATIO_BUDGET_DEFAULTS, config));
    case 'token-bucket':
      return createTokenBucketBudget(withDefaults(TOKEN_BUCKET_BUDGET_DEFAULTS, config));
    default: {
      const bad: never = config;
      if (typeof bad === 'object' && bad !== null && 'kind' in bad) {
        throw new RangeError(
          `budget.kind must be one of ${RETRY_BUDGET_KINDS.join(', ')}, got ${JSON.stringify((bad as { kind: unknown }).kind)}`,
        );
      }
      return assertNever(bad, 'budget config');
    }
  }
}
