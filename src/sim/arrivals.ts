import type { Rng } from '../core/rng.js';

/** One stretch of open-loop load: a held rate, or a linear ramp to `toPerSec`. Times in ms. */
export interface RateSegment {
  startMs: number;
  endMs: number;
  fromPerSec: number;
  toPerSec: number;
}

/**
 * The open-loop rate over time as segments covering [0, durationMs). A stage with `rate` holds
 * it; one with `target` ramps from the previous stage's rate (0 at first) to the target. After the
 * last stage its final rate holds until the end (k6 would stop; a scenario's duration says when).
 */
export function rateSegments(
  durationMs: number,
  rate: number | undefined,
  stages:
    | readonly { duration: number; rate?: number | undefined; target?: number | undefined }[]
    | undefined,
): RateSegment[] {
  if (stages === undefined || stages.length === 0) {
    return [{ startMs: 0, endMs: durationMs, fromPerSec: rate ?? 0, toPerSec: rate ?? 0 }];
  }
  const out: RateSegment[] = [];
  let t = 0;
  let prev = 0;
  for (const s of stages) {
    if (t >= durationMs) break;
    const end = Math.min(durationMs, t + s.duration);
    const from = s.rate ?? prev;
    const to = s.rate ?? s.target ?? prev;
    // A ramp cut short by the duration ends at the rate it had reached.
    const reached = s.duration > 0 ? from + ((to - from) * (end - t)) / s.duration : to;
    out.push({ startMs: t, endMs: end, fromPerSec: from, toPerSec: reached });
    prev = to;
    t = end;
  }
  if (t < durationMs) out.push({ startMs: t, endMs: durationMs, fromPerSec: prev, toPerSec: prev });
  return out;
}

/** The rate (per second) at time t. */
export function rateAt(segments: readonly RateSegment[], t: number): number {
  for (const s of segments) {
    if (t < s.endMs) {
      const span = s.endMs - s.startMs;
      return span > 0
        ? s.fromPerSec + ((s.toPerSec - s.fromPerSec) * (t - s.startMs)) / span
        : s.fromPerSec;
    }
  }
  return 0;
}

/**
 * The next arrival after `now`, or Infinity when no more arrive before the end.
 * Poisson: Lewis–Shedler thinning against the highest rate of the segment, exact for ramps.
 * Constant: evenly spaced at the current rate.
 */
export function nextArrival(
  segments: readonly RateSegment[],
  now: number,
  kind: 'poisson' | 'constant',
  rng: Rng,
): number {
  let t = now;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (t >= s.endMs) continue;
    if (t < s.startMs) t = s.startMs;
    const peak = Math.max(s.fromPerSec, s.toPerSec);
    if (!(peak > 0)) continue;
    if (kind === 'constant') {
      const r = rateAt(segments, t);
      if (r > 0) {
        const next = t + 1000 / r;
        if (next < s.endMs) return next;
      }
      // Rate zero at this instant (start of a ramp from 0): look a step later.
      const next = t + 1000 / peak;
      if (next < s.endMs) return next;
      continue;
    }
    for (;;) {
      t += rng.exponential(1000 / peak);
      if (t >= s.endMs) break;
      if (rng.next() * peak <= rateAt(segments, t)) return t;
    }
    t = s.endMs;
  }
  return Infinity;
}
