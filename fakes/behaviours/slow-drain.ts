import { checkInteger, checkPositive } from '../../src/core/assert.js';
import type { Behaviour } from './behaviour.js';

/**
 * A node being drained while still in rotation: its capacity shrinks linearly from the
 * configured value to `to` over `overMs` (then stays there until the fault ends), so its queue
 * grows and then it answers overloaded.
 */
export class SlowDrain implements Behaviour {
  readonly stage = 'shape';
  readonly name = 'slow-drain';
  private startedAt = 0;
  constructor(
    private readonly overMs: number,
    private readonly to = 0,
  ) {
    checkPositive('slow-drain.over', overMs);
    checkInteger('slow-drain.to', to, 0);
  }
  decide(): null {
    return null;
  }
  capacity(now: number, base: number): number {
    const f = Math.min(1, Math.max(0, (now - this.startedAt) / this.overMs));
    return Math.min(base, Math.ceil(base - (base - Math.min(this.to, base)) * f));
  }
  start(_host: unknown, now: number): void {
    this.startedAt = now;
  }
}
