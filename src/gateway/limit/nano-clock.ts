/**
 * Integer nanoseconds since the first call, never going backwards. Token bucket and GCRA keep
 * all their state in these integers, so they compute exactly (for 2^53 ns ≈ 104 days after the
 * first call) and therefore agree with each other on every request.
 */
export class NanoClock {
  private origin = NaN;
  /** The latest `now` seen, in the caller's milliseconds. */
  latest = -Infinity;
  private last = 0;

  at(now: number): number {
    if (this.origin !== this.origin) this.origin = now;
    if (now > this.latest) this.latest = now;
    let t = Math.round((this.latest - this.origin) * 1e6);
    if (t < this.last) t = this.last;
    this.last = t;
    return t;
  }

  /** Milliseconds from the latest `now` until nanosecond `t` is reached (t > current). */
  msUntil(t: number): number {
    let ms = (t - this.last) / 1e6;
    while (Math.round((this.latest + ms - this.origin) * 1e6) < t) {
      ms += Math.max(Math.abs(this.latest), ms) * Number.EPSILON || Number.MIN_VALUE;
    }
    return ms;
  }
}

export const MAX_RATE_PER_SEC = 1e6;

/** Nanoseconds per token, rounded up so that the effective rate never exceeds ratePerSec. */
export function nanosPerToken(ratePerSec: number): number {
  return Math.ceil(1e9 / ratePerSec);
}
