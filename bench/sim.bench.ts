import { parseScenario } from '../src/scenario/scenario.js';
import { runSimulation } from '../src/sim/engine.js';

const SCENARIOS: Record<string, string> = {
  'healthy, round-robin, no checks': `
duration: 600s
upstreams: [{ name: a, latency: 50ms }, { name: b, latency: 50ms }]
load: { arrival: poisson, rate: 2000/s }
`,
  'outage, full pipeline (health, breaker, retry, budget)': `
duration: 600s
upstreams:
  - { name: primary, weight: 3, capacity: 256, latency: { p50: 80ms, p99: 400ms } }
  - { name: secondary, weight: 1, capacity: 128, latency: { p50: 120ms, p99: 600ms } }
  - { name: backup, backup: true, capacity: 128 }
faults: [{ upstream: primary, at: 150s, for: 200s, kind: down }]
balancer:
  strategy: weighted-round-robin
  health:
    active: { interval: 2s, timeout: 1s, rise: 2, fall: 3 }
    passive: { kind: nginx, maxFails: 3, failTimeout: 10s }
  breaker: { failures: 5, successes: 2, openFor: 30s, halfOpenMaxCalls: 3 }
  retry: { attempts: 3, backoff: { base: 100ms, max: 2s, jitter: full } }
  budget: 20%
  timeouts: { perTry: 5s, total: 15s }
load: { arrival: poisson, rate: 2000/s }
`,
};

/** Simulated client requests per wall-clock second, with the whole pipeline and recorder on. */
export function run(): void {
  const rows: string[][] = [];
  for (const [name, yaml] of Object.entries(SCENARIOS)) {
    const scenario = parseScenario(`${name}.yaml`, yaml);
    runSimulation({ ...scenario, duration: 20_000 }); // warm up the JIT
    const heapBefore = process.memoryUsage().heapUsed;
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const r = runSimulation(scenario);
    const cpu = process.cpuUsage(cpu0);
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    const perSec = (r.metrics.summary.requests / wallMs) * 1000;
    const perCpuSec = (r.metrics.summary.requests / cpuMs) * 1000;
    rows.push([
      name,
      String(r.metrics.summary.requests),
      wallMs.toFixed(0),
      Math.round(perSec).toLocaleString('en-US'),
      Math.round(perCpuSec).toLocaleString('en-US'),
      '>= 1,000,000',
      heapMb.toFixed(1),
    ]);
  }
  // Per CPU-second as well: on a shared machine the wall clock also counts other processes' turns.
  const head = [
    'scenario',
    'requests',
    'wall ms',
    'requests/s',
    'per CPU-s',
    'target',
    'heap Δ MB',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  console.log('\nsimulator (virtual time, compiled)');
  console.log(head.map((h, i) => h.padEnd(widths[i]!)).join('  '));
  for (const r of rows)
    console.log(
      r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '),
    );
}
