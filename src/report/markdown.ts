import { ERROR_CLASSES } from '../gateway/outcome.js';
import type { RunResult } from '../run/result.js';
import type { CompareResult } from './compare-types.js';
import { compareRows } from './compare-rows.js';
import { formatCount, formatMs, formatPercent, formatRate, formatSloValue } from './format.js';

/**
 * Text from a scenario or an upstream, made inert for GitHub Markdown: no HTML (GitHub renders
 * some), no emphasis, links or code spans, no table-cell breaks, one line.
 */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+!|~]/g, (c) => `\\${c}`);
}

const mark = (pass: boolean): string => (pass ? '✅' : '❌');

function mdTable(head: string[], rows: string[][], right: boolean[] = []): string {
  const align = head.map((_, i) => (right[i] === true ? '---:' : '---'));
  return [head, align, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

const failoverText = (ms: number | null): string => (ms === 0 ? '0 (unnoticed)' : formatMs(ms));

/** summary.md: the run's verdicts for a pull-request comment or a GitHub step summary. */
export function renderRunMarkdown(r: RunResult): string {
  const s = r.summary;
  const sc = r.scenario;
  const out: string[] = [];
  out.push(`### ${mark(r.pass)} ${escapeMarkdown(sc.name)}: ${r.pass ? 'PASS' : 'FAIL'}`);
  out.push('');
  out.push(
    `${escapeMarkdown(sc.file)} · ${sc.mode === 'sim' ? 'simulated' : 'live'} · seed ${escapeMarkdown(sc.seed)} · ${formatMs(sc.durationMs)} of load`,
  );
  out.push('');
  out.push(
    mdTable(
      ['requests', 'success', 'goodput', 'p50', 'p90', 'p99', 'max', 'attempts/request'],
      [
        [
          formatCount(s.requests),
          formatPercent(s.requests === 0 ? 0 : 1 - s.errorRate),
          formatRate(s.goodputPerSec),
          formatMs(s.latencyMs.p50),
          formatMs(s.latencyMs.p90),
          formatMs(s.latencyMs.p99),
          formatMs(s.latencyMs.max),
          s.retryAmplification === null ? '-' : s.retryAmplification.toFixed(3),
        ],
      ],
      [true, true, true, true, true, true, true, true],
    ),
  );
  const errors = ERROR_CLASSES.filter((c) => (s.errorsByClass[c] ?? 0) > 0);
  if (errors.length > 0) {
    out.push('');
    out.push(
      `Errors: ${errors.map((c) => `${c} ${formatCount(s.errorsByClass[c])} (${formatPercent(s.errorRateByClass[c])})`).join(', ')}`,
    );
  }
  if (s.ttftMs !== undefined) {
    out.push('');
    out.push(
      `Streaming: time to first token p50 ${formatMs(s.ttftMs.p50)}, p99 ${formatMs(s.ttftMs.p99)}${s.interTokenMs === undefined ? '' : `; inter-token p99 ${formatMs(s.interTokenMs.p99)}`}`,
    );
  }
  if (r.faults.length > 0) {
    out.push('');
    out.push('**Faults**');
    out.push('');
    out.push(
      mdTable(
        ['upstream', 'fault', 'window', 'detection', 'failover', 'recovery'],
        r.faults.map((f) => [
          escapeMarkdown(f.upstream),
          escapeMarkdown(f.kind),
          `${formatMs(f.start)} → ${f.end === null ? 'end' : formatMs(f.end)}`,
          formatMs(f.detectionMs),
          failoverText(f.failoverMs),
          formatMs(f.recoveryMs),
        ]),
        [false, false, false, true, true, true],
      ),
    );
  }
  out.push('');
  if (r.slo.length === 0) out.push('No SLO set.');
  else {
    out.push('**SLO**');
    out.push('');
    out.push(
      mdTable(
        ['SLO', 'target', 'actual', ''],
        r.slo.map((x) => [
          escapeMarkdown(x.name),
          `${x.op === '<=' ? '≤' : '≥'} ${formatSloValue(x.name, x.target)}`,
          formatSloValue(x.name, x.actual),
          mark(x.pass),
        ]),
        [false, true, true, false],
      ),
    );
  }
  out.push('');
  const broken = r.invariants.filter((i) => !i.pass);
  if (broken.length === 0) out.push(`Invariants: ✅ all ${r.invariants.length} held`);
  else {
    out.push('**Invariants**');
    out.push('');
    out.push(
      mdTable(
        ['invariant', 'violations', 'first', ''],
        r.invariants.map((i) => [
          escapeMarkdown(i.name),
          formatCount(i.violations),
          escapeMarkdown(i.firstViolation ?? ''),
          mark(i.pass),
        ]),
        [false, true, false, false],
      ),
    );
  }
  out.push('');
  return out.join('\n');
}

/** compare.md: the comparison table, best value per row in bold. */
export function renderCompareMarkdown(c: CompareResult): string {
  const out: string[] = [];
  out.push(`### ${escapeMarkdown(c.scenario.name)}: ${c.variants.length} variants compared`);
  out.push('');
  out.push(
    `${escapeMarkdown(c.scenario.file)} · ${c.scenario.mode === 'sim' ? 'simulated' : 'live'} · seed ${escapeMarkdown(c.scenario.seed)} · same load for every variant`,
  );
  out.push('');
  const head = ['', ...c.variants.map((v) => `${escapeMarkdown(v.name)}`)];
  const rows = compareRows(c).map((row) => [
    escapeMarkdown(row.label),
    ...row.cells.map((cell) => (cell.best ? `**${cell.text}** ★` : cell.text)),
  ]);
  rows.push([
    'verdict',
    ...c.variants.map((v) => `${mark(v.result.pass)} ${v.result.pass ? 'pass' : 'fail'}`),
  ]);
  out.push(
    mdTable(
      head,
      rows,
      head.map((_, i) => i > 0),
    ),
  );
  out.push('');
  out.push(
    c.variants
      .map((v) => `- **${escapeMarkdown(v.name)}**: ${escapeMarkdown(v.description)}`)
      .join('\n'),
  );
  out.push('');
  out.push('★ best in the row.');
  out.push('');
  return out.join('\n');
}
