import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/run/result.js';
import {
  costPerRequest,
  libraryFiles,
  load,
  phase,
  runShipped,
  runVariants,
  stateChanges,
} from './run-scenario.js';

/** Scenarios that only make sense against a real external gateway (run live by their own test). */
const LIVE_ONLY = new Set(['external-nginx.yaml']);

/** What each scenario's comment promises its comparison shows: directions, never exact numbers. */
const PROMISES: Record<string, (v: Map<string, RunResult>) => void> = {
  'outage.yaml': (v) => {
    const hybrid = v.get('hybrid (as shipped)')!;
    const active = v.get('active checks only')!;
    const passive = v.get('passive checks only')!;
    // Active checks alone notice only after fall × interval: seconds, and clients see errors.
    expect(active.faults[0]!.detectionMs!).toBeGreaterThan(10 * passive.faults[0]!.detectionMs!);
    expect(active.summary.errorRate).toBeGreaterThan(hybrid.summary.errorRate);
    expect(active.faults[0]!.failoverMs!).toBeGreaterThan(hybrid.faults[0]!.failoverMs!);
    // Passive checks alone keep paying for the dead primary: every failTimeout a request to it.
    expect(passive.summary.retries).toBeGreaterThan(hybrid.summary.retries);
  },
  'brownout.yaml': (v) => {
    const rr = v.get('round-robin')!.summary.latencyMs.p99;
    const lc = v.get('least-connections')!.summary.latencyMs.p99;
    const pe = v.get('peak-ewma')!.summary.latencyMs.p99;
    expect(lc).toBeLessThan(rr);
    expect(pe).toBeLessThan(lc);
    const share = (r: RunResult) => r.summary.attemptsPerUpstream['slow']! / r.summary.attempts;
    expect(share(v.get('peak-ewma')!)).toBeLessThan(share(v.get('round-robin')!));
  },
  'rate-limit-storm.yaml': (v) => {
    const honour = v.get('honour Retry-After')!;
    const ignore = v.get('ignore Retry-After')!;
    expect(ignore.summary.retryAmplification!).toBeGreaterThan(honour.summary.retryAmplification!);
    expect(ignore.summary.attemptsPerUpstream['provider']!).toBeGreaterThan(
      honour.summary.attemptsPerUpstream['provider']!,
    );
  },
  'flapping.yaml': (v) => {
    const growing = v.get('breaker + growing ejection')!;
    const alone = v.get('breaker alone')!;
    expect(growing.summary.retries).toBeLessThan(alone.summary.retries);
    expect(growing.summary.attemptsPerUpstream['flaky']!).toBeLessThan(
      alone.summary.attemptsPerUpstream['flaky']!,
    );
    expect(stateChanges(growing, 'flaky', 'breaker')).toBeLessThan(
      stateChanges(alone, 'flaky', 'breaker'),
    );
  },
  'heterogeneous.yaml': (v) => {
    const p99 = (n: string) => v.get(n)!.summary.latencyMs.p99;
    expect(v.get('round-robin')!.summary.errorRate).toBeGreaterThan(0.01);
    expect(p99('p2c')).toBeLessThan(p99('weighted-round-robin'));
    expect(p99('peak-ewma')).toBeLessThan(p99('weighted-round-robin'));
    expect(p99('weighted-round-robin')).toBeLessThanOrEqual(p99('round-robin') * 1.5);
    expect(v.get('peak-ewma')!.summary.errorRate).toBe(0);
  },
  'retry-storm.yaml': (v) => {
    const budget = v.get('10% retry budget')!;
    const none = v.get('no budget')!;
    // The metastable state: after the spike, goodput stays collapsed without a budget.
    expect(phase(budget, 35).goodputPerSec).toBeGreaterThan(250);
    expect(phase(none, 35).goodputPerSec).toBeLessThan(0.25 * phase(budget, 35).goodputPerSec);
    expect(phase(none, 35).retryAmplification!).toBeGreaterThan(2);
    // Before the spike both are healthy: the difference is what happens after the trigger.
    expect(phase(none, 5, 20).errorRate).toBe(0);
  },
  'streaming.yaml': (v) => {
    const limit = v.get('first token within 1 s')!;
    const none = v.get('no first-token limit')!;
    expect(none.summary.ttftMs!.p99).toBeGreaterThan(2 * limit.summary.ttftMs!.p99);
    expect(limit.summary.retries).toBeGreaterThan(none.summary.retries);
  },
  'cost.yaml': (v) => {
    const cheap = v.get('cheapest within 1 s')!;
    const fast = v.get('peak-ewma (fastest)')!;
    expect(costPerRequest(cheap)).toBeLessThan(0.75 * costPerRequest(fast));
    expect(fast.summary.latencyMs.p50).toBeLessThan(cheap.summary.latencyMs.p50);
    // cheapest keeps to the $2.50 provider, moving to $8 only while it is slower than the bound.
    const a = cheap.summary.attemptsPerUpstream;
    expect(a['budget']! + a['standard']!).toBeGreaterThan(0.9 * cheap.summary.attempts);
    expect(a['budget']!).toBeGreaterThan(a['premium']!);
  },
  'mid-stream.yaml': (v) => {
    const idle = v.get('idle limit 2 s')!;
    const none = v.get('no idle limit')!;
    for (const r of [idle, none]) {
      expect(r.summary.errorsByClass.truncated).toBeGreaterThan(0);
      expect(r.invariants.find((i) => i.name === 'no-truncated-success')!.pass).toBe(true);
    }
    expect(none.summary.latencyMs.max).toBeGreaterThan(15_000);
    expect(idle.summary.latencyMs.max).toBeLessThan(none.summary.latencyMs.max / 2);
  },
  'guide-defaults.yaml': (v) => {
    const guide = v.get('guide defaults')!;
    const tuned = v.get('tuned')!;
    expect(guide.faults[0]!.recoveryMs!).toBeGreaterThan(15_000);
    expect(tuned.faults[0]!.recoveryMs!).toBeLessThan(guide.faults[0]!.recoveryMs! / 3);
    expect(tuned.summary.attemptsPerUpstream['primary']!).toBeGreaterThan(
      guide.summary.attemptsPerUpstream['primary']!,
    );
  },
};

const simulated = libraryFiles().filter((f) => !LIVE_ONLY.has(f));

describe('scenario library', () => {
  it('has a promise checked for every scenario with a compare: section', () => {
    for (const f of simulated) {
      if (load(f).compare !== undefined) expect(Object.keys(PROMISES)).toContain(f);
    }
  });

  describe.each(simulated)('%s', (file) => {
    it('validates, runs in the simulator and meets its own SLOs', () => {
      const r = runShipped(file);
      const failed = [...r.slo.filter((s) => !s.pass), ...r.invariants.filter((i) => !i.pass)];
      expect(failed).toEqual([]);
      expect(r.pass).toBe(true);
    });

    const promise = PROMISES[file];
    if (promise !== undefined)
      it('its comparison shows what its comment promises', () => {
        promise(runVariants(file));
      });
  });

  it('rate-limit-storm: a gateway limit below the provider’s means no 429 at all', () => {
    const s = load('rate-limit-storm.yaml');
    const limited = {
      ...s,
      upstreams: s.upstreams.map((u) =>
        u.name === 'provider'
          ? { ...u, limit: { kind: 'sliding-window' as const, limit: 500, windowMs: 60_000 } }
          : u,
      ),
    };
    const r = runShipped('rate-limit-storm.yaml', limited);
    expect(r.summary.retries).toBe(0);
    expect(r.summary.errorRate).toBe(0);
  });
});
