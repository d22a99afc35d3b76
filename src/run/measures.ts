import { BREAKER_DEFAULTS } from '../gateway/breaker/config.js';
import type { GatewayConfig } from '../gateway/gateway.js';
import { createRetryPolicy } from '../gateway/retry/retry-policy.js';
import { UpstreamTable } from '../gateway/upstream-table.js';
import { createInvariantMonitor, type InvariantMonitor } from '../metrics/invariant-monitor.js';
import { rateBoundOf } from '../metrics/rate-bound.js';
import { createRecorder, type Recorder, type UpstreamPrice } from '../metrics/recorder.js';
import type { Scenario } from '../scenario/schema.js';

export interface Measures {
  table: UpstreamTable;
  recorder: Recorder;
  monitor: InvariantMonitor;
}

/** The recorder and invariant monitor of a scenario, set up as the simulator sets them up. */
export function measuresFor(scenario: Scenario, gateway: GatewayConfig): Measures {
  const prices: Record<string, UpstreamPrice> = {};
  for (const u of scenario.upstreams) {
    if (u.price !== undefined)
      prices[u.name] = { inputPerMTok: u.price.input, outputPerMTok: u.price.output };
  }
  const m = scenario.metrics ?? {};
  const table = new UpstreamTable(gateway.upstreams);
  const recorder = createRecorder({
    table,
    bucketMs: m.bucket,
    failoverWindowMs: m.window,
    successThreshold: m.threshold,
    prices: Object.keys(prices).length > 0 ? prices : undefined,
  });
  const monitor = createInvariantMonitor({
    upstreams: table.n,
    maxAttempts: createRetryPolicy(gateway.retry ?? {}).attempts,
    fallbacks: gateway.fallbacks?.length ?? 0,
    upstreamLimits: gateway.upstreams.map((u) =>
      u.limit !== undefined ? rateBoundOf(u.limit) : null,
    ),
    halfOpenMaxCalls:
      gateway.breaker === undefined
        ? undefined
        : (gateway.breaker.halfOpenMaxCalls ?? BREAKER_DEFAULTS.halfOpenMaxCalls),
  });
  return { table, recorder, monitor };
}
