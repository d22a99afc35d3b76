import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consecutiveFailures } from '../../../src/gateway/breaker/consecutive-failures.js';
import { failureRateCount } from '../../../src/gateway/breaker/failure-rate-count.js';
import { failureRateTime } from '../../../src/gateway/breaker/failure-rate-time.js';
import { createTripPolicy } from '../../../src/gateway/breaker/registry.js';
import { describeTripPolicyContract } from './trip-policy.contract.js';

describeTripPolicyContract(
  'consecutive-failures',
  () => createTripPolicy({ kind: 'consecutive-failures', threshold: 4 }),
  { failuresToOpen: 4 },
);
describeTripPolicyContract(
  'failure-rate-count',
  () =>
    createTripPolicy({
      kind: 'failure-rate-count',
      windowSize: 10,
      minimumCalls: 6,
      failureRateThreshold: 0.5,
    }),
  { failuresToOpen: 6 },
);
describeTripPolicyContract(
  'failure-rate-time',
  () =>
    createTripPolicy({
      kind: 'failure-rate-time',
      windowMs: 10_000,
      buckets: 10,
      minimumCalls: 5,
      failureRateThreshold: 0.6,
    }),
  { failuresToOpen: 5 },
);

const call = fc.record({ failure: fc.boolean(), slow: fc.boolean() });

describe('consecutive-failures', () => {
  it('opens exactly when the current run of failures reaches the threshold', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.boolean(), { maxLength: 100 }),
        (t, xs) => {
          const p = consecutiveFailures({ kind: 'consecutive-failures', threshold: t });
          let run = 0;
          for (const failure of xs) {
            run = failure ? run + 1 : 0;
            p.record(failure);
            expect(p.shouldOpen()).toBe(run >= t);
          }
        },
      ),
    );
  });

  it('defaults to 5', () => {
    expect(consecutiveFailures({ kind: 'consecutive-failures' }).threshold).toBe(5);
  });
});

describe('failure-rate-count', () => {
  it('matches the rate over the last windowSize calls and never opens below minimumCalls', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: undefined }),
        fc.array(call, { maxLength: 120 }),
        (windowSize, m, fr, sr, calls) => {
          const minimumCalls = Math.min(m, windowSize);
          const p = failureRateCount({
            kind: 'failure-rate-count',
            windowSize,
            minimumCalls,
            failureRateThreshold: fr,
            slowCallRateThreshold: sr,
          });
          const seen: { failure: boolean; slow: boolean }[] = [];
          for (const c of calls) {
            seen.push(c);
            p.record(c.failure, c.slow);
            const w = seen.slice(-windowSize);
            const f = w.filter((x) => x.failure).length / w.length;
            const s = w.filter((x) => x.slow).length / w.length;
            const expected = w.length >= minimumCalls && (f >= fr || (sr !== undefined && s >= sr));
            expect(p.shouldOpen()).toBe(expected);
            if (w.length < minimumCalls) expect(p.shouldOpen()).toBe(false);
          }
        },
      ),
    );
  });

  it('opens at exactly the threshold rate (7 of 10 at 0.7)', () => {
    const p = failureRateCount({
      kind: 'failure-rate-count',
      windowSize: 10,
      failureRateThreshold: 0.7,
    });
    for (let i = 0; i < 3; i++) p.record(false, false);
    for (let i = 0; i < 6; i++) p.record(true, false);
    p.record(false, false);
    expect(p.shouldOpen()).toBe(false);
    p.record(true, false); // window: 2 ok, 6 failed, 1 ok, 1 failed -> 7/10
    expect(p.shouldOpen()).toBe(true);
  });

  it('ignores slowness unless slowCallRateThreshold is set', () => {
    const p = failureRateCount({ kind: 'failure-rate-count', windowSize: 2 });
    p.record(false, true);
    p.record(false, true);
    expect(p.shouldOpen()).toBe(false);
  });
});

describe('failure-rate-time', () => {
  interface TimedCall {
    t: number;
    failure: boolean;
    slow: boolean;
  }
  const timedCalls = fc
    .array(
      fc.record({
        dt: fc.integer({ min: 0, max: 3000 }),
        failure: fc.boolean(),
        slow: fc.boolean(),
      }),
      { maxLength: 150 },
    )
    .map((xs) => {
      let t = 0;
      return xs.map(({ dt, failure, slow }): TimedCall => ({ t: (t += dt), failure, slow }));
    });

  it('matches a reference that counts calls whose bucket is still in the window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 15 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: undefined }),
        timedCalls,
        (windowMs, buckets, minimumCalls, fr, sr, calls) => {
          const p = failureRateTime({
            kind: 'failure-rate-time',
            windowMs,
            buckets,
            minimumCalls,
            failureRateThreshold: fr,
            slowCallRateThreshold: sr,
          });
          const idx = (t: number): number => Math.floor((t * buckets) / windowMs);
          for (let k = 0; k < calls.length; k++) {
            const c = calls[k]!;
            p.record(c.failure, c.slow, c.t);
            for (const now of [c.t, c.t + windowMs / 2, c.t + windowMs]) {
              const live = calls.slice(0, k + 1).filter((x) => idx(now) - idx(x.t) < buckets);
              const n = live.length;
              const f = live.filter((x) => x.failure).length;
              const s = live.filter((x) => x.slow).length;
              const expected =
                n >= minimumCalls && n > 0 && (f / n >= fr || (sr !== undefined && s / n >= sr));
              // Query a copy's future without disturbing the original: a fresh replay.
              if (now === c.t) expect(p.shouldOpen(now)).toBe(expected);
              else {
                const q = failureRateTime({
                  kind: 'failure-rate-time',
                  windowMs,
                  buckets,
                  minimumCalls,
                  failureRateThreshold: fr,
                  slowCallRateThreshold: sr,
                });
                for (const x of calls.slice(0, k + 1)) q.record(x.failure, x.slow, x.t);
                expect(q.shouldOpen(now)).toBe(expected);
              }
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('forgets a call by windowMs after it, and keeps it until windowMs − windowMs/buckets', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        (windowMs, buckets, t, f) => {
          const p = failureRateTime({
            kind: 'failure-rate-time',
            windowMs,
            buckets,
            minimumCalls: 1,
            failureRateThreshold: 1,
          });
          p.record(true, false, t);
          const now = t + f * windowMs;
          if (now >= t + windowMs) expect(p.shouldOpen(now)).toBe(false);
          if (now < t + windowMs - windowMs / buckets) expect(p.shouldOpen(now)).toBe(true);
        },
      ),
    );
  });

  it('forgets everything after a long silence', () => {
    const p = failureRateTime({ kind: 'failure-rate-time', windowMs: 1000, minimumCalls: 3 });
    for (let i = 0; i < 3; i++) p.record(true, false, 0);
    expect(p.shouldOpen(0)).toBe(true);
    expect(p.shouldOpen(5000)).toBe(false);
    p.record(true, false, 5000);
    expect(p.shouldOpen(5000)).toBe(false);
  });
});
