import type { Scheduler, Timer } from './clock.js';

/**
 * A timer on the virtual clock. The scheduler keeps these in a binary heap ordered by
 * (due time, insertion sequence); cancel() marks the entry dead and the heap drops it lazily.
 */
class VirtualTimer implements Timer {
  fn: (() => void) | null;
  constructor(
    readonly due: number,
    readonly seq: number,
    fn: () => void,
  ) {
    this.fn = fn;
  }
  cancel(): void {
    this.fn = null;
  }
}

function before(a: VirtualTimer, b: VirtualTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

/**
 * Virtual time for tests and the simulator: nothing moves until `advance`, `runUntil` or
 * `runNext` is called, and timers fire in (time, insertion) order.
 */
export class VirtualScheduler implements Scheduler {
  private time: number;
  private seq = 0;
  private readonly heap: VirtualTimer[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(ms: number, fn: () => void): Timer {
    if (!(ms >= 0)) ms = 0;
    const timer = new VirtualTimer(this.time + ms, this.seq++, fn);
    this.push(timer);
    return timer;
  }

  /** Timers still pending, cancelled ones included until they reach the top of the heap. */
  get size(): number {
    return this.heap.length;
  }

  /** Due time of the next live timer, or Infinity. */
  nextDue(): number {
    this.dropCancelled();
    return this.heap[0]?.due ?? Infinity;
  }

  /** Fires the next live timer, moving the clock to its due time. False when none is left. */
  runNext(): boolean {
    this.dropCancelled();
    const top = this.pop();
    if (!top) return false;
    this.time = top.due;
    const fn = top.fn!;
    top.fn = null;
    fn();
    return true;
  }

  /** Fires every timer due at or before `t` (including ones set meanwhile), then sets the clock to `t`. */
  runUntil(t: number): void {
    for (;;) {
      this.dropCancelled();
      const top = this.heap[0];
      if (!top || top.due > t) break;
      this.runNext();
    }
    if (t > this.time) this.time = t;
  }

  advance(ms: number): void {
    this.runUntil(this.time + ms);
  }

  /** Runs until no timer is left or `limit` timers have fired; returns how many fired. */
  runAll(limit = Number.MAX_SAFE_INTEGER): number {
    let fired = 0;
    while (fired < limit && this.runNext()) fired++;
    return fired;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0]!.fn === null) this.pop();
  }

  private push(timer: VirtualTimer): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(timer);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!before(timer, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = timer;
  }

  private pop(): VirtualTimer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    const n = heap.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(heap[r]!, heap[l]!) ? r : l;
      const child = heap[c]!;
      if (!before(child, last)) break;
      heap[i] = child;
      i = c;
    }
    heap[i] = last;
    return top;
  }
}
