import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import type { AttemptOutcome, TimeoutPhase } from '../../../src/gateway/outcome.js';
import { backoffBounds } from '../../../src/gateway/retry/backoff.js';
import {
  RETRY_DEFAULTS,
  RETRY_ON,
  classifyForRetry,
  createRetryPolicy,
  nextRetryDelay,
} from '../../../src/gateway/retry/retry-policy.js';
import type { RetryPolicyConfig } from '../../../src/gateway/retry/retry-policy.js';
import { backoffArb } from './arbitraries.js';

const outcomeArb: fc.Arbitrary<AttemptOutcome> = fc.oneof(
  fc.record({ kind: fc.constant('ok' as const), status: fc.integer({ min: 200, max: 299 }) }),
  fc.record({
    kind: fc.constant('http-error' as const),
    status: fc.integer({ min: 400, max: 599 }),
    retryAfterMs: fc.option(
      fc.oneof(fc.double({ min: -10, max: 120_000 }), fc.nat({ max: 60_000 })),
      {
        nil: undefined,
      },
    ),
  }),
  fc.record({
    kind: fc.constant('timeout' as const),
    phase: fc.constantFrom<TimeoutPhase>(
      'attempt',
      'first-byte',
      'first-token',
      'idle',
      'deadline',
    ),
  }),
  fc.constantFrom<AttemptOutcome>(
    { kind: 'connect-error' },
    { kind: 'reset' },
    { kind: 'truncated' },
    { kind: 'aborted' },
  ),
);

const policyArb: fc.Arbitrary<RetryPolicyConfig> = fc
  .record({
    retryOn: fc.subarray([...RETRY_ON]),
    retryStatuses: fc.subarray([500, 501, 502, 503, 504, 507, 529]),
    honour: fc.boolean(),
    maxMs: fc.nat({ max: 60_000 }),
    backoff: backoffArb,
  })
  .map(({ honour, maxMs, ...r }) => createRetryPolicy({ ...r, retryAfter: { honour, maxMs } }));

describe('classifyForRetry', () => {
  const cfg = createRetryPolicy();
  const http = (status: number): AttemptOutcome => ({ kind: 'http-error', status });

  it('retries transient failures by default', () => {
    for (const o of [
      { kind: 'connect-error' },
      { kind: 'reset' },
      { kind: 'timeout', phase: 'first-byte' },
      http(429),
      http(408),
      http(500),
      http(502),
      http(503),
      http(504),
    ] as AttemptOutcome[]) {
      expect(classifyForRetry(o, cfg), JSON.stringify(o)).toBe('retry');
    }
  });

  it('never retries success, other 4xx, unchosen 5xx, aborted or truncated', () => {
    for (const o of [
      { kind: 'ok', status: 200 },
      { kind: 'http-error', status: 400, code: 'context_length_exceeded' },
      http(401),
      http(404),
      http(501),
      { kind: 'aborted' },
      { kind: 'truncated' },
      { kind: 'timeout', phase: 'deadline' },
    ] as AttemptOutcome[]) {
      expect(classifyForRetry(o, cfg), JSON.stringify(o)).toBe('final');
    }
  });

  it('for any policy: 4xx other than 408/429, aborted, truncated and ok are final; a retry is always chosen by retryOn (property)', () => {
    fc.assert(
      fc.property(outcomeArb, policyArb, (o, p) => {
        const v = classifyForRetry(o, p);
        if (o.kind === 'ok' || o.kind === 'aborted' || o.kind === 'truncated')
          expect(v).toBe('final');
        if (o.kind === 'http-error' && o.status < 500 && o.status !== 408 && o.status !== 429)
          expect(v).toBe('final');
        if (v === 'retry') {
          const cls =
            o.kind === 'http-error'
              ? o.status === 429
                ? '429'
                : o.status === 408
                  ? 'timeout'
                  : '5xx'
              : o.kind;
          expect(p.retryOn).toContain(cls);
          if (cls === '5xx' && o.kind === 'http-error') expect(p.retryStatuses).toContain(o.status);
        }
      }),
    );
  });

  it('retryOn narrows what retries', () => {
    const only429 = createRetryPolicy({ retryOn: ['429'] });
    expect(classifyForRetry(http(429), only429)).toBe('retry');
    expect(classifyForRetry(http(503), only429)).toBe('final');
    expect(classifyForRetry({ kind: 'reset' }, only429)).toBe('final');
  });
});

describe('nextRetryDelay', () => {
  it('waits within the backoff range, never below a valid honoured Retry-After, and fails over beyond its cap (property)', () => {
    fc.assert(
      fc.property(
        outcomeArb,
        policyArb,
        fc.integer({ min: 1, max: 20 }),
        fc.nat({ max: 30_000 }),
        fc.string(),
        (o, p, retry, prev, seed) => {
          const { min, max } = backoffBounds(p.backoff, retry, prev);
          const d = nextRetryDelay(o, p, retry, prev, new Rng(seed));
          const hint = o.kind === 'http-error' ? o.retryAfterMs : undefined;
          const validHint =
            hint !== undefined && hint >= 0 && Number.isFinite(hint) ? hint : undefined;
          if (p.retryAfter.honour && validHint !== undefined) {
            if (validHint > p.retryAfter.maxMs) {
              expect(d.kind).toBe('failover-now');
              return;
            }
            expect(d.kind).toBe('wait');
            if (d.kind !== 'wait') return;
            expect(d.ms).toBeGreaterThanOrEqual(validHint);
            expect(d.ms).toBeGreaterThanOrEqual(min);
            expect(d.ms).toBeLessThanOrEqual(Math.max(max, validHint));
          } else {
            expect(d.kind).toBe('wait');
            if (d.kind !== 'wait') return;
            expect(d.ms).toBeGreaterThanOrEqual(min);
            expect(d.ms).toBeLessThanOrEqual(max);
          }
        },
      ),
    );
  });

  it('a Retry-After longer than the backoff sets the wait; one beyond maxMs means fail over now', () => {
    const p = createRetryPolicy({
      backoff: { baseMs: 100, maxMs: 1000, jitter: 'none' },
      retryAfter: { maxMs: 5000 },
    });
    const rng = new Rng('r');
    expect(
      nextRetryDelay({ kind: 'http-error', status: 429, retryAfterMs: 2000 }, p, 1, 0, rng),
    ).toEqual({
      kind: 'wait',
      ms: 2000,
    });
    expect(
      nextRetryDelay({ kind: 'http-error', status: 429, retryAfterMs: 20 }, p, 1, 0, rng),
    ).toEqual({
      kind: 'wait',
      ms: 100,
    });
    expect(
      nextRetryDelay({ kind: 'http-error', status: 503, retryAfterMs: 5001 }, p, 1, 0, rng),
    ).toEqual({
      kind: 'failover-now',
    });
    const ignore = createRetryPolicy({ ...p, retryAfter: { honour: false } });
    expect(
      nextRetryDelay({ kind: 'http-error', status: 503, retryAfterMs: 60_000 }, ignore, 2, 0, rng),
    ).toEqual({
      kind: 'wait',
      ms: 200,
    });
  });

  it('reuses one result object (documented): read ms at once', () => {
    const p = createRetryPolicy();
    const rng = new Rng('s');
    const a = nextRetryDelay({ kind: 'reset' }, p, 1, 0, rng);
    const b = nextRetryDelay({ kind: 'reset' }, p, 2, 0, rng);
    expect(a).toBe(b);
  });
});

describe('createRetryPolicy', () => {
  it('fills the documented defaults', () => {
    const p = createRetryPolicy();
    expect(p.attempts).toBe(3);
    expect([...p.retryOn]).toEqual(['connect-error', 'reset', 'timeout', '429', '5xx']);
    expect([...p.retryStatuses]).toEqual([500, 502, 503, 504]);
    expect(p.retryAfter).toEqual({ honour: true, maxMs: 30_000 });
    expect(p.backoff).toEqual(RETRY_DEFAULTS.backoff);
    expect(createRetryPolicy({ retryAfter: { maxMs: 5 } }).retryAfter).toEqual({
      honour: true,
      maxMs: 5,
    });
    expect(createRetryPolicy({ totalTimeoutMs: Infinity }).totalTimeoutMs).toBe(Infinity);
  });

  it('names bad parameters and values', () => {
    expect(() => createRetryPolicy({ attempts: 0 })).toThrow(/retry\.attempts.*0/);
    expect(() => createRetryPolicy({ attempts: 2.5 })).toThrow(/retry\.attempts.*2\.5/);
    expect(() => createRetryPolicy({ retryOn: ['404' as never] })).toThrow(/retry\.retryOn.*404/);
    expect(() => createRetryPolicy({ retryStatuses: [429] })).toThrow(/retry\.retryStatuses.*429/);
    expect(() => createRetryPolicy({ retryAfter: { maxMs: -1 } })).toThrow(
      /retry\.retryAfter\.maxMs.*-1/,
    );
    expect(() => createRetryPolicy({ perTryTimeoutMs: 0 })).toThrow(/retry\.perTryTimeoutMs.*0/);
    expect(() => createRetryPolicy({ backoff: { baseMs: Number.NaN } })).toThrow(/backoff\.baseMs/);
  });
});
