import { round, roundOrNull } from '../metrics/round.js';
import { errorRate, goodputPerSec, retryAmplification } from '../metrics/rates.js';
import type { RunMetrics, SeriesMetrics } from '../metrics/run-metrics.js';
import type { SloResult } from './evaluate.js';
import type { SloPhase } from './schema.js';

/** What a phase measured, from the buckets that start within it. */
export interface PhaseMeasures {
  buckets: number;
  requests: number;
  ok: number;
  /** Failed ÷ ended requests (ended in the phase); 0 when none ended, as for the whole run. */
  errorRate: number;
  /** ok ÷ the phase's covered time (its buckets, cut at the run's end). */
  goodputPerSec: number;
  /** Attempts ÷ requests started in the phase; null when none started. */
  retryAmplification: number | null;
  /**
   * The largest of the buckets' own quantiles: an upper bound of the phase's true quantile (at
   * most 1% of each bucket lies above its p99, so at most 1% of the phase lies above the largest),
   * exact when the phase is one bucket. null when no request ended in the phase.
   */
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

function maxOf(values: readonly (number | null)[], picked: readonly number[]): number | null {
  let m: number | null = null;
  for (const b of picked) {
    const v = values[b];
    if (v !== null && v !== undefined && (m === null || v > m)) m = v;
  }
  return m;
}

/**
 * A phase's measures from the time series. A bucket belongs to the phase when it starts in
 * [from, to): align phases to the bucket size (1 s by default) for exact windows.
 */
export function phaseMeasures(
  series: SeriesMetrics,
  window: { from: number; to?: number | undefined },
  runEndMs: number,
): PhaseMeasures {
  const to = window.to ?? Infinity;
  const picked: number[] = [];
  series.t.forEach((t, b) => {
    if (t >= window.from && t < to) picked.push(b);
  });
  let requests = 0;
  let ok = 0;
  let started = 0;
  let attempts = 0;
  let coveredMs = 0;
  for (const b of picked) {
    requests += series.requests[b]!;
    ok += series.ok[b]!;
    started += series.started[b]!;
    attempts += series.attempts[b]!;
    const t = series.t[b]!;
    coveredMs += Math.max(0, Math.min(t + series.bucketMs, runEndMs) - t);
  }
  return {
    buckets: picked.length,
    requests,
    ok,
    errorRate: round(errorRate(requests - ok, requests), 6),
    goodputPerSec: round(goodputPerSec(ok, coveredMs)),
    retryAmplification: roundOrNull(retryAmplification(attempts, started), 4),
    p50: maxOf(series.latencyP50, picked),
    p90: maxOf(series.latencyP90, picked),
    p99: maxOf(series.latencyP99, picked),
  };
}

type PhaseCheck = {
  name: 'p50' | 'p90' | 'p99' | 'errorRate' | 'availability' | 'goodput' | 'retryAmplification';
  op: '<=' | '>=';
  actual: (m: PhaseMeasures) => number | null;
};

const PHASE_CHECKS: readonly PhaseCheck[] = [
  { name: 'p50', op: '<=', actual: (m) => m.p50 },
  { name: 'p90', op: '<=', actual: (m) => m.p90 },
  { name: 'p99', op: '<=', actual: (m) => m.p99 },
  { name: 'errorRate', op: '<=', actual: (m) => m.errorRate },
  { name: 'availability', op: '>=', actual: (m) => round(1 - m.errorRate, 6) },
  { name: 'goodput', op: '>=', actual: (m) => m.goodputPerSec },
  { name: 'retryAmplification', op: '<=', actual: (m) => m.retryAmplification ?? 0 },
];

/** Every phase's SLOs, named "<measure> <phase>" (e.g. "p99 during outage"), in a fixed order. */
export function evaluatePhases(phases: readonly SloPhase[], metrics: RunMetrics): SloResult[] {
  const runEnd = metrics.summary.startMs + metrics.summary.durationMs;
  const out: SloResult[] = [];
  for (const phase of phases) {
    const m = phaseMeasures(metrics.series, phase, runEnd);
    for (const c of PHASE_CHECKS) {
      const target = phase[c.name];
      if (target === undefined) continue;
      const actual = c.actual(m);
      const pass = actual !== null && (c.op === '<=' ? actual <= target : actual >= target);
      out.push({ name: `${c.name} ${phase.name}`, op: c.op, target, actual, pass });
    }
  }
  return out;
}

/** The measure an SLO check is about: its name's first word ("p99 during outage" → "p99"). */
export function sloMeasure(name: string): string {
  const space = name.indexOf(' ');
  return space < 0 ? name : name.slice(0, space);
}
