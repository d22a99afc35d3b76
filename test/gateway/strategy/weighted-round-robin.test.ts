import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { smoothWrrPick } from '../../../src/gateway/strategy/smooth-wrr.js';
import { weightedRoundRobin } from '../../../src/gateway/strategy/weighted-round-robin.js';
import { describeStrategyContract, makeHarness, maskOf } from './strategy.contract.js';

describeStrategyContract('weighted-round-robin', weightedRoundRobin, { weighted: true });

function picks(weights: number[], bits: number[], count: number): number[] {
  const { strategy } = makeHarness(weightedRoundRobin, weights);
  const mask = maskOf(bits);
  return Array.from({ length: count }, () => strategy.pick(mask, undefined));
}

describe('weighted-round-robin (nginx smooth WRR)', () => {
  it('gives A, B, A for weights 2:1', () => {
    expect(picks([2, 1], [1, 1], 6)).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it("matches nginx's documented sequence for weights 5, 1, 1: a a b a c a a", () => {
    expect(picks([5, 1, 1], [1, 1, 1], 7)).toEqual([0, 0, 1, 0, 2, 0, 0]);
  });

  it('gives each eligible upstream exactly w picks in every aligned window of Σw picks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }).chain((n) =>
          fc.record({
            weights: fc.array(fc.integer({ min: 0, max: 12 }), { minLength: n, maxLength: n }),
            bits: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
            windows: fc.integer({ min: 1, max: 4 }),
          }),
        ),
        ({ weights, bits, windows }) => {
          const total = weights.reduce((s, w, i) => s + (bits[i] === 1 ? w : 0), 0);
          fc.pre(total > 0);
          const seq = picks(weights, bits, total * windows);
          for (let k = 0; k < windows; k++) {
            const counts = new Array<number>(weights.length).fill(0);
            for (const i of seq.slice(k * total, (k + 1) * total)) counts[i]!++;
            expect(counts).toEqual(weights.map((w, i) => (bits[i] === 1 ? w : 0)));
          }
        },
      ),
    );
  });

  it('spreads picks: no upstream of weight w gets more than ceil(w·m/Σw)+1 of any m consecutive picks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 2, maxLength: 6 }),
        fc.integer({ min: 1, max: 30 }),
        (weights, m) => {
          const total = weights.reduce((s, w) => s + w, 0);
          const seq = picks(
            weights,
            weights.map(() => 1),
            total * 2,
          );
          for (let start = 0; start + m <= seq.length; start++) {
            const counts = new Array<number>(weights.length).fill(0);
            for (const i of seq.slice(start, start + m)) counts[i]!++;
            counts.forEach((c, i) =>
              expect(c).toBeLessThanOrEqual(Math.ceil((weights[i]! * m) / total) + 1),
            );
          }
        },
      ),
    );
  });

  it('leaves the current weight of a masked-out upstream untouched, as nginx does', () => {
    const current = new Float64Array(3);
    const weight = Float64Array.from([1, 1, 1]);
    smoothWrrPick(current, weight, maskOf([1, 1, 1])); // picks 0: current = [-2, 1, 1]
    expect(Array.from(current)).toEqual([-2, 1, 1]);
    smoothWrrPick(current, weight, maskOf([1, 0, 1])); // 1 frozen; picks 2: [-1, 1, 0]
    expect(Array.from(current)).toEqual([-1, 1, 0]);
    expect(smoothWrrPick(current, weight, maskOf([1, 1, 1]))).toBe(1); // resumes its turn
  });

  it('shares traffic among the others only while one is masked out', () => {
    expect(picks([2, 1, 1], [1, 0, 1], 6)).toEqual([0, 2, 0, 0, 2, 0]);
  });

  it('never picks weight 0 while a positive weight is eligible, and goes round robin when all eligible are 0', () => {
    expect(picks([0, 3, 0], [1, 1, 1], 4)).toEqual([1, 1, 1, 1]);
    expect(picks([0, 0, 0, 5], [1, 1, 1, 0], 6)).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('picks exactly as smoothWrrPick does through any sequence of masks (the period cache is invisible)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }).chain((n) =>
          fc.record({
            weights: fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constant(0.5)), {
              minLength: n,
              maxLength: n,
            }),
            segments: fc.array(
              fc.record({
                bits: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
                picks: fc.integer({ min: 0, max: 60 }),
                // 0: the strategy's own mask object again; 1-3: a fresh array at that byte offset
                offset: fc.integer({ min: 0, max: 3 }),
              }),
              { maxLength: 12 },
            ),
          }),
        ),
        ({ weights, segments }) => {
          const { strategy } = makeHarness(weightedRoundRobin, weights);
          const reference = new Float64Array(weights.length);
          const weight = Float64Array.from(weights);
          const shared = new Uint8Array(weights.length);
          for (const { bits, picks, offset } of segments) {
            let mask = shared;
            if (offset === 0) shared.set(bits);
            else {
              mask = new Uint8Array(new ArrayBuffer(weights.length + 4), offset, weights.length);
              mask.set(bits);
            }
            for (let k = 0; k < picks; k++) {
              expect(strategy.pick(mask, undefined)).toBe(smoothWrrPick(reference, weight, mask));
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('handles fractional weights by proportion', () => {
    const seq = picks([0.5, 0.25, 0.25], [1, 1, 1], 400);
    const counts = [0, 0, 0];
    for (const i of seq) counts[i]!++;
    expect(counts).toEqual([200, 100, 100]);
  });
});
