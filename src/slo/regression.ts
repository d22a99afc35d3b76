import type { RunMode, RunResult } from '../run/result.js';

/** What a baseline needs of a result: result.json minus its time series and timelines. */
export type BaselineResult = Pick<RunResult, 'format' | 'scenario' | 'summary' | 'faults'>;

/**
 * How much worse than the baseline a measure may get: by `relative` of the baseline's value or by
 * `absolute` (in the measure's unit), whichever allows more.
 */
export interface Tolerance {
  relative: number;
  absolute: number;
}

export type RegressionMeasure =
  | 'p50'
  | 'p90'
  | 'p99'
  | 'errorRate'
  | 'goodput'
  | 'retryAmplification'
  | 'failoverTime'
  | 'recoveryTime'
  | 'detectionTime'
  | 'cost';

export type Tolerances = Record<RegressionMeasure, Tolerance>;

/**
 * Simulator runs are deterministic: any change comes from the code or the configuration, so the
 * defaults only absorb the rounding of a changed but equivalent run.
 */
export const SIM_TOLERANCES: Tolerances = {
  p50: { relative: 0.05, absolute: 1 },
  p90: { relative: 0.05, absolute: 1 },
  p99: { relative: 0.05, absolute: 1 },
  errorRate: { relative: 0, absolute: 0.001 },
  goodput: { relative: 0.02, absolute: 0 },
  retryAmplification: { relative: 0.05, absolute: 0.01 },
  failoverTime: { relative: 0.1, absolute: 100 },
  recoveryTime: { relative: 0.1, absolute: 100 },
  detectionTime: { relative: 0.1, absolute: 100 },
  cost: { relative: 0.05, absolute: 0 },
};

/** Live runs are noisy even as the median of repeats: wider, and stated in the docs. */
export const LIVE_TOLERANCES: Tolerances = {
  p50: { relative: 0.2, absolute: 5 },
  p90: { relative: 0.25, absolute: 10 },
  p99: { relative: 0.3, absolute: 20 },
  errorRate: { relative: 0, absolute: 0.005 },
  goodput: { relative: 0.1, absolute: 0 },
  retryAmplification: { relative: 0.1, absolute: 0.02 },
  failoverTime: { relative: 0.25, absolute: 500 },
  recoveryTime: { relative: 0.25, absolute: 1000 },
  detectionTime: { relative: 0.25, absolute: 500 },
  cost: { relative: 0.1, absolute: 0 },
};

export function defaultTolerances(mode: RunMode): Tolerances {
  return mode === 'live' ? LIVE_TOLERANCES : SIM_TOLERANCES;
}

/** One measure against the baseline: `actual` must stay within `limit`. */
export interface RegressionResult {
  /** e.g. "p99", "failoverTime primary down at 15 s". */
  name: string;
  measure: RegressionMeasure;
  /** "<=": higher is worse (latency, errors, times); ">=": lower is worse (goodput). */
  op: '<=' | '>=';
  /** null: never happened (a failover that never completed), which is worse than any time. */
  baseline: number | null;
  actual: number | null;
  /** null when the baseline was null: nothing can be worse than never. */
  limit: number | null;
  pass: boolean;
}

function check(
  name: string,
  measure: RegressionMeasure,
  op: '<=' | '>=',
  baseline: number | null,
  actual: number | null,
  t: Tolerance,
): RegressionResult {
  if (baseline === null) return { name, measure, op, baseline, actual, limit: null, pass: true };
  const slack = Math.max(t.relative * Math.abs(baseline), t.absolute);
  // Rounded like the measures, so a limit reads as it is compared.
  const limit = Math.round((op === '<=' ? baseline + slack : baseline - slack) * 1e6) / 1e6;
  const pass = actual !== null && (op === '<=' ? actual <= limit : actual >= limit);
  return { name, measure, op, baseline, actual, limit, pass };
}

const FAULT_MEASURES = [
  ['failoverTime', 'failoverMs'],
  ['recoveryTime', 'recoveryMs'],
  ['detectionTime', 'detectionMs'],
] as const;

/**
 * The current run against its baseline, one check per measure: latency quantiles, error rate,
 * goodput, retry amplification, cost (when both priced), and per fault (matched by position,
 * upstream and kind) its failover, recovery and detection times.
 */
export function compareToBaseline(
  baseline: BaselineResult,
  current: BaselineResult,
  tolerances: Tolerances = defaultTolerances(current.scenario.mode),
): RegressionResult[] {
  const b = baseline.summary;
  const c = current.summary;
  const out: RegressionResult[] = [
    check('p50', 'p50', '<=', b.latencyMs.p50, c.latencyMs.p50, tolerances.p50),
    check('p90', 'p90', '<=', b.latencyMs.p90, c.latencyMs.p90, tolerances.p90),
    check('p99', 'p99', '<=', b.latencyMs.p99, c.latencyMs.p99, tolerances.p99),
    check('errorRate', 'errorRate', '<=', b.errorRate, c.errorRate, tolerances.errorRate),
    check('goodput', 'goodput', '>=', b.goodputPerSec, c.goodputPerSec, tolerances.goodput),
    check(
      'retryAmplification',
      'retryAmplification',
      '<=',
      b.retryAmplification,
      c.retryAmplification,
      tolerances.retryAmplification,
    ),
  ];
  if (b.cost !== undefined && c.cost !== undefined)
    out.push(check('cost', 'cost', '<=', b.cost.total, c.cost.total, tolerances.cost));
  for (const f of current.faults) {
    const bf = baseline.faults.find((x) => x.index === f.index);
    if (bf === undefined || bf.upstream !== f.upstream || bf.kind !== f.kind) continue;
    const label = `${f.upstream} ${f.kind} at ${f.start / 1000} s`;
    for (const [measure, key] of FAULT_MEASURES)
      out.push(check(`${measure} ${label}`, measure, '<=', bf[key], f[key], tolerances[measure]));
  }
  return out;
}
