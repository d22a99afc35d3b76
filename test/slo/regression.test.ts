import { describe, expect, it } from 'vitest';
import type { FaultMetrics } from '../../src/metrics/run-metrics.js';
import {
  compareToBaseline,
  SIM_TOLERANCES,
  type BaselineResult,
} from '../../src/slo/regression.js';
import { updateBaseline, baselineEntry } from '../../src/slo/baseline.js';
import { regressionSummary } from '../../src/slo/regression-text.js';
import { metricsOf, seriesOf } from './series.js';

const fault = (over: Partial<FaultMetrics> = {}): FaultMetrics => ({
  index: 0,
  upstream: 'primary',
  kind: 'down',
  start: 15_000,
  end: 35_000,
  detectionMs: 300,
  failoverMs: 1000,
  recoveryMs: 4000,
  ...over,
});

function result(over: {
  p99?: number;
  errorRate?: number;
  goodput?: number;
  amp?: number | null;
  faults?: FaultMetrics[];
}): BaselineResult {
  const m = metricsOf(seriesOf([]), 1000);
  return {
    format: 'lbsim-result/1',
    scenario: { name: 's', file: 's.yaml', seed: '1', mode: 'sim', durationMs: 60_000 },
    summary: {
      ...m.summary,
      latencyMs: { ...m.summary.latencyMs, p50: 100, p90: 200, p99: over.p99 ?? 500 },
      errorRate: over.errorRate ?? 0.002,
      goodputPerSec: over.goodput ?? 200,
      retryAmplification: over.amp === undefined ? 1.05 : over.amp,
    },
    faults: over.faults ?? [fault()],
  };
}

const byName = (rs: ReturnType<typeof compareToBaseline>) =>
  Object.fromEntries(rs.map((r) => [r.name, r]));

describe('compareToBaseline', () => {
  it('passes the same run, every measure checked', () => {
    const rs = compareToBaseline(result({}), result({}));
    expect(rs.map((r) => r.name)).toEqual([
      'p50',
      'p90',
      'p99',
      'errorRate',
      'goodput',
      'retryAmplification',
      'failoverTime primary down at 15 s',
      'recoveryTime primary down at 15 s',
      'detectionTime primary down at 15 s',
    ]);
    expect(rs.every((r) => r.pass)).toBe(true);
  });

  it('allows the tolerance and no more: p99 +5%, error rate +0.1 point, failover +10% or +100 ms', () => {
    const ok = byName(
      compareToBaseline(
        result({}),
        result({ p99: 525, errorRate: 0.003, faults: [fault({ failoverMs: 1100 })] }),
      ),
    );
    expect(ok['p99']).toMatchObject({ baseline: 500, actual: 525, limit: 525, pass: true });
    expect(ok['errorRate']).toMatchObject({ limit: 0.003, pass: true });
    expect(ok['failoverTime primary down at 15 s']).toMatchObject({ limit: 1100, pass: true });
    const bad = byName(
      compareToBaseline(
        result({}),
        result({
          p99: 526,
          errorRate: 0.0031,
          goodput: 195,
          faults: [fault({ failoverMs: 1101 })],
        }),
      ),
    );
    expect(bad['p99']).toMatchObject({ baseline: 500, actual: 526, limit: 525, pass: false });
    expect(bad['errorRate']!.pass).toBe(false);
    expect(bad['goodput']).toMatchObject({ op: '>=', limit: 196, actual: 195, pass: false });
    expect(bad['failoverTime primary down at 15 s']!.pass).toBe(false);
    // Small times get the absolute allowance: 100 ms over a 200 ms failover is still fine.
    const small = byName(
      compareToBaseline(
        result({ faults: [fault({ failoverMs: 200 })] }),
        result({ faults: [fault({ failoverMs: 300 })] }),
      ),
    );
    expect(small['failoverTime primary down at 15 s']).toMatchObject({ limit: 300, pass: true });
  });

  it('treats never as worse than any time, and anything as no worse than never', () => {
    const never = byName(
      compareToBaseline(result({}), result({ faults: [fault({ failoverMs: null })] })),
    );
    expect(never['failoverTime primary down at 15 s']).toMatchObject({
      baseline: 1000,
      actual: null,
      pass: false,
    });
    const better = byName(
      compareToBaseline(result({ faults: [fault({ recoveryMs: null })] }), result({})),
    );
    expect(better['recoveryTime primary down at 15 s']).toMatchObject({
      baseline: null,
      limit: null,
      pass: true,
    });
  });

  it('skips faults the baseline does not have, and takes tolerances given', () => {
    const rs = compareToBaseline(result({ faults: [] }), result({ p99: 600 }), {
      ...SIM_TOLERANCES,
      p99: { relative: 0.5, absolute: 0 },
    });
    expect(rs.some((r) => r.name.startsWith('failoverTime'))).toBe(false);
    expect(byName(rs)['p99']).toMatchObject({ limit: 750, pass: true });
  });

  it('names each failing measure with baseline, limit and actual in the terminal', () => {
    const text = regressionSummary(compareToBaseline(result({}), result({ p99: 900 })), {
      green: String,
      red: String,
      bold: String,
      dim: String,
    });
    expect(text).toMatch(/^p99\s+500 ms\s+<= 525 ms\s+900 ms\s+REGRESSION$/m);
    expect(text).toMatch(/1 regression: p99 900 ms \(baseline 500 ms, limit 525 ms\)/);
  });
});

describe('baseline files', () => {
  it('keep one entry per scenario file, sorted, without time series', () => {
    const a = { ...result({}), series: seriesOf([]) } as BaselineResult;
    const b = { ...result({ p99: 1 }), scenario: { ...a.scenario, file: 'a.yaml' } };
    const file = updateBaseline(updateBaseline(undefined, [a]), [b]);
    expect(Object.keys(file.results)).toEqual(['a.yaml', 's.yaml']);
    expect(file.results['s.yaml']).not.toHaveProperty('series');
    expect(baselineEntry(file as never, a.scenario)?.summary.latencyMs.p99).toBe(500);
    expect(baselineEntry(file as never, { ...a.scenario, file: 'new.yaml' })).toBeUndefined();
  });
});
