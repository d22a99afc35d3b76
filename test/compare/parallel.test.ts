import { describe, expect, it } from 'vitest';
import { compareScenario } from '../../src/compare/compare.js';
import { mergeShards } from '../../src/compare/shard.js';
import { parseScenario } from '../../src/scenario/scenario.js';
import { BROWNOUT } from './scenarios.js';

const scenario = parseScenario('brownout.yaml', BROWNOUT);
const strategies = ['round-robin', 'least-connections', 'p2c', 'peak-ewma', 'random'];
const base = { strategies, durationMs: 5_000 };
const json = (x: unknown): string => JSON.stringify(x, null, 2);

describe('compare: the same results however it is run', () => {
  it(
    'worker threads give byte-identical JSON to running the variants one by one',
    { timeout: 60_000 },
    async () => {
      const [threaded, sequential] = [
        await compareScenario(scenario, 'brownout.yaml', { ...base, workers: 2 }),
        await compareScenario(scenario, 'brownout.yaml', { ...base, workers: 0 }),
      ];
      expect(threaded.variants).toHaveLength(5);
      expect(json(threaded)).toBe(json(sequential));
    },
  );

  it('shards merged give the whole comparison, byte for byte', async () => {
    const whole = await compareScenario(scenario, 'brownout.yaml', { ...base, workers: 0 });
    const parts = [];
    for (const index of [2, 1]) {
      const compare = await compareScenario(scenario, 'brownout.yaml', {
        ...base,
        workers: 0,
        shard: { index, count: 2 },
      });
      expect(compare.shard).toEqual({ index, count: 2, total: 5 });
      expect(compare.variants.map((v) => v.name)).toEqual(
        index === 1 ? ['round-robin', 'p2c', 'random'] : ['least-connections', 'peak-ewma'],
      );
      parts.push({ source: `shard-${index}/compare.json`, compare });
    }
    expect(json(mergeShards(parts))).toBe(json(whole));
  });
});
