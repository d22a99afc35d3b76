import pc from 'picocolors';
import type { RunResult } from '../run/result.js';
import { formatCount, formatMs, formatPercent, formatRate, formatSloValue } from './format.js';
import { textTable, type Colors } from './text-table.js';

/** The run's summary as a person reads it in a terminal: one table of measures, then verdicts. */
export function terminalSummary(r: RunResult, colors: Colors = pc): string {
  const s = r.summary;
  const ok = (b: boolean): string => (b ? colors.green('pass') : colors.red('FAIL'));
  const lines: string[] = [];
  lines.push(
    colors.bold(`${r.scenario.name}`) +
      colors.dim(
        `  (${r.scenario.mode}, seed ${r.scenario.seed}, ${formatMs(r.scenario.durationMs)})`,
      ),
  );
  lines.push(
    textTable([
      ['requests', 'success', 'goodput', 'p50', 'p90', 'p99', 'max', 'attempts/request'],
      [
        formatCount(s.requests),
        formatPercent(1 - s.errorRate),
        formatRate(s.goodputPerSec),
        formatMs(s.latencyMs.p50),
        formatMs(s.latencyMs.p90),
        formatMs(s.latencyMs.p99),
        formatMs(s.latencyMs.max),
        s.retryAmplification === null ? '-' : s.retryAmplification.toFixed(3),
      ],
    ]),
  );
  const errors = Object.entries(s.errorsByClass).filter(([, n]) => n > 0);
  if (errors.length > 0)
    lines.push(`errors: ${errors.map(([c, n]) => `${c} ${formatCount(n)}`).join(', ')}`);
  if (s.ttftMs !== undefined)
    lines.push(`time to first token: p50 ${formatMs(s.ttftMs.p50)}, p99 ${formatMs(s.ttftMs.p99)}`);
  if (r.faults.length > 0) {
    lines.push('');
    lines.push(
      textTable([
        ['fault', 'upstream', 'window', 'detection', 'failover', 'recovery'],
        ...r.faults.map((f) => [
          f.kind,
          f.upstream,
          `${formatMs(f.start)} → ${f.end === null ? 'end' : formatMs(f.end)}`,
          formatMs(f.detectionMs),
          f.failoverMs === 0 ? '0 (unnoticed)' : formatMs(f.failoverMs),
          formatMs(f.recoveryMs),
        ]),
      ]),
    );
  }
  if (r.slo.length > 0) {
    lines.push('');
    lines.push(
      textTable([
        ['SLO', 'target', 'actual', ''],
        ...r.slo.map((x) => [
          x.name,
          `${x.op} ${formatSloValue(x.name, x.target)}`,
          formatSloValue(x.name, x.actual),
          ok(x.pass),
        ]),
      ]),
    );
  }
  const broken = r.invariants.filter((i) => !i.pass);
  lines.push('');
  lines.push(
    broken.length === 0
      ? `invariants: ${colors.green(`all ${r.invariants.length} held`)}`
      : `invariants: ${broken.map((i) => `${colors.red(i.name)} (${i.violations}: ${i.firstViolation ?? ''})`).join('; ')}`,
  );
  lines.push(`verdict: ${r.pass ? colors.green('PASS') : colors.red('FAIL')}`);
  return lines.join('\n');
}
