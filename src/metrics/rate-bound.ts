import { assertNever } from '../core/assert.js';
import type { LimiterConfig } from '../gateway/limit/limiter.js';

/** At most `limit` attempts to one upstream in any window of `windowMs` (exclusive of its start). */
export interface RateBound {
  limit: number;
  windowMs: number;
}

/**
 * The most a configured upstream limiter can let through in a sliding window: a sliding log
 * exactly its limit; a token bucket or GCRA its burst plus a second of refill; Cloudflare's
 * sliding-window estimate up to twice its limit (a full previous window ending just before).
 */
export function rateBoundOf(config: LimiterConfig): RateBound {
  switch (config.kind) {
    case 'sliding-log':
      return { limit: config.limit, windowMs: config.windowMs };
    case 'sliding-window':
      return { limit: 2 * config.limit, windowMs: config.windowMs };
    case 'token-bucket':
    case 'gcra':
      return { limit: Math.floor(config.burst + config.ratePerSec), windowMs: 1000 };
    default:
      return assertNever(config, 'limiter config');
  }
}
