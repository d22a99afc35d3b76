import { check } from '../core/assert.js';
import type { Scheduler } from '../core/clock.js';
import type { Rng } from '../core/rng.js';
import { Availability } from './availability.js';
import { createBreaker, type BreakerConfig, type CircuitBreaker } from './breaker/index.js';
import { Dispatcher, type FallbackRule, type RetryRules, type Transport } from './dispatcher.js';
import type { GatewayListener } from './events.js';
import {
  createActiveHealthChecker,
  type ActiveHealthChecker,
  type ActiveHealthConfig,
  type Probe,
} from './health/active-checker.js';
import { createHealthView, type HealthView } from './health/health-view.js';
import type { OutlierConfig, OutlierDetector } from './health/outlier-detector.js';
import { createOutlierDetector } from './health/outlier-registry.js';
import type { LimiterConfig } from './limit/limiter.js';
import { createLimiterQueue, type LimiterQueueConfig } from './limit/queue.js';
import { createLimiter } from './limit/registry.js';
import { backoffDelay } from './retry/backoff.js';
import type { RetryBudgetInput } from './retry/budget.js';
import { createRetryBudget } from './retry/budget-registry.js';
import {
  classifyForRetry,
  createRetryPolicy,
  type RetryPolicyConfig,
  type RetryPolicyInput,
} from './retry/retry-policy.js';
import { createStrategy } from './strategy/registry.js';
import type { Strategy } from './strategy/strategy.js';
import { UpstreamTable, type UpstreamSpec } from './upstream-table.js';

export interface GatewayUpstream extends UpstreamSpec {
  /** Outgoing limit to this upstream (e.g. the provider's 500 requests/min), if any. */
  limit?: LimiterConfig | undefined;
}

/** The reference gateway's configuration, in numbers (the scenario loader turns units into these). */
export interface GatewayConfig {
  upstreams: GatewayUpstream[];
  strategy: { name: string; options?: Record<string, unknown> | undefined };
  /** Fraction of primaries below which the gateway panics (Envoy); 0 = off. */
  panicThreshold?: number | undefined;
  health?:
    | {
        active?: Partial<ActiveHealthConfig> | undefined;
        passive?: OutlierConfig | undefined;
      }
    | undefined;
  /** One breaker per upstream; absent = no breakers. */
  breaker?: Partial<BreakerConfig> | undefined;
  retry?: RetryPolicyInput | undefined;
  budget?: RetryBudgetInput | undefined;
  /** Client-side limit on incoming requests; `queue` makes excess wait instead of being rejected. */
  limiter?: { limit: LimiterConfig; queue?: LimiterQueueConfig | undefined } | undefined;
  /** Streaming limits (ms); per-try and total limits are part of `retry`. */
  streaming?: { firstTokenMs?: number | undefined; idleMs?: number | undefined } | undefined;
  /**
   * Fallback groups by provider error code (LiteLLM's context_window_fallbacks): an attempt that
   * answers http-error with code `on` moves the request to the upstreams named in `to`, tried in
   * that order, with retries counted afresh. Each rule fires at most once per request.
   */
  fallbacks?: readonly GatewayFallback[] | undefined;
}

export interface GatewayFallback {
  /** Provider error code, e.g. "context_length_exceeded" or "content_policy_violation". */
  on: string;
  /** Upstream names (of `upstreams`), in the order they are tried; a backup counts. */
  to: readonly string[];
}

export interface GatewayEnv {
  scheduler: Scheduler;
  rng: Rng;
  transport: Transport;
  listener: GatewayListener;
  /** How active health checks reach an upstream; required when `health.active` is set. */
  probe?: Probe | undefined;
}

/** A gateway assembled from its configuration: the running objects and their lifecycle. */
export interface Gateway {
  readonly table: UpstreamTable;
  readonly dispatcher: Dispatcher;
  readonly availability: Availability;
  readonly strategy: Strategy;
  readonly breakers: readonly (CircuitBreaker | null)[];
  readonly health: HealthView | null;
  readonly retry: RetryPolicyConfig;
  /** Starts active health checks (if any). */
  start(): void;
  /** Cancels every timer the gateway owns. Requests still in flight are the caller's. */
  dispose(): void;
}

/**
 * Builds the gateway: validates every part eagerly (RangeError naming the parameter), wires the
 * health view, breakers and Retry-After cooldowns into the availability mask, and publishes their
 * state changes to the listener.
 */
export function createGateway(config: GatewayConfig, env: GatewayEnv): Gateway {
  const { scheduler, rng, listener } = env;
  const table = new UpstreamTable(config.upstreams);
  const availability = new Availability(table, config.panicThreshold ?? 0);
  const strategy = createStrategy(
    config.strategy.name,
    { table, rng: rng.fork('strategy'), clock: scheduler },
    config.strategy.options,
  );

  const breakers = table.names.map((_, i) => {
    if (config.breaker === undefined) return null;
    const breaker: CircuitBreaker = createBreaker(
      config.breaker,
      scheduler,
      (_from, to, now) => {
        availability.set(i, 'breaker', !breaker.isAvailable());
        listener.onStateChange?.(i, 'breaker', to.kind, now);
      },
      (available) => availability.set(i, 'breaker', !available),
    );
    return breaker;
  });

  let active: ActiveHealthChecker | undefined;
  const activeConfig = config.health?.active;
  if (activeConfig !== undefined) {
    if (env.probe === undefined)
      throw new RangeError('health.active needs a probe to reach upstreams');
    active = createActiveHealthChecker(table.n, activeConfig, scheduler, env.probe, {
      rng: rng.fork('health'),
    });
  }
  let passive: OutlierDetector | undefined;
  if (config.health?.passive !== undefined) {
    passive = createOutlierDetector(table.n, config.health.passive, scheduler);
  }
  let health: HealthView | null = null;
  if (active !== undefined || passive !== undefined) {
    health = createHealthView(table.n, { active, passive }, (i, healthy, now) => {
      availability.set(i, 'health', !healthy);
      listener.onStateChange?.(i, 'health', healthy ? 'up' : 'down', now);
    });
    for (let i = 0; i < table.n; i++) availability.set(i, 'health', !health.isHealthy(i));
  }

  const retry = createRetryPolicy(config.retry ?? {});
  const backoffRng = rng.fork('backoff');
  const rules: RetryRules = {
    maxAttempts: retry.attempts,
    shouldRetry: (o) => classifyForRetry(o, retry) === 'retry',
    backoff: (n, prev) => backoffDelay(retry.backoff, n, prev, backoffRng),
    honourRetryAfter: retry.retryAfter.honour,
    retryAfterMaxMs: retry.retryAfter.maxMs,
  };

  const limiter = config.limiter !== undefined ? createLimiter(config.limiter.limit) : null;
  const queueConfig = config.limiter?.queue;
  const limiterQueue =
    limiter !== null && queueConfig !== undefined
      ? createLimiterQueue(scheduler, limiter, queueConfig)
      : null;

  const dispatcher = new Dispatcher({
    table,
    availability,
    strategy,
    scheduler,
    retry: rules,
    timeouts: {
      perTryMs: retry.perTryTimeoutMs,
      totalMs: retry.totalTimeoutMs,
      firstTokenMs: config.streaming?.firstTokenMs ?? Infinity,
      idleMs: config.streaming?.idleMs ?? Infinity,
    },
    breakers,
    upstreamLimiters: config.upstreams.map((u) =>
      u.limit !== undefined ? createLimiter(u.limit) : null,
    ),
    outlier: health,
    budget: config.budget !== undefined ? createRetryBudget(config.budget) : null,
    limiter,
    limiterQueue,
    listener,
    transport: env.transport,
    fallbacks: resolveFallbacks(config.fallbacks, table),
  });

  return {
    table,
    dispatcher,
    availability,
    strategy,
    breakers,
    health,
    retry,
    start: () => active?.start(),
    dispose: () => {
      active?.stop();
      passive?.dispose();
      for (const b of breakers) b?.dispose();
      dispatcher.dispose();
    },
  };
}

/** The rules with upstream names turned into numbers; RangeError naming the bad entry. */
function resolveFallbacks(
  list: readonly GatewayFallback[] | undefined,
  table: UpstreamTable,
): FallbackRule[] | null {
  if (list === undefined || list.length === 0) return null;
  const codes = new Set<string>();
  return list.map((f, i) => {
    check(
      typeof f.on === 'string' && f.on !== '',
      `fallbacks[${i}].on`,
      f.on,
      'must be a provider error code',
    );
    check(!codes.has(f.on), `fallbacks[${i}].on`, f.on, 'is the code of an earlier rule');
    codes.add(f.on);
    check(f.to.length > 0, `fallbacks[${i}].to`, f.to, 'must name at least one upstream');
    const to = f.to.map((name, j) => {
      const u = table.indexOf(name);
      check(
        u >= 0,
        `fallbacks[${i}].to[${j}]`,
        name,
        `must name an upstream (${table.names.join(', ')})`,
      );
      check(f.to.indexOf(name) === j, `fallbacks[${i}].to[${j}]`, name, 'is listed twice');
      return u;
    });
    return { on: f.on, to };
  });
}
