import { measure, printTable, type BenchRow } from './harness.js';
import type { GatewayListener } from '../src/gateway/events.js';
import type { AttemptOutcome } from '../src/gateway/outcome.js';
import type { GatewayRequest, RequestResult } from '../src/gateway/request.js';
import { UpstreamTable } from '../src/gateway/upstream-table.js';
import { createInvariantMonitor } from '../src/metrics/invariant-monitor.js';
import { createRecorder } from '../src/metrics/recorder.js';
import { fanOut } from '../src/metrics/fan-out.js';
import { build } from 'hdr-histogram-js';
import { LogHistogram } from '../src/metrics/log-histogram.js';

const OK: AttemptOutcome = { kind: 'ok', status: 200 };
const POOL = 4096;

/**
 * One request's events (requestStart + attemptStart + attemptEnd + requestEnd) at 1 M requests
 * per simulated second, latencies spread over 20-1500 ms, 2 % errors. Requests and results are
 * made up front, as the engine owns them. The listener's methods are bound up front so the loop's
 * call sites do not turn megamorphic across the listeners measured here (the engine calls one).
 */
function driver(l: GatewayListener): (iterations: number) => void {
  const noop = (): void => {};
  const start = l.onRequestStart?.bind(l) ?? noop;
  const attemptStart = l.onAttemptStart?.bind(l) ?? noop;
  const attemptEnd = l.onAttemptEnd?.bind(l) ?? noop;
  const end = l.onRequestEnd?.bind(l) ?? noop;
  const reqs: GatewayRequest[] = [];
  const results: RequestResult[] = [];
  for (let i = 0; i < POOL; i++) {
    const request = { id: i, key: undefined, stream: false, cost: 1 };
    reqs.push(request);
    const latency = 20 + ((i * 7919) % 1480) + (i % 7) / 8;
    results.push({
      request,
      ok: i % 50 !== 0,
      errorClass: i % 50 !== 0 ? null : '5xx',
      outcome: OK,
      upstream: i % 3,
      attempts: 1,
      startedAt: 0,
      endedAt: latency,
      retryAfterMs: 0,
    });
  }
  let now = 0;
  let id = 0;
  return (iterations) => {
    for (let i = 0; i < iterations; i++) {
      const k = i & (POOL - 1);
      const r = reqs[k]!;
      const res = results[k]!;
      now += 0.001;
      (r as { id: number }).id = id++; // fresh ids, as in a run
      start(r, now);
      attemptStart(r, res.upstream, 1, now);
      attemptEnd(r, res.upstream, 1, OK, res.endedAt, now);
      end(res, now);
    }
  };
}

export function run(): void {
  const table = new UpstreamTable([{ name: 'a', weight: 3 }, { name: 'b' }, { name: 'c' }]);
  const rows: BenchRow[] = [];
  const recorder = createRecorder({ table });
  rows.push({
    group: 'listener',
    name: 'Recorder: one request',
    nsPerOp: measure(driver(recorder), 100_000),
    target: 200,
  });
  const monitor = createInvariantMonitor({
    upstreams: 3,
    maxAttempts: 3,
    // 1 M requests/s, a third to upstream 0: about 333 per ms, under the limit.
    upstreamLimits: [{ limit: 2000, windowMs: 1 }, null, null],
  });
  rows.push({
    group: 'listener',
    name: 'InvariantMonitor: one request',
    nsPerOp: measure(driver(monitor), 100_000),
    target: 200,
  });
  const both = fanOut(
    createRecorder({ table }),
    createInvariantMonitor({ upstreams: 3, maxAttempts: 3 }),
  );
  rows.push({
    group: 'listener',
    name: 'fanOut(Recorder, InvariantMonitor)',
    nsPerOp: measure(driver(both), 100_000),
  });

  const values = new Float64Array(POOL);
  for (let i = 0; i < POOL; i++) values[i] = (20 + ((i * 7919) % 1480)) * 1000;
  const mine = new LogHistogram();
  rows.push({
    group: 'histogram',
    name: 'LogHistogram.record',
    nsPerOp: measure((n) => {
      for (let i = 0; i < n; i++) mine.record(values[i & (POOL - 1)]!);
    }, 100_000),
  });
  const hdr = build({
    bitBucketSize: 32,
    autoResize: false,
    highestTrackableValue: 3_600_000_000,
    useWebAssembly: false,
  });
  rows.push({
    group: 'histogram',
    name: 'hdr-histogram-js (pure JS) recordValue',
    nsPerOp: measure((n) => {
      for (let i = 0; i < n; i++) hdr.recordValue(values[i & (POOL - 1)]!);
    }, 100_000),
  });
  printTable('metrics (ns per request / per record)', rows);
  const failed = monitor.results().filter((r) => !r.pass);
  if (failed.length > 0) console.log(`bench events broke invariants: ${JSON.stringify(failed)}`);
}
