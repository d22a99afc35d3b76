import type { RunMetrics } from '../metrics/run-metrics.js';
import type { ScenarioSlo } from '../scenario/schema.js';
import { evaluatePhases } from './phase.js';
import type { SloPhase } from './schema.js';

/** One SLO check: names and units are part of result.json (times in ms, rates as fractions). */
export interface SloResult {
  name: string;
  /** "<=" means the actual value must not exceed the target; ">=" that it must reach it. */
  op: '<=' | '>=';
  target: number;
  /** null when the measure does not exist in this run (e.g. a failover that never happened). */
  actual: number | null;
  pass: boolean;
}

type Check = { name: keyof ScenarioSlo; op: '<=' | '>='; actual: (m: RunMetrics) => number | null };

/** Worst value over faults; null (never) beats any number; no faults means nothing to check (0). */
function worst(
  m: RunMetrics,
  pick: (f: RunMetrics['faults'][number]) => number | null,
): number | null {
  let w = 0;
  for (const f of m.faults) {
    const v = pick(f);
    if (v === null) return null;
    if (v > w) w = v;
  }
  return w;
}

const CHECKS: readonly Check[] = [
  { name: 'p50', op: '<=', actual: (m) => m.summary.latencyMs.p50 },
  { name: 'p90', op: '<=', actual: (m) => m.summary.latencyMs.p90 },
  { name: 'p99', op: '<=', actual: (m) => m.summary.latencyMs.p99 },
  { name: 'max', op: '<=', actual: (m) => m.summary.latencyMs.max },
  { name: 'errorRate', op: '<=', actual: (m) => m.summary.errorRate },
  { name: 'availability', op: '>=', actual: (m) => 1 - m.summary.errorRate },
  { name: 'goodput', op: '>=', actual: (m) => m.summary.goodputPerSec },
  { name: 'failoverTime', op: '<=', actual: (m) => worst(m, (f) => f.failoverMs) },
  { name: 'recoveryTime', op: '<=', actual: (m) => worst(m, (f) => f.recoveryMs) },
  { name: 'detectionTime', op: '<=', actual: (m) => worst(m, (f) => f.detectionMs) },
  { name: 'retryAmplification', op: '<=', actual: (m) => m.summary.retryAmplification ?? 0 },
  { name: 'ttftP99', op: '<=', actual: (m) => m.summary.ttftMs?.p99 ?? null },
];

/**
 * Every SLO the scenario states, in a fixed order, with target, actual and verdict; then each
 * phase's, named "<measure> <phase>".
 */
export function evaluateSlo(
  slo: (ScenarioSlo & { phases?: readonly SloPhase[] | undefined }) | undefined,
  metrics: RunMetrics,
): SloResult[] {
  if (slo === undefined) return [];
  const out: SloResult[] = [];
  for (const c of CHECKS) {
    const target = slo[c.name];
    if (target === undefined) continue;
    const actual = c.actual(metrics);
    const pass = actual !== null && (c.op === '<=' ? actual <= target : actual >= target);
    out.push({ name: c.name, op: c.op, target, actual, pass });
  }
  if (slo.phases !== undefined) out.push(...evaluatePhases(slo.phases, metrics));
  return out;
}
