import { checkNonNegative } from '../../src/core/assert.js';
import type { Behaviour, DecideContext, Draft } from './behaviour.js';

/** The first token (and a non-streaming answer) comes `delayMs` later. */
export class SlowFirstToken implements Behaviour {
  readonly stage = 'shape';
  readonly name = 'slow-first-token';
  constructor(private readonly delayMs: number) {
    checkNonNegative('slow-first-token.delay', delayMs);
  }
  decide(ctx: DecideContext, draft: Draft): null {
    if (ctx.req.route === 'chat') draft.ttftAddMs += this.delayMs;
    return null;
  }
}
