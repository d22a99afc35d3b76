import { VirtualScheduler } from '../src/core/virtual-scheduler.js';
import { createBreaker } from '../src/gateway/breaker/breaker.js';
import { createTripPolicy } from '../src/gateway/breaker/registry.js';
import type { TripPolicyConfig } from '../src/gateway/breaker/trip-policy.js';
import { createOutlierDetector } from '../src/gateway/health/outlier-registry.js';
import type { OutlierConfig } from '../src/gateway/health/outlier-detector.js';
import { measure, printTable, type BenchRow } from './harness.js';

const POLICIES: TripPolicyConfig[] = [
  { kind: 'consecutive-failures', threshold: 5 },
  { kind: 'failure-rate-count', windowSize: 100, minimumCalls: 20, slowCallRateThreshold: 0.8 },
  { kind: 'failure-rate-time', windowMs: 10_000, buckets: 10, minimumCalls: 20 },
];

const OUTLIERS: OutlierConfig[] = [
  { kind: 'nginx', maxFails: 3, failTimeoutMs: 10_000 },
  { kind: 'envoy', consecutiveFailures: 5, maxEjectionPercent: 50 },
];

/** One failure in ten, never five in a row: keeps every breaker closed and every upstream in. */
const failAt = (i: number): boolean => i % 10 === 3;

export function run(): void {
  let sink = 0;
  const rows: BenchRow[] = [];

  for (const trip of POLICIES) {
    const s = new VirtualScheduler();
    const b = createBreaker({ trip }, s);
    rows.push({
      group: 'breaker',
      name: `acquire+release, closed (${trip.kind})`,
      nsPerOp: measure((n) => {
        for (let i = 0; i < n; i++) {
          const p = b.tryAcquire();
          b.release(p, failAt(i) ? 'failure' : 'success', 5);
          sink += p;
        }
        s.advance(1);
      }),
    });
    sink += b.state.kind === 'closed' ? 0 : 1;
  }

  for (const trip of POLICIES) {
    const p = createTripPolicy(trip);
    let now = 0;
    rows.push({
      group: 'trip policy',
      name: `record+shouldOpen (${trip.kind})`,
      nsPerOp: measure((n) => {
        for (let i = 0; i < n; i++) {
          now += 0.5;
          p.record(failAt(i), false, now);
          if (p.shouldOpen(now)) sink++;
        }
      }),
    });
  }

  for (const config of OUTLIERS) {
    for (const upstreams of [10, 100]) {
      const s = new VirtualScheduler();
      const d = createOutlierDetector(upstreams, config, s);
      rows.push({
        group: 'outlier',
        name: `record (${config.kind}, ${upstreams} upstreams)`,
        nsPerOp: measure((n) => {
          for (let i = 0; i < n; i++) {
            const u = i % upstreams;
            d.record(u, failAt(i));
            if (d.isEjected(u)) sink++;
          }
          s.advance(1);
        }),
      });
    }
  }

  printTable('breaker, trip policies, outlier detection (ns per record)', rows);
  if (sink === 42) console.log('');
}
