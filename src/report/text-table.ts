import type pc from 'picocolors';

/** The colours the terminal views use; tests pass identity functions. */
export type Colors = Pick<typeof pc, 'green' | 'red' | 'bold' | 'dim'>;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** Text as it shows on a terminal: colour codes take no columns. */
export function visible(s: string): string {
  return s.replace(ANSI, '');
}

/** Rows as aligned columns, two spaces apart, colour codes ignored when measuring. */
export function textTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => visible(r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c + ' '.repeat(widths[i]! - visible(c).length))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
