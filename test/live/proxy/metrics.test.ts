import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GatewayRequest, RequestResult } from '../../../src/gateway/request.js';
import {
  BUCKETS_S,
  labelValue,
  ProxyMetrics,
  SecondsHistogram,
} from '../../../src/live/proxy/metrics.js';

const REQ: GatewayRequest = { id: 1, key: undefined, stream: false, cost: 1 };

function ended(
  ok: boolean,
  ms: number,
  errorClass: RequestResult['errorClass'] = null,
): RequestResult {
  return {
    request: REQ,
    ok,
    errorClass,
    outcome: null,
    upstream: 0,
    attempts: 1,
    startedAt: 1000,
    endedAt: 1000 + ms,
    retryAfterMs: 0,
  };
}

/** Every line of an exposition: a comment, or `name{labels} value` with well-formed labels. */
const SAMPLE = /^[a-z_]+(\{([a-z_]+="([^"\\\n]|\\["\\n])*",?)+\})? -?[0-9.e+-]+$/;

function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.trimEnd().split('\n')) {
    if (line.startsWith('# ')) continue;
    expect(line).toMatch(SAMPLE);
    const sp = line.lastIndexOf(' ');
    out.set(line.slice(0, sp), Number(line.slice(sp + 1)));
  }
  return out;
}

describe('SecondsHistogram', () => {
  it('renders cumulative buckets ending in +Inf = count, and the sum of what was recorded', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 200 }),
        (ms) => {
          const h = new SecondsHistogram();
          for (const v of ms) h.record(v);
          const out: string[] = [];
          h.render('x', '', out);
          const values = out.map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));
          const buckets = values.slice(0, BUCKETS_S.length + 1);
          for (let i = 1; i < buckets.length; i++)
            expect(buckets[i]!).toBeGreaterThanOrEqual(buckets[i - 1]!);
          expect(buckets.at(-1)).toBe(ms.length);
          expect(values.at(-1)).toBe(ms.length);
          expect(values.at(-2)).toBeCloseTo(ms.reduce((a, b) => a + b, 0) / 1000, 6);
          // Each bucket counts exactly the values at or under its bound.
          BUCKETS_S.forEach((le, i) =>
            expect(buckets[i]).toBe(ms.filter((v) => v / 1000 <= le).length),
          );
        },
      ),
    );
  });
});

describe('ProxyMetrics', () => {
  it('counts requests by result, attempts by upstream and outcome, retries, denials, fallbacks and states', () => {
    const m = new ProxyMetrics(['a', 'b']);
    m.onAttemptEnd(REQ, 0, 1, { kind: 'http-error', status: 503 }, 20);
    m.onRetryScheduled();
    m.onAttemptEnd(REQ, 1, 2, { kind: 'ok', status: 200 }, 30);
    m.onRequestEnd(ended(true, 60));
    m.onAttemptEnd(REQ, 0, 1, { kind: 'timeout', phase: 'deadline' }, 3000);
    m.onBudgetDenied();
    m.onRequestEnd(ended(false, 3000, 'timeout'));
    m.onFallback(REQ, 'context_length_exceeded');
    m.onStateChange(0, 'breaker', 'open');
    const s = samples(m.render({ inflight: 2, available: (i) => i === 1 }));
    expect(s.get('lbsim_gateway_requests_total{result="ok"}')).toBe(1);
    expect(s.get('lbsim_gateway_requests_total{result="timeout"}')).toBe(1);
    expect(s.get('lbsim_gateway_request_duration_seconds_count')).toBe(2);
    expect(s.get('lbsim_gateway_request_duration_seconds_bucket{le="0.1"}')).toBe(1);
    expect(s.get('lbsim_gateway_request_duration_seconds_bucket{le="5"}')).toBe(2);
    expect(s.get('lbsim_gateway_requests_in_flight')).toBe(2);
    expect(s.get('lbsim_gateway_retries_total')).toBe(1);
    expect(s.get('lbsim_gateway_budget_denied_total')).toBe(1);
    expect(s.get('lbsim_gateway_fallbacks_total{code="context_length_exceeded"}')).toBe(1);
    expect(s.get('lbsim_gateway_attempts_total{upstream="a",outcome="http-error"}')).toBe(1);
    expect(s.get('lbsim_gateway_attempts_total{upstream="a",outcome="timeout"}')).toBe(1);
    expect(s.get('lbsim_gateway_attempts_total{upstream="b",outcome="ok"}')).toBe(1);
    expect(s.get('lbsim_gateway_attempt_duration_seconds_count{upstream="a"}')).toBe(2);
    expect(s.get('lbsim_gateway_upstream_available{upstream="a"}')).toBe(0);
    expect(s.get('lbsim_gateway_upstream_available{upstream="b"}')).toBe(1);
    expect(
      s.get('lbsim_gateway_upstream_state{upstream="a",component="breaker",state="open"}'),
    ).toBe(1);
  });

  it('a hostile upstream name cannot forge a line or a label', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (name) => {
        const m = new ProxyMetrics([name]);
        m.onAttemptEnd(REQ, 0, 1, { kind: 'ok', status: 200 }, 5);
        const text = m.render({ inflight: 0, available: () => true });
        samples(text); // every line well formed
        expect(text).toContain(`{upstream="${labelValue(name)}",outcome="ok"} 1`);
      }),
    );
  });
});
