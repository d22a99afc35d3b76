import { checkNonNegative } from '../../src/core/assert.js';
import type { Behaviour, DecideContext, Draft } from './behaviour.js';

/** Every latency of a completion (service time, first token, inter-token) multiplied by `factor`. */
export class Brownout implements Behaviour {
  readonly stage = 'shape';
  readonly name = 'brownout';
  constructor(private readonly factor: number) {
    checkNonNegative('brownout.factor', factor);
  }
  decide(ctx: DecideContext, draft: Draft): null {
    if (ctx.req.route === 'chat') draft.factor *= this.factor;
    return null;
  }
}
