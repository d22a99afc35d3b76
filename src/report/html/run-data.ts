import { ERROR_CLASSES } from '../../gateway/outcome.js';
import type { StateComponent } from '../../gateway/events.js';
import type { FaultMetrics, LatencySummary, SeriesMetrics } from '../../metrics/run-metrics.js';
import type { RunResult } from '../../run/result.js';
import { formatMs } from '../format.js';
import type {
  ChartSpec,
  ClientData,
  FaultMark,
  SeriesChart,
  StatesChart,
  StateSegment,
  SummaryChart,
} from './chart-spec.js';
import {
  ERROR_COLORS,
  INITIAL_STATE,
  LATENCY_COLORS,
  OK_COLOR,
  seriesColor,
  stateColor,
} from './palette.js';

const round = (v: number, digits = 3): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};
const sec = (ms: number): number => round(ms / 1000);

/** Bucket midpoints in seconds: a value describes its whole bucket. */
export function bucketMidpoints(s: SeriesMetrics): number[] {
  return s.t.map((t) => sec(t + s.bucketMs / 2));
}

export function runEndSec(r: RunResult): number {
  const lastBucket = r.series.t.length > 0 ? r.series.t.at(-1)! + r.series.bucketMs : 0;
  return sec(Math.max(r.summary.startMs + r.summary.durationMs, lastBucket, r.scenario.durationMs));
}

export function faultMarks(faults: FaultMetrics[], endMs: number): FaultMark[] {
  return faults.map((f) => {
    const end = f.end ?? endMs;
    const marks: FaultMark['marks'] = [];
    let note = '';
    if (f.detectionMs !== null)
      marks.push({
        at: sec(f.start + f.detectionMs),
        label: `detected +${formatMs(f.detectionMs)}`,
        kind: 'detected',
      });
    if (f.failoverMs === 0) note = ' (clients unaffected)';
    else if (f.failoverMs === null) note = ' (no failover)';
    else
      marks.push({
        at: sec(f.start + f.failoverMs),
        label: `failover +${formatMs(f.failoverMs)}`,
        kind: 'failover',
      });
    // A recovery of 0 sits on the window's edge: the table says so, a marker would only clutter.
    if (f.recoveryMs !== null && f.recoveryMs > 0 && f.end !== null)
      marks.push({
        at: sec(f.end + f.recoveryMs),
        label: `recovered +${formatMs(f.recoveryMs)}`,
        kind: 'recovered',
      });
    return { from: sec(f.start), to: sec(end), label: `${f.upstream} ${f.kind}${note}`, marks };
  });
}

function perSec(counts: number[], bucketMs: number): number[] {
  return counts.map((c) => round((c * 1000) / bucketMs));
}

const nullable = (v: (number | null)[]): (number | null)[] =>
  v.map((x) => (x === null ? null : round(x)));

function latencyChart(s: SeriesMetrics, x: number[]): SeriesChart {
  return {
    kind: 'series',
    id: 'latency',
    unit: 'ms',
    stacked: false,
    x,
    markers: 'labelled',
    datasets: [
      { label: 'p99', color: LATENCY_COLORS.p99, data: nullable(s.latencyP99) },
      { label: 'p90', color: LATENCY_COLORS.p90, data: nullable(s.latencyP90) },
      { label: 'p50', color: LATENCY_COLORS.p50, data: nullable(s.latencyP50) },
    ],
  };
}

function outcomesChart(s: SeriesMetrics, x: number[]): SeriesChart {
  const datasets: SeriesChart['datasets'] = [
    { label: 'ok (goodput)', color: OK_COLOR, data: perSec(s.ok, s.bucketMs) },
  ];
  for (const c of ERROR_CLASSES) {
    const counts = s.errorsByClass[c];
    if (counts === undefined || !counts.some((n) => n > 0)) continue;
    datasets.push({ label: c, color: ERROR_COLORS[c], data: perSec(counts, s.bucketMs) });
  }
  datasets.push({
    label: 'offered (started)',
    color: '#7f7f7f',
    data: perSec(s.started, s.bucketMs),
    reference: true,
  });
  return {
    kind: 'series',
    id: 'outcomes',
    unit: 'per-sec',
    stacked: true,
    x,
    markers: 'lines',
    datasets,
  };
}

export function shareChart(s: SeriesMetrics, x: number[], id: string, small = false): SeriesChart {
  // A bucket without attempts has no share (the result says 0): leave a gap, not a dip to 0.
  const datasets = Object.entries(s.sharePerUpstream).map(([name, share], i) => ({
    label: name,
    color: seriesColor(i),
    data: share.map((v, b) => (s.attempts[b] === 0 ? null : round(v * 100, 2))),
  }));
  return {
    kind: 'series',
    id,
    unit: 'percent',
    stacked: true,
    yMax: 100,
    x,
    markers: small ? 'none' : 'lines',
    small,
    datasets,
  };
}

function amplificationChart(s: SeriesMetrics, x: number[]): SeriesChart {
  return {
    kind: 'series',
    id: 'amplification',
    unit: 'ratio',
    stacked: false,
    x,
    markers: 'lines',
    datasets: [
      {
        label: 'attempts per request',
        color: '#0072b2',
        data: nullable(s.retryAmplification),
      },
    ],
  };
}

const COMPONENTS: readonly StateComponent[] = ['breaker', 'health', 'cooldown'];

export function statesChart(r: RunResult, xMax: number): StatesChart {
  const rows: string[] = [];
  const segments: StateSegment[] = [];
  const upstreams = Object.keys(r.series.sharePerUpstream);
  for (const u of Object.keys(r.states)) if (!upstreams.includes(u)) upstreams.push(u);
  for (const u of upstreams) {
    const changes = r.states[u] ?? [];
    const used = COMPONENTS.filter((c) => changes.some((s) => s.component === c));
    if (used.length === 0) {
      rows.push(u);
      segments.push({ row: u, from: 0, to: xMax, state: 'up (no change)', color: '#2ca02c' });
      continue;
    }
    for (const c of used) {
      const row = `${u} ${c}`;
      rows.push(row);
      let from = 0;
      let state = INITIAL_STATE[c];
      for (const ch of changes) {
        if (ch.component !== c) continue;
        const at = sec(ch.t);
        if (at > from) segments.push({ row, from, to: at, state, color: stateColor(c, state) });
        from = at;
        state = ch.state;
      }
      if (xMax > from) segments.push({ row, from, to: xMax, state, color: stateColor(c, state) });
    }
  }
  return { kind: 'states', id: 'states', rows, segments, markers: 'labelled' };
}

function percentilesChart(
  id: string,
  label: string,
  color: string,
  l: LatencySummary | undefined,
): SummaryChart[] {
  if (l === undefined) return [];
  const data = [l.p50, l.p90, l.p99, l.p999, l.max].map((v) => round(v));
  const labels = ['p50', 'p90', 'p99', 'p99.9', 'max'];
  return [{ kind: 'summary', id, unit: 'ms', labels, datasets: [{ label, color, data }] }];
}

/** Everything the run report's charts draw. */
export function runClientData(r: RunResult): ClientData {
  const xMax = runEndSec(r);
  const x = bucketMidpoints(r.series);
  const charts: ChartSpec[] = [
    latencyChart(r.series, x),
    outcomesChart(r.series, x),
    shareChart(r.series, x, 'share'),
    statesChart(r, xMax),
    amplificationChart(r.series, x),
  ];
  charts.push(
    ...percentilesChart('ttft', 'time to first token', '#0072b2', r.summary.ttftMs),
    ...percentilesChart('itl', 'inter-token latency', '#e69f00', r.summary.interTokenMs),
  );
  return { xMax, faults: faultMarks(r.faults, xMax * 1000), charts };
}
