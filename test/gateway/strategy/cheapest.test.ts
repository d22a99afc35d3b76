import { describe, expect, it } from 'vitest';
import { cheapest } from '../../../src/gateway/strategy/cheapest.js';
import { describeStrategyContract, makeHarness, maskOf } from './strategy.contract.js';

describeStrategyContract('cheapest', cheapest, { weighted: false });

const prices = [
  { input: 3, output: 15 },
  { input: 2, output: 8 },
  { input: 0.5, output: 2.5 },
];
const all = maskOf([1, 1, 1]);

/** A harness whose upstreams have each answered once with the given latency. */
function warmed(latencies: number[], options: Record<string, unknown> = {}) {
  const h = makeHarness(
    cheapest,
    latencies.map(() => 1),
    's',
    { prices, latencyBoundMs: 500, ...options },
  );
  latencies.forEach((ms, i) => h.strategy.observe(i, ms, true));
  return h;
}

describe('cheapest', () => {
  it('picks the cheapest upstream whose latency meets the bound', () => {
    const { strategy } = warmed([100, 200, 300]);
    expect(strategy.pick(all, undefined)).toBe(2);
    expect(strategy.pick(maskOf([1, 1, 0]), undefined)).toBe(1);
  });

  it('passes over a cheaper upstream slower than the bound', () => {
    const { strategy } = warmed([100, 200, 900]);
    expect(strategy.pick(all, undefined)).toBe(1);
  });

  it('picks the fastest when none meets the bound', () => {
    const { strategy } = warmed([700, 600, 900]);
    expect(strategy.pick(all, undefined)).toBe(1);
  });

  it('ranks by output price, then input price; an unpriced upstream comes last', () => {
    const h = makeHarness(cheapest, [1, 1, 1], 's', {
      prices: [null, { input: 2, output: 1 }, { input: 1, output: 1 }],
    });
    [0, 1, 2].forEach((i) => h.strategy.observe(i, 10, true));
    expect(h.strategy.pick(all, undefined)).toBe(2);
    expect(h.strategy.pick(maskOf([1, 1, 0]), undefined)).toBe(1);
    expect(h.strategy.pick(maskOf([1, 0, 0]), undefined)).toBe(0);
  });

  it('counts a failure as slow, so a failing cheap upstream loses its traffic', () => {
    const { strategy, clock } = warmed([100, 200, 300], { decayMs: 1_000 });
    for (let t = 0; t < 50; t++) {
      clock.advance(20);
      strategy.observe(2, 5, false);
    }
    expect(strategy.pick(all, undefined)).toBe(1);
  });

  it('sends a passed-over cheaper upstream one probe per decay period, and it wins back traffic once fast', () => {
    const { strategy, clock } = warmed([100, 200, 2_000], { decayMs: 1_000 });
    expect(strategy.pick(all, undefined)).toBe(1);
    clock.advance(1_000);
    expect(strategy.pick(all, undefined)).toBe(2); // the probe
    expect(strategy.pick(all, undefined)).toBe(1);
    clock.advance(500);
    expect(strategy.pick(all, undefined)).toBe(1);
    strategy.observe(2, 100, true); // 2 000 → 1 050
    for (let probe = 0; probe < 2; probe++) {
      clock.advance(1_000);
      expect(strategy.pick(all, undefined)).toBe(2);
      expect(strategy.pick(all, undefined)).toBe(1);
      strategy.observe(2, 100, true); // → 575 → 337
    }
    expect(strategy.pick(all, undefined)).toBe(2);
    expect(strategy.pick(all, undefined)).toBe(2);
  });

  it('one fast answer after a long silence moves the estimate at most halfway', () => {
    const { strategy, clock } = warmed([100, 200, 2_000], { decayMs: 1_000 });
    clock.advance(60_000);
    strategy.observe(2, 100, true);
    expect(strategy.pick(all, undefined)).toBe(1);
  });

  it('tries an upstream with no answer yet with one request at a time', () => {
    const h = makeHarness(cheapest, [1, 1, 1], 's', { prices });
    expect(h.strategy.pick(all, undefined)).toBe(2);
    h.table.inflight[2] = 1;
    expect(h.strategy.pick(all, undefined)).toBe(1);
    h.table.inflight[1] = 1;
    expect(h.strategy.pick(all, undefined)).toBe(0);
  });

  it('rejects bad options with a RangeError naming them', () => {
    const make = (options: Record<string, unknown>) => () =>
      makeHarness(cheapest, [1, 1], 's', options);
    expect(make({ latencyBoundMs: 0 })).toThrow(/latencyBoundMs/);
    expect(make({ latencyBound: 5 })).toThrow(/latencyBound/);
    expect(make({ prices: [{ input: -1, output: 1 }] })).toThrow(/prices\[0\]\.input/);
    expect(make({ prices: [null, null, null] })).toThrow(/prices/);
  });
});
