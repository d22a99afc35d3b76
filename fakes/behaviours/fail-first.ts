import { checkInteger } from '../../src/core/assert.js';
import type { Plan, RespondPlan } from '../plan.js';
import type { Behaviour, DecideContext } from './behaviour.js';
import { errorPlan } from './error.js';

/**
 * Each request key fails its first `attempts` attempts (counted while the fault is active),
 * then succeeds: the shape for testing a client's or gateway's retries.
 */
export class FailFirst implements Behaviour {
  readonly stage = 'error';
  readonly name = 'fail-first';
  private readonly plan: RespondPlan;
  private readonly seen = new Map<string, number>();
  constructor(
    private readonly attempts: number,
    status = 500,
    retryAfterMs?: number,
  ) {
    checkInteger('fail-first.attempts', attempts, 1);
    this.plan = errorPlan(status, undefined, undefined, retryAfterMs);
  }
  decide(ctx: DecideContext): Plan | null {
    if (ctx.req.route !== 'chat') return null;
    const n = (this.seen.get(ctx.req.key) ?? 0) + 1;
    this.seen.set(ctx.req.key, n);
    return n <= this.attempts ? this.plan : null;
  }
}
