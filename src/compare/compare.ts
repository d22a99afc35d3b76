import type { Scenario } from '../scenario/schema.js';
import { runInWorkers } from './pool.js';
import { runVariant, type VariantJob } from './run-variant.js';
import { shardPositions, type PartialCompare, type Shard } from './shard.js';
import { variantsFor } from './variants.js';

export interface CompareOptions {
  /** One variant per strategy, replacing the scenario's `compare:` section. */
  strategies?: readonly string[] | undefined;
  seed?: string | undefined;
  durationMs?: number | undefined;
  shard?: Shard | undefined;
  /** Worker threads; 0 runs the variants one by one in this thread. */
  workers: number;
}

/**
 * Runs every variant of a scenario (or a shard's share of them) on the same seed and load.
 * `file` is the scenario file's base name, as result.json records it.
 */
export async function compareScenario(
  scenario: Scenario,
  file: string,
  o: CompareOptions,
): Promise<PartialCompare> {
  const variants = variantsFor(scenario, o.strategies);
  const positions = shardPositions(variants.length, o.shard);
  const jobs: VariantJob[] = positions.map((p) => ({
    scenario: variants[p]!.scenario,
    file,
    seed: o.seed,
    durationMs: o.durationMs,
  }));
  const results = o.workers > 0 ? await runInWorkers(jobs, o.workers) : jobs.map(runVariant);
  const out: PartialCompare = {
    scenario: {
      name: scenario.name ?? file,
      file,
      // As the engine picks them, so a shard with no variants still says which run it belongs to.
      seed: String(o.seed ?? scenario.seed ?? 1),
      mode: 'sim',
      durationMs: o.durationMs ?? scenario.duration,
    },
    variants: positions.map((p, i) => ({
      name: variants[p]!.name,
      description: variants[p]!.description,
      result: results[i]!,
    })),
  };
  if (o.shard !== undefined) out.shard = { ...o.shard, total: variants.length };
  return out;
}
