import { checkPositive } from '../../src/core/assert.js';
import type { Timer } from '../../src/core/clock.js';
import type { Plan } from '../plan.js';
import type { Behaviour, FaultHost } from './behaviour.js';
import { REFUSE } from './down.js';

/** Down for `downMs`, up for `upMs`, again and again, starting down. */
export class Flap implements Behaviour {
  readonly stage = 'connection';
  readonly name = 'flap';
  private down = false;
  private timer: Timer | null = null;
  private host: FaultHost | null = null;
  private readonly toggle = (): void => {
    this.down = !this.down;
    this.timer = this.host!.scheduler.setTimer(this.down ? this.downMs : this.upMs, this.toggle);
    this.host!.changed();
  };

  constructor(
    private readonly upMs: number,
    private readonly downMs: number,
  ) {
    checkPositive('flap.up', upMs);
    checkPositive('flap.down', downMs);
  }

  decide(): Plan | null {
    return this.down ? REFUSE : null;
  }

  refusing(): boolean {
    return this.down;
  }

  start(host: FaultHost): void {
    this.host = host;
    this.down = true;
    this.timer = host.scheduler.setTimer(this.downMs, this.toggle);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
    this.down = false;
  }
}
