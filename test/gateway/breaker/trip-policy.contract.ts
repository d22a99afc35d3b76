import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TripPolicy } from '../../../src/gateway/breaker/trip-policy.js';

export interface TripPolicyContractOptions {
  /** From a fresh policy, this many failures at one instant open it, and one fewer does not. */
  failuresToOpen: number;
}

const callsArb = fc.array(
  fc.record({ failure: fc.boolean(), slow: fc.boolean(), dt: fc.integer({ min: 0, max: 5000 }) }),
  { maxLength: 200 },
);

function feed(p: TripPolicy, calls: { failure: boolean; slow: boolean; dt: number }[]): boolean[] {
  let now = 0;
  return calls.map((c) => {
    now += c.dt;
    p.record(c.failure, c.slow, now);
    return p.shouldOpen(now);
  });
}

/** What every TripPolicy must do, whatever its rule. */
export function describeTripPolicyContract(
  name: string,
  factory: () => TripPolicy,
  opts: TripPolicyContractOptions,
): void {
  describe(`TripPolicy contract: ${name}`, () => {
    it('a fresh policy does not open', () => {
      expect(factory().shouldOpen(0)).toBe(false);
    });

    it(`opens at the ${opts.failuresToOpen}-th failure in a row, not before`, () => {
      const p = factory();
      for (let k = 1; k < opts.failuresToOpen; k++) {
        p.record(true, false, 0);
        expect(p.shouldOpen(0)).toBe(false);
      }
      p.record(true, false, 0);
      expect(p.shouldOpen(0)).toBe(true);
    });

    it('never opens on fast successes alone', () => {
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 300 }), (dts) => {
          const p = factory();
          let now = 0;
          for (const dt of dts) {
            now += dt;
            p.record(false, false, now);
            expect(p.shouldOpen(now)).toBe(false);
          }
        }),
      );
    });

    it('reset() makes it behave as a fresh policy', () => {
      fc.assert(
        fc.property(callsArb, callsArb, (before, after) => {
          const used = factory();
          feed(used, before);
          used.reset();
          expect(used.shouldOpen(0)).toBe(false);
          // Times restart at 0 after reset, as a fresh policy's would; both see the same calls.
          expect(feed(used, after)).toEqual(feed(factory(), after));
        }),
      );
    });

    it('is deterministic, and shouldOpen is a pure query', () => {
      fc.assert(
        fc.property(callsArb, (calls) => {
          const a = factory();
          const b = factory();
          let now = 0;
          for (const c of calls) {
            now += c.dt;
            a.record(c.failure, c.slow, now);
            b.record(c.failure, c.slow, now);
            const first = a.shouldOpen(now);
            expect(a.shouldOpen(now)).toBe(first);
            expect(b.shouldOpen(now)).toBe(first);
          }
        }),
      );
    });
  });
}
