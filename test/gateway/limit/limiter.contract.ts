import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Limiter } from '../../../src/gateway/limit/limiter.js';

export interface LimiterContractSpec {
  /** A fresh limiter. */
  make(): Limiter;
  /** The most cost it can ever admit at once (burst, or limit). */
  capacity: number;
  /** Inclusive bound on the cost admitted at times within any closed span of `spanMs`. */
  maxAdmitted(spanMs: number): number;
  /** Waiting retryAfterMs and retrying is allowed (all but the sliding-window estimate). */
  exactRetryAfter: boolean;
  /** The limiter's natural period (windowMs, or 1000/rate): gaps often land on its multiples. */
  periodMs: number;
}

interface Call {
  gap: number;
  cost: number;
}

const callsArb = (capacity: number, gap: fc.Arbitrary<number>): fc.Arbitrary<Call[]> =>
  fc.array(
    fc.record({ gap, cost: fc.integer({ min: 1, max: Math.max(1, Math.min(3, capacity)) }) }),
    { minLength: 1, maxLength: 150 },
  );

/** Gaps often zero (bursts) or on multiples of half the period (exact boundaries). */
const gaps = (
  periodMs: number,
): { intGap: fc.Arbitrary<number>; floatGap: fc.Arbitrary<number> } => {
  const onPeriod = fc.integer({ min: 1, max: 4 }).map((k) => (k * periodMs) / 2);
  return {
    intGap: fc.oneof(
      fc.constant(0),
      onPeriod,
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 0, max: 3000 }),
    ),
    floatGap: fc.oneof(fc.constant(0), onPeriod, fc.double({ min: 0, max: 500, noNaN: true })),
  };
};

function admittedWithin(
  admitted: { t: number; cost: number }[],
  bound: (span: number) => number,
): string | null {
  for (let i = 0; i < admitted.length; i++) {
    let sum = 0;
    for (let j = i; j < admitted.length; j++) {
      sum += admitted[j]!.cost;
      const span = admitted[j]!.t - admitted[i]!.t;
      if (sum > bound(span))
        return `${sum} admitted within ${span} ms from t=${admitted[i]!.t}, bound ${bound(span)}`;
    }
  }
  return null;
}

export function describeLimiterContract(name: string, spec: LimiterContractSpec): void {
  describe(`Limiter contract: ${name}`, () => {
    const { intGap, floatGap } = gaps(spec.periodMs);
    it('a fresh limiter admits its whole capacity at once, then denies with a wait > 0', () => {
      const l = spec.make();
      for (let i = 0; i < spec.capacity; i++) expect(l.tryAcquire(1000)).toBe(0);
      const wait = l.tryAcquire(1000);
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThan(Infinity);
    });

    it('admits at most the documented bound in any span (property)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 1e6 }),
          callsArb(spec.capacity, intGap),
          (start, calls) => {
            const l = spec.make();
            let t = start;
            const admitted: { t: number; cost: number }[] = [];
            for (const c of calls) {
              t += c.gap;
              if (l.tryAcquire(t, c.cost) === 0) admitted.push({ t, cost: c.cost });
            }
            expect(admittedWithin(admitted, spec.maxAdmitted)).toBeNull();
          },
        ),
      );
    });

    it('a denial answers a finite wait > 0, and nothing is consumed by it', () => {
      fc.assert(
        fc.property(callsArb(spec.capacity, intGap), (calls) => {
          const l = spec.make();
          let t = 0;
          for (const c of calls) {
            t += c.gap;
            const wait = l.tryAcquire(t, c.cost);
            expect(wait === 0 || (wait > 0 && wait < Infinity)).toBe(true);
          }
        }),
      );
    });

    if (spec.exactRetryAfter) {
      it('waiting retryAfterMs and retrying is allowed (integer and fractional times)', () => {
        for (const gap of [intGap, floatGap]) {
          fc.assert(
            fc.property(
              callsArb(spec.capacity, gap),
              fc.integer({ min: 1, max: spec.capacity }),
              (calls, cost) => {
                const l = spec.make();
                let t = 0.25;
                for (const c of calls) {
                  t += c.gap;
                  l.tryAcquire(t, c.cost);
                }
                // Flood until denied, then wait exactly as told.
                let wait = 0;
                for (let i = 0; i <= spec.capacity && wait === 0; i++) wait = l.tryAcquire(t, cost);
                expect(wait).toBeGreaterThan(0);
                expect(l.tryAcquire(t + wait, cost)).toBe(0);
              },
            ),
          );
        }
      });
    } else {
      it('waiting retryAfterMs and retrying is allowed on integer times', () => {
        fc.assert(
          fc.property(
            callsArb(spec.capacity, intGap),
            fc.integer({ min: 1, max: spec.capacity }),
            (calls, cost) => {
              const l = spec.make();
              let t = 0;
              for (const c of calls) {
                t += c.gap;
                l.tryAcquire(t, c.cost);
              }
              let wait = 0;
              for (let i = 0; i <= spec.capacity && wait === 0; i++) wait = l.tryAcquire(t, cost);
              expect(wait).toBeGreaterThan(0);
              expect(l.tryAcquire(t + wait, cost)).toBe(0);
            },
          ),
        );
      });
    }

    it('time going backwards counts as standing still at the latest time (property)', () => {
      const backGap = fc.oneof(intGap, fc.integer({ min: -3000, max: -1 }));
      fc.assert(
        fc.property(callsArb(spec.capacity, backGap), (calls) => {
          const l = spec.make();
          let t = 10_000;
          let latest = -Infinity;
          const admitted: { t: number; cost: number }[] = [];
          for (const c of calls) {
            t += c.gap;
            latest = Math.max(latest, t);
            const wait = l.tryAcquire(t, c.cost);
            expect(wait === 0 || (wait > 0 && wait < Infinity)).toBe(true);
            if (wait === 0) admitted.push({ t: latest, cost: c.cost });
          }
          expect(admittedWithin(admitted, spec.maxAdmitted)).toBeNull();
        }),
      );
    });

    it('a cost above capacity answers Infinity (never) and consumes nothing', () => {
      const l = spec.make();
      expect(l.tryAcquire(0, spec.capacity + 1)).toBe(Infinity);
      expect(l.tryAcquire(0, spec.capacity)).toBe(0);
      expect(l.tryAcquire(0, spec.capacity + 1)).toBe(Infinity);
    });

    it('a cost that is not a positive integer is a bug: RangeError naming cost', () => {
      const l = spec.make();
      for (const bad of [0, -1, 1.5, Number.NaN, Infinity]) {
        expect(() => l.tryAcquire(0, bad)).toThrow(RangeError);
        expect(() => l.tryAcquire(0, bad)).toThrow(/cost/);
      }
    });

    it('is deterministic: the same calls give the same answers', () => {
      fc.assert(
        fc.property(callsArb(spec.capacity, floatGap), (calls) => {
          const a = spec.make();
          const b = spec.make();
          let t = 0;
          for (const c of calls) {
            t += c.gap;
            expect(a.tryAcquire(t, c.cost)).toBe(b.tryAcquire(t, c.cost));
          }
        }),
      );
    });
  });
}
