import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import {
  median,
  medianOrNever,
  medianResult,
  parseRepeat,
  repeatLine,
  type SloSpec,
} from '../../src/run/repeat.js';
import { buildResult, type RunResult } from '../../src/run/result.js';
import { zRunResult } from '../../src/run/result-schema.js';
import { parseScenario } from '../../src/scenario/scenario.js';
import { runSimulation } from '../../src/sim/engine.js';
import { evaluateSlo } from '../../src/slo/evaluate.js';

const SCENARIO = `
name: tiny outage
seed: 7
duration: 4s
upstreams:
  - { name: a, latency: { p50: 10ms, p99: 40ms } }
  - { name: b, latency: { p50: 10ms, p99: 40ms } }
faults:
  - { upstream: a, at: 1s, for: 1s, kind: down }
load: { rate: 50/s }
slo:
  p99: 300ms
  errorRate: 1%
  failoverTime: 2s
  phases:
    - { name: during outage, from: 1s, to: 2s, errorRate: 50% }
`;

const scenario = parseScenario('tiny.yaml', SCENARIO);
const SLO: SloSpec = scenario.slo;

/** One real simulated result: the template every synthetic run below is derived from. */
const TEMPLATE: RunResult = (() => {
  const run = runSimulation(scenario);
  return buildResult(
    { name: 'tiny outage', file: 'tiny.yaml', seed: run.seed, mode: 'sim', durationMs: 4000 },
    run.metrics,
    evaluateSlo(scenario.slo, run.metrics),
  );
})();

interface Knobs {
  p99: number;
  errorRate: number;
  goodput: number;
  failover: number | null;
  invariantOk?: boolean;
}

/** A run with the given headline measures; the rest is the template's. */
function runWith(k: Knobs): RunResult {
  const r = structuredClone(TEMPLATE);
  r.summary.latencyMs.p99 = k.p99;
  r.summary.errorRate = k.errorRate;
  r.summary.errorsByClass.reset = Math.round(k.errorRate * 1000);
  r.summary.goodputPerSec = k.goodput;
  r.faults[0]!.failoverMs = k.failover;
  r.faults[0]!.detectionMs = k.failover === null ? null : k.failover / 2;
  if (k.invariantOk === false) {
    r.invariants[0] = {
      ...r.invariants[0]!,
      pass: false,
      violations: 2,
      firstViolation: 'boom',
    };
  }
  r.series = { ...r.series, t: [...r.series.t], latencyP99: r.series.latencyP99.map(() => k.p99) };
  r.slo = evaluateSlo(SLO, r);
  r.pass = r.slo.every((s) => s.pass) && r.invariants.every((i) => i.pass);
  return r;
}

describe('median', () => {
  it('takes the middle of an odd count and the mean of the two middles of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5])).toBe(5);
  });

  it('treats null as never (+Infinity) and gives never back when the median is never', () => {
    expect(medianOrNever([100, null, 300])).toBe(300);
    expect(medianOrNever([null, null, 300])).toBeNull();
    expect(medianOrNever([100, 200, null, null])).toBeNull();
    expect(medianOrNever([100, 200, 300, null])).toBe(250);
    expect(medianOrNever([null])).toBeNull();
  });
});

describe('parseRepeat', () => {
  it('accepts 1..20 and defaults to 1', () => {
    expect(parseRepeat(undefined)).toBe(1);
    expect(parseRepeat('1')).toBe(1);
    expect(parseRepeat('20')).toBe(20);
  });

  it.each(['0', '21', '-1', '2.5', 'three', ''])('rejects %j as a usage error', (v) => {
    expect(() => parseRepeat(v)).toThrow(UsageError);
  });
});

describe('medianResult', () => {
  it('reports the median of an odd number of runs and states the spread', () => {
    const runs = [
      runWith({ p99: 90, errorRate: 0.002, goodput: 49, failover: 500 }),
      runWith({ p99: 30, errorRate: 0.001, goodput: 50, failover: 300 }),
      runWith({ p99: 60, errorRate: 0.02, goodput: 45, failover: null }),
    ];
    const m = medianResult(runs, SLO);
    expect(m.summary.latencyMs.p99).toBe(60);
    expect(m.summary.errorRate).toBe(0.002);
    expect(m.summary.errorsByClass.reset).toBe(2);
    expect(m.summary.goodputPerSec).toBe(49);
    expect(m.faults[0]!.failoverMs).toBe(500); // 300, 500, never
    expect(m.faults[0]!.detectionMs).toBe(250);
    expect(m.repeats.n).toBe(3);
    expect(m.repeats.runs.map((r) => r.p99)).toEqual([90, 30, 60]);
    expect(m.repeats.runs[2]!.failoverMs).toEqual([null]);
    expect(m.repeats.spread).toEqual({
      p99: { min: 30, max: 90 },
      errorRate: { min: 0.001, max: 0.02 },
    });
    // The series are the run closest to the median p99: the third.
    expect(m.repeats.seriesFromRun).toBe(2);
    expect(m.series).toEqual(runs[2]!.series);
    expect(repeatLine(m.repeats)).toMatch(/median of 3 runs; p99 30 ms to 90 ms/);
    // result.json still has its schema.
    expect(zRunResult.safeParse(JSON.parse(JSON.stringify(m))).success).toBe(true);
  });

  it('takes the mean of the two middle runs for an even number, never as +Infinity', () => {
    const runs = [
      runWith({ p99: 10, errorRate: 0, goodput: 50, failover: 100 }),
      runWith({ p99: 40, errorRate: 0.004, goodput: 40, failover: null }),
      runWith({ p99: 20, errorRate: 0.002, goodput: 48, failover: 300 }),
      runWith({ p99: 30, errorRate: 0.001, goodput: 44, failover: null }),
    ];
    const m = medianResult(runs, SLO);
    expect(m.summary.latencyMs.p99).toBe(25);
    expect(m.summary.errorRate).toBeCloseTo(0.0015, 12);
    expect(m.summary.goodputPerSec).toBe(46);
    // 100, 300, never, never: the upper middle is never, so the median is never.
    expect(m.faults[0]!.failoverMs).toBeNull();
    expect(m.slo.find((s) => s.name === 'failoverTime')).toMatchObject({
      actual: null,
      pass: false,
    });
    expect(m.pass).toBe(false);
  });

  it('evaluates the SLOs again on the median values, not on any one run', () => {
    // Run 1 fails p99 <= 300ms, run 2 fails errorRate <= 1%: the median of each measure passes,
    // since most runs meet each SLO.
    const runs = [
      runWith({ p99: 450, errorRate: 0.001, goodput: 50, failover: 100 }),
      runWith({ p99: 150, errorRate: 0.05, goodput: 50, failover: 100 }),
      runWith({ p99: 240, errorRate: 0.002, goodput: 50, failover: 100 }),
    ];
    expect(runs.map((r) => r.pass)).toEqual([false, false, true]);
    const m = medianResult(runs, SLO);
    const p99 = m.slo.find((s) => s.name === 'p99')!;
    expect(p99).toMatchObject({ actual: 240, target: 300, pass: true });
    expect(m.slo.find((s) => s.name === 'errorRate')).toMatchObject({ actual: 0.002, pass: true });
    // The phase SLO is evaluated too (on the kept run's series).
    expect(m.slo.map((s) => s.name)).toEqual(evaluateSlo(SLO, TEMPLATE).map((s) => s.name));
    expect(m.pass).toBe(true);

    const worse = [
      runs[0]!,
      runs[1]!,
      runWith({ p99: 360, errorRate: 0.03, goodput: 50, failover: 100 }),
    ];
    const w = medianResult(worse, SLO);
    expect(w.slo.find((s) => s.name === 'p99')).toMatchObject({ actual: 360, pass: false });
    expect(w.pass).toBe(false);
  });

  it('fails when an invariant was violated in any single run', () => {
    const runs = [
      runWith({ p99: 50, errorRate: 0, goodput: 50, failover: 100 }),
      runWith({ p99: 50, errorRate: 0, goodput: 50, failover: 100, invariantOk: false }),
      runWith({ p99: 50, errorRate: 0, goodput: 50, failover: 100 }),
    ];
    expect(runs[0]!.pass).toBe(true);
    const m = medianResult(runs, SLO);
    expect(m.slo.every((s) => s.pass)).toBe(true);
    expect(m.invariants[0]).toMatchObject({ pass: false, violations: 2, firstViolation: 'boom' });
    expect(m.invariants.length).toBe(TEMPLATE.invariants.length);
    expect(m.pass).toBe(false);
  });

  it('of one run keeps its measures', () => {
    const m = medianResult([TEMPLATE], SLO);
    expect(m.summary).toEqual(TEMPLATE.summary);
    expect(m.faults).toEqual(TEMPLATE.faults);
    expect(m.slo).toEqual(TEMPLATE.slo);
    expect(m.repeats.n).toBe(1);
  });

  const knobs = fc.record({
    p99: fc.integer({ min: 1, max: 5000 }),
    errorRate: fc.double({ min: 0, max: 1, noNaN: true }),
    goodput: fc.double({ min: 0, max: 1000, noNaN: true }),
    failover: fc.option(fc.integer({ min: 0, max: 60_000 }), { nil: null }),
  });

  it('lies between the smallest and largest run of each measure, in any run order', () => {
    fc.assert(
      fc.property(fc.array(knobs, { minLength: 1, maxLength: 8 }), fc.nat(), (ks, seed) => {
        const runs = ks.map(runWith);
        const m = medianResult(runs, SLO);
        const within = (v: number, vs: number[]) =>
          v >= Math.min(...vs) - 1e-9 && v <= Math.max(...vs) + 1e-9;
        expect(
          within(
            m.summary.latencyMs.p99,
            ks.map((k) => k.p99),
          ),
        ).toBe(true);
        expect(
          within(
            m.summary.errorRate,
            ks.map((k) => k.errorRate),
          ),
        ).toBe(true);
        expect(
          within(
            m.summary.goodputPerSec,
            ks.map((k) => k.goodput),
          ),
        ).toBe(true);
        const f = m.faults[0]!.failoverMs;
        const fs = ks.map((k) => (k.failover === null ? Infinity : k.failover));
        expect(within(f === null ? Infinity : f, fs)).toBe(true);
        // A permutation (a rotation then a reversal) gives the same median.
        const r = seed % runs.length;
        const permuted = [...runs.slice(r), ...runs.slice(0, r)].reverse();
        const p = medianResult(permuted, SLO);
        expect(p.summary).toEqual(m.summary);
        expect(p.faults).toEqual(m.faults);
        expect(p.slo.filter((s) => !s.name.includes(' '))).toEqual(
          m.slo.filter((s) => !s.name.includes(' ')),
        );
        expect(p.repeats.spread).toEqual(m.repeats.spread);
      }),
      { numRuns: 200 },
    );
  });
});

describe('lbsim run --repeat (simulation)', () => {
  function lbsim(args: string[]) {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(process.cwd(), 'test/cli/entry.ts'), ...args],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('runs three times and writes the median with repeats.n === 3', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbsim-repeat-'));
    const file = join(dir, 'tiny.yaml');
    writeFileSync(file, SCENARIO);
    const r = lbsim(['run', file, '--repeat', '3', '--out', join(dir, 'out')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/repeat: median of 3 runs; p99 .+ to .+, error rate .+ to .+/);
    const result = JSON.parse(readFileSync(join(dir, 'out', 'result.json'), 'utf8'));
    expect(result.repeats.n).toBe(3);
    expect(result.repeats.runs).toHaveLength(3);
    // Deterministic: three identical runs, spread 0, the median is the single run's value.
    expect(result.repeats.spread.p99.min).toBe(result.repeats.spread.p99.max);
    expect(result.summary.latencyMs.p99).toBe(result.repeats.spread.p99.min);
  });

  it('refuses a bad --repeat with exit 2', () => {
    const r = lbsim(['run', 'scenarios/outage.yaml', '--repeat', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--repeat/);
  });
});
