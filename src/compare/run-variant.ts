import { buildResult, type RunResult } from '../run/result.js';
import type { Scenario } from '../scenario/schema.js';
import { runSimulation } from '../sim/engine.js';
import { evaluateSlo } from '../slo/evaluate.js';

/** What a worker needs to run one variant: plain data, so it crosses a thread boundary as is. */
export interface VariantJob {
  scenario: Scenario;
  file: string;
  seed?: string | undefined;
  durationMs?: number | undefined;
}

/** One variant in the simulator: the same result `lbsim run` would write for that scenario. */
export function runVariant(job: VariantJob): RunResult {
  const run = runSimulation(job.scenario, { seed: job.seed, durationMs: job.durationMs });
  return buildResult(
    {
      name: job.scenario.name ?? job.file,
      file: job.file,
      seed: run.seed,
      mode: 'sim',
      durationMs: run.durationMs,
    },
    run.metrics,
    evaluateSlo(job.scenario.slo, run.metrics),
  );
}
