import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runVariant } from '../../src/compare/run-variant.js';
import { variantsFor } from '../../src/compare/variants.js';
import type { RunResult } from '../../src/run/result.js';
import { loadScenario } from '../../src/scenario/scenario.js';
import type { Scenario } from '../../src/scenario/schema.js';
import { phaseMeasures, type PhaseMeasures } from '../../src/slo/phase.js';

export const SCENARIO_DIR = join(import.meta.dirname, '../../scenarios');

/** The library's scenario files; those aimed at an external gateway run live only. */
export function libraryFiles(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
}

export function load(file: string): Scenario {
  return loadScenario(join(SCENARIO_DIR, file));
}

/** The scenario as shipped, in the simulator, as `lbsim run` would judge it. */
export function runShipped(file: string, scenario: Scenario = load(file)): RunResult {
  return runVariant({ scenario, file });
}

/** Every variant of the scenario's `compare:` section, by variant name. */
export function runVariants(file: string, scenario: Scenario = load(file)): Map<string, RunResult> {
  const out = new Map<string, RunResult>();
  for (const v of variantsFor(scenario))
    out.set(v.name, runVariant({ scenario: v.scenario, file }));
  return out;
}

/** Measures within [fromS, toS) seconds of the run. */
export function phase(r: RunResult, fromS: number, toS?: number): PhaseMeasures {
  return phaseMeasures(
    r.series,
    { from: fromS * 1000, to: toS === undefined ? undefined : toS * 1000 },
    r.summary.durationMs,
  );
}

export function stateChanges(r: RunResult, upstream: string, component: string): number {
  return (r.states[upstream] ?? []).filter((s) => s.component === component).length;
}

export function costPerRequest(r: RunResult): number {
  return (r.summary.cost?.total ?? NaN) / r.summary.requests;
}
