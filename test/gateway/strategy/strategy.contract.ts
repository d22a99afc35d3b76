import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { VirtualScheduler } from '../../../src/core/virtual-scheduler.js';
import type { Strategy, StrategyFactory } from '../../../src/gateway/strategy/strategy.js';
import { UpstreamTable } from '../../../src/gateway/upstream-table.js';

export interface StrategyTraits {
  /** Weighted strategies must not pick weight 0 while an eligible upstream has weight > 0. */
  weighted: boolean;
}

type Op =
  | { kind: 'pick'; mask: Uint8Array; key: string | undefined }
  | { kind: 'observe'; i: number; latencyMs: number; ok: boolean }
  | { kind: 'inflight'; i: number; delta: number }
  | { kind: 'advance'; ms: number };

export interface Scenario {
  weights: number[];
  seed: string;
  ops: Op[];
}

export interface Harness {
  table: UpstreamTable;
  clock: VirtualScheduler;
  strategy: Strategy;
}

export function makeHarness(
  factory: StrategyFactory,
  weights: readonly number[],
  seed = 'seed',
  options?: Record<string, unknown>,
): Harness {
  const table = new UpstreamTable(weights.map((weight, i) => ({ name: `u${i}`, weight })));
  const clock = new VirtualScheduler();
  const strategy = factory({ table, rng: new Rng(seed), clock }, options);
  return { table, clock, strategy };
}

export function maskOf(bits: ArrayLike<number>): Uint8Array {
  return Uint8Array.from(bits);
}

const weightArb = fc.oneof(
  fc.constantFrom(0, 1, 1, 2, 3, 10),
  fc.double({ min: 0.001, max: 100, noNaN: true }),
);

function maskArb(n: number): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.constant(new Uint8Array(n)),
    fc.constant(new Uint8Array(n).fill(1)),
    fc.integer({ min: 0, max: n - 1 }).map((i) => {
      const m = new Uint8Array(n);
      m[i] = 1;
      return m;
    }),
    fc.uint8Array({ min: 0, max: 1, minLength: n, maxLength: n }),
  );
}

function opArb(n: number): fc.Arbitrary<Op> {
  const index = fc.integer({ min: 0, max: n - 1 });
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('pick' as const),
        mask: maskArb(n),
        key: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('observe' as const),
        i: index,
        latencyMs: fc.oneof(
          fc.double({ min: 0, max: 1e6, noNaN: true }),
          fc.constantFrom(0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e300),
        ),
        ok: fc.boolean(),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('inflight' as const),
        i: index,
        delta: fc.integer({ min: -3, max: 5 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('advance' as const),
        ms: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constant(60_000)),
      }),
    },
  );
}

export function scenarioArb(maxN = 24, maxOps = 60): fc.Arbitrary<Scenario> {
  return fc.integer({ min: 1, max: maxN }).chain((n) =>
    fc.record({
      weights: fc.array(weightArb, { minLength: n, maxLength: n }),
      seed: fc.string({ maxLength: 6 }),
      ops: fc.array(opArb(n), { maxLength: maxOps }),
    }),
  );
}

/** Runs the scenario, checking every pick against the contract; returns the picks. */
export function runScenario(
  factory: StrategyFactory,
  traits: StrategyTraits,
  scenario: Scenario,
  options?: Record<string, unknown>,
): number[] {
  const { table, clock, strategy } = makeHarness(factory, scenario.weights, scenario.seed, options);
  const picks: number[] = [];
  for (const op of scenario.ops) {
    switch (op.kind) {
      case 'pick': {
        const i = strategy.pick(op.mask, op.key);
        checkPick(table, traits, op.mask, i);
        picks.push(i);
        break;
      }
      case 'observe':
        strategy.observe(op.i, op.latencyMs, op.ok);
        break;
      case 'inflight':
        table.inflight[op.i] = Math.max(0, table.inflight[op.i]! + op.delta);
        break;
      case 'advance':
        clock.advance(op.ms);
        break;
    }
  }
  return picks;
}

export function checkPick(
  table: UpstreamTable,
  traits: StrategyTraits,
  mask: Uint8Array,
  i: number,
): void {
  const problem = pickProblem(table, traits, mask, i);
  // expect() only on failure: the properties check hundreds of thousands of picks
  if (problem !== undefined) expect.fail(`${problem} (picked ${i}, mask ${mask.join('')})`);
}

function pickProblem(
  table: UpstreamTable,
  traits: StrategyTraits,
  mask: Uint8Array,
  i: number,
): string | undefined {
  let anyEligible = false;
  let anyPositive = false;
  for (let j = 0; j < mask.length; j++) {
    if (mask[j] !== 1) continue;
    anyEligible = true;
    if (table.weight[j]! > 0) anyPositive = true;
  }
  if (!anyEligible) return i === -1 ? undefined : 'nothing eligible but did not return -1';
  if (!Number.isInteger(i) || i < 0 || i >= table.n) return 'not an upstream index';
  if (mask[i] !== 1) return 'picked an ineligible upstream';
  if (traits.weighted && anyPositive && !(table.weight[i]! > 0))
    return 'picked weight 0 while a positive weight was eligible';
  return undefined;
}

/** The contract every strategy meets; each strategy's test file calls it. */
export function describeStrategyContract(
  name: string,
  factory: StrategyFactory,
  traits: StrategyTraits,
): void {
  describe(`${name}: Strategy contract`, () => {
    it('is named for its registry entry', () => {
      expect(makeHarness(factory, [1]).strategy.name).toBe(name);
    });

    it('never returns an ineligible index, -1 exactly when nothing is eligible, through observe() and in-flight changes', () => {
      fc.assert(
        fc.property(scenarioArb(), (scenario) => {
          runScenario(factory, traits, scenario);
        }),
        { numRuns: 300 },
      );
    });

    it('works with 1 upstream', () => {
      const { strategy } = makeHarness(factory, [1]);
      for (let k = 0; k < 5; k++) {
        expect(strategy.pick(maskOf([1]), `k${k}`)).toBe(0);
        expect(strategy.pick(maskOf([0]), `k${k}`)).toBe(-1);
        strategy.observe(0, 10, k % 2 === 0);
      }
    });

    it('works with 1000 upstreams, mostly masked out or not', () => {
      fc.assert(
        fc.property(
          fc.array(weightArb, { minLength: 1000, maxLength: 1000 }),
          fc.array(fc.constantFrom(0, 0.001, 0.5, 0.999, 1), { minLength: 1, maxLength: 20 }),
          fc.string({ maxLength: 4 }),
          (weights, densities, seed) => {
            const ops: Op[] = [];
            const rng = new Rng(`masks/${seed}`);
            densities.forEach((density, k) => {
              const mask = new Uint8Array(1000);
              for (let j = 0; j < 1000; j++) mask[j] = rng.next() < density ? 1 : 0;
              ops.push({ kind: 'pick', mask, key: `key${k}` });
              ops.push({
                kind: 'observe',
                i: rng.int(1000),
                latencyMs: rng.next() * 500,
                ok: k % 3 !== 0,
              });
              ops.push({ kind: 'inflight', i: rng.int(1000), delta: 1 });
            });
            runScenario(factory, traits, { weights, seed, ops });
          },
        ),
        { numRuns: 10 },
      );
    });

    it('is deterministic for a given seed', () => {
      fc.assert(
        fc.property(scenarioArb(), (scenario) => {
          expect(runScenario(factory, traits, scenario)).toEqual(
            runScenario(factory, traits, scenario),
          );
        }),
        { numRuns: 100 },
      );
    });

    it('rejects an unknown option with a RangeError that names it', () => {
      expect(() => makeHarness(factory, [1, 1], 's', { noSuchOption: 1 })).toThrow(RangeError);
      expect(() => makeHarness(factory, [1, 1], 's', { noSuchOption: 1 })).toThrow(/noSuchOption/);
    });
  });
}
