import { z } from 'zod';
import { zFault, zUpstream } from '../../fakes/config.js';
import { STRATEGY_NAMES } from '../gateway/strategy/registry.js';
import { compareSchema } from '../compare/schema.js';
import { zSloPhases } from '../slo/schema.js';
import { zDuration, zPercentage, zRate } from './units-zod.js';

/**
 * The scenario file: what the upstreams are and how they fail over time, how the gateway is
 * configured, what load arrives, and what must hold. Durations come out in ms, rates per second,
 * percentages as fractions. Every key is documented with its unit and default (`describe`), and
 * docs/scenarios.md is generated from this schema.
 */

const count = (min: number) => z.number().int().min(min);

const zStrategyName = z.enum(STRATEGY_NAMES as [string, ...string[]]);

const zStrategy = z.union([
  zStrategyName,
  z.strictObject({
    name: zStrategyName,
    decay: zDuration.optional().describe('peak-ewma: EWMA time constant (default 10s)'),
    failurePenalty: zDuration
      .optional()
      .describe(
        'peak-ewma: latency added to a failed attempt so fast failures never look fast (default 10s)',
      ),
    defaultCost: zDuration
      .optional()
      .describe('peak-ewma: latency assumed before the first answer (default 30ms)'),
    virtualNodes: count(1)
      .optional()
      .describe('consistent-hash: ring points per unit of weight (default 160)'),
    latencyBound: zDuration
      .optional()
      .describe(
        'cheapest: an upstream whose latency EWMA is above this is passed over (default 1s; decay, failurePenalty and defaultCost apply too)',
      ),
  }),
]);

const zActiveHealth = z.strictObject({
  interval: zDuration.optional().describe('time between probes (default 10s)'),
  timeout: zDuration.optional().describe('a probe without answer after this fails (default 2s)'),
  rise: count(1).optional().describe('passed probes that bring an upstream up (default 2)'),
  fall: count(1).optional().describe('failed probes that take an upstream down (default 3)'),
  path: z.string().startsWith('/').optional().describe('probe path (default /v1/models)'),
  method: z.enum(['HEAD', 'GET']).optional().describe('probe method (default HEAD)'),
  jitter: z
    .boolean()
    .optional()
    .describe('start each upstream’s first probe at a random point of the interval (default true)'),
});

const zPassiveHealth = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('nginx'),
    maxFails: count(0)
      .optional()
      .describe('failures within failTimeout that take an upstream out (default 1; 0 = off)'),
    failTimeout: zDuration
      .optional()
      .describe('the failure window and how long the upstream stays out (default 10s)'),
  }),
  z.strictObject({
    kind: z.literal('envoy'),
    consecutiveFailures: count(1)
      .optional()
      .describe('consecutive failures that eject (default 5)'),
    baseEjection: zDuration
      .optional()
      .describe('ejection time = base × times ejected (default 30s)'),
    maxEjection: zDuration.optional().describe('cap on the ejection time (default 300s)'),
    maxEjectionPercent: zPercentage
      .optional()
      .describe('most upstreams ejected at once (default 10%)'),
    alwaysEjectOne: z
      .boolean()
      .optional()
      .describe('allow one ejection whatever the percentage says (default false)'),
    interval: zDuration
      .optional()
      .describe('the times-ejected multiplier drops by one per interval healthy (default 10s)'),
  }),
]);

const zBreaker = z.strictObject({
  failures: count(1).optional().describe('consecutive failures that open the breaker (default 5)'),
  failureRate: z
    .strictObject({
      threshold: zPercentage.describe('failure rate that opens the breaker'),
      window: z
        .union([count(1).transform((calls) => ({ calls })), zDuration.transform((ms) => ({ ms }))])
        .describe('the last N calls, or a time window such as "10s"'),
      minimumCalls: count(1)
        .optional()
        .describe('calls needed in the window before the rate counts (default 10)'),
      slowCall: z
        .strictObject({ duration: zDuration, threshold: zPercentage })
        .optional()
        .describe('also open when this share of calls is slower than duration'),
    })
    .optional()
    .describe('open on a failure rate instead of consecutive failures'),
  successes: count(1)
    .optional()
    .describe('half-open probes that must succeed to close (default 2)'),
  openFor: zDuration.optional().describe('time open before half-open (default 60s)'),
  openBackoff: z
    .number()
    .min(1)
    .optional()
    .describe('open time multiplier on repeated trips (default 1)'),
  maxOpenFor: zDuration.optional().describe('cap on the grown open time (default 300s)'),
  halfOpenMaxCalls: count(1)
    .optional()
    .describe('concurrent probes admitted half-open (default 3)'),
});

const RETRY_ON = ['connect-error', 'reset', 'timeout', '429', '5xx'] as const;

const zRetry = z.strictObject({
  attempts: count(1).optional().describe('total attempts including the first (default 3)'),
  on: z.array(z.enum(RETRY_ON)).optional().describe('which outcomes retry (default all)'),
  statuses: z
    .array(z.number().int().min(500).max(599))
    .optional()
    .describe('5xx codes that retry (default 500, 502, 503, 504)'),
  backoff: z
    .strictObject({
      kind: z.enum(['constant', 'exponential']).optional().describe('default exponential'),
      base: zDuration.optional().describe('first delay (default 100ms)'),
      max: zDuration.optional().describe('cap (default 10s)'),
      multiplier: z.number().min(1).optional().describe('growth per retry (default 2)'),
      jitter: z.enum(['none', 'full', 'equal', 'decorrelated']).optional().describe('default full'),
    })
    .optional(),
  retryAfter: z
    .strictObject({
      honour: z
        .boolean()
        .optional()
        .describe('wait at least as long as Retry-After asks (default true)'),
      max: zDuration
        .optional()
        .describe('a longer hint means: fail over instead of waiting (default 30s)'),
    })
    .optional(),
});

const zBudget = z.union([
  zPercentage.transform((percent) => ({ kind: 'ratio' as const, percent })),
  z.literal('none').transform(() => ({ kind: 'none' as const })),
  z.strictObject({
    kind: z.literal('ratio'),
    percent: zPercentage.optional().describe('retries as a share of requests (default 20%)'),
    minPerSec: z
      .number()
      .min(0)
      .optional()
      .describe('retries per second always allowed (default 10)'),
    ttl: zDuration.optional().describe('how long a request’s deposit lasts (default 10s)'),
  }),
  z.strictObject({
    kind: z.literal('token-bucket'),
    maxTokens: z.number().positive().optional().describe('default 10'),
    tokenRatio: z.number().positive().optional().describe('tokens a success returns (default 0.1)'),
  }),
]);

/** A rate limit: "500/min" (sliding window of a minute), or an explicit limiter. */
export const zLimit = z.union([
  zRate.transform((perSec) => ({
    kind: 'sliding-window' as const,
    limit: perSec * 60,
    windowMs: 60_000,
  })),
  z.strictObject({
    kind: z.enum(['sliding-log', 'sliding-window']),
    limit: count(1).describe('requests allowed per window'),
    window: zDuration.describe('window length'),
  }),
  z.strictObject({
    kind: z.enum(['token-bucket', 'gcra']),
    rate: zRate.describe('refill rate'),
    burst: count(1).describe('what may pass at once after a quiet spell'),
  }),
]);

const zLimiter = z.strictObject({
  limit: zLimit,
  queue: z
    .strictObject({
      maxWait: zDuration.describe('how long a request may wait for the limiter'),
      maxQueue: count(0)
        .optional()
        .describe('waiting requests beyond this are rejected (default 1000)'),
    })
    .optional()
    .describe('wait instead of rejecting at once'),
});

const zTimeouts = z.strictObject({
  perTry: zDuration
    .optional()
    .describe('an attempt’s whole answer; a stream’s first chunk (default 30s)'),
  total: zDuration.optional().describe('the request across attempts and backoffs (default 120s)'),
  firstToken: zDuration
    .optional()
    .describe('streaming: time to first token, fails over before anything is sent (default off)'),
  idle: zDuration
    .optional()
    .describe('streaming: longest silence once the answer started (default off)'),
});

const zFallbacks = z
  .array(
    z.strictObject({
      on: z
        .string()
        .min(1)
        .describe(
          'the provider error code that moves a request, e.g. context_length_exceeded or content_policy_violation',
        ),
      to: z
        .array(z.string().min(1))
        .min(1, 'name at least one upstream')
        .describe(
          'upstream names tried in this order, the first available one that admits (a backup named here counts)',
        ),
    }),
  )
  .superRefine((list, ctx) => {
    const codes = new Set<string>();
    list.forEach((f, i) => {
      if (codes.has(f.on))
        ctx.addIssue({
          code: 'custom',
          message: `"${f.on}" is already the code of an earlier fallback`,
          path: [i, 'on'],
        });
      codes.add(f.on);
      f.to.forEach((name, j) => {
        if (f.to.indexOf(name) !== j)
          ctx.addIssue({
            code: 'custom',
            message: `"${name}" is listed twice`,
            path: [i, 'to', j],
          });
      });
    });
  });

export const zBalancer = z.strictObject({
  strategy: zStrategy.optional().describe('default round-robin'),
  panicThreshold: zPercentage
    .optional()
    .describe('below this share of available primaries, route to all (default off)'),
  health: z
    .strictObject({ active: zActiveHealth.optional(), passive: zPassiveHealth.optional() })
    .optional(),
  breaker: zBreaker.optional().describe('one breaker per upstream (default none)'),
  retry: zRetry.optional(),
  budget: zBudget
    .optional()
    .describe('retry budget: "20%", or { kind: ratio | token-bucket } (default none)'),
  limiter: zLimiter
    .optional()
    .describe('client-side rate limit on incoming requests (default none)'),
  timeouts: zTimeouts.optional(),
  fallbacks: zFallbacks
    .optional()
    .describe(
      'rules by provider error code: an attempt answering `on` moves the request at once to the upstreams `to`, where its retries count afresh; each rule fires once per request (default none)',
    ),
});

const zStage = z.strictObject({
  duration: zDuration,
  rate: zRate.optional().describe('rate held during the stage'),
  target: zRate.optional().describe('rate reached linearly by the end of the stage'),
});

const zTokens = z.union([count(1), z.strictObject({ min: count(1), max: count(1) })]);

export const zLoad = z
  .strictObject({
    arrival: z
      .enum(['poisson', 'constant', 'closed'])
      .optional()
      .describe('open loop (poisson, constant) or closed loop (default poisson)'),
    rate: zRate.optional().describe('open loop: arrivals per second'),
    stages: z.array(zStage).min(1).optional().describe('open loop: rate over time'),
    clients: count(1).optional().describe('closed loop: concurrent clients'),
    think: zDuration
      .optional()
      .describe('closed loop: pause between a client’s requests (default 0)'),
    stream: zPercentage.optional().describe('share of streaming requests (default 0%)'),
    promptTokens: zTokens.optional().describe('default 100'),
    maxTokens: zTokens.optional().describe('default: the upstream decides'),
    keys: count(1)
      .optional()
      .describe('distinct request keys (users) for consistent hashing (default 1000)'),
  })
  .superRefine((l, ctx) => {
    const arrival = l.arrival ?? 'poisson';
    if (arrival === 'closed') {
      if (l.clients === undefined)
        ctx.addIssue({
          code: 'custom',
          message: 'closed-loop load needs clients',
          path: ['clients'],
        });
      if (l.rate !== undefined || l.stages !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: 'closed-loop load takes clients, not rate or stages',
          path: ['arrival'],
        });
    } else if (l.rate === undefined && l.stages === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'open-loop load needs rate or stages',
        path: ['rate'],
      });
    }
    l.stages?.forEach((s, i) => {
      if ((s.rate === undefined) === (s.target === undefined))
        ctx.addIssue({
          code: 'custom',
          message: 'a stage takes either rate or target',
          path: ['stages', i],
        });
    });
  });

export const zSlo = z.strictObject({
  p50: zDuration.optional().describe('latency p50 at most'),
  p90: zDuration.optional().describe('latency p90 at most'),
  p99: zDuration.optional().describe('latency p99 at most'),
  max: zDuration.optional().describe('worst latency at most'),
  errorRate: zPercentage.optional().describe('failed client requests at most'),
  availability: zPercentage.optional().describe('successful client requests at least'),
  goodput: zRate.optional().describe('successful requests per second at least'),
  failoverTime: zDuration.optional().describe('every fault’s failover time at most'),
  recoveryTime: zDuration.optional().describe('every fault’s recovery time at most'),
  detectionTime: zDuration.optional().describe('every fault’s detection time at most'),
  retryAmplification: z
    .number()
    .min(1)
    .optional()
    .describe('upstream attempts per client request at most'),
  ttftP99: zDuration.optional().describe('streaming: time to first token p99 at most'),
});

export const zMetricsOptions = z.strictObject({
  bucket: zDuration.optional().describe('time-series bucket (default 1s)'),
  window: zDuration.optional().describe('sliding window of the failover measure (default 1s)'),
  threshold: zPercentage
    .optional()
    .describe('success rate clients must see again to end a failover (default 99%)'),
});

/** An upstream as the fakes see it, plus what only the gateway reads. */
export const zScenarioUpstream = zUpstream.extend({
  limit: zLimit
    .optional()
    .describe('gateway’s own outgoing limit to this upstream, e.g. "500/min" (default none)'),
});

/**
 * `target:` in a scenario: run the load and faults against a gateway that is not lbsim's. The
 * fakes listen on the fixed `port:` of each upstream, where that gateway is configured to send.
 */
export const zTarget = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .describe('the OpenAI base URL of the gateway under test, e.g. http://127.0.0.1:8080/v1'),
  apiKeyEnv: z
    .string()
    .min(1)
    .optional()
    .describe('environment variable holding the key sent as Authorization: Bearer (default none)'),
});

export type Target = z.output<typeof zTarget>;

export const zScenario = z
  .strictObject({
    $schema: z.string().optional(),
    name: z.string().min(1).optional().describe('default: the file name'),
    description: z.string().optional(),
    seed: z
      .union([count(0), z.string()])
      .optional()
      .describe('default 1'),
    duration: zDuration.describe('how long load runs'),
    upstreams: z.array(zScenarioUpstream).min(1, 'name at least one upstream'),
    faults: z.array(zFault).optional(),
    balancer: zBalancer.optional(),
    load: zLoad,
    slo: zSlo.extend({ phases: zSloPhases }).optional(),
    metrics: zMetricsOptions.optional(),
    compare: compareSchema(zBalancer).optional(),
    target: zTarget
      .optional()
      .describe('live: run against another gateway; the fakes listen on each upstream’s port'),
  })
  .superRefine((s, ctx) => {
    const names = new Set<string>();
    s.upstreams.forEach((u, i) => {
      if (names.has(u.name))
        ctx.addIssue({
          code: 'custom',
          message: `duplicate upstream name "${u.name}"`,
          path: ['upstreams', i, 'name'],
        });
      names.add(u.name);
    });
    (s.faults ?? []).forEach((f, i) => {
      if (!names.has(f.upstream))
        ctx.addIssue({
          code: 'custom',
          message: `no upstream named "${f.upstream}" (upstreams: ${[...names].join(', ')})`,
          path: ['faults', i, 'upstream'],
        });
    });
    const fallbackNames = (fallbacks: ScenarioBalancer['fallbacks'], at: (string | number)[]) => {
      (fallbacks ?? []).forEach((f, i) => {
        f.to.forEach((name, j) => {
          if (!names.has(name))
            ctx.addIssue({
              code: 'custom',
              message: `no upstream named "${name}" (upstreams: ${[...names].join(', ')})`,
              path: [...at, 'fallbacks', i, 'to', j],
            });
        });
      });
    };
    fallbackNames(s.balancer?.fallbacks, ['balancer']);
    s.compare?.variants.forEach((v, k) => {
      fallbackNames(v.balancer.fallbacks, ['compare', 'variants', k, 'balancer']);
    });
    if (s.target !== undefined) {
      s.upstreams.forEach((u, i) => {
        if (u.port === undefined || u.port === 0)
          ctx.addIssue({
            code: 'custom',
            message:
              'with target:, every upstream needs a fixed port (where the gateway under test sends)',
            path: ['upstreams', i, 'port'],
          });
      });
    }
    if (!s.upstreams.some((u) => u.backup !== true))
      ctx.addIssue({
        code: 'custom',
        message: 'at least one upstream must not be a backup',
        path: ['upstreams'],
      });
  });

export type Scenario = z.output<typeof zScenario>;
export type ScenarioLoad = z.output<typeof zLoad>;
export type ScenarioSlo = z.output<typeof zSlo>;
export type ScenarioBalancer = z.output<typeof zBalancer>;
