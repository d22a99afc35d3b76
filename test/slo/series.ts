import { ERROR_CLASSES, type ErrorClass } from '../../src/gateway/outcome.js';
import type { RunMetrics, SeriesMetrics } from '../../src/metrics/run-metrics.js';

export interface Bucket {
  started: number;
  requests: number;
  ok: number;
  attempts: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
}

/** A time series by hand: one entry per bucket, from t = 0; errors all counted as 5xx. */
export function seriesOf(buckets: readonly Bucket[], bucketMs = 1000): SeriesMetrics {
  const errorsByClass = Object.fromEntries(
    ERROR_CLASSES.map((c) => [c, buckets.map((b) => (c === '5xx' ? b.requests - b.ok : 0))]),
  ) as Record<ErrorClass, number[]>;
  return {
    bucketMs,
    t: buckets.map((_, i) => i * bucketMs),
    started: buckets.map((b) => b.started),
    requests: buckets.map((b) => b.requests),
    ok: buckets.map((b) => b.ok),
    errorsByClass,
    latencyP50: buckets.map((b) => b.p50),
    latencyP90: buckets.map((b) => b.p90),
    latencyP99: buckets.map((b) => b.p99),
    attempts: buckets.map((b) => b.attempts),
    retries: buckets.map((b) => b.attempts - b.started),
    budgetDenied: buckets.map(() => 0),
    retryAmplification: buckets.map((b) => (b.started > 0 ? b.attempts / b.started : null)),
    sharePerUpstream: {},
    attemptsPerUpstream: {},
  };
}

/** Run metrics around a series, its summary computed as the recorder does (failed ÷ ended). */
export function metricsOf(series: SeriesMetrics, durationMs: number): RunMetrics {
  const requests = series.requests.reduce((a, b) => a + b, 0);
  const ok = series.ok.reduce((a, b) => a + b, 0);
  const started = series.started.reduce((a, b) => a + b, 0);
  const attempts = series.attempts.reduce((a, b) => a + b, 0);
  const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
  const zero = Object.fromEntries(ERROR_CLASSES.map((c) => [c, 0])) as Record<ErrorClass, number>;
  return {
    summary: {
      startMs: 0,
      durationMs,
      started,
      requests,
      ok,
      errorRate: requests > 0 ? round((requests - ok) / requests, 6) : 0,
      errorsByClass: zero,
      errorRateByClass: zero,
      goodputPerSec: round((ok * 1000) / durationMs, 3),
      throughputPerSec: round((requests * 1000) / durationMs, 3),
      latencyMs: { count: requests, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 },
      attempts,
      retries: attempts - started,
      retryAmplification: started > 0 ? round(attempts / started, 4) : null,
      budgetDenied: 0,
      attemptsPerUpstream: {},
    },
    faults: [],
    series,
    states: {},
    statesDropped: 0,
    invariants: [],
  };
}
