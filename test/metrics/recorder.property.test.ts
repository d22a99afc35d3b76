import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { GatewayListener } from '../../src/gateway/events.js';
import { ERROR_CLASSES, type ErrorClass } from '../../src/gateway/outcome.js';
import { UpstreamTable } from '../../src/gateway/upstream-table.js';
import { createRecorder } from '../../src/metrics/recorder.js';
import { ended, req } from './helpers.js';

interface Spec {
  gap: number;
  latency: number;
  error: ErrorClass | null;
  upstreams: number[];
  denied: boolean;
}

const spec: fc.Arbitrary<Spec> = fc.record({
  gap: fc.integer({ min: 0, max: 700 }),
  latency: fc.double({ min: 0, max: 5000, noNaN: true }),
  error: fc.option(fc.constantFrom(...ERROR_CLASSES), { freq: 3 }),
  upstreams: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 }),
  denied: fc.boolean(),
});

const faultSpec = fc.array(
  fc.record({
    upstream: fc.integer({ min: 0, max: 2 }),
    at: fc.integer({ min: 0, max: 20_000 }),
    length: fc.integer({ min: 1, max: 10_000 }),
  }),
  { maxLength: 3 },
);

type Event = { t: number; seq: number; apply: (l: GatewayListener) => void };

/** Every request's events, in time order (ties kept in the order made). */
function events(specs: Spec[], allOk = false): Event[] {
  const out: Event[] = [];
  let t = 0;
  let seq = 0;
  specs.forEach((s, id) => {
    t += s.gap;
    const r = req(id);
    const start = t;
    const end = t + s.latency;
    const error = allOk ? null : s.error;
    out.push({ t: start, seq: seq++, apply: (l) => l.onRequestStart?.(r, start) });
    s.upstreams.forEach((u, i) => {
      out.push({ t: start, seq: seq++, apply: (l) => l.onAttemptStart?.(r, u, i + 1, start) });
    });
    if (s.denied) out.push({ t: start, seq: seq++, apply: (l) => l.onBudgetDenied?.(r, start) });
    const result = ended(r, start, end, error, s.upstreams.length, s.upstreams.at(-1)!);
    out.push({ t: end, seq: seq++, apply: (l) => l.onRequestEnd?.(result, end) });
  });
  return out.sort((a, b) => a.t - b.t || a.seq - b.seq);
}

const table = () =>
  new UpstreamTable([{ name: 'a', weight: 2 }, { name: 'b' }, { name: 'c', backup: true }]);

function run(
  specs: Spec[],
  faults: { upstream: number; at: number; length: number }[],
  allOk = false,
) {
  const r = createRecorder({ table: table(), bucketMs: 500, subBucketMs: 100 });
  r.runStarted(0);
  const evs: Event[] = [...events(specs, allOk)];
  faults.forEach((f, i) => {
    evs.push({ t: f.at, seq: -2, apply: () => r.faultStarted(i, f.upstream, 'down', f.at) });
    evs.push({ t: f.at + f.length, seq: -1, apply: () => r.faultEnded(i, f.at + f.length) });
  });
  evs.sort((a, b) => a.t - b.t || a.seq - b.seq);
  for (const e of evs) e.apply(r);
  r.runEnded(Math.max(30_000, ...evs.map((e) => e.t)));
  return r.result();
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

describe('Recorder properties', () => {
  it('bucket counts sum to the totals and every request is counted once', () => {
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 80 }), (specs) => {
        const m = run(specs, []);
        const s = m.summary;
        expect(s.started).toBe(specs.length);
        expect(s.requests).toBe(specs.length);
        expect(s.ok).toBe(specs.filter((x) => x.error === null).length);
        expect(s.ok + sum(ERROR_CLASSES.map((c) => s.errorsByClass[c]))).toBe(s.requests);
        expect(s.latencyMs.count).toBe(s.requests);
        expect(sum(m.series.requests)).toBe(s.requests);
        expect(sum(m.series.started)).toBe(s.started);
        expect(sum(m.series.ok)).toBe(s.ok);
        for (const c of ERROR_CLASSES)
          expect(sum(m.series.errorsByClass[c])).toBe(s.errorsByClass[c]);
        expect(sum(m.series.attempts)).toBe(s.attempts);
        expect(s.attempts).toBe(sum(specs.map((x) => x.upstreams.length)));
        expect(sum(m.series.retries)).toBe(s.retries);
        expect(sum(m.series.budgetDenied)).toBe(s.budgetDenied);
        for (const name of ['a', 'b', 'c']) {
          expect(sum(m.series.attemptsPerUpstream[name]!)).toBe(s.attemptsPerUpstream[name]);
        }
      }),
    );
  });

  it('failover time is 0 for every fault when every request succeeds', () => {
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 80 }), faultSpec, (specs, faults) => {
        const m = run(specs, faults, true);
        expect(m.faults).toHaveLength(faults.length);
        for (const f of m.faults) expect(f.failoverMs).toBe(0);
      }),
    );
  });

  it('is a pure function of the event sequence: same events, same JSON', () => {
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 60 }), faultSpec, (specs, faults) => {
        expect(JSON.stringify(run(specs, faults))).toBe(JSON.stringify(run(specs, faults)));
      }),
    );
  });

  it('writes only JSON-safe values (no NaN, Infinity or -0)', () => {
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 40 }), faultSpec, (specs, faults) => {
        const m = run(specs, faults);
        expect(JSON.parse(JSON.stringify(m))).toEqual(m);
      }),
    );
  });
});
