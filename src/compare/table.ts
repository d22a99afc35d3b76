import pc from 'picocolors';
import type { CompareResult } from '../report/compare-types.js';
import { compareRows } from '../report/compare-rows.js';
import { formatSloValue } from '../report/format.js';
import { textTable, type Colors } from '../report/text-table.js';
import { sloMeasure } from '../slo/phase.js';

/**
 * The comparison in a terminal: one column per variant, the best in each row marked with `*`,
 * then each variant's verdict and the SLOs it failed, with target and actual.
 */
export function compareTable(c: CompareResult, colors: Colors = pc): string {
  const lines: string[] = [];
  const s = c.scenario;
  lines.push(
    colors.bold(s.name) +
      colors.dim(
        `  (${s.mode}, seed ${s.seed}, ${s.durationMs / 1000} s, ${c.variants.length} variants)`,
      ),
  );
  const rows: string[][] = [['', ...c.variants.map((v) => colors.bold(v.name))]];
  for (const row of compareRows(c))
    rows.push([
      row.label,
      ...row.cells.map((cell) => (cell.best ? colors.green(`*${cell.text}`) : ` ${cell.text}`)),
    ]);
  rows.push([
    'verdict',
    ...c.variants.map((v) => (v.result.pass ? colors.green(' pass') : colors.red(' FAIL'))),
  ]);
  lines.push(textTable(rows));
  lines.push(colors.dim('* best in its row'));
  for (const v of c.variants) {
    const failed = v.result.slo.filter((x) => !x.pass);
    const broken = v.result.invariants.filter((i) => !i.pass);
    if (failed.length === 0 && broken.length === 0) continue;
    const what = [
      ...failed.map((x) => {
        const m = sloMeasure(x.name);
        return `${x.name} ${x.op} ${formatSloValue(m, x.target)}, actual ${formatSloValue(m, x.actual)}`;
      }),
      ...broken.map((i) => `invariant ${i.name} (${i.violations} violations)`),
    ];
    lines.push(`${colors.red(v.name)}: ${what.join('; ')}`);
  }
  return lines.join('\n');
}
