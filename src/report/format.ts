/** Human formatting of measures for the terminal and Markdown. */

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return 'never';
  if (ms === 0) return '0';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatPercent(fraction: number): string {
  const p = fraction * 100;
  if (p === 0 || p === 100) return `${p}%`;
  return `${p < 0.1 || p > 99.9 ? p.toFixed(3) : p.toFixed(2)}%`;
}

export function formatRate(perSec: number): string {
  return `${perSec.toFixed(perSec < 10 ? 2 : 1)}/s`;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** An SLO target or actual in its unit: ms measures, fractions, rates, plain numbers. */
export function formatSloValue(name: string, v: number | null): string {
  if (v === null) return 'never';
  // Phase checks are named "<measure> <phase>", e.g. "errorRate during outage".
  name = name.split(' ')[0]!;
  if (name === 'errorRate' || name === 'availability') return formatPercent(v);
  if (name === 'goodput') return formatRate(v);
  if (name === 'retryAmplification') return v.toFixed(3);
  return formatMs(v);
}
