import type { Scheduler, Timer } from './clock.js';

const origin = performance.timeOrigin;

/** The process clock: monotonic, in epoch milliseconds. */
export const realClock = { now: (): number => origin + performance.now() };

class RealTimer implements Timer {
  constructor(private readonly handle: NodeJS.Timeout) {}
  cancel(): void {
    clearTimeout(this.handle);
  }
}

/**
 * The scheduler of live runs. `unref` keeps a forgotten timer from holding the process open;
 * live code still cancels every timer it sets.
 */
export class RealScheduler implements Scheduler {
  constructor(private readonly unref = false) {}
  now(): number {
    return origin + performance.now();
  }
  setTimer(ms: number, fn: () => void): Timer {
    const handle = setTimeout(fn, Math.max(0, ms));
    if (this.unref) handle.unref();
    return new RealTimer(handle);
  }
}

export const realScheduler: Scheduler = new RealScheduler();

/** The wall-clock time as ISO 8601, for run metadata kept apart from deterministic results. */
export function wallClockIso(): string {
  return new Date(origin + performance.now()).toISOString();
}
