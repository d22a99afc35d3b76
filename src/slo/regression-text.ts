import pc from 'picocolors';
import { formatSloValue } from '../report/format.js';
import { textTable, type Colors } from '../report/text-table.js';
import type { RegressionMeasure, RegressionResult } from './regression.js';

/** A measure's value in its unit; null reads "never" for times, "-" otherwise. */
export function formatRegressionValue(measure: RegressionMeasure, v: number | null): string {
  if (measure === 'cost') return v === null ? '-' : v.toFixed(4);
  if (v === null && (measure === 'retryAmplification' || measure === 'goodput')) return '-';
  return formatSloValue(measure, v);
}

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
  const lines = [textTable(rows)];
  const failed = regressions.filter((r) => !r.pass);
  lines.push(
    failed.length === 0
      ? `baseline: ${colors.green(`no regression in ${regressions.length} measures`)}`
      : `baseline: ${colors.red(`${failed.length} regression${failed.length === 1 ? '' : 's'}`)}: ${failed.map((r) => `${r.name} ${formatRegressionValue(r.measure, r.actual)} (baseline ${formatRegressionValue(r.measure, r.baseline)}, limit ${formatRegressionValue(r.measure, r.limit)})`).join('; ')}`,
  );
  return lines.join('\n');
}
