import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import {
  mergeShards,
  parseShard,
  shardPositions,
  type PartialCompare,
} from '../../src/compare/shard.js';
import type { RunResult } from '../../src/run/result.js';

const run = { name: 's', file: 's.yaml', seed: '1', mode: 'sim' as const, durationMs: 1000 };
const variant = (name: string) => ({ name, description: name, result: {} as RunResult });
const part = (index: number, count: number, names: string[], over = {}): PartialCompare => ({
  scenario: { ...run, ...over },
  variants: names.map(variant),
  shard: { index, count, total: 3 },
});

describe('shards', () => {
  it('parses i/n and refuses anything else', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', 'a/b', '1', '1/2/3', '-1/2'])
      expect(() => parseShard(bad)).toThrow(UsageError);
  });

  it('deals positions round the shards, each exactly once', () => {
    expect(shardPositions(5, undefined)).toEqual([0, 1, 2, 3, 4]);
    expect(shardPositions(5, { index: 1, count: 2 })).toEqual([0, 2, 4]);
    expect(shardPositions(5, { index: 2, count: 2 })).toEqual([1, 3]);
    expect(shardPositions(2, { index: 3, count: 3 })).toEqual([]);
  });

  it('merges in the original order and drops the shard marker', () => {
    const merged = mergeShards([
      { source: 'b', compare: part(2, 2, ['y']) },
      { source: 'a', compare: part(1, 2, ['x', 'z']) },
    ]);
    expect(merged.variants.map((v) => v.name)).toEqual(['x', 'y', 'z']);
    expect(merged).not.toHaveProperty('shard');
  });

  it('refuses parts of different runs, missing or repeated shards, whole comparisons', () => {
    const a = { source: 'a/compare.json', compare: part(1, 2, ['x', 'z']) };
    const b = { source: 'b/compare.json', compare: part(2, 2, ['y']) };
    expect(() => mergeShards([a, { ...b, compare: part(2, 2, ['y'], { seed: '2' }) }])).toThrow(
      /b\/compare.json is from "s" \(s.yaml, seed 2, sim, 1000 ms\), a\/compare.json from .*seed 1/,
    );
    expect(() => mergeShards([a])).toThrow(/missing shard 2\/2/);
    expect(() => mergeShards([a, a, b])).toThrow(/shard 1\/2 given twice/);
    expect(() =>
      mergeShards([a, { source: 'w', compare: { scenario: run, variants: [] } }]),
    ).toThrow(/w is a whole comparison/);
    expect(() => mergeShards([])).toThrow(/no compare.json/);
  });
});
