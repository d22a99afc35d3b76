import type { Scheduler, Timer } from './clock.js';

/**
 * A timer on the virtual clock. The scheduler keeps these in a binary heap ordered by
 * (due time, insertion sequence). Each timer knows its heap slot, so cancel() removes it at
 * once: the heap holds live timers only, which keeps it small when long timeouts are set and
 * cancelled for every request, as the gateway's watchdogs are.
 */
class VirtualTimer implements Timer {
  /** Slot in the heap, -1 once fired or cancelled. */
  index = -1;
  constructor(
    readonly owner: VirtualScheduler,
    readonly due: number,
    readonly seq: number,
    public fn: (() => void) | null,
  ) {}
  cancel(): void {
    if (this.index >= 0) this.owner.remove(this);
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
    const timer = new VirtualTimer(this, this.time + ms, this.seq++, fn);
    const heap = this.heap;
    heap.push(timer);
    this.up(timer, heap.length - 1);
    return timer;
  }

  /** Timers pending. */
  get size(): number {
    return this.heap.length;
  }

  /** Due time of the next timer, or Infinity. */
  nextDue(): number {
    return this.heap[0]?.due ?? Infinity;
  }

  /** Fires the next timer, moving the clock to its due time. False when none is left. */
  runNext(): boolean {
    const top = this.heap[0];
    if (top === undefined) return false;
    this.remove(top);
    this.time = top.due;
    const fn = top.fn!;
    top.fn = null;
    fn();
    return true;
  }

  /** Fires every timer due at or before `t` (including ones set meanwhile), then sets the clock to `t`. */
  runUntil(t: number): void {
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.due > t) break;
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

  /** @internal Takes a timer out of the heap. */
  remove(timer: VirtualTimer): void {
    const heap = this.heap;
    const i = timer.index;
    timer.index = -1;
    const last = heap.pop()!;
    if (last === timer) return;
    heap[i] = last;
    last.index = i;
    if (i > 0 && before(last, heap[(i - 1) >> 1]!)) this.up(last, i);
    else this.down(last, i);
  }

  private up(timer: VirtualTimer, i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (!before(timer, p)) break;
      heap[i] = p;
      p.index = i;
      i = parent;
    }
    heap[i] = timer;
    timer.index = i;
  }

  private down(timer: VirtualTimer, i: number): void {
    const heap = this.heap;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(heap[r]!, heap[l]!) ? r : l;
      const child = heap[c]!;
      if (!before(child, timer)) break;
      heap[i] = child;
      child.index = i;
      i = c;
    }
    heap[i] = timer;
    timer.index = i;
  }
}
