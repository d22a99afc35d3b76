import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../../src/core/virtual-scheduler.js';
import {
  decayedMultiplier,
  ejectionMs,
  nextMultiplier,
} from '../../../src/gateway/health/ejection-time.js';
import { envoyOutlier } from '../../../src/gateway/health/envoy-outlier.js';
import type { EnvoyOutlierConfig } from '../../../src/gateway/health/outlier-detector.js';
import { createOutlierDetector } from '../../../src/gateway/health/outlier-registry.js';
import { describeOutlierDetectorContract } from './outlier-detector.contract.js';

describeOutlierDetectorContract(
  'envoy (always eject one)',
  (n, s) =>
    createOutlierDetector(n, { kind: 'envoy', consecutiveFailures: 3, alwaysEjectOne: true }, s),
  { failuresToEject: 3 },
);
describeOutlierDetectorContract(
  'envoy (100%)',
  (n, s) => createOutlierDetector(n, { kind: 'envoy', maxEjectionPercent: 100 }, s),
  { failuresToEject: 5 },
);

function make(n: number, c: Omit<EnvoyOutlierConfig, 'kind'>) {
  const s = new VirtualScheduler();
  return { s, d: envoyOutlier(n, { kind: 'envoy', ...c }, s) };
}

function failRun(d: { record(i: number, f: boolean): void }, i: number, k: number): void {
  for (let j = 0; j < k; j++) d.record(i, true);
}

describe('envoy consecutive_5xx', () => {
  it('a success resets the run; the run restarts after a refused ejection', () => {
    const { d } = make(3, { consecutiveFailures: 3, maxEjectionPercent: 34 });
    failRun(d, 0, 2);
    d.record(0, false);
    failRun(d, 0, 2);
    expect(d.isEjected(0)).toBe(false);
    d.record(0, true);
    expect(d.isEjected(0)).toBe(true);
    failRun(d, 1, 3); // 2 of 3 would be 67% > 34%: refused, run restarts
    expect(d.isEjected(1)).toBe(false);
    failRun(d, 1, 2);
    expect(d.isEjected(1)).toBe(false);
  });

  it('ejects base × times ejected, capped, while the upstream keeps failing', () => {
    const { s, d } = make(1, {
      consecutiveFailures: 1,
      baseEjectionMs: 1000,
      maxEjectionMs: 3500,
      maxEjectionPercent: 100,
    });
    const durations: number[] = [];
    for (let k = 0; k < 6; k++) {
      d.record(0, true);
      const start = s.now();
      s.runNext();
      durations.push(s.now() - start);
    }
    expect(durations).toEqual([1000, 2000, 3000, 3500, 3500, 3500]);
  });

  it('the multiplier decays by one per healthy interval', () => {
    const { s, d } = make(1, {
      consecutiveFailures: 1,
      baseEjectionMs: 1000,
      maxEjectionMs: 100_000,
      maxEjectionPercent: 100,
      intervalMs: 10_000,
    });
    for (let k = 0; k < 3; k++) {
      d.record(0, true);
      s.runNext();
    }
    // multiplier 3 now; two healthy intervals bring it to 1, so the next ejection is 2 × base.
    s.advance(20_000);
    d.record(0, true);
    const start = s.now();
    s.runNext();
    expect(s.now() - start).toBe(2000);
    s.advance(1_000_000);
    d.record(0, true);
    const again = s.now();
    s.runNext();
    expect(s.now() - again).toBe(1000);
  });

  it('with the 10% default, ejects nothing among fewer than 10 upstreams, unless alwaysEjectOne', () => {
    const small = make(5, {});
    failRun(small.d, 0, 5);
    expect(small.d.isEjected(0)).toBe(false);
    const one = make(5, { alwaysEjectOne: true });
    failRun(one.d, 0, 5);
    failRun(one.d, 1, 5);
    expect([one.d.isEjected(0), one.d.isEjected(1)]).toEqual([true, false]);
    const ten = make(10, {});
    failRun(ten.d, 0, 5);
    failRun(ten.d, 1, 5);
    expect([ten.d.isEjected(0), ten.d.isEjected(1)]).toEqual([true, false]);
  });

  it('never has more than maxEjectionPercent ejected (one more only with alwaysEjectOne)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 100 }),
        fc.boolean(),
        fc.array(
          fc.oneof(
            fc.tuple(fc.nat(), fc.constant(true)),
            fc.tuple(fc.nat(), fc.boolean()),
            fc.tuple(fc.constant(-1), fc.integer({ min: 0, max: 60_000 })),
          ),
          { maxLength: 300 },
        ),
        (n, pct, one, steps) => {
          const { s, d } = make(n, {
            consecutiveFailures: 2,
            baseEjectionMs: 5000,
            maxEjectionPercent: pct,
            alwaysEjectOne: one,
          });
          for (const [i, x] of steps) {
            if (i === -1) s.advance(x as number);
            else d.record(i % n, x as boolean);
            let ejected = 0;
            for (let j = 0; j < n; j++) if (d.isEjected(j)) ejected++;
            expect(ejected).toBe(d.ejectedNow);
            const allowed = Math.max(Math.floor((pct * n) / 100 + 1e-9), one ? 1 : 0);
            expect(ejected).toBeLessThanOrEqual(allowed);
          }
        },
      ),
    );
  });

  it('ejection time stays within [base, max] and grows until the cap (pure functions)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 200 }),
        (base, extra, m) => {
          const max = base + extra;
          const next = nextMultiplier(m, base, max);
          expect(next).toBeGreaterThanOrEqual(m);
          if (m >= 1) {
            expect(ejectionMs(next, base, max)).toBeGreaterThanOrEqual(ejectionMs(m, base, max));
            expect(ejectionMs(m, base, max)).toBeLessThanOrEqual(max);
            expect(ejectionMs(m, base, max)).toBeGreaterThanOrEqual(Math.min(base, max));
          }
          // Growth stops only once the cap is reached.
          if (next === m) expect(ejectionMs(m, base, max)).toBe(max);
        },
      ),
    );
    expect(decayedMultiplier(3, 25_000, 10_000)).toBe(1);
    expect(decayedMultiplier(3, 9_999, 10_000)).toBe(3);
    expect(decayedMultiplier(2, Infinity, 10_000)).toBe(0);
  });

  it.each([
    [{ consecutiveFailures: 0 }, 'consecutiveFailures'],
    [{ maxEjectionPercent: 101 }, 'maxEjectionPercent'],
    [{ baseEjectionMs: 1000, maxEjectionMs: 999 }, 'maxEjectionMs'],
    [{ intervalMs: 0 }, 'intervalMs'],
  ])('rejects %j naming %s', (c, param) => {
    const f = (): unknown => envoyOutlier(1, { kind: 'envoy', ...c }, new VirtualScheduler());
    expect(f).toThrow(RangeError);
    expect(f).toThrow(param);
  });
});
