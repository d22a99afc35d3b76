import type { HangPlan, Plan } from '../plan.js';
import type { Behaviour } from './behaviour.js';

export const HANG: HangPlan = Object.freeze({ kind: 'hang' });

/** Accepts and never answers. */
export class Hang implements Behaviour {
  readonly stage = 'connection';
  readonly name = 'hang';
  decide(): Plan {
    return HANG;
  }
}
