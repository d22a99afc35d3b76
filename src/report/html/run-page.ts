import { ERROR_CLASSES } from '../../gateway/outcome.js';
import type { RunResult } from '../../run/result.js';
import { formatCount, formatMs, formatPercent, formatRate, formatSloValue } from '../format.js';
import type { ClientData } from './chart-spec.js';
import { escapeHtml } from './escape.js';
import { page } from './page.js';
import { card, figure, swatch, table, verdict, type Cell } from './parts.js';
import { ERROR_COLORS, seriesColor } from './palette.js';
import { runClientData } from './run-data.js';

/** The worst failover time over faults: null means some fault never failed over. */
export function worstFailover(r: RunResult): { ms: number | null; fault?: string } {
  let worst: { ms: number | null; fault?: string } = { ms: 0 };
  for (const f of r.faults) {
    const name = `${f.upstream} ${f.kind}`;
    if (f.failoverMs === null) return { ms: null, fault: name };
    if (worst.ms !== null && f.failoverMs >= worst.ms) worst = { ms: f.failoverMs, fault: name };
  }
  return worst;
}

export function failoverText(ms: number | null): string {
  return ms === 0 ? '0 (unnoticed)' : formatMs(ms);
}

function cards(r: RunResult): string {
  const s = r.summary;
  const sloFailed = r.slo.filter((x) => !x.pass);
  const invFailed = r.invariants.filter((x) => !x.pass);
  const failover = worstFailover(r);
  const amp = s.retryAmplification;
  return `<section class="cards" aria-label="summary">
${card('verdict', r.pass ? 'PASS' : 'FAIL', r.pass ? 'every SLO met, every invariant held' : `${sloFailed.length + invFailed.length} check(s) failed`, !r.pass)}
${card('success', formatPercent(s.requests === 0 ? 0 : 1 - s.errorRate), `${formatCount(s.ok)} of ${formatCount(s.requests)} requests`, s.errorRate > 0 && sloFailed.some((x) => x.name === 'errorRate' || x.name === 'availability'))}
${card(
  'latency p99',
  formatMs(s.latencyMs.p99),
  `p50 ${formatMs(s.latencyMs.p50)} · max ${formatMs(s.latencyMs.max)}`,
  sloFailed.some((x) => x.name === 'p99'),
)}
${card(
  'worst failover',
  r.faults.length === 0 ? 'none' : formatMs(failover.ms),
  r.faults.length === 0
    ? 'no faults in this scenario'
    : `${failover.ms === 0 ? 'clients never noticed · ' : ''}${failover.fault ?? ''}`,
  sloFailed.some((x) => x.name === 'failoverTime'),
)}
${card('goodput', formatRate(s.goodputPerSec), `${amp === null ? 'no' : amp.toFixed(3)} attempts per request`)}
${
  s.ttftMs === undefined
    ? ''
    : card(
        'TTFT p99',
        formatMs(s.ttftMs.p99),
        `time to first token · p50 ${formatMs(s.ttftMs.p50)}`,
        sloFailed.some((x) => x.name === 'ttftP99'),
      )
}
${card('SLOs met', r.slo.length === 0 ? 'none set' : `${r.slo.length - sloFailed.length} / ${r.slo.length}`, sloFailed.length === 0 ? (r.slo.length === 0 ? 'add an slo: section' : 'all met') : `failed: ${sloFailed.map((x) => x.name).join(', ')}`, sloFailed.length > 0)}
${card('invariants held', `${r.invariants.length - invFailed.length} / ${r.invariants.length}`, invFailed.length === 0 ? 'all held' : `broken: ${invFailed.map((x) => x.name).join(', ')}`, invFailed.length > 0)}
${card('run', `seed ${r.scenario.seed}`, `${r.scenario.mode === 'sim' ? 'simulated (deterministic)' : 'live'} · ${formatMs(r.scenario.durationMs)}`)}
</section>`;
}

function verdictTables(r: RunResult): string {
  const slo =
    r.slo.length === 0
      ? '<p class="sub">The scenario sets no SLO (add an <code>slo:</code> section to gate on it).</p>'
      : table(
          'service level objectives',
          ['SLO', 'target', 'actual', 'verdict'],
          r.slo.map((x) => [
            x.name,
            `${x.op} ${formatSloValue(x.name, x.target)}`,
            formatSloValue(x.name, x.actual),
            { html: verdict(x.pass) },
          ]),
          [false, true, true, false],
        );
  const inv = table(
    'invariants',
    ['invariant', 'violations', 'verdict'],
    r.invariants.map((i) => [
      i.firstViolation === undefined
        ? i.name
        : {
            html: `${escapeHtml(i.name)}<br><span class="sub">first: ${escapeHtml(i.firstViolation)}</span>`,
          },
      formatCount(i.violations),
      { html: verdict(i.pass, 'held', 'BROKEN') },
    ]),
    [false, true, false],
  );
  return `<section class="grid2">
<div><h2>SLOs</h2>${slo}</div>
<div><h2>Invariants</h2>${inv}</div>
</section>`;
}

function faultTable(r: RunResult): string {
  if (r.faults.length === 0) return '';
  return `<section><h2>Faults</h2>
${table(
  'faults with detection, failover and recovery times',
  ['upstream', 'fault', 'window', 'detection', 'failover', 'recovery'],
  r.faults.map((f) => [
    f.upstream,
    f.kind,
    `${formatMs(f.start)} → ${f.end === null ? 'end of run' : formatMs(f.end)}`,
    formatMs(f.detectionMs),
    failoverText(f.failoverMs),
    formatMs(f.recoveryMs),
  ]),
  [false, false, false, true, true, true],
)}
<p class="sub">Detection: fault start → the gateway marks the upstream down. Failover: fault start → the success rate clients see is back above the threshold for good. Recovery: fault end → the upstream carries half its fair share again.</p>
</section>`;
}

function charts(r: RunResult, data: ClientData): string {
  const states = data.charts.find((c) => c.kind === 'states');
  const statesHeight = 90 + Math.max(states?.rows.length ?? 1, 1) * 30;
  const span = formatMs(r.series.bucketMs);
  const parts = [
    figure(
      'latency',
      'Latency over time',
      `Client-visible latency per ${span} bucket, including retries and backoff. Shaded: fault windows; dashed lines: detection, failover and recovery.`,
      'line chart of latency p50, p90 and p99 over time, with fault windows shaded',
    ),
    figure(
      'outcomes',
      'Throughput, goodput and errors',
      'Requests ending per second, stacked by outcome: successful (goodput) and each error class. Dashed: requests offered.',
      'stacked area chart of successful requests and errors by class per second over time',
    ),
    figure(
      'share',
      'Traffic share per upstream',
      'Share of upstream attempts each upstream received, per bucket.',
      'stacked area chart of the share of attempts per upstream over time',
    ),
    figure(
      'states',
      'Breaker, health and cooldown states',
      'One row per upstream and component, coloured by state (green: serving, amber: half-open, red: taken out).',
      'timeline of breaker, health and cooldown states per upstream',
      { height: statesHeight },
    ),
    figure(
      'amplification',
      'Retry amplification',
      'Upstream attempts per client request started in each bucket (1 = no retries).',
      'line chart of upstream attempts per client request over time',
    ),
  ];
  const streaming: string[] = [];
  if (r.summary.ttftMs !== undefined)
    streaming.push(
      figure(
        'ttft',
        'Time to first token',
        'Streaming requests over the whole run: from the request to its first token, across attempts.',
        'bar chart of time-to-first-token percentiles',
      ),
    );
  if (r.summary.interTokenMs !== undefined)
    streaming.push(
      figure(
        'itl',
        'Inter-token latency',
        'Streaming requests over the whole run: the gap between consecutive tokens.',
        'bar chart of inter-token latency percentiles',
      ),
    );
  const streamingSection =
    streaming.length === 0
      ? ''
      : `\n<section><h2>Streaming</h2><div class="grid2">\n${streaming.join('\n')}\n</div></section>`;
  return `<section><h2>Over time</h2>\n${parts.join('\n')}\n</section>${streamingSection}`;
}

function upstreamTable(r: RunResult): string {
  const s = r.summary;
  const names = Object.keys(s.attemptsPerUpstream);
  const cost = s.cost;
  const head = ['upstream', 'attempts', 'share'];
  if (cost !== undefined) head.push('prompt tokens', 'completion tokens', 'cost');
  const rows: Cell[][] = names.map((u, i) => {
    const n = s.attemptsPerUpstream[u] ?? 0;
    const row: Cell[] = [
      { html: `${swatch(seriesColor(i))}${escapeHtml(u)}` },
      formatCount(n),
      formatPercent(s.attempts === 0 ? 0 : n / s.attempts),
    ];
    if (cost !== undefined) {
      const c = cost.perUpstream[u];
      row.push(
        formatCount(c?.promptTokens ?? 0),
        formatCount(c?.completionTokens ?? 0),
        (c?.cost ?? 0).toFixed(4),
      );
    }
    return row;
  });
  if (cost !== undefined)
    rows.push([
      'total',
      formatCount(s.attempts),
      '',
      formatCount(cost.promptTokens),
      formatCount(cost.completionTokens),
      cost.total.toFixed(4),
    ]);
  const errors = ERROR_CLASSES.filter((c) => (s.errorsByClass[c] ?? 0) > 0);
  const errorTable =
    errors.length === 0
      ? '<p class="sub">No client request failed.</p>'
      : table(
          'errors by class',
          ['error class', 'requests', 'rate'],
          errors.map((c) => [
            { html: `${swatch(ERROR_COLORS[c])}${escapeHtml(c)}` },
            formatCount(s.errorsByClass[c]),
            formatPercent(s.errorRateByClass[c]),
          ]),
          [false, true, true],
        );
  return `<section class="grid2">
<div><h2>Upstreams</h2>${table('attempts per upstream', head, rows, [false, true, true, true, true, true])}</div>
<div><h2>Errors</h2>${errorTable}</div>
</section>`;
}

/** reports/<scenario>/index.html for one run. */
export function renderRunHtml(r: RunResult, scenarioYaml: string): string {
  const sc = r.scenario;
  const dropped =
    r.statesDropped > 0
      ? `<p class="sub">${formatCount(r.statesDropped)} state changes were not kept (cap reached); the timeline is incomplete.</p>`
      : '';
  const data = runClientData(r);
  const body = `<header>
<h1>${escapeHtml(sc.name)}</h1>
${verdict(r.pass)}
<span class="sub">${escapeHtml(sc.file)} · ${sc.mode === 'sim' ? 'simulated' : 'live'} · seed ${escapeHtml(sc.seed)} · ${escapeHtml(formatMs(sc.durationMs))} of load · ${escapeHtml(formatCount(r.summary.requests))} requests</span>
</header>
${cards(r)}
${verdictTables(r)}
${faultTable(r)}
${charts(r, data)}
${dropped}
${upstreamTable(r)}
<section><h2>Scenario</h2>
<details><summary>${escapeHtml(sc.file)}</summary><pre>${escapeHtml(scenarioYaml)}</pre></details>
</section>
<footer>lbsim report. The numbers behind every chart are in result.json next to this file.</footer>`;
  return page(`${sc.name} — lbsim`, body, data);
}
