import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { VirtualScheduler } from '../../../src/core/virtual-scheduler.js';
import { consistentHash } from '../../../src/gateway/strategy/consistent-hash.js';
import type { Strategy } from '../../../src/gateway/strategy/strategy.js';
import { UpstreamTable } from '../../../src/gateway/upstream-table.js';
import type { UpstreamSpec } from '../../../src/gateway/upstream-table.js';
import { describeStrategyContract, makeHarness, maskOf } from './strategy.contract.js';

describeStrategyContract('consistent-hash', consistentHash, { weighted: true });

function build(specs: UpstreamSpec[], options?: Record<string, unknown>): Strategy {
  const table = new UpstreamTable(specs);
  return consistentHash({ table, rng: new Rng('ch'), clock: new VirtualScheduler() }, options);
}

const named = (names: string[]): UpstreamSpec[] => names.map((name) => ({ name }));
const KEYS = Array.from({ length: 10_000 }, (_, k) => `user-${k}`);

/** Owner name of every key. */
function owners(
  specs: UpstreamSpec[],
  mask?: Uint8Array,
  options?: Record<string, unknown>,
): string[] {
  const s = build(specs, options);
  const m = mask ?? new Uint8Array(specs.length).fill(1);
  return KEYS.map((key) => specs[s.pick(m, key)]!.name);
}

describe('consistent-hash', () => {
  it('sends the same key to the same upstream while the eligible set is unchanged', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.string(), { minLength: 1, maxLength: 30 }),
        (n, keys) => {
          const { strategy } = makeHarness(consistentHash, new Array<number>(n).fill(1));
          const mask = new Uint8Array(n).fill(1);
          const first = keys.map((k) => strategy.pick(mask, k));
          const again = [...keys]
            .reverse()
            .map((k) => strategy.pick(mask, k))
            .reverse();
          expect(again).toEqual(first);
        },
      ),
    );
  });

  it('moves only the keys of an upstream that is masked out, and none onto it', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 20 })
          .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }))),
        ([n, out]) => {
          const specs = named(Array.from({ length: n }, (_, i) => `up-${i}`));
          const before = owners(specs);
          const mask = new Uint8Array(n).fill(1);
          mask[out] = 0;
          const after = owners(specs, mask);
          const gone = `up-${out}`;
          const wrong = KEYS.filter((_, k) =>
            before[k] !== gone ? after[k] !== before[k] : after[k] === gone,
          );
          expect(wrong).toEqual([]);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('moves about 1/(N+1) of 10 000 keys, all onto the newcomer, when one upstream joins N', () => {
    // With 160 points per upstream a share's relative spread is about 1/√160 ≈ 8%; ±35% is ~4σ.
    for (let n = 1; n <= 15; n++) {
      const names = Array.from({ length: n }, (_, i) => `backend-${i}.example`);
      const before = owners(named(names));
      // the newcomer goes first in the table: the ring must not depend on table order
      const after = owners(named(['newcomer.example', ...names]));
      const moved = KEYS.flatMap((_, k) => (after[k] !== before[k] ? [after[k]] : []));
      expect(moved.filter((o) => o !== 'newcomer.example')).toEqual([]);
      const expected = 1 / (n + 1);
      expect(moved.length / KEYS.length).toBeGreaterThan(expected * 0.65);
      expect(moved.length / KEYS.length).toBeLessThan(expected * 1.35);
    }
  });

  it('spreads keys evenly across equal upstreams with the default 160 points', () => {
    const names = Array.from({ length: 10 }, (_, i) => `node-${i}`);
    const counts = new Map<string, number>();
    for (const o of owners(named(names))) counts.set(o, (counts.get(o) ?? 0) + 1);
    for (const name of names) {
      const share = (counts.get(name) ?? 0) / KEYS.length;
      expect(share).toBeGreaterThan(0.1 * 0.65);
      expect(share).toBeLessThan(0.1 * 1.35);
    }
  });

  it('gives keys in proportion to weight (points per unit weight)', () => {
    // 1000 points per unit weight: spread ≈ 3%, so ±15% is a 5σ band.
    const specs = [
      { name: 'a', weight: 1 },
      { name: 'b', weight: 2 },
      { name: 'c', weight: 3 },
    ];
    const got = owners(specs, undefined, { virtualNodes: 1000 });
    specs.forEach(({ name, weight }) => {
      const share = got.filter((o) => o === name).length / KEYS.length;
      expect(share).toBeGreaterThan((weight / 6) * 0.85);
      expect(share).toBeLessThan((weight / 6) * 1.15);
    });
  });

  it('keeps weight 0 off the ring unless every eligible upstream has weight 0', () => {
    const specs = [
      { name: 'a', weight: 0 },
      { name: 'b', weight: 1 },
      { name: 'c', weight: 0 },
    ];
    expect(new Set(owners(specs))).toEqual(new Set(['b']));
    const zeroOnly = owners(specs, maskOf([1, 0, 1]));
    expect(new Set(zeroOnly)).toEqual(new Set(['a', 'c']));
    expect(owners(specs, maskOf([1, 0, 1]))).toEqual(zeroOnly);
  });

  it('finds the one eligible upstream of 1000 however far round the ring it is', () => {
    const { strategy } = makeHarness(consistentHash, new Array<number>(1000).fill(1));
    const mask = new Uint8Array(1000);
    mask[777] = 1;
    for (const key of KEYS.slice(0, 200)) expect(strategy.pick(mask, key)).toBe(777);
    mask[777] = 0;
    expect(strategy.pick(mask, 'x')).toBe(-1);
  });

  it('spreads requests without a key over the ring', () => {
    const { strategy } = makeHarness(consistentHash, [1, 1, 1, 1]);
    const mask = maskOf([1, 1, 1, 1]);
    const counts = [0, 0, 0, 0];
    for (let k = 0; k < 10_000; k++) counts[strategy.pick(mask, undefined)]!++;
    for (const c of counts) expect(c / 10_000).toBeGreaterThan(0.15);
  });

  it('validates virtualNodes, naming the option and the value', () => {
    expect(() => makeHarness(consistentHash, [1], 's', { virtualNodes: 0 })).toThrow(
      /consistent-hash\.virtualNodes.*0/,
    );
    expect(() => makeHarness(consistentHash, [1], 's', { virtualNodes: 1.5 })).toThrow(RangeError);
  });
});
