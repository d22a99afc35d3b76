import { checkNonNegative } from '../../src/core/assert.js';
import type { Plan, ResetPlan } from '../plan.js';
import type { Behaviour, DecideContext, Draft, Stage } from './behaviour.js';

const EMPTY = new Uint8Array(0);

/** A TCP reset after `afterMs`, before any header is sent. */
export class ResetBeforeHeaders implements Behaviour {
  readonly stage = 'connection';
  readonly name = 'reset';
  private readonly plan: ResetPlan;
  constructor(afterMs: number) {
    checkNonNegative('reset.after', afterMs);
    this.plan = Object.freeze({
      kind: 'reset',
      phase: 'before-headers',
      afterMs,
      status: 0,
      headers: Object.freeze({}),
      partial: EMPTY,
      serviceMs: 0,
    });
  }
  decide(): Plan {
    return this.plan;
  }
}

/** A TCP reset in the middle of the body: half of a completion, or after half of a stream's tokens. */
export class ResetMidBody implements Behaviour {
  readonly stage: Stage = 'shape';
  readonly name = 'reset';
  decide(ctx: DecideContext, draft: Draft): Plan | null {
    if (ctx.req.route === 'chat') draft.midBodyReset = true;
    return null;
  }
}
