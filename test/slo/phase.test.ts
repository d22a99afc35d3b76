import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateSlo } from '../../src/slo/evaluate.js';
import { evaluatePhases, phaseMeasures, sloMeasure } from '../../src/slo/phase.js';
import { metricsOf, seriesOf, type Bucket } from './series.js';

const b = (requests: number, ok: number, p99: number | null, started = requests): Bucket => ({
  started,
  requests,
  ok,
  attempts: started,
  p50: p99 === null ? null : p99 / 4,
  p90: p99 === null ? null : p99 / 2,
  p99,
});

// 10 s: calm, an outage from 4 s to 7 s (errors, slow, retries), then calm again.
const buckets = [
  b(100, 100, 200),
  b(100, 100, 210),
  b(100, 100, 190),
  b(100, 100, 205),
  { ...b(100, 70, 1500), attempts: 180 },
  { ...b(100, 90, 900), attempts: 130 },
  { ...b(100, 99, 400), attempts: 110 },
  b(100, 100, 220),
  b(100, 100, 200),
  b(0, 0, null, 0),
];
const series = seriesOf(buckets);

describe('phase measures from the time series', () => {
  it('take the buckets that start within [from, to)', () => {
    const m = phaseMeasures(series, { from: 4000, to: 7000 }, 10_000);
    expect(m).toEqual({
      buckets: 3,
      requests: 300,
      ok: 259,
      errorRate: 0.136667,
      goodputPerSec: 86.333,
      retryAmplification: 1.4,
      p50: 375,
      p90: 750,
      p99: 1500,
    });
    // A window not aligned to buckets takes the buckets that start within it: 4 s and 5 s.
    expect(phaseMeasures(series, { from: 3500, to: 5500 }, 10_000).requests).toBe(200);
  });

  it('run to the end of the run when `to` is left out, and count only time the run covered', () => {
    const m = phaseMeasures(series, { from: 7000 }, 9500);
    expect(m.requests).toBe(200);
    // 200 ok over 1 s + 1 s + 0.5 s of the last bucket, which the run ended within.
    expect(m.goodputPerSec).toBe(80);
    expect(m.p99).toBe(220);
  });

  it('have no latency where no request ended, and an error rate of 0', () => {
    const m = phaseMeasures(series, { from: 9000, to: 10_000 }, 10_000);
    expect(m).toMatchObject({ requests: 0, errorRate: 0, p99: null, retryAmplification: null });
  });

  it('become SLO checks named "<measure> <phase>", with target, actual and verdict', () => {
    const metrics = metricsOf(series, 10_000);
    const results = evaluatePhases(
      [
        { name: 'during outage', from: 4000, to: 7000, p99: 1000, errorRate: 0.2, goodput: 90 },
        { name: 'after recovery', from: 7000, errorRate: 0.001, retryAmplification: 1.1 },
      ],
      metrics,
    );
    expect(results).toEqual([
      { name: 'p99 during outage', op: '<=', target: 1000, actual: 1500, pass: false },
      { name: 'errorRate during outage', op: '<=', target: 0.2, actual: 0.136667, pass: true },
      { name: 'goodput during outage', op: '>=', target: 90, actual: 86.333, pass: false },
      { name: 'errorRate after recovery', op: '<=', target: 0.001, actual: 0, pass: true },
      { name: 'retryAmplification after recovery', op: '<=', target: 1.1, actual: 1, pass: true },
    ]);
    expect(sloMeasure('p99 during outage')).toBe('p99');
    // evaluateSlo keeps its overall checks first, then the phases'.
    const all = evaluateSlo(
      { errorRate: 0.05, phases: [{ name: 'late', from: 9000, p99: 10 }] },
      metrics,
    );
    expect(all.map((r) => [r.name, r.pass])).toEqual([
      ['errorRate', true],
      ['p99 late', false],
    ]);
  });

  const bucketArb = fc
    .record({
      requests: fc.nat({ max: 500 }),
      okShare: fc.double({ min: 0, max: 1, noNaN: true }),
      started: fc.nat({ max: 500 }),
      extra: fc.nat({ max: 300 }),
      p99: fc.option(fc.double({ min: 1, max: 10_000, noNaN: true }), { nil: null }),
    })
    .map(({ requests, okShare, started, extra, p99 }): Bucket => ({
      requests,
      ok: Math.floor(requests * okShare),
      started,
      attempts: started + extra,
      p50: p99,
      p90: p99,
      p99: requests === 0 ? null : p99,
    }));

  it('a phase covering the whole run agrees with the run’s own measures (property)', () => {
    fc.assert(
      fc.property(fc.array(bucketArb, { minLength: 1, maxLength: 40 }), (bs) => {
        const s = seriesOf(bs);
        const metrics = metricsOf(s, bs.length * 1000);
        const m = phaseMeasures(s, { from: 0 }, bs.length * 1000);
        expect(m.errorRate).toBe(metrics.summary.errorRate);
        expect(m.goodputPerSec).toBe(metrics.summary.goodputPerSec);
        expect(m.retryAmplification).toBe(metrics.summary.retryAmplification);
        expect(m.requests).toBe(metrics.summary.requests);
      }),
    );
  });

  it('phases that split a window add up to it, and its p99 bounds theirs (property)', () => {
    fc.assert(
      fc.property(
        fc.array(bucketArb, { minLength: 2, maxLength: 40 }),
        fc.nat(),
        fc.nat(),
        (bs, x, y) => {
          const s = seriesOf(bs);
          const end = bs.length * 1000;
          const [lo, hi] = [x % bs.length, y % bs.length].sort((p, q) => p - q) as [number, number];
          const whole = phaseMeasures(s, { from: 0 }, end);
          const left = phaseMeasures(s, { from: 0, to: lo * 1000 }, end);
          const mid = phaseMeasures(s, { from: lo * 1000, to: hi * 1000 }, end);
          const right = phaseMeasures(s, { from: hi * 1000 }, end);
          expect(left.requests + mid.requests + right.requests).toBe(whole.requests);
          expect(left.ok + mid.ok + right.ok).toBe(whole.ok);
          expect(left.buckets + mid.buckets + right.buckets).toBe(bs.length);
          for (const part of [left, mid, right])
            if (part.p99 !== null) expect(whole.p99).toBeGreaterThanOrEqual(part.p99);
        },
      ),
    );
  });
});
