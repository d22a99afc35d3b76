/** Client-visible outcomes in fixed sub-buckets: sub-bucket s covers [t0 + s·subMs, t0 + (s+1)·subMs). */
export interface SuccessCounts {
  readonly ok: ArrayLike<number>;
  readonly fail: ArrayLike<number>;
  /** Sub-buckets that exist; beyond it counts are 0. */
  readonly subCount: number;
  readonly t0: number;
  readonly subMs: number;
}

export interface FailoverQuery {
  readonly start: number;
  readonly end: number;
  /** Sliding window length in sub-buckets. */
  readonly windowSubs: number;
  /** Success rate the window must hold, 0..1. */
  readonly threshold: number;
}

const EPS = 1e-9;

/**
 * Failover time of one fault: from `start` to the first moment after which the success rate over
 * the sliding window stays at or above `threshold` until `end`. The rate is evaluated for windows
 * ending at each sub-bucket boundary inside (start, end]; a window in which no request ended
 * counts as good (nobody was refused). Returns 0 when no window was below the threshold (clients
 * never noticed), null when the last window before `end` was still below it (never recovered),
 * otherwise the boundary after the last bad window minus `start`. The window's length is part of
 * the answer: a burst of errors keeps the rate low until it slides out.
 */
export function failoverTime(c: SuccessCounts, q: FailoverQuery): number | null {
  const { t0, subMs } = c;
  const first = Math.max(Math.floor((q.start - t0) / subMs), 0);
  const last = Math.floor((q.end - t0) / subMs) - 1;
  let lastBad = -1;
  for (let s = first; s <= last; s++) {
    const boundary = t0 + (s + 1) * subMs;
    if (boundary <= q.start) continue;
    let ok = 0;
    let total = 0;
    for (let j = Math.max(s - q.windowSubs + 1, 0); j <= s; j++) {
      if (j >= c.subCount) break;
      const o = c.ok[j] ?? 0;
      ok += o;
      total += o + (c.fail[j] ?? 0);
    }
    if (total > 0 && ok < q.threshold * total - EPS) lastBad = s;
  }
  if (lastBad < 0) return 0;
  if (lastBad === last) return null;
  return t0 + (lastBad + 2) * subMs - q.start;
}
