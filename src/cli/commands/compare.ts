import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { Command } from 'commander';
import { checkVariants } from '../../compare/check.js';
import { compareScenario } from '../../compare/compare.js';
import { parseShard, type PartialCompare } from '../../compare/shard.js';
import { compareTable } from '../../compare/table.js';
import { parseStrategies, variantsFor } from '../../compare/variants.js';
import { UsageError } from '../../core/errors.js';
import { parseDuration, UnitError } from '../../core/units.js';
import { writeCompareReport } from '../../report/write.js';
import { loadScenario } from '../../scenario/scenario.js';
import { writeAtomically } from '../../run/write-atomically.js';

export interface CompareCliOptions {
  strategies?: string | undefined;
  out?: string | undefined;
  mode: string;
  seed?: string | undefined;
  duration?: string | undefined;
  shard?: string | undefined;
  workers?: string | undefined;
  quiet?: boolean | undefined;
}

function parseWorkers(text: string | undefined): number {
  if (text === undefined) return availableParallelism();
  if (!/^\d+$/.test(text))
    throw new UsageError(
      `--workers must be a whole number (0: no threads), got ${JSON.stringify(text)}`,
    );
  return Number(text);
}

function parseOptions(o: CompareCliOptions) {
  if (o.mode === 'live')
    throw new UsageError(
      '--mode live is not available for compare yet; compare runs in the simulator',
    );
  if (o.mode !== 'sim') throw new UsageError(`--mode must be sim, got ${JSON.stringify(o.mode)}`);
  if (o.seed !== undefined && !/^[A-Za-z0-9_.-]+$/.test(o.seed))
    throw new UsageError(`--seed must be a number or a word, got ${JSON.stringify(o.seed)}`);
  let durationMs: number | undefined;
  if (o.duration !== undefined) {
    try {
      durationMs = parseDuration(o.duration);
    } catch (err) {
      throw new UsageError(`--duration: ${err instanceof UnitError ? err.message : String(err)}`);
    }
    if (!(durationMs > 0)) throw new UsageError('--duration must be more than 0');
  }
  return {
    strategies: o.strategies === undefined ? undefined : parseStrategies(o.strategies),
    seed: o.seed,
    durationMs,
    shard: o.shard === undefined ? undefined : parseShard(o.shard),
    workers: parseWorkers(o.workers),
  };
}

/** reports/<scenario file name>-compare unless --out says otherwise. */
export function compareDirFor(file: string, out: string | undefined): string {
  return out ?? join('reports', `${basename(file, extname(file))}-compare`);
}

/**
 * Writes compare.json, and for a whole comparison (not a shard) the report: index.html and
 * compare.md. Prints the table unless quiet.
 */
export function writeCompare(dir: string, compare: PartialCompare, quiet: boolean): void {
  mkdirSync(dir, { recursive: true });
  writeAtomically(join(dir, 'compare.json'), `${JSON.stringify(compare, null, 2)}\n`);
  if (compare.shard === undefined) writeCompareReport(dir, compare);
  if (quiet) return;
  if (compare.variants.length > 0) process.stdout.write(`${compareTable(compare)}\n`);
  const what =
    compare.shard === undefined
      ? `${join(dir, 'index.html')}, ${join(dir, 'compare.json')}`
      : `${join(dir, 'compare.json')} (shard ${compare.shard.index}/${compare.shard.count}: ${compare.variants.length} of ${compare.shard.total} variants; assemble with lbsim merge)`;
  process.stdout.write(`wrote ${what}\n`);
}

export async function compareFile(file: string, o: CompareCliOptions): Promise<PartialCompare> {
  const opts = parseOptions(o);
  const scenario = loadScenario(file);
  checkVariants(file, variantsFor(scenario, opts.strategies));
  const compare = await compareScenario(scenario, basename(file), opts);
  writeCompare(compareDirFor(file, o.out), compare, o.quiet === true);
  return compare;
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description(
      'run a scenario once per variant (strategies, or its compare: section) on the same seed and load, side by side',
    )
    .argument('<file>', 'scenario file (YAML)')
    .option('--strategies <names>', 'one variant per strategy, e.g. round-robin,p2c,peak-ewma')
    .option('--out <dir>', 'output directory (default reports/<scenario file name>-compare)')
    .option('--mode <mode>', 'sim (the only mode compare supports for now)', 'sim')
    .option('--seed <seed>', "override the scenario's seed")
    .option('--duration <duration>', "override the scenario's duration, e.g. 30s")
    .option('--shard <i/n>', 'run only variants i, i+n, i+2n, …; assemble with lbsim merge')
    .option('--workers <n>', 'worker threads (default: one per core; 0 runs in this thread)')
    .option('--quiet', 'print nothing but errors')
    .action(async (file: string, o: CompareCliOptions) => {
      await compareFile(file, o);
    });
}
