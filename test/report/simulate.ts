import { basename } from 'node:path';
import type { CompareResult } from '../../src/report/compare-types.js';
import { buildResult, type RunResult } from '../../src/run/result.js';
import { parseScenario } from '../../src/scenario/scenario.js';
import { runSimulation } from '../../src/sim/engine.js';
import { evaluateSlo } from '../../src/slo/evaluate.js';

const cache = new Map<string, RunResult>();

/**
 * Runs a scenario given as YAML text in the simulator, in-process, and builds its result; the same
 * text is simulated once per test file (callers get a copy they may change).
 */
export function simulate(yaml: string, file = 'test.yaml'): RunResult {
  const key = `${file}\n${yaml}`;
  let r = cache.get(key);
  if (r === undefined) {
    r = simulateUncached(yaml, file);
    cache.set(key, r);
  }
  return structuredClone(r);
}

/** A fresh simulation, for tests of determinism. */
export function simulateUncached(yaml: string, file = 'test.yaml'): RunResult {
  const scenario = parseScenario(file, yaml);
  const run = runSimulation(scenario);
  return buildResult(
    {
      name: scenario.name ?? basename(file),
      file: basename(file),
      seed: run.seed,
      mode: 'sim',
      durationMs: run.durationMs,
    },
    run.metrics,
    evaluateSlo(scenario.slo, run.metrics),
  );
}

/** A short primary outage: faults, detection, failover, recovery, states, SLOs that pass. */
export const OUTAGE_YAML = `name: short outage
seed: 7
duration: 20s
upstreams:
  - { name: primary, weight: 3, capacity: 32, latency: { p50: 60ms, p99: 300ms }, price: { input: 1, output: 2 } }
  - { name: secondary, weight: 1, capacity: 16, latency: { p50: 90ms, p99: 400ms }, price: { input: 0.5, output: 1 } }
  - { name: backup, backup: true, capacity: 16, latency: { p50: 120ms, p99: 500ms } }
faults:
  - { upstream: primary, at: 5s, for: 6s, kind: down }
balancer:
  strategy: weighted-round-robin
  health:
    active: { interval: 1s, timeout: 500ms, rise: 2, fall: 2 }
    passive: { kind: nginx, maxFails: 3, failTimeout: 5s }
  breaker: { failures: 3, successes: 2, openFor: 4s }
  retry: { attempts: 3, backoff: { base: 50ms, max: 1s } }
  budget: 20%
load: { arrival: poisson, rate: 60/s }
slo:
  p99: 2s
  errorRate: 5%
  failoverTime: 5s
`;

/** One upstream that fails a third of its requests, no retries: SLOs fail, errors by class. */
export const FAILING_YAML = `name: flaky single upstream
seed: 3
duration: 8s
upstreams:
  - { name: only, latency: { p50: 50ms, p99: 200ms } }
faults:
  - { upstream: only, at: 2s, for: 4s, kind: error, status: 503, probability: 40% }
  - { upstream: only, at: 3s, for: 2s, kind: reset, probability: 20% }
balancer:
  retry: { attempts: 1 }
load: { arrival: constant, rate: 40/s }
slo:
  p99: 100ms
  errorRate: 1%
  availability: 99.9%
  failoverTime: 1s
`;

/** Streaming answers: the report adds time to first token and inter-token latency. */
export const STREAMING_YAML = `name: streaming
seed: 5
duration: 6s
upstreams:
  - { name: a, stream: { ttft: { p50: 200ms, p99: 800ms }, itl: { p50: 20ms, p99: 60ms } }, outputTokens: 8 }
  - { name: b, stream: { ttft: { p50: 300ms, p99: 900ms }, itl: { p50: 25ms, p99: 80ms } }, outputTokens: 8 }
load: { arrival: poisson, rate: 20/s, stream: 100% }
slo:
  ttftP99: 2s
`;

/** The short outage under several strategies: what `lbsim compare` would hand the writer. */
export function compareFixture(
  strategies: readonly string[] = ['round-robin', 'least-connections', 'p2c', 'peak-ewma'],
): CompareResult {
  const variants = strategies.map((s) => {
    const yaml = OUTAGE_YAML.replace('strategy: weighted-round-robin', `strategy: ${s}`);
    return { name: s, description: `strategy: ${s}`, result: simulate(yaml, 'outage.yaml') };
  });
  const first = variants[0]!.result.scenario;
  return { scenario: { ...first }, variants };
}

export const SCRIPT_PAYLOAD = '</script><script>alert(1)</script>';
export const UPSTREAM_PAYLOAD = `"'><img src=x onerror="alert(2);window.__xss=1">`;

/**
 * A result whose every free string is hostile: the scenario's name, its file, an upstream's name
 * (as key and as value everywhere), a fault kind, an invariant's first violation.
 */
export function hostile(r: RunResult): RunResult {
  const json = JSON.stringify(r).replaceAll('"primary"', JSON.stringify(UPSTREAM_PAYLOAD));
  const h = JSON.parse(json) as RunResult;
  h.scenario.name = SCRIPT_PAYLOAD;
  h.scenario.file = `<svg onload=alert(3)>&amp;.yaml`;
  if (h.faults[0] !== undefined) h.faults[0].kind = '<b onmouseover=alert(4)>down</b>';
  h.invariants[0] = {
    ...h.invariants[0]!,
    pass: false,
    violations: 1,
    firstViolation: '<script>alert(5)</script> \u2028 & "quoted"',
  };
  h.pass = false;
  return h;
}
