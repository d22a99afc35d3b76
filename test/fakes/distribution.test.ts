import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { sampleCount, Sampler } from '../../fakes/distribution.js';
import { zDistribution } from '../../fakes/config.js';

function draws(s: Sampler, n = 20_000, seed = 'd'): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => s.sample(rng)).sort((a, b) => a - b);
}
const pct = (xs: number[], p: number): number =>
  xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

describe('latency distributions', () => {
  it('constant and uniform', () => {
    expect(draws(new Sampler({ dist: 'constant', value: 42 }), 10)).toEqual(Array(10).fill(42));
    const u = draws(new Sampler({ dist: 'uniform', min: 10, max: 20 }));
    expect(u[0]).toBeGreaterThanOrEqual(10);
    expect(u[u.length - 1]).toBeLessThan(20);
    expect(pct(u, 0.5)).toBeCloseTo(15, 0);
  });

  it('lognormal has the p50 and p99 it was given', () => {
    const xs = draws(new Sampler({ dist: 'lognormal', p50: 80, p99: 400 }), 100_000);
    expect(pct(xs, 0.5) / 80).toBeCloseTo(1, 1);
    expect(pct(xs, 0.99) / 400).toBeCloseTo(1, 1);
  });

  it('normal is clipped at zero, exponential has its mean, pareto stays above its scale', () => {
    expect(draws(new Sampler({ dist: 'normal', mean: 5, sd: 10 }))[0]).toBe(0);
    const e = draws(new Sampler({ dist: 'exponential', mean: 50 }), 100_000);
    expect(e.reduce((a, b) => a + b, 0) / e.length / 50).toBeCloseTo(1, 1);
    expect(draws(new Sampler({ dist: 'pareto', scale: 30, shape: 2 }))[0]).toBeGreaterThanOrEqual(
      30,
    );
  });

  it('empirical interpolates between the percentiles of its table', () => {
    const xs = draws(
      new Sampler({ dist: 'empirical', percentiles: { p0: 10, p50: 100, p100: 200 } }),
      50_000,
    );
    expect(xs[0]).toBeGreaterThanOrEqual(10);
    expect(xs[xs.length - 1]).toBeLessThanOrEqual(200);
    expect(pct(xs, 0.25)).toBeCloseTo(55, -1);
    expect(pct(xs, 0.5)).toBeCloseTo(100, -1);
  });

  it('factories refuse bad parameters, naming them', () => {
    expect(() => new Sampler({ dist: 'uniform', min: 5, max: 1 })).toThrow(/latency.max/);
    expect(() => new Sampler({ dist: 'lognormal', p50: 0, p99: 1 })).toThrow(RangeError);
    expect(() => new Sampler({ dist: 'empirical', percentiles: { p10: 5, p90: 1 } })).toThrow(
      /not decrease/,
    );
  });

  it('the config accepts a duration, {p50, p99} or a dist object, and refuses bare numbers', () => {
    expect(zDistribution.parse('50ms')).toEqual({ dist: 'constant', value: 50 });
    expect(zDistribution.parse({ p50: '80ms', p99: '1s' })).toEqual({
      dist: 'lognormal',
      p50: 80,
      p99: 1000,
    });
    expect(zDistribution.parse({ dist: 'pareto', scale: '10ms', shape: 1.5 })).toEqual({
      dist: 'pareto',
      scale: 10,
      shape: 1.5,
    });
    expect(zDistribution.safeParse(50).success).toBe(false);
    expect(zDistribution.safeParse({ p50: '80ms', p99: '10ms' }).success).toBe(false);
  });

  it('token counts: fixed or a uniform integer range', () => {
    const rng = new Rng('t');
    expect(sampleCount(7, rng)).toBe(7);
    const seen = new Set(Array.from({ length: 500 }, () => sampleCount({ min: 2, max: 4 }, rng)));
    expect([...seen].sort()).toEqual([2, 3, 4]);
  });
});
