import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PeakEwma } from '../../../src/gateway/strategy/peak-ewma.js';
import { peakEwma, PEAK_EWMA_DEFAULTS } from '../../../src/gateway/strategy/peak-ewma.js';
import {
  peakEwmaDecayed,
  peakEwmaUpdate,
} from '../../../src/gateway/strategy/peak-ewma-estimate.js';
import { describeStrategyContract, makeHarness, maskOf } from './strategy.contract.js';
import type { Harness } from './strategy.contract.js';

describeStrategyContract('peak-ewma', peakEwma, { weighted: true });

interface Behaviour {
  latencyMs: number;
  ok: boolean;
}

/**
 * Open-loop traffic on the virtual clock: a request every `gapMs`; each pick adds one in flight
 * and a timer ends it after the upstream's latency, then observe() is called. Returns the share
 * of picks each upstream got.
 */
function simulate(
  behaviours: Behaviour[],
  options: Record<string, unknown> | undefined,
  durationMs: number,
  gapMs = 2,
): number[] {
  const h: Harness = makeHarness(
    peakEwma,
    behaviours.map(() => 1),
    'sim',
    options,
  );
  const mask = new Uint8Array(behaviours.length).fill(1);
  const counts = new Array<number>(behaviours.length).fill(0);
  let total = 0;
  const arrive = (): void => {
    const i = h.strategy.pick(mask, undefined);
    counts[i]!++;
    total++;
    h.table.inflight[i]!++;
    const b = behaviours[i]!;
    h.clock.setTimer(b.latencyMs, () => {
      h.table.inflight[i]!--;
      h.strategy.observe(i, b.latencyMs, b.ok);
    });
    if (h.clock.now() + gapMs < durationMs) h.clock.setTimer(gapMs, arrive);
  };
  h.clock.setTimer(0, arrive);
  h.clock.runAll();
  return counts.map((c) => c / total);
}

describe('peak EWMA estimate (pure)', () => {
  it('jumps to a sample above the estimate at once', () => {
    expect(peakEwmaUpdate(100, 250, 1, 10_000)).toBe(250);
  });

  it('moves towards a lower sample by 1 − e^(−Δ/τ)', () => {
    expect(peakEwmaUpdate(100, 50, 1000, 1000)).toBeCloseTo(50 + 50 / Math.E, 10);
    expect(peakEwmaUpdate(100, 50, 0, 1000)).toBe(100);
  });

  it('decays towards 0 while idle, by e^(−Δ/τ)', () => {
    expect(peakEwmaDecayed(100, 2000, 1000)).toBeCloseTo(100 / Math.E ** 2, 10);
    expect(peakEwmaDecayed(100, 0, 1000)).toBe(100);
    expect(peakEwmaDecayed(100, -5, 1000)).toBe(100);
  });

  it('keeps an update between the sample and the previous estimate', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: -10, max: 1e6, noNaN: true }),
        fc.double({ min: 1, max: 1e5, noNaN: true }),
        (estimate, sample, elapsed, decay) => {
          const next = peakEwmaUpdate(estimate, sample, elapsed, decay);
          expect(next).toBeGreaterThanOrEqual(Math.min(estimate, sample) * (1 - 1e-12));
          expect(next).toBeLessThanOrEqual(Math.max(estimate, sample) * (1 + 1e-12));
        },
      ),
    );
  });
});

describe('peak-ewma', () => {
  it('sends most traffic to the fast upstream when the other is 5× slower', () => {
    // Costs balance where 10·(in-flight A + 1) ≈ 50·(in-flight B + 1): B's share is about 1%.
    const [fast, slow] = simulate(
      [
        { latencyMs: 10, ok: true },
        { latencyMs: 50, ok: true },
      ],
      undefined,
      20_000,
    );
    expect(fast).toBeGreaterThan(0.9);
    expect(slow).toBeLessThan(0.1);
  });

  it('penalises a fast-failing upstream, which without the penalty would win', () => {
    const upstreams = [
      { latencyMs: 1, ok: false },
      { latencyMs: 50, ok: true },
    ];
    const [failing] = simulate(upstreams, undefined, 10_000);
    expect(failing).toBeLessThan(0.01);
    const [unpenalised] = simulate(upstreams, { failurePenaltyMs: 0 }, 10_000);
    expect(unpenalised).toBeGreaterThan(0.5);
  });

  it('lets a penalised upstream decay back: tried again once e^(−t/τ)·penalty falls below the other’s cost', () => {
    const decayMs = 1000;
    const h = makeHarness(peakEwma, [1, 1], 's', { decayMs });
    const mask = maskOf([1, 1]);
    h.strategy.observe(0, 0, false); // estimate = failurePenaltyMs = 10 000
    let back = -1;
    while (h.clock.now() < 10 * decayMs) {
      h.clock.advance(10);
      const i = h.strategy.pick(mask, undefined);
      if (i === 0) {
        back = h.clock.now();
        break;
      }
      h.strategy.observe(1, 100, true);
    }
    // 10 000·e^(−t/τ) < 100·e^(−10/τ)  ⇔  t > τ·ln(100) + 10 ≈ 4.62 τ
    expect(back).toBeGreaterThan(4.5 * decayMs);
    expect(back).toBeLessThan(4.75 * decayMs);
  });

  it('counts a failure as its latency plus failurePenaltyMs', () => {
    const h = makeHarness(peakEwma, [1, 1], 's', { failurePenaltyMs: 500 });
    const s = h.strategy as PeakEwma;
    s.observe(0, 20, false);
    expect(s.cost(0, 0)).toBe(520);
    h.table.inflight[0] = 3;
    expect(s.cost(0, 0)).toBe(520 * 4);
  });

  it('gives an unobserved upstream defaultCostMs × (in-flight + 1), so it is tried but not flooded', () => {
    const h = makeHarness(peakEwma, [1, 1], 's');
    const mask = maskOf([1, 1]);
    h.strategy.observe(0, 100, true);
    expect(h.strategy.pick(mask, undefined)).toBe(1); // 30 < 100
    h.table.inflight[1] = 4; // 30·5 = 150 > 100
    expect(h.strategy.pick(mask, undefined)).toBe(0);
    expect(PEAK_EWMA_DEFAULTS.defaultCostMs).toBe(30);
  });

  it('with two eligible, always picks the one whose decayed cost ÷ weight is lower', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 2 }),
        fc.array(
          fc.record({
            i: fc.integer({ min: 0, max: 1 }),
            latencyMs: fc.integer({ min: 0, max: 5000 }),
            ok: fc.boolean(),
            gapMs: fc.integer({ min: 0, max: 30_000 }),
          }),
          { maxLength: 8 },
        ),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 2, maxLength: 2 }),
        fc.integer({ min: 0, max: 60_000 }),
        (weights, history, inflight, waitMs) => {
          const h = makeHarness(peakEwma, weights, 's', { decayMs: 5000 });
          const s = h.strategy as PeakEwma;
          for (const o of history) {
            h.clock.advance(o.gapMs);
            s.observe(o.i, o.latencyMs, o.ok);
          }
          h.clock.advance(waitMs);
          h.table.inflight.set(inflight);
          const c0 = s.cost(0, h.clock.now()) / weights[0]!;
          const c1 = s.cost(1, h.clock.now()) / weights[1]!;
          fc.pre(Math.abs(c0 - c1) > 1e-9 * Math.max(c0, c1));
          expect(s.pick(maskOf([1, 1]), undefined)).toBe(c0 < c1 ? 0 : 1);
        },
      ),
    );
  });

  it('divides cost by weight', () => {
    const h = makeHarness(peakEwma, [1, 3], 's');
    const mask = maskOf([1, 1]);
    h.strategy.observe(0, 100, true);
    h.strategy.observe(1, 100, true);
    h.table.inflight[1] = 1; // 200/3 < 100/1
    expect(h.strategy.pick(mask, undefined)).toBe(1);
    h.table.inflight[1] = 3; // 400/3 > 100/1
    expect(h.strategy.pick(mask, undefined)).toBe(0);
  });

  it('validates its options, naming the option and the value', () => {
    expect(() => makeHarness(peakEwma, [1], 's', { decayMs: 0 })).toThrow(/peak-ewma\.decayMs.*0/);
    expect(() => makeHarness(peakEwma, [1], 's', { failurePenaltyMs: -1 })).toThrow(RangeError);
    expect(() => makeHarness(peakEwma, [1], 's', { defaultCostMs: '30ms' })).toThrow(
      /defaultCostMs.*30ms/,
    );
  });
});
