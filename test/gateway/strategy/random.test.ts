import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { random } from '../../../src/gateway/strategy/random.js';
import { WeightedSampler } from '../../../src/gateway/strategy/weighted-sampler.js';
import { describeStrategyContract, makeHarness, maskOf } from './strategy.contract.js';

describeStrategyContract('random', random, { weighted: true });

function frequencies(weights: number[], bits: number[], picks: number, seed = 'freq'): number[] {
  const { strategy } = makeHarness(random, weights, seed);
  const mask = maskOf(bits);
  const counts = new Array<number>(weights.length).fill(0);
  for (let k = 0; k < picks; k++) counts[strategy.pick(mask, undefined)]!++;
  return counts.map((c) => c / picks);
}

// 100 000 picks: a share's standard error is at most 0.0016, so 0.01 is a 6σ bound that still
// catches any real bias of a few percent.
const PICKS = 100_000;
const BOUND = 0.01;

describe('random (weighted)', () => {
  it('picks in proportion to weight', () => {
    const freq = frequencies([1, 2, 3, 4], [1, 1, 1, 1], PICKS);
    [0.1, 0.2, 0.3, 0.4].forEach((p, i) => expect(Math.abs(freq[i]! - p)).toBeLessThan(BOUND));
  });

  it('renormalises over the eligible upstreams', () => {
    const freq = frequencies([1, 2, 3, 4], [1, 0, 1, 1], PICKS);
    [1 / 8, 0, 3 / 8, 4 / 8].forEach((p, i) => expect(Math.abs(freq[i]! - p)).toBeLessThan(BOUND));
  });

  it('stays proportional when almost all of 1000 upstreams are masked out (the exact-scan path)', () => {
    const weights = new Array<number>(1000).fill(1);
    const bits = new Array<number>(1000).fill(0);
    [
      [10, 1],
      [500, 2],
      [999, 3],
    ].forEach(([i, w]) => {
      weights[i!] = w!;
      bits[i!] = 1;
    });
    const freq = frequencies(weights, bits, PICKS);
    expect(Math.abs(freq[10]! - 1 / 6)).toBeLessThan(BOUND);
    expect(Math.abs(freq[500]! - 2 / 6)).toBeLessThan(BOUND);
    expect(Math.abs(freq[999]! - 3 / 6)).toBeLessThan(BOUND);
  });

  it('is uniform among the eligible when all of them have weight 0', () => {
    const freq = frequencies([0, 0, 0, 7], [1, 1, 1, 0], PICKS);
    [1 / 3, 1 / 3, 1 / 3, 0].forEach((p, i) => expect(Math.abs(freq[i]! - p)).toBeLessThan(BOUND));
  });

  it('gives different seeds different sequences', () => {
    const seq = (seed: string): number[] => {
      const { strategy } = makeHarness(random, [1, 1, 1, 1], seed);
      return Array.from({ length: 32 }, () => strategy.pick(maskOf([1, 1, 1, 1]), undefined));
    };
    expect(seq('a')).not.toEqual(seq('b'));
  });
});

describe('WeightedSampler', () => {
  it('returns an eligible, non-excluded index of weight > 0, or -1 when there is none', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }).chain((n) =>
          fc.record({
            weights: fc.array(fc.constantFrom(0, 0.5, 1, 3), { minLength: n, maxLength: n }),
            bits: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
            exclude: fc.integer({ min: -1, max: n - 1 }),
            seed: fc.string({ maxLength: 4 }),
          }),
        ),
        ({ weights, bits, exclude, seed }) => {
          const sampler = new WeightedSampler(weights);
          const rng = new Rng(seed);
          const any = weights.some((w, i) => w > 0 && bits[i] === 1 && i !== exclude);
          for (let k = 0; k < 20; k++) {
            const i = sampler.sample(maskOf(bits), exclude, rng);
            if (!any) expect(i).toBe(-1);
            else {
              expect(bits[i]).toBe(1);
              expect(i).not.toBe(exclude);
              expect(weights[i]).toBeGreaterThan(0);
            }
          }
        },
      ),
    );
  });
});
