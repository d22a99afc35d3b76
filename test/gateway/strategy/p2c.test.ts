import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { p2c } from '../../../src/gateway/strategy/p2c.js';
import { describeStrategyContract, makeHarness, maskOf } from './strategy.contract.js';

describeStrategyContract('p2c', p2c, { weighted: true });

function frequencies(
  weights: number[],
  inflight: number[],
  bits: number[],
  picks: number,
  seed = 'freq',
): number[] {
  const { table, strategy } = makeHarness(p2c, weights, seed);
  table.inflight.set(inflight);
  const mask = maskOf(bits);
  const counts = new Array<number>(weights.length).fill(0);
  for (let k = 0; k < picks; k++) counts[strategy.pick(mask, undefined)]!++;
  return counts.map((c) => c / picks);
}

describe('p2c', () => {
  it('with two eligible upstreams and unequal load, always picks the lower (without replacement)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            pair: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), {
              minLength: 2,
              maxLength: 2,
            }),
            weights: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: n, maxLength: n }),
            inflight: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: n, maxLength: n }),
            seed: fc.string({ maxLength: 4 }),
          }),
        ),
        ({ n, pair, weights, inflight, seed }) => {
          const [a, b] = pair as [number, number];
          const loadA = inflight[a]! * weights[b]!;
          const loadB = inflight[b]! * weights[a]!;
          fc.pre(loadA !== loadB);
          const { table, strategy } = makeHarness(p2c, weights, seed);
          table.inflight.set(inflight);
          const mask = new Uint8Array(n);
          mask[a] = 1;
          mask[b] = 1;
          for (let k = 0; k < 20; k++)
            expect(strategy.pick(mask, undefined)).toBe(loadA < loadB ? a : b);
        },
      ),
    );
  });

  it('never picks the single most loaded of two or more eligible upstreams', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }).chain((n) =>
          fc.record({
            inflight: fc.uniqueArray(fc.integer({ min: 0, max: 100 }), {
              minLength: n,
              maxLength: n,
            }),
            seed: fc.string({ maxLength: 4 }),
          }),
        ),
        ({ inflight, seed }) => {
          const n = inflight.length;
          const { table, strategy } = makeHarness(p2c, new Array<number>(n).fill(1), seed);
          table.inflight.set(inflight);
          const worst = inflight.indexOf(Math.max(...inflight));
          const mask = new Uint8Array(n).fill(1);
          for (let k = 0; k < 50; k++) expect(strategy.pick(mask, undefined)).not.toBe(worst);
        },
      ),
    );
  });

  it('picks the k-th least loaded of n with probability 2(n−k)/(n(n−1)), as two distinct uniform draws do', () => {
    // Ranks by load: index i has load order[i]; expected share of rank r (0 = least) is 2(n-1-r)/(n(n-1)).
    const inflight = [3, 0, 4, 1, 2];
    const n = inflight.length;
    const freq = frequencies([1, 1, 1, 1, 1], inflight, [1, 1, 1, 1, 1], 100_000);
    inflight.forEach((rank, i) =>
      expect(Math.abs(freq[i]! - (2 * (n - 1 - rank)) / (n * (n - 1)))).toBeLessThan(0.01),
    );
  });

  it('follows the weights at equal load, since a tie goes to the first draw (∝ weight)', () => {
    const freq = frequencies([1, 2, 3, 4], [0, 0, 0, 0], [1, 1, 1, 1], 100_000);
    [0.1, 0.2, 0.3, 0.4].forEach((p, i) => expect(Math.abs(freq[i]! - p)).toBeLessThan(0.01));
  });

  it('compares in-flight ÷ weight', () => {
    // weight 4 with 3 in flight (0.75) beats weight 1 with 1 in flight (1)
    const freq = frequencies([1, 4], [1, 3], [1, 1], 1000);
    expect(freq).toEqual([0, 1]);
  });

  it('skips weight 0 while a positive weight is eligible; among weight-0 only, compares in-flight', () => {
    expect(frequencies([0, 1, 0], [0, 9, 0], [1, 1, 1], 1000)).toEqual([0, 1, 0]);
    expect(frequencies([0, 0, 5], [3, 1, 0], [1, 1, 0], 1000)).toEqual([0, 1, 0]);
  });
});
