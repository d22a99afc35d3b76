import pc from 'picocolors';
import { formatSloValue } from '../report/format.js';
import type { RegressionMeasure, RegressionResult } from './regression.js';

type Colors = Pick<typeof pc, 'green' | 'red' | 'bold' | 'dim'>;

/** A measure's value in its unit; null reads "never" for times, "-" otherwise. */
export function formatRegressionValue(measure: RegressionMeasure, v: number | null): string {
  if (measure === 'cost') return v === null ? '-' : v.toFixed(4);
  if (v === null && (measure === 'retryAmplification' || measure === 'goodput')) return '-';
  return formatSloValue(measure, v);
}

// eslint-disable-next-line no-control-regex
const visible = (s: string): string => s.replace(/\u001b\[[0-9;]*m/g, '');

/** The baseline checks as a terminal table; every failing one names its baseline, limit and actual. */
export function regressionSummary(
  regressions: readonly RegressionResult[],
  colors: Colors = pc,
): string {
  if (regressions.length === 0) return 'baseline: no entry for this scenario, nothing compared';
  const rows = [
    ['vs baseline', 'baseline', 'limit', 'actual', ''],
    ...regressions.map((r) => [
      r.name,
      formatRegressionValue(r.measure, r.baseline),
      r.limit === null ? '-' : `${r.op} ${formatRegressionValue(r.measure, r.limit)}`,
      formatRegressionValue(r.measure, r.actual),
      r.pass ? colors.green('pass') : colors.red('REGRESSION'),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => visible(r[i]!).length)));
  const lines = rows.map((r) =>
    r
      .map((c, i) => c + ' '.repeat(widths[i]! - visible(c).length))
      .join('  ')
      .trimEnd(),
  );
  const failed = regressions.filter((r) => !r.pass);
  lines.push(
    failed.length === 0
      ? `baseline: ${colors.green(`no regression in ${regressions.length} measures`)}`
      : `baseline: ${colors.red(`${failed.length} regression${failed.length === 1 ? '' : 's'}`)}: ${failed.map((r) => `${r.name} ${formatRegressionValue(r.measure, r.actual)} (baseline ${formatRegressionValue(r.measure, r.baseline)}, limit ${formatRegressionValue(r.measure, r.limit)})`).join('; ')}`,
  );
  return lines.join('\n');
}
