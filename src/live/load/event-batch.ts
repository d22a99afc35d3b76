import type { Scheduler, Timer } from '../../core/clock.js';
import type { ClientEvent } from './types.js';

/** Events posted together at most this long after the first of them (ms). */
const FLUSH_MS = 5;
const MAX_BATCH = 512;

/** Collects client events and hands them on in small batches (one message per batch). */
export class EventBatch {
  private events: ClientEvent[] = [];
  private timer: Timer | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly post: (events: ClientEvent[]) => void,
  ) {}

  readonly add = (e: ClientEvent): void => {
    this.events.push(e);
    if (this.events.length >= MAX_BATCH) this.flush();
    else this.timer ??= this.scheduler.setTimer(FLUSH_MS, () => this.flush());
  };

  flush(): void {
    this.timer?.cancel();
    this.timer = null;
    if (this.events.length === 0) return;
    const out = this.events;
    this.events = [];
    this.post(out);
  }
}
