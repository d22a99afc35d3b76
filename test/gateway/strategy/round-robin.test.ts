import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundRobin } from '../../../src/gateway/strategy/round-robin.js';
import { describeStrategyContract, makeHarness, maskOf } from './strategy.contract.js';

describeStrategyContract('round-robin', roundRobin, { weighted: false });

describe('round-robin', () => {
  it('cycles through the eligible upstreams in index order, skipping masked ones', () => {
    const { strategy } = makeHarness(roundRobin, [1, 1, 1, 1]);
    const mask = maskOf([1, 0, 1, 1]);
    const picks = Array.from({ length: 6 }, () => strategy.pick(mask, undefined));
    expect(picks).toEqual([0, 2, 3, 0, 2, 3]);
  });

  it('ignores weights, weight 0 included', () => {
    const { strategy } = makeHarness(roundRobin, [5, 0, 1]);
    const mask = maskOf([1, 1, 1]);
    expect(Array.from({ length: 3 }, () => strategy.pick(mask, undefined))).toEqual([0, 1, 2]);
  });

  it('gives every eligible upstream exactly one pick in each run of m picks (fixed mask)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ min: 0, max: 1, minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 40 }),
        (bits, warmup) => {
          const mask = maskOf(bits);
          const eligible = bits.filter((b) => b === 1).length;
          fc.pre(eligible > 0);
          const { strategy } = makeHarness(
            roundRobin,
            Array.from(bits, () => 1),
          );
          for (let k = 0; k < warmup; k++) strategy.pick(mask, undefined);
          const window = Array.from({ length: eligible }, () => strategy.pick(mask, undefined));
          expect(new Set(window).size).toBe(eligible);
        },
      ),
    );
  });

  it('resumes after the last pick when the mask changes', () => {
    const { strategy } = makeHarness(roundRobin, [1, 1, 1, 1]);
    const all = maskOf([1, 1, 1, 1]);
    expect(strategy.pick(all, undefined)).toBe(0);
    expect(strategy.pick(maskOf([0, 0, 1, 1]), undefined)).toBe(2);
    expect(strategy.pick(all, undefined)).toBe(3);
    expect(strategy.pick(all, undefined)).toBe(0);
  });
});
