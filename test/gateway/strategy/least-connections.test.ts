import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leastConnections } from '../../../src/gateway/strategy/least-connections.js';
import { describeStrategyContract, makeHarness, maskOf } from './strategy.contract.js';

describeStrategyContract('least-connections', leastConnections, { weighted: true });

const stateArb = fc.integer({ min: 1, max: 12 }).chain((n) =>
  fc.record({
    // integers take the exact-key scan; 0.5, 2.5 and primes whose LCM is too big take the
    // cross-multiplying one
    weights: fc.array(
      fc.oneof(
        fc.integer({ min: 1, max: 10 }),
        fc.constant(0),
        fc.constantFrom(0.5, 2.5, 997, 991, 983),
      ),
      {
        minLength: n,
        maxLength: n,
      },
    ),
    // a busy floor of 3 keeps idle upstreams (which end the scan early) out of some cases
    inflight: fc
      .tuple(
        fc.constantFrom(0, 3),
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: n, maxLength: n }),
      )
      .map(([floor, xs]) => xs.map((x) => x + floor)),
    bits: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
    warmup: fc.integer({ min: 0, max: 20 }),
  }),
);

describe('least-connections', () => {
  it('never picks an upstream whose in-flight ÷ weight exceeds another eligible one’s', () => {
    fc.assert(
      fc.property(stateArb, ({ weights, inflight, bits, warmup }) => {
        const { table, strategy } = makeHarness(leastConnections, weights);
        table.inflight.set(inflight);
        const mask = maskOf(bits);
        for (let k = 0; k <= warmup; k++) {
          const p = strategy.pick(mask, undefined);
          if (p < 0) return;
          for (let j = 0; j < weights.length; j++) {
            if (bits[j] !== 1 || !(weights[j]! > 0)) continue;
            // inflight[p]/w[p] <= inflight[j]/w[j], cross-multiplied to stay exact
            expect(inflight[p]! * weights[j]!).toBeLessThanOrEqual(inflight[j]! * weights[p]!);
          }
          table.inflight[p]!++;
          inflight[p]!++;
        }
      }),
    );
  });

  it('rotates among the tied minimum: each gets one pick in every run of |ties| picks', () => {
    fc.assert(
      fc.property(stateArb, ({ weights, inflight, bits, warmup }) => {
        const { table, strategy } = makeHarness(leastConnections, weights);
        table.inflight.set(inflight);
        const mask = maskOf(bits);
        const loads = weights.map((w, i) => (bits[i] === 1 && w > 0 ? inflight[i]! / w : Infinity));
        const min = Math.min(...loads);
        fc.pre(min < Infinity);
        const ties = loads.flatMap((l, i) => (l === min ? [i] : []));
        for (let k = 0; k < warmup; k++) strategy.pick(mask, undefined);
        for (let round = 0; round < 2; round++) {
          const window = ties.map(() => strategy.pick(mask, undefined));
          expect([...window].sort((a, b) => a - b)).toEqual(ties);
        }
      }),
    );
  });

  it('ends the scan at an idle upstream only when it is the first idle one in turn', () => {
    const { table, strategy } = makeHarness(leastConnections, [1, 2, 3, 1]);
    const mask = maskOf([1, 1, 1, 1]);
    table.inflight.set([0, 1, 0, 0]);
    expect([0, 1, 2, 3].map(() => strategy.pick(mask, undefined))).toEqual([0, 2, 3, 0]);
  });

  it('breaks ties in index order starting after the previous pick', () => {
    const { table, strategy } = makeHarness(leastConnections, [1, 1, 1, 1]);
    const mask = maskOf([1, 1, 1, 1]);
    expect([0, 1, 2, 3, 4].map(() => strategy.pick(mask, undefined))).toEqual([0, 1, 2, 3, 0]);
    table.inflight.set([0, 2, 0, 2]);
    expect([0, 1, 2].map(() => strategy.pick(mask, undefined))).toEqual([2, 0, 2]);
    table.inflight.set([5, 3, 4, 3]);
    expect([0, 1, 2].map(() => strategy.pick(mask, undefined))).toEqual([3, 1, 3]);
  });

  it('rotates ties with fractional weights too (the cross-multiplying scan)', () => {
    const { table, strategy } = makeHarness(leastConnections, [0.5, 1, 2.5, 1]);
    table.inflight.set([2, 4, 10, 5]); // loads 4, 4, 4, 5
    const mask = maskOf([1, 1, 1, 1]);
    expect([0, 1, 2, 3].map(() => strategy.pick(mask, undefined))).toEqual([0, 1, 2, 0]);
  });

  it('weighs in-flight: weight 2 with 3 in flight beats weight 1 with 2', () => {
    const { table, strategy } = makeHarness(leastConnections, [1, 2]);
    table.inflight.set([2, 3]);
    expect(strategy.pick(maskOf([1, 1]), undefined)).toBe(1);
    table.inflight.set([1, 3]);
    expect(strategy.pick(maskOf([1, 1]), undefined)).toBe(0);
  });

  it('uses weight-0 upstreams only when every eligible one has weight 0, then by in-flight', () => {
    const { table, strategy } = makeHarness(leastConnections, [0, 0, 1]);
    table.inflight.set([0, 0, 50]);
    expect(strategy.pick(maskOf([1, 1, 1]), undefined)).toBe(2);
    table.inflight.set([4, 1, 0]);
    expect(strategy.pick(maskOf([1, 1, 0]), undefined)).toBe(1);
  });
});
