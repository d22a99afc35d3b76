import { checkInteger } from '../../src/core/assert.js';
import type { Plan, RespondPlan } from '../plan.js';
import type { Behaviour, DecideContext } from './behaviour.js';
import { errorPlan } from './error.js';

/** The first `requests` completions after the fault starts fail; then the upstream is healthy. */
export class FailN implements Behaviour {
  readonly stage = 'error';
  readonly name = 'fail-n';
  private readonly plan: RespondPlan;
  private count = 0;
  constructor(
    private readonly requests: number,
    status = 500,
    retryAfterMs?: number,
  ) {
    checkInteger('fail-n.requests', requests, 1);
    this.plan = errorPlan(status, undefined, undefined, retryAfterMs);
  }
  decide(ctx: DecideContext): Plan | null {
    if (ctx.req.route !== 'chat' || this.count >= this.requests) return null;
    this.count++;
    return this.plan;
  }
}
