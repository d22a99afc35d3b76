import { assertNever } from '../../core/assert.js';
import { createGcraLimiter } from './gcra.js';
import { LIMITER_KINDS } from './limiter.js';
import type { Limiter, LimiterConfig } from './limiter.js';
import { createSlidingLogLimiter } from './sliding-log.js';
import { createSlidingWindowLimiter } from './sliding-window.js';
import { createTokenBucketLimiter } from './token-bucket.js';

/** Builds a limiter by `kind`, validating eagerly (RangeError naming parameter and value). */
export function createLimiter(config: LimiterConfig): Limiter {
  switch (config.kind) {
    case 'sliding-log':
      return createSlidingLogLimiter(config);
    case 'sliding-window':
      return createSlidingWindowLimiter(config);
    case 'token-bucket':
      return createTokenBucketLimiter(config);
    case 'gcra':
      return createGcraLimiter(config);
    default: {
      const kind = (config as { kind?: unknown }).kind;
      if (typeof kind === 'string') {
        throw new RangeError(
          `limiter.kind must be one of ${LIMITER_KINDS.join(', ')}, got ${JSON.stringify(kind)}`,
        );
      }
      return assertNever(config, 'limiter config');
    }
  }
}
