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

/**
 * Virtual time for tests and the simulator: nothing moves until `advance`, `runUntil` or
 * `runNext` is called, and timers fire in (time, insertion) order.
 *
 * The heap keeps each slot's due time and sequence in typed arrays beside the timer objects, so
 * sifting compares numbers in two flat arrays instead of chasing a pointer per comparison — the
 * scheduler is the simulator's busiest part.
 */
export class VirtualScheduler implements Scheduler {
  private time: number;
  private seq = 0;
  private readonly heap: VirtualTimer[] = [];
  private dues = new Float64Array(1024);
  private seqs = new Float64Array(1024);

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(ms: number, fn: () => void): Timer {
    if (!(ms >= 0)) ms = 0;
    const timer = new VirtualTimer(this, this.time + ms, this.seq++, fn);
    const i = this.heap.length;
    if (i === this.dues.length) this.grow();
    this.heap.push(timer);
    this.up(timer, i);
    return timer;
  }

  /** Timers pending. */
  get size(): number {
    return this.heap.length;
  }

  /** Due time of the next timer, or Infinity. */
  nextDue(): number {
    return this.heap.length > 0 ? this.dues[0]! : Infinity;
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
    while (this.heap.length > 0 && this.dues[0]! <= t) this.runNext();
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
    if (i > 0 && this.before(last.due, last.seq, (i - 1) >> 1)) this.up(last, i);
    else this.down(last, i);
  }

  private grow(): void {
    const dues = new Float64Array(this.dues.length * 2);
    dues.set(this.dues);
    this.dues = dues;
    const seqs = new Float64Array(this.seqs.length * 2);
    seqs.set(this.seqs);
    this.seqs = seqs;
  }

  /** Whether (due, seq) comes before the timer at heap slot j. */
  private before(due: number, seq: number, j: number): boolean {
    const d = this.dues[j]!;
    return due < d || (due === d && seq < this.seqs[j]!);
  }

  private place(timer: VirtualTimer, i: number): void {
    this.heap[i] = timer;
    this.dues[i] = timer.due;
    this.seqs[i] = timer.seq;
    timer.index = i;
  }

  private up(timer: VirtualTimer, i: number): void {
    const heap = this.heap;
    const due = timer.due;
    const seq = timer.seq;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(due, seq, parent)) break;
      this.place(heap[parent]!, i);
      i = parent;
    }
    this.place(timer, i);
  }

  private down(timer: VirtualTimer, i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const dues = this.dues;
    const seqs = this.seqs;
    const due = timer.due;
    const seq = timer.seq;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c =
        r < n && (dues[r]! < dues[l]! || (dues[r] === dues[l] && seqs[r]! < seqs[l]!)) ? r : l;
      const dc = dues[c]!;
      if (!(dc < due || (dc === due && seqs[c]! < seq))) break;
      this.place(heap[c]!, i);
      i = c;
    }
    this.place(timer, i);
  }
}
