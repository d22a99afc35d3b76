import { describe, expect, it } from 'vitest';
import { UpstreamTable } from '../../src/gateway/upstream-table.js';
import { createRecorder } from '../../src/metrics/recorder.js';
import { ended, req, request } from './helpers.js';

const table = (): UpstreamTable =>
  new UpstreamTable([
    { name: 'primary', weight: 3 },
    { name: 'secondary', weight: 1 },
    { name: 'backup', backup: true },
  ]);

describe('Recorder: latency', () => {
  it('reports exact percentiles, max and mean for latencies under 2.048 ms', () => {
    const r = createRecorder({ table: table() });
    for (let i = 1; i <= 999; i++) request(r, i, i, i / 1000); // 0.001 .. 0.999 ms
    const l = r.result().summary.latencyMs;
    expect(l).toEqual({
      count: 999,
      p50: 0.5,
      p90: 0.9,
      p99: 0.99,
      p999: 0.999,
      max: 0.999,
      mean: 0.5,
    });
  });

  it('keeps larger latencies to 3 significant digits, the max exactly', () => {
    const r = createRecorder({ table: table() });
    for (let i = 1; i <= 1000; i++) request(r, i, i, i); // 1 .. 1000 ms
    const l = r.result().summary.latencyMs;
    expect(l.p50).toBeGreaterThanOrEqual(500);
    expect(l.p50).toBeLessThanOrEqual(500.5);
    expect(l.p99).toBeGreaterThanOrEqual(990);
    expect(l.p99).toBeLessThanOrEqual(991);
    expect(l.max).toBe(1000);
    expect(l.mean).toBe(500.5);
  });

  it('uses the latency it is given by recordRequest (intended send time)', () => {
    const r = createRecorder({ table: table() });
    const q = req(1);
    r.onRequestStart(q, 100);
    r.recordRequest(ended(q, 100, 110), 0.25, 110);
    expect(r.result().summary.latencyMs.max).toBe(0.25);
  });
});

describe('Recorder: buckets', () => {
  it('counts requests, successes, errors, attempts and latency per bucket', () => {
    const r = createRecorder({ table: table(), bucketMs: 1000 });
    r.runStarted(0);
    request(r, 1, 100, 0.5); // bucket 0
    request(r, 2, 200, 0.7, { error: '5xx' }); // bucket 0
    request(r, 3, 1500, 1, { upstreams: [0, 1] }); // bucket 1, one retry
    request(r, 4, 3100, 2, { error: 'timeout', upstreams: [1] }); // bucket 3
    r.runEnded(4000);
    const { series, summary } = r.result();
    expect(series.t).toEqual([0, 1000, 2000, 3000]);
    expect(series.requests).toEqual([2, 1, 0, 1]);
    expect(series.ok).toEqual([1, 1, 0, 0]);
    expect(series.errorsByClass['5xx']).toEqual([1, 0, 0, 0]);
    expect(series.errorsByClass.timeout).toEqual([0, 0, 0, 1]);
    expect(series.attempts).toEqual([2, 2, 0, 1]);
    expect(series.retries).toEqual([0, 1, 0, 0]);
    expect(series.latencyP50).toEqual([0.5, 1, null, 2]);
    expect(series.latencyP99).toEqual([0.7, 1, null, 2]);
    expect(series.attemptsPerUpstream).toEqual({
      primary: [2, 1, 0, 0],
      secondary: [0, 1, 0, 1],
      backup: [0, 0, 0, 0],
    });
    expect(series.sharePerUpstream.primary).toEqual([1, 0.5, 0, 0]);
    expect(summary.requests).toBe(4);
    expect(summary.ok).toBe(2);
    expect(summary.errorRate).toBe(0.5);
    expect(summary.errorsByClass['5xx']).toBe(1);
    expect(summary.goodputPerSec).toBe(0.5);
    expect(summary.durationMs).toBe(4000);
  });

  it('computes retry amplification overall and per bucket, and counts budget denials', () => {
    const r = createRecorder({ table: table(), bucketMs: 500, subBucketMs: 100 });
    for (let i = 0; i < 10; i++) request(r, i, i * 10, 1, { upstreams: i < 3 ? [0, 1] : [0] });
    request(r, 10, 600, 1, { upstreams: [0, 1, 0] });
    r.onBudgetDenied(req(10), 601);
    const m = r.result();
    expect(m.summary.attempts).toBe(16);
    expect(m.summary.retries).toBe(5);
    expect(m.summary.retryAmplification).toBe(1.4545);
    expect(m.series.retryAmplification).toEqual([1.3, 3]);
    expect(m.summary.budgetDenied).toBe(1);
    expect(m.series.budgetDenied).toEqual([0, 1]);
  });

  it('measures buckets from runStarted', () => {
    const r = createRecorder({ table: table() });
    r.runStarted(10_000);
    request(r, 1, 10_999, 0.5);
    request(r, 2, 11_000, 0.5);
    expect(r.result().series.requests).toEqual([1, 1]);
    expect(r.result().series.t).toEqual([10_000, 11_000]);
  });

  it('does not change when result() is called', () => {
    const r = createRecorder({ table: table() });
    request(r, 1, 10, 3);
    request(r, 2, 1200, 3);
    const a = JSON.stringify(r.result());
    expect(JSON.stringify(r.result())).toBe(a);
    request(r, 3, 2500, 4);
    // HDR reports the highest value equivalent to the percentile's (3000 µs shares a 2 µs bucket).
    expect(r.result().series.latencyP50).toEqual([3.001, 3.001, 4.001]);
  });
});

describe('Recorder: faults', () => {
  it('measures detection to the first breaker open, health down or cooldown', () => {
    const r = createRecorder({ table: table() });
    r.faultStarted(0, 0, 'down', 1000);
    r.onStateChange(0, 'breaker', 'half-open', 1200); // not "down"
    r.onStateChange(1, 'breaker', 'open', 1300); // another upstream
    r.onStateChange(1, 'breaker', 'closed', 1400);
    r.onStateChange(0, 'breaker', 'open', 1800);
    r.onStateChange(0, 'health', 'down', 1900);
    r.faultEnded(0, 5000);
    r.faultStarted(1, 1, 'slow', 6000);
    r.onStateChange(1, 'cooldown', 'cooling', 6250);
    r.faultStarted(2, 2, 'slow', 7000);
    r.runEnded(8000);
    const f = r.result().faults;
    expect(f.map((x) => x.detectionMs)).toEqual([800, 250, null]);
    expect(f[0]).toMatchObject({ upstream: 'primary', kind: 'down', start: 1000, end: 5000 });
    expect(f[2]!.end).toBeNull();
  });

  it('detects at once a fault on an upstream already marked down', () => {
    const r = createRecorder({ table: table() });
    r.onStateChange(0, 'health', 'down', 500);
    r.faultStarted(0, 0, 'down', 1000);
    expect(r.result().faults[0]!.detectionMs).toBe(0);
  });

  it('records the state timeline per upstream', () => {
    const r = createRecorder({ table: table(), maxStateChanges: 2 });
    r.onStateChange(0, 'breaker', 'open', 10);
    r.onStateChange(0, 'breaker', 'half-open', 20);
    r.onStateChange(1, 'health', 'down', 30);
    const m = r.result();
    expect(m.states).toEqual({
      primary: [
        { t: 10, component: 'breaker', state: 'open' },
        { t: 20, component: 'breaker', state: 'half-open' },
      ],
      secondary: [],
      backup: [],
    });
    expect(m.statesDropped).toBe(1);
  });

  /** 20 requests per 100 ms from 0 to 30 s, to primary (3/4) and secondary (1/4). */
  function outage(r: ReturnType<typeof createRecorder>, failUntil: number, primaryBackAt: number) {
    r.runStarted(0);
    r.faultStarted(0, 0, 'down', 10_000);
    let id = 0;
    for (let t = 0; t < 30_000; t += 5) {
      const u = t >= 10_000 && t < primaryBackAt ? 1 : id % 4 === 3 ? 1 : 0;
      const fail = t >= 10_000 && t < failUntil;
      if (t === 20_000) r.faultEnded(0, 20_000);
      request(r, id++, t, 1, { upstreams: [u], error: fail ? '5xx' : null });
    }
    r.runEnded(30_000);
  }

  it('measures failover and recovery on a scripted outage', () => {
    const r = createRecorder({ table: table() });
    outage(r, 12_000, 23_000);
    const f = r.result().faults[0]!;
    // Requests end 1 ms after they start: the last failure ends at 12 000, the window ending at 13 000 is clean.
    expect(f.failoverMs).toBe(3000);
    expect(f.recoveryMs).toBe(3000);
    expect(f.detectionMs).toBeNull();
  });

  it('reports failover 0 when no client saw an error, null when it never recovered', () => {
    const quiet = createRecorder({ table: table() });
    outage(quiet, 0, 20_000);
    expect(quiet.result().faults[0]).toMatchObject({ failoverMs: 0, recoveryMs: 0 });
    const never = createRecorder({ table: table() });
    outage(never, 30_000, 40_000);
    expect(never.result().faults[0]).toMatchObject({ failoverMs: null, recoveryMs: null });
  });

  it('honours the threshold and window options', () => {
    const r = createRecorder({ table: table(), successThreshold: 0.5, failoverWindowMs: 2000 });
    outage(r, 12_000, 20_000);
    // Everything fails from 10 to 12 s: the 2 s window is at or above 50 % again once it holds 1 s of successes.
    expect(r.result().faults[0]!.failoverMs).toBe(3000);
  });
});

describe('Recorder: streaming and cost', () => {
  it('reports TTFT, inter-token latency and cost from the given prices', () => {
    const r = createRecorder({
      table: table(),
      prices: {
        primary: { inputPerMTok: 3, outputPerMTok: 15 },
        secondary: { inputPerMTok: 1, outputPerMTok: 2 },
      },
    });
    const q = req(1, true);
    r.streamTiming(q, 0.2, [0.01, 0.02, 0.03]);
    r.streamTiming(q, 0.4);
    r.tokenGap(q, 0.04);
    r.usage(q, 0, 1_000_000, 100_000);
    r.usage(q, 1, 500_000, 0);
    r.usage(q, 2, 10, 10);
    const s = r.result().summary;
    expect(s.ttftMs).toMatchObject({ count: 2, p50: 0.2, max: 0.4, mean: 0.3 });
    expect(s.interTokenMs).toMatchObject({
      count: 4,
      p50: 0.02,
      p99: 0.04,
      max: 0.04,
      mean: 0.025,
    });
    expect(s.cost).toEqual({
      total: 5,
      promptTokens: 1_500_010,
      completionTokens: 100_010,
      perUpstream: {
        primary: { promptTokens: 1_000_000, completionTokens: 100_000, cost: 4.5 },
        secondary: { promptTokens: 500_000, completionTokens: 0, cost: 0.5 },
        backup: { promptTokens: 10, completionTokens: 10, cost: 0 },
      },
    });
  });

  it('leaves streaming and cost out when there are none', () => {
    const s = createRecorder({ table: table() }).result().summary;
    expect(s.ttftMs).toBeUndefined();
    expect(s.cost).toBeUndefined();
  });
});

describe('createRecorder', () => {
  it('rejects bad options, naming the parameter', () => {
    const t = table();
    expect(() => createRecorder({ table: t, bucketMs: 0 })).toThrow(/bucketMs/);
    expect(() => createRecorder({ table: t, bucketMs: 1000, subBucketMs: 300 })).toThrow(
      RangeError,
    );
    expect(() => createRecorder({ table: t, failoverWindowMs: 150 })).toThrow(/failoverWindowMs/);
    expect(() => createRecorder({ table: t, successThreshold: 1.5 })).toThrow(/successThreshold/);
    expect(() =>
      createRecorder({ table: t, prices: { nope: { inputPerMTok: 1, outputPerMTok: 1 } } }),
    ).toThrow(/prices/);
    const r = createRecorder({ table: t });
    expect(() => r.faultStarted(0, 7, 'down', 0)).toThrow(/upstream/);
    expect(() => r.faultEnded(3, 0)).toThrow(/fault index/);
  });
});
