import { describe, expect, it } from 'vitest';
import { compareRows } from '../../src/report/compare-rows.js';
import type { CompareResult } from '../../src/report/compare-types.js';
import type { RunResult } from '../../src/run/result.js';
import { simulate, STREAMING_YAML } from './simulate.js';

const base = simulate(STREAMING_YAML);

function variant(name: string, patch: (r: RunResult) => void): CompareResult['variants'][number] {
  const result = structuredClone(base);
  patch(result);
  return { name, description: name, result };
}

function fixture(variants: CompareResult['variants']): CompareResult {
  return { scenario: base.scenario, variants };
}

const fault = {
  index: 0,
  upstream: 'a',
  kind: 'down',
  start: 1000,
  end: 3000,
  detectionMs: 10,
  recoveryMs: 100,
};

describe('compareRows', () => {
  it('marks the lowest latency and the highest goodput; ties as displayed share the mark', () => {
    const c = fixture([
      variant('a', (r) => {
        r.summary.latencyMs.p50 = 100.2;
        r.summary.goodputPerSec = 10;
      }),
      variant('b', (r) => {
        r.summary.latencyMs.p50 = 99.9;
        r.summary.goodputPerSec = 12;
      }),
      variant('c', (r) => {
        r.summary.latencyMs.p50 = 150;
        r.summary.goodputPerSec = 11;
      }),
    ]);
    const rows = compareRows(c);
    const p50 = rows.find((r) => r.label === 'latency p50')!;
    expect(p50.cells.map((x) => x.text)).toEqual(['100 ms', '100 ms', '150 ms']);
    expect(p50.cells.map((x) => x.best)).toEqual([true, true, false]);
    const goodput = rows.find((r) => r.label === 'goodput')!;
    expect(goodput.cells.map((x) => x.best)).toEqual([false, true, false]);
  });

  it('marks nothing when every variant is equal, and never a failover that never happened', () => {
    const c = fixture([
      variant('a', (r) => (r.faults = [{ ...fault, failoverMs: null }])),
      variant('b', (r) => (r.faults = [{ ...fault, failoverMs: 2500 }])),
      variant('c', (r) => (r.faults = [{ ...fault, failoverMs: 0 }])),
    ]);
    const rows = compareRows(c);
    const failover = rows.find((r) => r.label.startsWith('failover'))!;
    expect(failover.label).toBe('failover: a down at 1.00 s');
    expect(failover.cells.map((x) => x.text)).toEqual(['never', '2.50 s', '0 (unnoticed)']);
    expect(failover.cells.map((x) => x.best)).toEqual([false, false, true]);
    expect(rows.find((r) => r.label === 'error rate')!.cells.every((x) => !x.best)).toBe(true);
    expect(rows.some((r) => r.label === 'cost')).toBe(false);
  });
});
