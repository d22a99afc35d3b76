import { UsageError } from '../core/errors.js';
import type { CompareResult } from '../report/compare-types.js';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** "2/4" → { index: 2, count: 4 }; a UsageError for anything else. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m === null ? NaN : Number(m[1]);
  const count = m === null ? NaN : Number(m[2]);
  if (!(count >= 1 && index >= 1 && index <= count))
    throw new UsageError(
      `--shard must be i/n with 1 <= i <= n, e.g. 1/3, got ${JSON.stringify(text)}`,
    );
  return { index, count };
}

/** Positions (0-based, of `total` variants) a shard runs: those with p % count === index - 1. */
export function shardPositions(total: number, shard: Shard | undefined): number[] {
  const all = Array.from({ length: total }, (_, p) => p);
  return shard === undefined ? all : all.filter((p) => p % shard.count === shard.index - 1);
}

/**
 * compare.json as `--shard i/n` writes it: the variants at the shard's positions, and which
 * shard of how many variants it holds, so `lbsim merge` can put them back in order.
 */
export type PartialCompare = CompareResult & {
  shard?: { index: number; count: number; total: number };
};

/** A compare.json (partial or whole) and where it came from, for messages. */
export interface ComparePart {
  source: string;
  compare: PartialCompare;
}

function fail(message: string): never {
  throw new UsageError(`cannot merge: ${message}`);
}

const sameRun = (a: CompareResult['scenario'], b: CompareResult['scenario']): boolean =>
  a.name === b.name &&
  a.file === b.file &&
  a.seed === b.seed &&
  a.mode === b.mode &&
  a.durationMs === b.durationMs;

const describeRun = (s: CompareResult['scenario']): string =>
  `${JSON.stringify(s.name)} (${s.file}, seed ${s.seed}, ${s.mode}, ${s.durationMs} ms)`;

/**
 * Assembles the partial compare.json files of one sharded comparison into the one the whole run
 * would have written. Every shard 1..n must be there exactly once, from the same scenario run.
 */
export function mergeShards(parts: readonly ComparePart[]): CompareResult {
  if (parts.length === 0) fail('no compare.json given');
  const first = parts[0]!;
  for (const p of parts) {
    if (p.compare.shard === undefined)
      fail(`${p.source} is a whole comparison, not a shard (written without --shard)`);
    if (!sameRun(p.compare.scenario, first.compare.scenario))
      fail(
        `${p.source} is from ${describeRun(p.compare.scenario)}, ${first.source} from ${describeRun(first.compare.scenario)}`,
      );
  }
  const { count, total } = first.compare.shard!;
  const byIndex = new Map<number, ComparePart>();
  for (const p of parts) {
    const s = p.compare.shard!;
    if (s.count !== count || s.total !== total)
      fail(
        `${p.source} is shard ${s.index}/${s.count} of ${s.total} variants, ${first.source} of a ${count}-way split of ${total}`,
      );
    const twin = byIndex.get(s.index);
    if (twin !== undefined)
      fail(`shard ${s.index}/${count} given twice: ${twin.source} and ${p.source}`);
    const expected = shardPositions(total, s).length;
    if (p.compare.variants.length !== expected)
      fail(
        `${p.source} holds ${p.compare.variants.length} variants, shard ${s.index}/${count} has ${expected}`,
      );
    byIndex.set(s.index, p);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) fail(`missing shard ${missing.map((i) => `${i}/${count}`).join(', ')}`);
  const variants = Array.from({ length: total }, (_, p) => {
    const part = byIndex.get((p % count) + 1)!;
    return part.compare.variants[Math.floor(p / count)]!;
  });
  const names = new Set<string>();
  for (const v of variants) {
    if (names.has(v.name)) fail(`variant "${v.name}" appears in more than one shard`);
    names.add(v.name);
  }
  return { scenario: { ...first.compare.scenario }, variants };
}
