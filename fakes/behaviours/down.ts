import type { Plan, RefusePlan } from '../plan.js';
import type { Behaviour } from './behaviour.js';

export const REFUSE: RefusePlan = Object.freeze({ kind: 'refuse' });

/** The server is down: connections are refused. */
export class Down implements Behaviour {
  readonly stage = 'connection';
  readonly name = 'down';
  decide(): Plan {
    return REFUSE;
  }
  refusing(): boolean {
    return true;
  }
}
