import { describe, expect, it } from 'vitest';
import {
  createInvariantMonitor,
  type InvariantOptions,
} from '../../src/metrics/invariant-monitor.js';
import { rateBoundOf } from '../../src/metrics/rate-bound.js';
import type { InvariantName } from '../../src/metrics/run-metrics.js';
import { ended, req, request } from './helpers.js';

function monitor(extra: Partial<InvariantOptions> = {}) {
  return createInvariantMonitor({ upstreams: 2, maxAttempts: 3, ...extra });
}

function failing(m: ReturnType<typeof monitor>): InvariantName[] {
  return m
    .results()
    .filter((r) => !r.pass)
    .map((r) => r.name);
}

describe('InvariantMonitor', () => {
  it('passes a clean run, every invariant listed by its stable name', () => {
    const m = monitor({
      upstreamLimits: [{ limit: 2, windowMs: 1000 }, null],
      halfOpenMaxCalls: 1,
    });
    request(m, 1, 0, 5, { upstreams: [0, 1, 1] });
    m.onStateChange(0, 'breaker', 'open', 10);
    request(m, 2, 20, 5, { upstreams: [1] });
    m.onStateChange(0, 'breaker', 'half-open', 30);
    request(m, 3, 1001, 5, { upstreams: [0] }); // an admitted probe
    m.onStateChange(0, 'breaker', 'closed', 1006);
    m.runEnded(2000);
    expect(m.results()).toEqual([
      { name: 'one-outcome-per-request', pass: true, violations: 0 },
      { name: 'no-attempt-while-breaker-open', pass: true, violations: 0 },
      { name: 'upstream-rate-within-limit', pass: true, violations: 0 },
      { name: 'attempts-within-max', pass: true, violations: 0 },
      { name: 'no-truncated-success', pass: true, violations: 0 },
    ]);
  });

  it('catches a request that ends twice, one that never ends, and an end without a start', () => {
    const m = monitor();
    const a = req(1);
    m.onRequestStart(a, 0);
    m.onRequestEnd(ended(a, 0, 5), 5);
    m.onRequestEnd(ended(a, 0, 6), 6);
    m.onRequestStart(req(2), 7);
    m.runEnded(10);
    expect(failing(m)).toEqual(['one-outcome-per-request']);
    const r = m.results()[0]!;
    expect(r.violations).toBe(2);
    expect(r.firstViolation).toBe('t=6ms: request 1 ended without being in flight');
    expect(m.violations().map((v) => v.detail)).toEqual([
      'request 1 ended without being in flight',
      'request 2 never ended',
    ]);
  });

  it('catches an attempt while the breaker is open or forced open, not a half-open probe', () => {
    const m = monitor();
    m.onStateChange(0, 'breaker', 'open', 0);
    request(m, 1, 5, 1, { upstreams: [0] });
    m.onStateChange(0, 'breaker', 'half-open', 10);
    request(m, 2, 15, 1, { upstreams: [0] });
    m.onStateChange(1, 'breaker', 'forced-open', 20);
    request(m, 3, 25, 1, { upstreams: [1] });
    expect(failing(m)).toEqual(['no-attempt-while-breaker-open']);
    expect(m.results()[1]!.violations).toBe(2);
    expect(m.results()[1]!.firstViolation).toContain('upstream 0 while its breaker is open');
  });

  it('catches more half-open probes in flight than allowed', () => {
    const m = monitor({ halfOpenMaxCalls: 2 });
    m.onStateChange(0, 'breaker', 'half-open', 0);
    for (let id = 1; id <= 3; id++) {
      m.onRequestStart(req(id), id);
      m.onAttemptStart(req(id), 0, 1, id);
    }
    expect(failing(m)).toEqual(['no-attempt-while-breaker-open']);
    expect(m.results()[1]!.firstViolation).toContain('half-open probe 3 of 2');
  });

  it('forgets probes of an earlier half-open period', () => {
    const m = monitor({ halfOpenMaxCalls: 1 });
    m.onStateChange(0, 'breaker', 'half-open', 0);
    m.onRequestStart(req(1), 1);
    m.onAttemptStart(req(1), 0, 1, 1);
    m.onStateChange(0, 'breaker', 'open', 2);
    m.onStateChange(0, 'breaker', 'half-open', 3);
    m.onRequestStart(req(2), 4);
    m.onAttemptStart(req(2), 0, 1, 4);
    m.onAttemptEnd(req(1), 0, 1, { kind: 'reset' }, 5, 6);
    m.onRequestStart(req(3), 7);
    m.onAttemptStart(req(3), 0, 1, 7);
    expect(m.results()[1]!.violations).toBe(1); // request 3: request 2's probe is still in flight
  });

  it('catches an upstream sent more attempts than its limit in a sliding window', () => {
    const m = monitor({ upstreamLimits: [{ limit: 3, windowMs: 1000 }] });
    for (const [id, t] of [
      [1, 0],
      [2, 400],
      [3, 800],
      [4, 1000],
      [5, 1400],
    ] as const) {
      request(m, id, t, 1, { upstreams: [0] }); // each window (t - 1000, t] holds at most 3
    }
    request(m, 6, 1700, 1, { upstreams: [1] }); // another upstream: not counted
    expect(m.results()[2]!.pass).toBe(true);
    request(m, 7, 1799, 1, { upstreams: [0] }); // 800, 1000, 1400 + this = 4 within 1 s
    expect(failing(m)).toEqual(['upstream-rate-within-limit']);
    expect(m.results()[2]!.firstViolation).toBe(
      't=1799ms: upstream 0: 4 attempts within 1000 ms (limit 3)',
    );
  });

  it('catches attempts beyond the maximum', () => {
    const m = monitor({ maxAttempts: 2 });
    request(m, 1, 0, 1, { upstreams: [0, 1] });
    expect(failing(m)).toEqual([]);
    request(m, 2, 0, 1, { upstreams: [0, 1, 0] });
    expect(failing(m)).toEqual(['attempts-within-max']);
    expect(m.results()[3]!.violations).toBe(2); // the third attempt, and the result's count
  });

  it('catches a truncated stream reported as success', () => {
    const m = monitor();
    const a = req(1, true);
    m.onRequestStart(a, 0);
    m.onAttemptStart(a, 0, 1, 0);
    m.onAttemptEnd(a, 0, 1, { kind: 'truncated' }, 5, 5);
    m.onRequestEnd(ended(a, 0, 5, 'truncated', 1, 0, { kind: 'truncated' }), 5);
    expect(failing(m)).toEqual([]);
    const b = req(2, true);
    m.onRequestStart(b, 10);
    m.onAttemptStart(b, 0, 1, 10);
    m.onAttemptEnd(b, 0, 1, { kind: 'truncated' }, 5, 15);
    m.onAttemptStart(b, 1, 2, 15);
    m.onAttemptEnd(b, 1, 2, { kind: 'ok', status: 200 }, 5, 20);
    m.onRequestEnd(ended(b, 10, 20, null, 2, 1), 20);
    const c = req(3, true);
    m.onRequestStart(c, 30);
    m.onRequestEnd(ended(c, 30, 40, null, 1, 0, { kind: 'truncated' }), 40);
    expect(failing(m)).toEqual(['no-truncated-success']);
    expect(m.results()[4]!.violations).toBe(2);
  });

  it('caps the list of violations but counts them all', () => {
    const m = monitor({ maxViolations: 2 });
    for (let id = 0; id < 5; id++) m.onRequestEnd(ended(req(id), 0, 1), 1);
    expect(m.violations()).toHaveLength(2);
    expect(m.results()[0]!.violations).toBe(5);
  });

  it('rejects bad options', () => {
    expect(() => createInvariantMonitor({ upstreams: 0, maxAttempts: 1 })).toThrow(/upstreams/);
    expect(() => createInvariantMonitor({ upstreams: 1, maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(() =>
      createInvariantMonitor({
        upstreams: 1,
        maxAttempts: 1,
        upstreamLimits: [{ limit: 0, windowMs: 1 }],
      }),
    ).toThrow(/upstreamLimits\[0\]\.limit/);
  });
});

describe('rateBoundOf', () => {
  it('gives the most each limiter can let through in a window', () => {
    expect(rateBoundOf({ kind: 'sliding-log', limit: 500, windowMs: 60_000 })).toEqual({
      limit: 500,
      windowMs: 60_000,
    });
    expect(rateBoundOf({ kind: 'sliding-window', limit: 500, windowMs: 60_000 })).toEqual({
      limit: 1000,
      windowMs: 60_000,
    });
    expect(rateBoundOf({ kind: 'token-bucket', ratePerSec: 10, burst: 5 })).toEqual({
      limit: 15,
      windowMs: 1000,
    });
    expect(rateBoundOf({ kind: 'gcra', ratePerSec: 2.5, burst: 1 })).toEqual({
      limit: 3,
      windowMs: 1000,
    });
  });
});
