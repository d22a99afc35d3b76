import type { Scheduler, Timer } from '../src/core/clock.js';

class TrackedTimer implements Timer {
  inner: Timer | null = null;
  constructor(
    private readonly owner: TrackingScheduler,
    readonly fn: () => void,
  ) {}
  readonly fire = (): void => {
    this.owner.forget(this);
    this.fn();
  };
  cancel(): void {
    this.inner?.cancel();
    this.owner.forget(this);
  }
}

/**
 * A scheduler that remembers its pending timers so a transport can cancel every one of them
 * when it closes (nothing left behind to hold the process open or fire after close).
 */
export class TrackingScheduler implements Scheduler {
  private readonly live = new Set<TrackedTimer>();
  constructor(private readonly inner: Scheduler) {}

  now(): number {
    return this.inner.now();
  }

  setTimer(ms: number, fn: () => void): Timer {
    const t = new TrackedTimer(this, fn);
    this.live.add(t);
    t.inner = this.inner.setTimer(ms, t.fire);
    return t;
  }

  get pending(): number {
    return this.live.size;
  }

  forget(t: TrackedTimer): void {
    this.live.delete(t);
  }

  cancelAll(): void {
    for (const t of [...this.live]) t.cancel();
  }
}
