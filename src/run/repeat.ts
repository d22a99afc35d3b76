import { UsageError } from '../core/errors.js';
import { ERROR_CLASSES, type ErrorClass } from '../gateway/outcome.js';
import type {
  FaultMetrics,
  InvariantResult,
  LatencySummary,
  RunSummary,
} from '../metrics/run-metrics.js';
import { formatMs, formatPercent } from '../report/format.js';
import { evaluateSlo } from '../slo/evaluate.js';
import type { RunResult } from './result.js';

/** `--repeat N`: how many times a scenario may run for one median result. */
export const MAX_REPEAT = 20;

/** One run of a repeated scenario, as result.json's `repeats.runs` lists it (run order). */
export interface RepeatRun {
  p99: number;
  errorRate: number;
  goodputPerSec: number;
  /** Per fault, in the scenario's order; null when the success rate never came back. */
  failoverMs: (number | null)[];
}

/** result.json's `repeats`: how many runs the median is of, and how far apart they were. */
export interface RepeatStats {
  n: number;
  runs: RepeatRun[];
  spread: {
    p99: { min: number; max: number };
    errorRate: { min: number; max: number };
  };
  /**
   * 0-based index of the run whose time series and state timelines result.json keeps (the run
   * whose p99 is closest to the median p99, the first on a tie), and everything not listed as a
   * median measure (per-upstream attempts, cost, a live run's generator stats).
   */
  seriesFromRun: number;
}

export type RepeatedResult<R extends RunResult> = R & { repeats: RepeatStats };

/** The SLO section medianResult re-evaluates on the median values: evaluateSlo's own input. */
export type SloSpec = Parameters<typeof evaluateSlo>[0];

/** Parses `--repeat`: an integer 1..20; anything else is a usage error (exit 2). */
export function parseRepeat(value: string | undefined): number {
  if (value === undefined) return 1;
  if (!/^\d+$/.test(value.trim())) {
    throw new UsageError(
      `--repeat must be a whole number from 1 to ${MAX_REPEAT}, got ${JSON.stringify(value)}`,
    );
  }
  const n = Number(value.trim());
  if (n < 1 || n > MAX_REPEAT) {
    throw new UsageError(`--repeat must be from 1 to ${MAX_REPEAT}, got ${n}`);
  }
  return n;
}

/** The median of a non-empty list; for an even count the mean of the two middle values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  if (s.length % 2 === 1) return s[mid]!;
  const lo = s[mid - 1]!;
  const hi = s[mid]!;
  // Both infinite: (Inf + Inf) / 2 is Inf, as wanted; never Inf - Inf.
  return lo === hi ? lo : (lo + hi) / 2;
}

/**
 * The median of times where null means "never": null counts as +Infinity, and a median that is
 * infinite (at least half the runs never, or an even split whose upper middle is never) is null.
 */
export function medianOrNever(values: readonly (number | null)[]): number | null {
  const m = median(values.map((v) => (v === null ? Infinity : v)));
  return Number.isFinite(m) ? m : null;
}

/** The median of the values that exist (null means "not measured", not "never"). */
function medianOfPresent(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : median(present);
}

function medianLatency(ls: readonly LatencySummary[]): LatencySummary {
  const m = (k: keyof LatencySummary) => median(ls.map((l) => l[k]));
  return {
    count: m('count'),
    p50: m('p50'),
    p90: m('p90'),
    p99: m('p99'),
    p999: m('p999'),
    max: m('max'),
    mean: m('mean'),
  };
}

function medianPerClass(rs: readonly Record<ErrorClass, number>[]): Record<ErrorClass, number> {
  return Object.fromEntries(ERROR_CLASSES.map((c) => [c, median(rs.map((r) => r[c]))])) as Record<
    ErrorClass,
    number
  >;
}

function medianSummary(ss: readonly RunSummary[], rep: RunSummary): RunSummary {
  const m = (k: 'started' | 'requests' | 'ok' | 'attempts' | 'retries' | 'budgetDenied') =>
    median(ss.map((s) => s[k]));
  const out: RunSummary = {
    ...rep,
    started: m('started'),
    requests: m('requests'),
    ok: m('ok'),
    errorRate: median(ss.map((s) => s.errorRate)),
    errorsByClass: medianPerClass(ss.map((s) => s.errorsByClass)),
    errorRateByClass: medianPerClass(ss.map((s) => s.errorRateByClass)),
    goodputPerSec: median(ss.map((s) => s.goodputPerSec)),
    throughputPerSec: median(ss.map((s) => s.throughputPerSec)),
    latencyMs: medianLatency(ss.map((s) => s.latencyMs)),
    attempts: m('attempts'),
    retries: m('retries'),
    retryAmplification: medianOfPresent(ss.map((s) => s.retryAmplification)),
    budgetDenied: m('budgetDenied'),
  };
  const ttft = ss.map((s) => s.ttftMs);
  if (ttft.every((t) => t !== undefined)) out.ttftMs = medianLatency(ttft);
  const itl = ss.map((s) => s.interTokenMs);
  if (itl.every((t) => t !== undefined)) out.interTokenMs = medianLatency(itl);
  return out;
}

function medianFaults(
  runs: readonly FaultMetrics[][],
  rep: readonly FaultMetrics[],
): FaultMetrics[] {
  for (const fs of runs) {
    if (fs.length !== rep.length) {
      throw new Error(`repeated runs disagree on the faults: ${fs.length} vs ${rep.length}`);
    }
  }
  return rep.map((f, i) => ({
    ...f,
    detectionMs: medianOrNever(runs.map((fs) => fs[i]!.detectionMs)),
    failoverMs: medianOrNever(runs.map((fs) => fs[i]!.failoverMs)),
    recoveryMs: medianOrNever(runs.map((fs) => fs[i]!.recoveryMs)),
  }));
}

/** An invariant holds only if it held in every run; violations add up; the first one is kept. */
function mergeInvariants(runs: readonly InvariantResult[][]): InvariantResult[] {
  const byName = new Map<string, InvariantResult>();
  for (const invs of runs) {
    for (const inv of invs) {
      const seen = byName.get(inv.name);
      if (seen === undefined) {
        byName.set(inv.name, { ...inv });
        continue;
      }
      seen.pass = seen.pass && inv.pass;
      seen.violations += inv.violations;
      if (seen.firstViolation === undefined && inv.firstViolation !== undefined) {
        seen.firstViolation = inv.firstViolation;
      }
    }
  }
  return [...byName.values()];
}

/**
 * One result from N runs of the same scenario (and seed): every headline measure is the median
 * across runs (latency summary, error rate and errors by class, goodput, throughput, retry
 * amplification, each fault's detection/failover/recovery time with "never" as +Infinity), the
 * time series and state timelines are those of the run closest to the median p99, the SLOs are
 * evaluated again on the median values (phase SLOs on the kept run's series), and any invariant
 * violation in any run fails the result. `repeats` states the noise.
 */
export function medianResult<R extends RunResult>(
  results: readonly R[],
  slo: SloSpec,
): RepeatedResult<R> {
  if (results.length === 0) throw new Error('medianResult needs at least one run');
  const p99s = results.map((r) => r.summary.latencyMs.p99);
  const errorRates = results.map((r) => r.summary.errorRate);
  const medP99 = median(p99s);
  let repIndex = 0;
  p99s.forEach((p, i) => {
    if (Math.abs(p - medP99) < Math.abs(p99s[repIndex]! - medP99)) repIndex = i;
  });
  const rep = results[repIndex]!;
  const metrics = {
    summary: medianSummary(
      results.map((r) => r.summary),
      rep.summary,
    ),
    faults: medianFaults(
      results.map((r) => r.faults),
      rep.faults,
    ),
    series: rep.series,
    states: rep.states,
    statesDropped: rep.statesDropped,
    invariants: mergeInvariants(results.map((r) => r.invariants)),
  };
  const sloResults = evaluateSlo(slo, metrics);
  const repeats: RepeatStats = {
    n: results.length,
    runs: results.map((r) => ({
      p99: r.summary.latencyMs.p99,
      errorRate: r.summary.errorRate,
      goodputPerSec: r.summary.goodputPerSec,
      failoverMs: r.faults.map((f) => f.failoverMs),
    })),
    spread: {
      p99: { min: Math.min(...p99s), max: Math.max(...p99s) },
      errorRate: { min: Math.min(...errorRates), max: Math.max(...errorRates) },
    },
    seriesFromRun: repIndex,
  };
  return {
    ...rep,
    ...metrics,
    slo: sloResults,
    pass: sloResults.every((s) => s.pass) && metrics.invariants.every((i) => i.pass),
    repeats,
  };
}

/** The terminal line stating the noise of a repeated run. */
export function repeatLine(r: RepeatStats): string {
  const { p99, errorRate } = r.spread;
  return (
    `repeat: median of ${r.n} runs; p99 ${formatMs(p99.min)} to ${formatMs(p99.max)}, ` +
    `error rate ${formatPercent(errorRate.min)} to ${formatPercent(errorRate.max)} ` +
    `(series from run ${r.seriesFromRun + 1})`
  );
}
