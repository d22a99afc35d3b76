import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { parseScenario } from '../../src/scenario/scenario.js';
import { runSimulation } from '../../src/sim/engine.js';
import { evaluateSlo } from '../../src/slo/evaluate.js';

const scenario = (slo: string) => `duration: 8s
seed: 5
upstreams: [{ name: primary, latency: 30ms }, { name: secondary, latency: 30ms }]
faults: [{ upstream: primary, at: 2s, for: 3s, kind: down }]
balancer: { retry: { attempts: 1 } }
load: { rate: 50/s }
slo:
${slo}`;

describe('phase SLOs in a scenario', () => {
  it('are read with units and checked within their window of the run', () => {
    const s = parseScenario(
      'p.yaml',
      scenario(`  errorRate: 50%
  phases:
    - { name: during outage, from: 2s, to: 5s, errorRate: 1%, p99: 1s }
    - { name: after recovery, from: 6s, errorRate: 0.1% }
`),
    );
    expect(s.slo?.phases?.[0]).toMatchObject({ from: 2000, to: 5000, errorRate: 0.01, p99: 1000 });
    const results = evaluateSlo(s.slo, runSimulation(s).metrics);
    expect(results.map((r) => [r.name, r.pass])).toEqual([
      ['errorRate', true],
      ['p99 during outage', true],
      ['errorRate during outage', false], // a single attempt: clients see the dead primary
      ['errorRate after recovery', true],
    ]);
    const during = results.find((r) => r.name === 'errorRate during outage')!;
    const overall = results.find((r) => r.name === 'errorRate')!;
    expect(during.actual!).toBeGreaterThan(overall.actual!);
  });

  it('refuse a phase that ends before it starts, and unknown keys, at their place', () => {
    let err: unknown;
    try {
      parseScenario(
        'p.yaml',
        scenario('  phases:\n    - { name: x, from: 5s, to: 2s, p99: 1s, erorRate: 1% }\n'),
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message.split('\n')).toEqual([
      'p.yaml:9:32: slo.phases[0].to: a phase must end after it starts',
      'p.yaml:9:45: slo.phases[0].erorRate: unknown key, did you mean errorRate?',
    ]);
  });
});
