/** Attempts per upstream in fixed sub-buckets: index s·n + u. */
export interface AttemptCounts {
  readonly attempts: ArrayLike<number>;
  readonly n: number;
  readonly subCount: number;
  readonly t0: number;
  readonly subMs: number;
}

export interface RecoveryQuery {
  readonly upstream: number;
  /** Fault end. */
  readonly end: number;
  /** 0..1; see fairShare(). */
  readonly fairShare: number;
  /** Window length in sub-buckets over which the share must also hold. */
  readonly windowSubs: number;
}

const EPS = 1e-9;

/**
 * Recovery time of one fault: from its end to the start of the first sub-bucket (starting at or
 * after the end) in which the upstream carries at least half its fair share of attempts, both in
 * that sub-bucket and over the window that starts there (so one lucky probe does not count).
 * 0 when its fair share is 0 (a backup or weight 0: nothing to recover); null when it never does
 * within the recorded sub-buckets.
 */
export function recoveryTime(c: AttemptCounts, q: RecoveryQuery): number | null {
  if (q.fairShare <= 0) return 0;
  const half = q.fairShare / 2;
  const { n, subCount, t0, subMs } = c;
  const totals = new Float64Array(subCount);
  for (let s = 0; s < subCount; s++) {
    let t = 0;
    for (let u = 0; u < n; u++) t += c.attempts[s * n + u] ?? 0;
    totals[s] = t;
  }
  const carries = (mine: number, all: number): boolean => all > 0 && mine >= half * all - EPS;
  for (let s = Math.max(Math.ceil((q.end - t0) / subMs), 0); s < subCount; s++) {
    if (!carries(c.attempts[s * n + q.upstream] ?? 0, totals[s]!)) continue;
    let mine = 0;
    let all = 0;
    for (let j = s; j < Math.min(s + q.windowSubs, subCount); j++) {
      mine += c.attempts[j * n + q.upstream] ?? 0;
      all += totals[j]!;
    }
    if (carries(mine, all)) return t0 + s * subMs - q.end;
  }
  return null;
}
