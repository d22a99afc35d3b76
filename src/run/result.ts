import type { RunMetrics } from '../metrics/run-metrics.js';
import type { SloResult } from '../slo/evaluate.js';

export type RunMode = 'sim' | 'live';

/**
 * result.json: everything a run measured, deterministic for simulator runs (no wall-clock values:
 * those go to meta.json). Its JSON Schema is `lbsim schema result`.
 */
export interface RunResult extends RunMetrics {
  format: 'lbsim-result/1';
  scenario: {
    name: string;
    file: string;
    seed: string;
    mode: RunMode;
    durationMs: number;
  };
  /** Every SLO met and every invariant held. */
  pass: boolean;
  slo: SloResult[];
}

export interface RunMeta {
  lbsimVersion: string;
  createdAt: string;
  node: string;
}

export function buildResult(
  scenario: RunResult['scenario'],
  metrics: RunMetrics,
  slo: SloResult[],
): RunResult {
  const pass = slo.every((s) => s.pass) && metrics.invariants.every((i) => i.pass);
  return { format: 'lbsim-result/1', scenario, pass, slo, ...metrics };
}
