/** Time as a value: everything outside src/core takes one of these instead of reading globals. */
export interface Clock {
  /** Milliseconds. Real clocks count from the Unix epoch; virtual ones from their start (0). */
  now(): number;
}

export interface Timer {
  cancel(): void;
}

export interface Scheduler extends Clock {
  /** Runs `fn` once after `ms` (>= 0). Timers due at the same instant fire in the order set. */
  setTimer(ms: number, fn: () => void): Timer;
}
