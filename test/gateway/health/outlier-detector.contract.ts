import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Scheduler } from '../../../src/core/clock.js';
import { VirtualScheduler } from '../../../src/core/virtual-scheduler.js';
import type { OutlierDetector } from '../../../src/gateway/health/outlier-detector.js';

export interface OutlierContractOptions {
  /** From fresh, this many failures in a row (at one instant) eject an upstream; one fewer does not. */
  failuresToEject: number;
}

type Step = { kind: 'record'; i: number; failure: boolean } | { kind: 'advance'; ms: number };

/**
 * What every OutlierDetector must do. `factory` must allow at least one ejection among `n`
 * upstreams (n ≥ 1).
 */
export function describeOutlierDetectorContract(
  name: string,
  factory: (n: number, scheduler: Scheduler) => OutlierDetector,
  opts: OutlierContractOptions,
): void {
  describe(`OutlierDetector contract: ${name}`, () => {
    it('never ejects on successes', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 8 }),
          fc.array(fc.tuple(fc.nat(), fc.nat(100_000)), { maxLength: 200 }),
          (n, calls) => {
            const s = new VirtualScheduler();
            const d = factory(n, s);
            for (const [i, dt] of calls) {
              s.advance(dt);
              d.record(i % n, false);
              for (let j = 0; j < n; j++) expect(d.isEjected(j)).toBe(false);
            }
          },
        ),
      );
    });

    it(`ejects after ${opts.failuresToEject} failures in a row, and returns the upstream on a timer`, () => {
      const s = new VirtualScheduler();
      const d = factory(4, s);
      const events: [number, boolean, number][] = [];
      d.addListener((i, e, now) => events.push([i, e, now]));
      s.advance(1000);
      for (let k = 1; k < opts.failuresToEject; k++) d.record(2, true);
      expect(d.isEjected(2)).toBe(false);
      d.record(2, true);
      expect(d.isEjected(2)).toBe(true);
      expect(events).toEqual([[2, true, 1000]]);
      for (const j of [0, 1, 3]) expect(d.isEjected(j)).toBe(false);
      expect(s.nextDue()).toBeGreaterThan(1000);
      expect(s.nextDue()).toBeLessThan(Infinity);
      s.runAll();
      expect(d.isEjected(2)).toBe(false);
      expect(events.length).toBe(2);
      expect(events[1]![0]).toBe(2);
      expect(events[1]![1]).toBe(false);
      expect(events[1]![2]).toBe(s.now());
    });

    it('announces every change of isEjected to every listener, and nothing else', () => {
      const step: fc.Arbitrary<Step> = fc.oneof(
        fc.record({ kind: fc.constant('record' as const), i: fc.nat(), failure: fc.boolean() }),
        fc.record({
          kind: fc.constant('record' as const),
          i: fc.nat(),
          failure: fc.constant(true),
        }),
        fc.record({ kind: fc.constant('advance' as const), ms: fc.nat(200_000) }),
      );
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 6 }),
          fc.array(step, { maxLength: 150 }),
          (n, steps) => {
            const s = new VirtualScheduler();
            const d = factory(n, s);
            const mirrors = [new Uint8Array(n), new Uint8Array(n)];
            mirrors.forEach((m) =>
              d.addListener((i, e, now) => {
                expect(now).toBe(s.now());
                expect(m[i]).toBe(e ? 0 : 1);
                m[i] = e ? 1 : 0;
              }),
            );
            for (const st of steps) {
              if (st.kind === 'record') d.record(st.i % n, st.failure);
              else s.advance(st.ms);
              for (let j = 0; j < n; j++) {
                for (const m of mirrors) expect(m[j] === 1).toBe(d.isEjected(j));
              }
            }
          },
        ),
      );
    });

    it('dispose() leaves no timer behind', () => {
      const s = new VirtualScheduler();
      const d = factory(3, s);
      for (let k = 0; k < opts.failuresToEject; k++) d.record(0, true);
      expect(d.isEjected(0)).toBe(true);
      d.dispose();
      expect(s.nextDue()).toBe(Infinity);
    });
  });
}
