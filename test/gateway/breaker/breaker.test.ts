import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../../src/core/virtual-scheduler.js';
import { createBreaker } from '../../../src/gateway/breaker/breaker.js';
import { BREAKER_DEFAULTS } from '../../../src/gateway/breaker/config.js';
import { openDurationMs } from '../../../src/gateway/breaker/open-duration.js';
import type { BreakerState } from '../../../src/gateway/breaker/state.js';

function failN(b: ReturnType<typeof createBreaker>, n: number): void {
  for (let i = 0; i < n; i++) b.release(b.tryAcquire(), 'failure', 1);
}

describe('createBreaker', () => {
  it('uses the defaults operators expect', () => {
    expect(BREAKER_DEFAULTS.trip).toEqual({ kind: 'consecutive-failures', threshold: 5 });
    expect(BREAKER_DEFAULTS.successThreshold).toBe(2);
    expect(BREAKER_DEFAULTS.openMs).toBe(60_000);
    expect(BREAKER_DEFAULTS.halfOpenMaxCalls).toBe(3);
    const s = new VirtualScheduler();
    const b = createBreaker({}, s);
    failN(b, 4);
    expect(b.state.kind).toBe('closed');
    failN(b, 1);
    expect(b.state).toEqual({ kind: 'open', since: 0, until: 60_000, trips: 1 });
    s.advance(59_999);
    expect(b.tryAcquire()).toBe(-1);
    s.advance(1);
    expect(b.state.kind).toBe('half-open');
    const permits = [b.tryAcquire(), b.tryAcquire(), b.tryAcquire()];
    expect(permits.every((p) => p >= 0)).toBe(true);
    expect(b.tryAcquire()).toBe(-1);
    b.release(permits[0]!, 'success', 1);
    expect(b.state.kind).toBe('half-open');
    b.release(permits[1]!, 'success', 1);
    expect(b.state.kind).toBe('closed');
  });

  it.each([
    [{ successThreshold: 0 }, 'successThreshold'],
    [{ openMs: -1 }, 'openMs'],
    [{ openMs: Number.NaN }, 'openMs'],
    [{ halfOpenMaxCalls: 1.5 }, 'halfOpenMaxCalls'],
    [{ openBackoffMultiplier: 0.5 }, 'openBackoffMultiplier'],
    [{ openMs: 1000, maxOpenMs: 999 }, 'maxOpenMs'],
    [{ trip: { kind: 'consecutive-failures' as const, threshold: 0 } }, 'threshold'],
    [
      { trip: { kind: 'failure-rate-count' as const, windowSize: 10, minimumCalls: 11 } },
      'minimumCalls',
    ],
    [
      { trip: { kind: 'failure-rate-time' as const, failureRateThreshold: 1.5 } },
      'failureRateThreshold',
    ],
  ])('rejects %j naming %s', (config, param) => {
    expect(() => createBreaker(config, new VirtualScheduler())).toThrow(RangeError);
    expect(() => createBreaker(config, new VirtualScheduler())).toThrow(param);
  });

  it('lets maxOpenMs follow a large openMs when not given', () => {
    expect(() => createBreaker({ openMs: 600_000 }, new VirtualScheduler())).not.toThrow();
  });
});

describe('open duration', () => {
  it('grows by the multiplier per trip, caps, and resets after a successful close', () => {
    const s = new VirtualScheduler();
    const b = createBreaker(
      {
        trip: { kind: 'consecutive-failures', threshold: 1 },
        successThreshold: 1,
        halfOpenMaxCalls: 1,
        openMs: 100,
        openBackoffMultiplier: 2,
        maxOpenMs: 500,
      },
      s,
    );
    const durations: number[] = [];
    failN(b, 1);
    for (let k = 0; k < 5; k++) {
      const st = b.state as Extract<BreakerState, { kind: 'open' }>;
      durations.push(st.until - st.since);
      s.advance(st.until - s.now());
      expect(b.state.kind).toBe('half-open');
      failN(b, 1);
    }
    expect(durations).toEqual([100, 200, 400, 500, 500]);
    s.advance(500);
    b.release(b.tryAcquire(), 'success', 1);
    expect(b.state.kind).toBe('closed');
    failN(b, 1);
    const st = b.state as Extract<BreakerState, { kind: 'open' }>;
    expect(st.until - st.since).toBe(100);
  });

  it('is monotone in trips and never above the cap (pure function)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 60 }),
        (base, mult, extra, trips) => {
          const cap = base + extra;
          const d = openDurationMs(base, mult, cap, trips);
          expect(d).toBeGreaterThanOrEqual(base);
          expect(d).toBeLessThanOrEqual(cap);
          expect(openDurationMs(base, mult, cap, trips + 1)).toBeGreaterThanOrEqual(d);
        },
      ),
    );
  });
});

describe('permits and epochs', () => {
  it('does not count a call admitted while closed as a half-open probe', () => {
    const s = new VirtualScheduler();
    const b = createBreaker(
      { trip: { kind: 'consecutive-failures', threshold: 1 }, successThreshold: 1, openMs: 10 },
      s,
    );
    const early = b.tryAcquire();
    failN(b, 1);
    s.advance(10);
    expect(b.state.kind).toBe('half-open');
    b.release(early, 'success', 1);
    expect(b.state).toEqual({ kind: 'half-open', inflight: 0, successes: 0, trips: 1 });
    b.release(early, 'failure', 1);
    expect(b.state.kind).toBe('half-open');
  });

  it('drops results of calls admitted before reset()', () => {
    const s = new VirtualScheduler();
    const b = createBreaker({ trip: { kind: 'consecutive-failures', threshold: 2 } }, s);
    const a = b.tryAcquire();
    b.release(b.tryAcquire(), 'failure', 1);
    b.reset();
    b.release(a, 'failure', 1);
    b.release(b.tryAcquire(), 'failure', 1);
    expect(b.state.kind).toBe('closed');
  });

  it('ignore frees a half-open slot without counting', () => {
    const s = new VirtualScheduler();
    const signals: boolean[] = [];
    const b = createBreaker(
      {
        trip: { kind: 'consecutive-failures', threshold: 1 },
        halfOpenMaxCalls: 1,
        successThreshold: 1,
        openMs: 10,
      },
      s,
      undefined,
      (a) => signals.push(a),
    );
    failN(b, 1);
    s.advance(10);
    const p = b.tryAcquire();
    expect(b.isAvailable()).toBe(false);
    b.release(p, 'ignore', 1);
    expect(b.state).toEqual({ kind: 'half-open', inflight: 0, successes: 0, trips: 1 });
    expect(signals).toEqual([false, true, false, true]);
  });
});

describe('slow calls', () => {
  it('reports calls longer than slowCallDurationMs as slow to the policy', () => {
    const s = new VirtualScheduler();
    const b = createBreaker(
      {
        trip: {
          kind: 'failure-rate-count',
          windowSize: 4,
          minimumCalls: 4,
          failureRateThreshold: 1,
          slowCallRateThreshold: 0.5,
          slowCallDurationMs: 100,
        },
      },
      s,
    );
    for (const d of [100, 100, 101]) b.release(b.tryAcquire(), 'success', d);
    expect(b.state.kind).toBe('closed');
    b.release(b.tryAcquire(), 'success', 500);
    expect(b.state.kind).toBe('open');
  });
});

describe('forced states and dispose', () => {
  it('forced-open denies, forced-closed admits and records nothing, reset returns to closed', () => {
    const s = new VirtualScheduler();
    const seen: string[] = [];
    const b = createBreaker({ trip: { kind: 'consecutive-failures', threshold: 1 } }, s, (f, t) =>
      seen.push(`${f.kind}->${t.kind}`),
    );
    b.forceOpen();
    expect(b.tryAcquire()).toBe(-1);
    b.forceClose();
    failN(b, 10);
    expect(b.state.kind).toBe('forced-closed');
    b.reset();
    expect(seen).toEqual([
      'closed->forced-open',
      'forced-open->forced-closed',
      'forced-closed->closed',
    ]);
  });

  it('forceOpen from open cancels the half-open timer; dispose leaves no timer', () => {
    const s = new VirtualScheduler();
    const b = createBreaker({ trip: { kind: 'consecutive-failures', threshold: 1 } }, s);
    failN(b, 1);
    expect(s.nextDue()).toBe(60_000);
    b.forceOpen();
    expect(s.nextDue()).toBe(Infinity);
    b.reset();
    failN(b, 1);
    b.dispose();
    expect(s.nextDue()).toBe(Infinity);
  });
});
