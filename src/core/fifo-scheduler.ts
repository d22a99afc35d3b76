import type { Scheduler, Timer } from './clock.js';

const origin = performance.timeOrigin;

function now(): number {
  return origin + performance.now();
}

/** Node turns longer delays into 1 ms; a longer wait is armed in steps of this. */
const MAX_NODE_DELAY = 2 ** 31 - 1;
/** A queue is compacted only once it holds at least this many dead entries. */
const COMPACT_MIN = 64;
const NO_ERROR: unique symbol = Symbol('no error');

/** One timer: its due time and callback; a null callback means fired or cancelled. */
class FifoTimer implements Timer {
  constructor(
    readonly queue: FifoQueue,
    readonly due: number,
    public fn: (() => void) | null,
  ) {}
  cancel(): void {
    if (this.fn === null) return;
    this.fn = null;
    this.queue.dropped();
  }
}

/**
 * The timers of one delay, in the order set, with one node timer armed for the head. Entries
 * before `head` are spent; `dead` counts the cancelled ones from `head` on.
 */
class FifoQueue {
  items: FifoTimer[] = [];
  head = 0;
  dead = 0;
  handle: NodeJS.Timeout | null = null;
  running = false;
  /** Out of the scheduler's map (emptied or disposed): takes no more timers. */
  detached = false;

  constructor(
    private readonly map: Map<number, FifoQueue>,
    private readonly key: number,
    private readonly unref: boolean,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  push(timer: FifoTimer): void {
    this.items.push(timer);
    if (this.handle === null && !this.running) this.arm(timer.due);
  }

  /** A pending timer was cancelled: it stays in place until skipped or compacted away. */
  dropped(): void {
    this.dead++;
    if (this.running || this.dead < COMPACT_MIN || this.dead * 2 <= this.size) return;
    this.compact();
    if (this.items.length > 0) return;
    // Everything was cancelled: let go of the node timer now rather than at its due time.
    if (this.handle !== null) clearTimeout(this.handle);
    this.handle = null;
    this.detach();
  }

  /** Cancels everything (the scheduler's dispose). */
  dispose(): void {
    if (this.handle !== null) clearTimeout(this.handle);
    this.handle = null;
    for (let i = this.head; i < this.items.length; i++) this.items[i]!.fn = null;
    this.items = [];
    this.head = 0;
    this.dead = 0;
    this.detached = true;
  }

  private detach(): void {
    this.detached = true;
    if (this.map.get(this.key) === this) this.map.delete(this.key);
  }

  private arm(due: number): void {
    const ms = Math.min(MAX_NODE_DELAY, Math.max(1, Math.ceil(due - now())));
    const handle = setTimeout(this.fire, ms);
    if (this.unref) handle.unref();
    this.handle = handle;
  }

  /** Drops the spent prefix and the cancelled entries, keeping the order. */
  private compact(): void {
    const items = this.items;
    let w = 0;
    for (let r = this.head; r < items.length; r++) {
      const t = items[r]!;
      if (t.fn !== null) items[w++] = t;
    }
    items.length = w;
    this.head = 0;
    this.dead = 0;
  }

  /**
   * Runs every entry due by now that was queued when the node timer fired (ones set meanwhile
   * wait for the next turn, so a timer that sets itself again cannot starve the event loop),
   * then arms for the new head. A callback's exception is rethrown once the queue is in order.
   */
  private readonly fire = (): void => {
    this.handle = null;
    this.running = true;
    const stop = this.items.length;
    let t = now();
    let error: unknown = NO_ERROR;
    while (this.head < stop) {
      const timer = this.items[this.head]!;
      const fn = timer.fn;
      if (fn === null) {
        this.head++;
        this.dead--;
        continue;
      }
      // Read the clock again before giving up: earlier callbacks may have taken a while.
      if (timer.due > t && timer.due > (t = now())) break;
      this.head++;
      timer.fn = null;
      try {
        fn();
      } catch (err) {
        if (error === NO_ERROR) error = err;
        else
          queueMicrotask(() => {
            throw err;
          });
      }
      if (this.detached) break; // a callback disposed the scheduler
    }
    this.running = false;
    if (!this.detached) this.settle();
    if (error !== NO_ERROR) throw error;
  };

  /** After a run: skips cancelled heads, then arms for the new head or leaves the map. */
  private settle(): void {
    const items = this.items;
    while (this.head < items.length && items[this.head]!.fn === null) {
      this.head++;
      this.dead--;
    }
    if (this.head === items.length) {
      items.length = 0;
      this.head = 0;
      this.dead = 0;
      this.detach();
      return;
    }
    if (
      (this.head >= COMPACT_MIN && this.head * 2 >= items.length) ||
      (this.dead >= COMPACT_MIN && this.dead * 2 > this.size)
    )
      this.compact();
    this.arm(this.items[this.head]!.due);
  }
}

/**
 * Real time, like RealScheduler, for code that sets many timers of the same few delays and
 * cancels most of them long before they are due — the gateway's per-attempt watchdogs.
 *
 * Timers are kept in FIFO queues by their delay rounded up to a whole millisecond (delays <= 0
 * share a queue of their own), with one node timer per non-empty queue armed for its head.
 * Real time only moves forward, so within a queue the due times are in order to within 1 ms:
 * a timer may fire up to 1 ms late behind one set before it with a slightly longer delay, but
 * never before its due time. Setting a timer allocates one small object and, most of the time,
 * touches no node timer; cancelling only marks it (the queue drops cancelled entries as its
 * head passes them, and compacts itself once they are more than half of it). A queue whose
 * timers are all cancelled keeps its node timer until the head's due time at the latest.
 *
 * `unref` keeps the node timers from holding the process open. `dispose()` cancels every timer
 * and clears every node timer; the scheduler stays usable afterwards.
 */
export class FifoScheduler implements Scheduler {
  private readonly queues = new Map<number, FifoQueue>();

  constructor(private readonly unref = false) {}

  now(): number {
    return origin + performance.now();
  }

  setTimer(ms: number, fn: () => void): Timer {
    const delay = ms > 0 ? ms : 0; // NaN and negatives too
    const key = Math.ceil(delay);
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = new FifoQueue(this.queues, key, this.unref);
      this.queues.set(key, queue);
    }
    const timer = new FifoTimer(queue, now() + delay, fn);
    queue.push(timer);
    return timer;
  }

  /** Entries held, cancelled ones not yet dropped included (for tests and diagnostics). */
  get stored(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.size;
    return n;
  }

  /** Cancels every pending timer and clears every node timer. */
  dispose(): void {
    for (const q of this.queues.values()) q.dispose();
    this.queues.clear();
  }
}
