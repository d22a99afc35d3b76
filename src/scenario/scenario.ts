import { basename, extname } from 'node:path';
import type { BreakerConfig } from '../gateway/breaker/config.js';
import type { TripPolicyConfig } from '../gateway/breaker/trip-policy.js';
import type { GatewayConfig } from '../gateway/gateway.js';
import type { OutlierConfig } from '../gateway/health/outlier-detector.js';
import type { LimiterConfig } from '../gateway/limit/limiter.js';
import type { RetryBudgetInput } from '../gateway/retry/budget.js';
import type { RetryPolicyInput } from '../gateway/retry/retry-policy.js';
import { loadYamlFile, loadYamlText } from './load.js';
import { zScenario, type Scenario, type ScenarioBalancer } from './schema.js';

export type { Scenario } from './schema.js';

/** Reads and validates a scenario file; throws InputError listing every problem with its place. */
export function loadScenario(path: string): Scenario {
  return named(loadYamlFile(path, zScenario), path);
}

export function parseScenario(file: string, text: string): Scenario {
  return named(loadYamlText(file, text, zScenario), file);
}

function named(s: Scenario, path: string): Scenario {
  return s.name === undefined ? { ...s, name: basename(path, extname(path)) } : s;
}

type ScenarioLimit = NonNullable<Scenario['upstreams'][number]['limit']>;

export function toLimiterConfig(l: ScenarioLimit): LimiterConfig {
  if ('windowMs' in l)
    return { kind: l.kind, limit: Math.max(1, Math.floor(l.limit)), windowMs: l.windowMs };
  if ('window' in l) return { kind: l.kind, limit: l.limit, windowMs: l.window };
  return { kind: l.kind, ratePerSec: l.rate, burst: l.burst };
}

type Breaker = NonNullable<ScenarioBalancer['breaker']>;

function toTrip(b: Breaker): TripPolicyConfig {
  const r = b.failureRate;
  if (r === undefined) return { kind: 'consecutive-failures', threshold: b.failures ?? 5 };
  const common = {
    failureRateThreshold: r.threshold,
    ...(r.minimumCalls !== undefined ? { minimumCalls: r.minimumCalls } : {}),
    ...(r.slowCall !== undefined
      ? { slowCallDurationMs: r.slowCall.duration, slowCallRateThreshold: r.slowCall.threshold }
      : {}),
  };
  if ('calls' in r.window) {
    return {
      kind: 'failure-rate-count',
      windowSize: r.window.calls,
      ...common,
      minimumCalls: Math.min(r.minimumCalls ?? 10, r.window.calls),
    };
  }
  return { kind: 'failure-rate-time', windowMs: r.window.ms, ...common };
}

function toBreaker(b: Breaker): Partial<BreakerConfig> {
  return strip({
    trip: toTrip(b),
    successThreshold: b.successes,
    openMs: b.openFor,
    openBackoffMultiplier: b.openBackoff,
    maxOpenMs: b.maxOpenFor,
    halfOpenMaxCalls: b.halfOpenMaxCalls,
  });
}

function toOutlier(
  p: NonNullable<NonNullable<ScenarioBalancer['health']>['passive']>,
): OutlierConfig {
  if (p.kind === 'nginx')
    return strip({ kind: 'nginx', maxFails: p.maxFails, failTimeoutMs: p.failTimeout });
  return strip({
    kind: 'envoy',
    consecutiveFailures: p.consecutiveFailures,
    baseEjectionMs: p.baseEjection,
    maxEjectionMs: p.maxEjection,
    maxEjectionPercent: p.maxEjectionPercent === undefined ? undefined : p.maxEjectionPercent * 100,
    alwaysEjectOne: p.alwaysEjectOne,
    intervalMs: p.interval,
  });
}

function toRetry(b: ScenarioBalancer): RetryPolicyInput {
  const r = b.retry ?? {};
  const t = b.timeouts ?? {};
  return strip({
    attempts: r.attempts,
    retryOn: r.on,
    retryStatuses: r.statuses,
    backoff:
      r.backoff === undefined
        ? undefined
        : strip({
            kind: r.backoff.kind,
            baseMs: r.backoff.base,
            maxMs: r.backoff.max,
            multiplier: r.backoff.multiplier,
            jitter: r.backoff.jitter,
          }),
    retryAfter:
      r.retryAfter === undefined
        ? undefined
        : strip({ honour: r.retryAfter.honour, maxMs: r.retryAfter.max }),
    perTryTimeoutMs: t.perTry,
    totalTimeoutMs: t.total,
  });
}

function toBudget(b: NonNullable<ScenarioBalancer['budget']>): RetryBudgetInput {
  switch (b.kind) {
    case 'none':
      return { kind: 'none' };
    case 'ratio':
      return strip({
        kind: 'ratio',
        percent: b.percent,
        minRetriesPerSec: 'minPerSec' in b ? b.minPerSec : undefined,
        ttlMs: 'ttl' in b ? b.ttl : undefined,
      });
    case 'token-bucket':
      return strip({ kind: 'token-bucket', maxTokens: b.maxTokens, tokenRatio: b.tokenRatio });
  }
}

/** The reference gateway's configuration for a scenario: units already in ms, fractions, per second. */
export function toGatewayConfig(s: Scenario): GatewayConfig {
  const b: ScenarioBalancer = s.balancer ?? {};
  const strategy = b.strategy ?? 'round-robin';
  const active = b.health?.active;
  return {
    upstreams: s.upstreams.map((u) =>
      strip({
        name: u.name,
        weight: u.weight,
        backup: u.backup,
        limit: u.limit === undefined ? undefined : toLimiterConfig(u.limit),
      }),
    ),
    strategy: withPrices(
      s,
      typeof strategy === 'string'
        ? { name: strategy }
        : {
            name: strategy.name,
            options: strip({
              decayMs: strategy.decay,
              failurePenaltyMs: strategy.failurePenalty,
              defaultCostMs: strategy.defaultCost,
              virtualNodes: strategy.virtualNodes,
              latencyBoundMs: strategy.latencyBound,
            }),
          },
    ),
    panicThreshold: b.panicThreshold,
    health:
      b.health === undefined
        ? undefined
        : {
            active:
              active === undefined
                ? undefined
                : strip({
                    intervalMs: active.interval,
                    timeoutMs: active.timeout,
                    rise: active.rise,
                    fall: active.fall,
                    jitterFirstProbe: active.jitter ?? true,
                  }),
            passive: b.health.passive === undefined ? undefined : toOutlier(b.health.passive),
          },
    breaker: b.breaker === undefined ? undefined : toBreaker(b.breaker),
    retry: toRetry(b),
    budget: b.budget === undefined ? undefined : toBudget(b.budget),
    limiter:
      b.limiter === undefined
        ? undefined
        : {
            limit: toLimiterConfig(b.limiter.limit),
            queue:
              b.limiter.queue === undefined
                ? undefined
                : {
                    maxWaitMs: b.limiter.queue.maxWait,
                    maxQueue: b.limiter.queue.maxQueue ?? 1000,
                  },
          },
    streaming: { firstTokenMs: b.timeouts?.firstToken, idleMs: b.timeouts?.idle },
    fallbacks: b.fallbacks?.map((f) => ({ on: f.on, to: f.to })),
  };
}

/** The cost-aware strategy ranks by the upstreams' prices; no other strategy takes them. */
function withPrices(s: Scenario, c: GatewayConfig['strategy']): GatewayConfig['strategy'] {
  if (c.name !== 'cheapest') return c;
  return { ...c, options: { ...c.options, prices: s.upstreams.map((u) => u.price ?? null) } };
}

/** Drops keys whose value is undefined, so component defaults apply. */
function strip<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
