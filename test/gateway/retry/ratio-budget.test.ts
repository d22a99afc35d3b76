import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRetryBudget } from '../../../src/gateway/retry/budget-registry.js';
import { createRatioBudget } from '../../../src/gateway/retry/ratio-budget.js';

describe('ratio retry budget (Finagle)', () => {
  it('retries never exceed percent·requests + minRetriesPerSec·ttl over the window (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          ttlMs: fc.integer({ min: 100, max: 20_000 }),
          percent: fc.double({ min: 0, max: 1, noNaN: true }),
          minRetriesPerSec: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 5, noNaN: true })),
          buckets: fc.integer({ min: 1, max: 20 }),
        }),
        fc.array(
          fc.record({
            gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2000 })),
            retry: fc.boolean(),
          }),
          {
            maxLength: 400,
          },
        ),
        (cfg, events) => {
          const b = createRatioBudget({ kind: 'ratio', ...cfg });
          const reserve = (cfg.minRetriesPerSec * cfg.ttlMs) / 1000;
          const w = cfg.ttlMs / cfg.buckets;
          const requests: number[] = [];
          const retries: number[] = [];
          let t = 0;
          for (const e of events) {
            t += e.gap;
            if (!e.retry) {
              b.onRequest(t);
              requests.push(t);
            } else if (b.tryRetry(t)) {
              retries.push(t);
              const r = t;
              const spent = retries.filter((x) => x > r - cfg.ttlMs + w).length;
              const earned = requests.filter((x) => x > r - cfg.ttlMs).length;
              expect(spent).toBeLessThanOrEqual(cfg.percent * earned + reserve);
            }
          }
        },
      ),
    );
  });

  it('allows exactly percent of recent requests, and the reserve when idle', () => {
    const b = createRatioBudget({
      kind: 'ratio',
      ttlMs: 10_000,
      percent: 0.2,
      minRetriesPerSec: 0,
      buckets: 10,
    });
    for (let i = 0; i < 100; i++) b.onRequest(i);
    let allowed = 0;
    while (b.tryRetry(200)) allowed++;
    expect(allowed).toBe(20);
    // Once the deposits and withdrawals are older than ttl, nothing is left.
    expect(b.tryRetry(10_100)).toBe(false);

    const idle = createRatioBudget({
      kind: 'ratio',
      ttlMs: 10_000,
      percent: 0.2,
      minRetriesPerSec: 10,
      buckets: 10,
    });
    let reserve = 0;
    while (idle.tryRetry(0)) reserve++;
    expect(reserve).toBe(100);
    // The reserve comes back as the withdrawals age out.
    expect(idle.tryRetry(9_999)).toBe(false);
    expect(idle.tryRetry(10_000)).toBe(true);
  });

  it('treats time going backwards as standing still', () => {
    const b = createRatioBudget({
      kind: 'ratio',
      ttlMs: 1000,
      percent: 1,
      minRetriesPerSec: 0,
      buckets: 10,
    });
    b.onRequest(5000);
    expect(b.tryRetry(100)).toBe(true);
    expect(b.tryRetry(100)).toBe(false);
  });

  it('defaults and validation through the registry', () => {
    const b = createRetryBudget({ kind: 'ratio' });
    let n = 0;
    while (b.tryRetry(0)) n++;
    expect(n).toBe(100); // minRetriesPerSec 10 × ttl 10 s
    expect(() => createRetryBudget({ kind: 'ratio', percent: 1.5 })).toThrow(
      /budget\.percent.*1\.5/,
    );
    expect(() => createRetryBudget({ kind: 'ratio', ttlMs: 0 })).toThrow(/budget\.ttlMs.*0/);
    expect(() => createRetryBudget({ kind: 'ratio', buckets: 0 })).toThrow(/budget\.buckets.*0/);
    expect(() => createRetryBudget({ kind: 'ratio', minRetriesPerSec: -1 })).toThrow(
      /budget\.minRetriesPerSec.*-1/,
    );
    expect(() => createRetryBudget({ kind: 'bogus' } as never)).toThrow(/budget\.kind.*bogus/);
  });
});
