import type { CompareResult } from '../compare-types.js';
import { compareRows } from '../compare-rows.js';
import { formatMs } from '../format.js';
import type { ChartSpec, ClientData, SeriesChart } from './chart-spec.js';
import { escapeHtml } from './escape.js';
import { page } from './page.js';
import { figure, swatch, table, verdict, type Cell } from './parts.js';
import { seriesColor } from './palette.js';
import { bucketMidpoints, faultMarks, runEndSec, shareChart } from './run-data.js';

const round = (v: number): number => Math.round(v * 1000) / 1000;

function overlay(
  c: CompareResult,
  id: string,
  unit: SeriesChart['unit'],
  pick: (r: CompareResult['variants'][number]['result'], bucket: number) => number | null,
): SeriesChart {
  // Variants share the scenario's bucket size; the longest run's buckets give the x values.
  const longest = c.variants.reduce(
    (a, v) => (v.result.series.t.length > a.series.t.length ? v.result : a),
    c.variants[0]!.result,
  );
  return {
    kind: 'series',
    id,
    unit,
    stacked: false,
    markers: 'none',
    x: bucketMidpoints(longest.series),
    datasets: c.variants.map((v, i) => ({
      label: v.name,
      color: seriesColor(i),
      data: longest.series.t.map((_, b) =>
        b < v.result.series.t.length ? pick(v.result, b) : null,
      ),
    })),
  };
}

/** Everything the comparison page's charts draw. */
export function compareClientData(c: CompareResult): ClientData {
  const xMax = Math.max(0, ...c.variants.map((v) => runEndSec(v.result)));
  const charts: ChartSpec[] = [];
  if (c.variants.length > 0) {
    charts.push(
      overlay(c, 'p99', 'ms', (r, b) => {
        const v = r.series.latencyP99[b];
        return v === null || v === undefined ? null : round(v);
      }),
      overlay(c, 'errors', 'percent', (r, b) => {
        const n = r.series.requests[b] ?? 0;
        return n === 0 ? null : round((100 * (n - (r.series.ok[b] ?? 0))) / n);
      }),
    );
    c.variants.forEach((v, i) =>
      charts.push(
        shareChart(v.result.series, bucketMidpoints(v.result.series), `share-${i}`, true),
      ),
    );
  }
  // The fault windows are the scenario's, the same for every variant; markers differ, so the
  // table carries them instead.
  const faults = faultMarks(c.variants[0]?.result.faults ?? [], xMax * 1000).map((f) => ({
    ...f,
    label: f.label.replace(/ \(.*\)$/, ''),
    marks: [],
  }));
  return { xMax, faults, charts };
}

function comparisonTable(c: CompareResult): string {
  const head = ['', ...c.variants.map((v) => v.name)];
  const rows: Cell[][] = compareRows(c).map((row) => [
    row.label,
    ...row.cells.map((cell): Cell =>
      cell.best
        ? { html: `${escapeHtml(cell.text)} <span aria-label="best">★</span>`, className: 'best' }
        : cell.text,
    ),
  ]);
  rows.push([
    'SLOs and invariants',
    ...c.variants.map((v): Cell => ({ html: verdict(v.result.pass) })),
  ]);
  return table(
    'variants side by side',
    head,
    rows,
    head.map((_, i) => i > 0),
  );
}

/** reports/<scenario>-compare/index.html */
export function renderCompareHtml(c: CompareResult): string {
  const sc = c.scenario;
  const data = compareClientData(c);
  const variantList = c.variants
    .map(
      (v, i) =>
        `<li>${swatch(seriesColor(i))}<strong>${escapeHtml(v.name)}</strong>: ${escapeHtml(v.description)}</li>`,
    )
    .join('\n');
  const multiples = c.variants
    .map((v, i) =>
      figure(
        `share-${i}`,
        v.name,
        v.description,
        `stacked area chart of the traffic share per upstream over time for ${v.name}`,
        { small: true },
      ),
    )
    .join('\n');
  const body = `<header>
<h1>${escapeHtml(sc.name)}</h1>
<span class="sub">${escapeHtml(sc.file)} · ${sc.mode === 'sim' ? 'simulated' : 'live'} · seed ${escapeHtml(sc.seed)} · ${escapeHtml(formatMs(sc.durationMs))} of load · ${c.variants.length} variants on the same seed and load</span>
</header>
<section><h2>Variants</h2><ul>
${variantList}
</ul></section>
<section><h2>Side by side</h2>
${comparisonTable(c)}
<p class="sub">★ best in the row (every variant that ties for it; none when all are equal).</p>
</section>
<section><h2>Over time</h2>
${figure('p99', 'Latency p99', 'Client-visible p99 per bucket, one line per variant. Shaded: fault windows.', 'line chart of p99 latency over time, one line per variant')}
${figure('errors', 'Error rate', 'Share of the requests ending in each bucket that failed, one line per variant.', 'line chart of the error rate over time, one line per variant')}
</section>
<section><h2>Traffic share per upstream</h2>
<div class="multiples">
${multiples}
</div>
</section>
<footer>lbsim comparison. The numbers behind every chart are in compare.json next to this file.</footer>`;
  return page(`${sc.name} — compare — lbsim`, body, data);
}
