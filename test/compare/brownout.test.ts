import { describe, expect, it } from 'vitest';
import { compareScenario } from '../../src/compare/compare.js';
import { parseScenario } from '../../src/scenario/scenario.js';
import { BROWNOUT } from './scenarios.js';

describe('compare on a brownout', () => {
  it('shows what a reader expects: load-aware strategies beat round-robin on p99', async () => {
    const scenario = parseScenario('brownout.yaml', BROWNOUT);
    const c = await compareScenario(scenario, 'brownout.yaml', {
      strategies: ['round-robin', 'least-connections', 'p2c', 'peak-ewma'],
      workers: 0,
    });
    expect(c.variants.map((v) => v.name)).toEqual([
      'round-robin',
      'least-connections',
      'p2c',
      'peak-ewma',
    ]);
    const p99 = Object.fromEntries(c.variants.map((v) => [v.name, v.result.summary.latencyMs.p99]));
    const slowShare = Object.fromEntries(
      c.variants.map((v) => [
        v.name,
        v.result.summary.attemptsPerUpstream['slow']! / v.result.summary.attempts,
      ]),
    );
    // Round-robin sends the slow upstream its third; the others learn to avoid it.
    expect(slowShare['round-robin']).toBeCloseTo(1 / 3, 1);
    for (const s of ['least-connections', 'p2c', 'peak-ewma']) {
      expect(p99[s]).toBeLessThan(p99['round-robin']!);
      expect(slowShare[s]).toBeLessThan(slowShare['round-robin']!);
    }
    expect(p99['peak-ewma']).toBeLessThan(p99['round-robin']! / 2);
    // Same seed and load: every variant saw the same requests.
    const started = new Set(c.variants.map((v) => v.result.summary.started));
    expect(started.size).toBe(1);
    expect(c.scenario).toEqual({
      name: 'brownout',
      file: 'brownout.yaml',
      seed: '7',
      mode: 'sim',
      durationMs: 20_000,
    });
  });
});
