import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hash32, lognormalParams, Rng } from '../../src/core/rng.js';

function draw(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.next());
}

describe('Rng', () => {
  it('is a pure function of its seed', () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        expect(draw(new Rng(seed), 20)).toEqual(draw(new Rng(seed), 20));
      }),
    );
  });

  it('gives different streams for different seeds', () => {
    expect(draw(new Rng('a'), 5)).not.toEqual(draw(new Rng('b'), 5));
  });

  it('forks by label: a child does not depend on how much the parent was used', () => {
    const a = new Rng('root');
    const b = new Rng('root');
    draw(b, 1000);
    expect(draw(a.fork('arrivals'), 10)).toEqual(draw(b.fork('arrivals'), 10));
    expect(draw(a.fork('arrivals'), 10)).not.toEqual(draw(a.fork('latency'), 10));
  });

  it('stays in [0, 1) and looks uniform', () => {
    const rng = new Rng('uniform');
    const buckets = new Array<number>(10).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      buckets[Math.floor(x * 10)]!++;
    }
    // chi-square with 9 degrees of freedom: 27.9 is the 0.999 quantile
    const chi = buckets.reduce((s, c) => s + (c - n / 10) ** 2 / (n / 10), 0);
    expect(chi).toBeLessThan(27.9);
  });

  it('draws exponential, normal, lognormal and pareto with the right moments', () => {
    const rng = new Rng('moments');
    const n = 200_000;
    const mean = (f: () => number): number => {
      let s = 0;
      for (let i = 0; i < n; i++) s += f();
      return s / n;
    };
    expect(mean(() => rng.exponential(50))).toBeCloseTo(50, 0);
    expect(mean(() => rng.normal(10, 2))).toBeCloseTo(10, 1);
    const xs = Array.from({ length: n }, () => rng.lognormal(80, 400)).sort((a, b) => a - b);
    expect(xs[Math.floor(n * 0.5)]! / 80).toBeCloseTo(1, 1);
    expect(xs[Math.floor(n * 0.99)]! / 400).toBeCloseTo(1, 1);
    // pareto(xm, a) has mean a·xm/(a-1) for a > 1
    expect(mean(() => rng.pareto(10, 3)) / 15).toBeCloseTo(1, 1);
    expect(
      Math.min(...Array.from({ length: 1000 }, () => rng.pareto(10, 3))),
    ).toBeGreaterThanOrEqual(10);
  });

  it('weighted() never picks a zero weight and follows the weights', () => {
    const rng = new Rng('w');
    const counts = [0, 0, 0];
    for (let i = 0; i < 60_000; i++) counts[rng.weighted([1, 0, 2])]!++;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeCloseTo(2, 1);
    expect(rng.weighted([0, 0])).toBe(-1);
  });

  it('rejects impossible lognormal parameters by name', () => {
    expect(() => lognormalParams(0, 10)).toThrow(/p50/);
    expect(() => lognormalParams(10, 5)).toThrow(/p99/);
  });

  it('hash32 is stable and spreads keys', () => {
    expect(hash32('user-1')).toBe(hash32('user-1'));
    const seen = new Set(Array.from({ length: 10_000 }, (_, i) => hash32(`k${i}`) % 1024));
    expect(seen.size).toBeGreaterThan(1000);
  });
});
