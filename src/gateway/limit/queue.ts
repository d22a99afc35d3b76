import { checkInteger, checkNonNegative } from '../../core/assert.js';
import type { Scheduler, Timer } from '../../core/clock.js';
import type { Limiter } from './limiter.js';

export interface LimiterQueueConfig {
  /** How long a request may wait for the limiter before it is rejected. */
  maxWaitMs: number;
  /** Waiting requests beyond this are rejected at once; 0 makes the queue a plain limiter. */
  maxQueue: number;
}

export interface QueueTicket {
  /** Withdraws a waiting request; its callback will not be called. No effect once decided. */
  cancel(): void;
}

const DECIDED: QueueTicket = Object.freeze({ cancel(): void {} });

class Waiter implements QueueTicket {
  queue: LimiterQueue | null;
  constructor(
    queue: LimiterQueue,
    readonly cost: number,
    readonly deadline: number,
    readonly done: (admitted: boolean) => void,
  ) {
    this.queue = queue;
  }
  cancel(): void {
    const q = this.queue;
    this.queue = null;
    if (q) q.withdraw();
  }
}

/**
 * Holds requests FIFO until the limiter admits them or `maxWaitMs` passes. `done(true)` when
 * admitted (cost consumed), `done(false)` when the queue is full, the wait ran out, or the cost
 * can never be admitted (retryAfterMs = Infinity). `done` is called synchronously from
 * `acquire` when the answer is immediate, otherwise from a timer.
 *
 * A request never overtakes an earlier one, even if its own cost would fit. Every waiter has
 * the same maxWaitMs, so deadlines come in queue order and one timer suffices: it is set for
 * the sooner of the head's retryAfterMs and the head's deadline, and cancelled when the queue
 * empties. At the deadline instant the limiter is asked once more before rejecting.
 */
export class LimiterQueue {
  private readonly waiters: (Waiter | null)[] = [];
  private head = 0;
  private live = 0;
  private timer: Timer | null = null;
  private timerDue = Infinity;
  private readonly onTimer = (): void => {
    // The virtual clock may land an ulp short of `due`; the timer stands for `due`.
    const due = this.timerDue;
    this.timer = null;
    this.timerDue = Infinity;
    const now = this.scheduler.now();
    this.pump(now > due ? now : due);
  };

  constructor(
    private readonly scheduler: Scheduler,
    private readonly limiter: Limiter,
    readonly config: LimiterQueueConfig,
  ) {}

  /** Requests waiting now (cancelled ones excluded). */
  get length(): number {
    return this.live;
  }

  /** Whether a timer is pending (none is, once the queue has drained). */
  get hasTimer(): boolean {
    return this.timer !== null;
  }

  acquire(done: (admitted: boolean) => void, cost = 1): QueueTicket {
    const now = this.scheduler.now();
    let wait = 0;
    if (this.live === 0) {
      wait = this.limiter.tryAcquire(now, cost);
      if (wait === 0) {
        done(true);
        return DECIDED;
      }
      if (wait === Infinity || this.config.maxQueue === 0 || this.config.maxWaitMs === 0) {
        done(false);
        return DECIDED;
      }
    } else if (this.live >= this.config.maxQueue) {
      done(false);
      return DECIDED;
    }
    const w = new Waiter(this, cost, now + this.config.maxWaitMs, done);
    this.waiters.push(w);
    this.live++;
    // A queue that was empty has no timer; otherwise the head's timer already runs.
    if (this.live === 1) this.arm(now, wait);
    return w;
  }

  /**
   * Called by a waiter's cancel(). A timer set for an earlier head may then fire early for the
   * new one (deadlines only grow along the queue); it simply re-arms.
   */
  withdraw(): void {
    this.live--;
    if (this.live === 0) this.clear();
  }

  private pump(now: number): void {
    let wait = 0;
    while (this.live > 0) {
      const w = this.peek();
      wait = this.limiter.tryAcquire(now, w.cost);
      if (wait === 0) {
        this.take(w);
        w.done(true);
      } else if (wait === Infinity || w.deadline <= now) {
        this.take(w);
        w.done(false);
      } else break;
    }
    if (this.live === 0) this.clear();
    else this.arm(now, wait);
  }

  private arm(now: number, wait: number): void {
    const head = this.peek();
    const due = now + wait < head.deadline ? now + wait : head.deadline;
    if (this.timer !== null) {
      if (due >= this.timerDue) return;
      this.timer.cancel();
    }
    this.timerDue = due;
    this.timer = this.scheduler.setTimer(due - now, this.onTimer);
  }

  /** The first live waiter; only called while live > 0. */
  private peek(): Waiter {
    for (;;) {
      const w = this.waiters[this.head];
      if (w && w.queue !== null) return w;
      this.waiters[this.head] = null;
      this.head++;
    }
  }

  private take(w: Waiter): void {
    w.queue = null;
    this.waiters[this.head] = null;
    this.head++;
    this.live--;
    if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters.splice(0, this.head);
      this.head = 0;
    }
  }

  private clear(): void {
    this.timer?.cancel();
    this.timer = null;
    this.timerDue = Infinity;
    this.waiters.length = 0;
    this.head = 0;
  }
}

export function createLimiterQueue(
  scheduler: Scheduler,
  limiter: Limiter,
  config: LimiterQueueConfig,
): LimiterQueue {
  checkNonNegative('queue.maxWaitMs', config.maxWaitMs);
  checkInteger('queue.maxQueue', config.maxQueue, 0);
  return new LimiterQueue(scheduler, limiter, config);
}
