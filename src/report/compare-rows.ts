import type { RunResult } from '../run/result.js';
import type { CompareResult } from './compare-types.js';
import { formatMs, formatPercent, formatRate } from './format.js';

export interface CompareCell {
  text: string;
  /** null: the measure does not exist for this variant (a failover that never happened). */
  value: number | null;
  best: boolean;
}

export interface CompareRow {
  label: string;
  cells: CompareCell[];
}

interface Measure {
  label: string;
  better: 'lower' | 'higher';
  value: (r: RunResult) => number | null;
  text: (v: number | null) => string;
}

function measures(c: CompareResult): Measure[] {
  const first = c.variants[0]?.result;
  const list: Measure[] = [
    {
      label: 'latency p50',
      better: 'lower',
      value: (r) => r.summary.latencyMs.p50,
      text: formatMs,
    },
    {
      label: 'latency p99',
      better: 'lower',
      value: (r) => r.summary.latencyMs.p99,
      text: formatMs,
    },
    {
      label: 'error rate',
      better: 'lower',
      value: (r) => r.summary.errorRate,
      text: (v) => (v === null ? '-' : formatPercent(v)),
    },
    {
      label: 'goodput',
      better: 'higher',
      value: (r) => r.summary.goodputPerSec,
      text: (v) => (v === null ? '-' : formatRate(v)),
    },
  ];
  for (const [i, f] of (first?.faults ?? []).entries()) {
    list.push({
      label: `failover: ${f.upstream} ${f.kind} at ${formatMs(f.start)}`,
      better: 'lower',
      value: (r) => r.faults[i]?.failoverMs ?? null,
      text: (v) => (v === 0 ? '0 (unnoticed)' : formatMs(v)),
    });
  }
  list.push({
    label: 'retry amplification',
    better: 'lower',
    value: (r) => r.summary.retryAmplification,
    text: (v) => (v === null ? '-' : v.toFixed(3)),
  });
  if (c.variants.some((v) => v.result.summary.cost !== undefined))
    list.push({
      label: 'cost',
      better: 'lower',
      value: (r) => r.summary.cost?.total ?? null,
      text: (v) => (v === null ? '-' : v.toFixed(4)),
    });
  return list;
}

/**
 * The comparison table: one row per measure, one cell per variant. The best value in a row is
 * marked (every variant that ties for it), unless all variants are equal. A missing value
 * (never failed over) is never best.
 */
export function compareRows(c: CompareResult): CompareRow[] {
  return measures(c).map((m) => {
    const values = c.variants.map((v) => m.value(v.result));
    const present = values.filter((v): v is number => v !== null);
    const best =
      present.length === 0
        ? null
        : m.better === 'lower'
          ? Math.min(...present)
          : Math.max(...present);
    // Ties are judged as displayed: two cells that read "596 ms" are both best or neither.
    const texts = values.map((v) => m.text(v));
    const bestText = best === null ? null : m.text(best);
    const allSame = texts.every((t) => t === texts[0]);
    return {
      label: m.label,
      cells: values.map((v, i) => ({
        text: texts[i]!,
        value: v,
        best: !allSame && v !== null && texts[i] === bestText,
      })),
    };
  });
}
