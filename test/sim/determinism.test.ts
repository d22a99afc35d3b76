import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from '../../src/scenario/scenario.js';
import { runSimulation } from '../../src/sim/engine.js';

describe('simulator determinism', () => {
  it('gives byte-identical metrics for the same scenario and seed, and different ones for another seed', () => {
    const s = loadScenario('scenarios/outage.yaml');
    const a = JSON.stringify(runSimulation(s).metrics);
    const b = JSON.stringify(runSimulation(loadScenario('scenarios/outage.yaml')).metrics);
    expect(a).toBe(b);
    expect(JSON.stringify(runSimulation(s, { seed: 43 }).metrics)).not.toBe(a);
  });
});

describe('simulator measures', () => {
  const base = `
seed: 3
duration: 40s
upstreams:
  - { name: a, latency: 20ms }
  - { name: b, latency: 20ms }
faults: [{ upstream: a, at: 10s, for: 10s, kind: down }]
load: { arrival: constant, rate: 100/s }
`;

  it('shows an outage to clients when nothing retries or checks: failover never happens during the fault', () => {
    const s = parseScenario('x.yaml', `${base}balancer: { retry: { attempts: 1 } }\n`);
    const r = runSimulation(s).metrics;
    const f = r.faults[0]!;
    // Round robin keeps sending every other request to the dead upstream for the whole fault.
    expect(r.summary.errorsByClass.reset).toBeGreaterThan(450);
    expect(r.summary.errorsByClass.reset).toBeLessThan(550);
    expect(f.detectionMs).toBeNull();
    expect(f.failoverMs).toBeNull();
    expect(f.recoveryMs).toBe(0);
  });

  it('with passive health checks clients see about one failure per ejection period: below 1%', () => {
    const s = parseScenario(
      'x.yaml',
      `${base}balancer:
  retry: { attempts: 1 }
  health: { passive: { kind: nginx, maxFails: 1, failTimeout: 2s } }
`,
    );
    const r = runSimulation(s).metrics;
    const f = r.faults[0]!;
    expect(r.summary.errorsByClass.reset).toBeGreaterThanOrEqual(5);
    expect(r.summary.errorsByClass.reset).toBeLessThanOrEqual(6);
    expect(f.detectionMs).toBeLessThan(100);
    expect(f.failoverMs).toBe(0);
    expect(r.invariants.every((i) => i.pass)).toBe(true);
  });

  it('hides the same outage from clients with one retry on another upstream', () => {
    const s = parseScenario('x.yaml', `${base}balancer: { retry: { attempts: 2 } }\n`);
    const r = runSimulation(s).metrics;
    expect(r.summary.errorRate).toBe(0);
    expect(r.faults[0]!.failoverMs).toBe(0);
    expect(r.summary.retries).toBeGreaterThan(400); // every other request hit a first
  });

  it('resets what a fake was serving when it goes down, as a closed port does to live sockets', () => {
    const s = parseScenario(
      'x.yaml',
      `
duration: 1500ms
upstreams: [{ name: a, latency: 5s }, { name: b, latency: 5s }]
faults: [{ upstream: a, at: 1s, for: 10s, kind: down }]
load: { arrival: constant, rate: 10/s }
balancer: { retry: { attempts: 1 } }
`,
    );
    const r = runSimulation(s).metrics;
    // Every request sent to a fails: those in service at 1 s with a reset, later ones refused.
    expect(r.summary.attemptsPerUpstream['a']).toBeGreaterThanOrEqual(6);
    expect(r.summary.errorsByClass.reset).toBe(r.summary.attemptsPerUpstream['a']);
    expect(r.summary.ok).toBe(r.summary.attemptsPerUpstream['b']);
  });

  it('runs closed-loop load with think time', () => {
    const s = parseScenario(
      'x.yaml',
      `
duration: 10s
upstreams: [{ name: a, latency: 10ms }]
load: { arrival: closed, clients: 5, think: 90ms }
`,
    );
    const r = runSimulation(s).metrics;
    // Each client does one request per 100 ms.
    expect(r.summary.requests).toBeGreaterThanOrEqual(495);
    expect(r.summary.requests).toBeLessThanOrEqual(505);
  });

  it('measures time to first token for streams', () => {
    const s = parseScenario(
      'x.yaml',
      `
duration: 5s
upstreams: [{ name: a, stream: { ttft: 200ms, itl: 10ms }, outputTokens: 20 }]
load: { rate: 20/s, stream: 100% }
`,
    );
    const r = runSimulation(s).metrics;
    expect(r.summary.ttftMs?.p50).toBeCloseTo(200, 0);
    expect(r.summary.latencyMs.p50).toBeCloseTo(200 + 19 * 10, 0);
  });
});
