/**
 * A tiny benchmark harness: warms up, then times batches until a time budget is spent, and
 * reports the best batch's ns/op (the least disturbed by GC and the other core's work).
 * Benchmarks print; they never assert timings.
 */
export interface BenchRow {
  group: string;
  name: string;
  nsPerOp: number;
  target?: number | undefined;
}

export function measure(
  fn: (iterations: number) => void,
  opsPerBatch = 10_000,
  budgetMs = 300,
): number {
  fn(Math.min(opsPerBatch, 1000));
  let best = Infinity;
  const end = performance.now() + budgetMs;
  let batches = 0;
  while (batches < 3 || performance.now() < end) {
    const t0 = process.hrtime.bigint();
    fn(opsPerBatch);
    const ns = Number(process.hrtime.bigint() - t0) / opsPerBatch;
    if (ns < best) best = ns;
    batches++;
  }
  return best;
}

export function printTable(title: string, rows: BenchRow[]): void {
  const lines = rows.map((r) => {
    const verdict = r.target === undefined ? '' : r.nsPerOp <= r.target ? 'ok' : 'MISSED';
    return [
      r.group,
      r.name,
      r.nsPerOp.toFixed(1),
      r.target === undefined ? '' : `< ${r.target}`,
      verdict,
    ];
  });
  const head = ['group', 'case', 'ns/op', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cols: string[]): string =>
    cols
      .map((c, i) => (i === 2 || i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ');
  console.log(`\n${title}`);
  console.log(fmt(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
}
