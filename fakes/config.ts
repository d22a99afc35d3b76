import { z } from 'zod';
import { zDuration, zPercentage, zRate } from '../src/scenario/units-zod.js';
import { suggest } from '../src/scenario/suggest.js';
import type { Distribution } from './distribution.js';

/**
 * The `upstreams:` and `faults:` sections of a scenario file. `lbsim fake` reads the same file
 * as `lbsim run`; the other top-level sections are accepted here without being checked.
 * Durations come out in milliseconds, rates per second, percentages as fractions.
 */

const zMs = zDuration;

const zDistObject = z.discriminatedUnion('dist', [
  z.strictObject({ dist: z.literal('constant'), value: zMs }),
  z.strictObject({ dist: z.literal('uniform'), min: zMs, max: zMs }),
  z.strictObject({ dist: z.literal('normal'), mean: zMs, sd: zMs }),
  z.strictObject({ dist: z.literal('lognormal'), p50: zMs, p99: zMs }),
  z.strictObject({ dist: z.literal('exponential'), mean: zMs }),
  z.strictObject({ dist: z.literal('pareto'), scale: zMs, shape: z.number().positive() }),
  z.strictObject({
    dist: z.literal('empirical'),
    percentiles: z.record(
      z.string().regex(/^p(100|\d{1,2})(\.\d+)?$/, 'keys are percentiles such as p50, p99.9'),
      zMs,
    ),
  }),
]);

/**
 * A latency distribution: `"50ms"` (constant), `{ p50, p99 }` (lognormal, the usual shape of
 * provider latency), or `{ dist: constant|uniform|normal|lognormal|exponential|pareto|empirical, ... }`.
 */
export const zDistribution: z.ZodType<Distribution, unknown> = z
  .union([
    zMs.transform((value): Distribution => ({ dist: 'constant', value })),
    z
      .strictObject({ p50: zMs, p99: zMs })
      .transform((v): Distribution => ({ dist: 'lognormal', p50: v.p50, p99: v.p99 })),
    zDistObject,
  ])
  .superRefine((d, ctx) => {
    if (d.dist === 'uniform' && d.max < d.min)
      ctx.addIssue({ code: 'custom', message: 'max must be >= min', path: ['max'] });
    if (d.dist === 'lognormal' && !(d.p99 >= d.p50 && d.p50 > 0))
      ctx.addIssue({ code: 'custom', message: 'needs 0 < p50 <= p99', path: ['p99'] });
    if (d.dist === 'empirical') {
      const pts = Object.entries(d.percentiles)
        .map(([k, v]) => [Number(k.slice(1)), v] as const)
        .sort((a, b) => a[0] - b[0]);
      if (pts.length === 0)
        ctx.addIssue({
          code: 'custom',
          message: 'give at least one percentile',
          path: ['percentiles'],
        });
      for (let i = 1; i < pts.length; i++)
        if (pts[i]![1] < pts[i - 1]![1])
          ctx.addIssue({
            code: 'custom',
            message: 'values must not decrease with the percentile',
            path: ['percentiles'],
          });
    }
  });

const zTokens = z.number().int().min(1);
export const zTokenCount = z.union([
  zTokens,
  z.strictObject({ min: zTokens, max: zTokens }).refine((v) => v.max >= v.min, {
    message: 'max must be >= min',
    path: ['max'],
  }),
]);

const zStatus = z.number().int().min(400).max(599);

/** One fake upstream (and, for the gateway, how to reach it). */
export const zUpstream = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letters, digits, "-", "_" or "."'),
  // Gateway side: read by the balancer; the fake ignores them (except `model`).
  weight: z.number().min(0).optional(),
  backup: z.boolean().optional(),
  url: z.string().min(1).optional(),
  apiKeyEnv: z.string().min(1).optional(),
  /** The model the upstream names in its answers; defaults to the upstream's name. */
  model: z.string().min(1).optional(),
  /** Dollars per million tokens. */
  price: z.strictObject({ input: z.number().min(0), output: z.number().min(0) }).optional(),
  // Fake side.
  /** `lbsim fake` listens here (0 or absent: any free port; `--port-base` numbers them). */
  port: z.number().int().min(0).max(65535).optional(),
  /** When set, requests need `Authorization: Bearer <one of these>` (else 401). */
  keys: z.array(z.string().min(1)).min(1).optional(),
  /** Requests served at once; the rest wait in a FIFO queue. Absent: unlimited. */
  capacity: z.number().int().min(1).optional(),
  /** How many may wait when every slot is busy (default 256); beyond it, `overloadStatus`. */
  queue: z.number().int().min(0).optional(),
  overloadStatus: z.union([z.literal(503), z.literal(529)]).optional(),
  /** Service time of a non-streaming completion, and the default time to first token. */
  latency: zDistribution.optional(),
  stream: z
    .strictObject({ ttft: zDistribution.optional(), itl: zDistribution.optional() })
    .optional(),
  /** Completion tokens per answer (capped by the request's max_tokens). Default 16. */
  outputTokens: zTokenCount.optional(),
  /** Provider limits (token buckets refilled continuously, a minute deep): e.g. 500/min. */
  rateLimit: z.strictObject({ requests: zRate.optional(), tokens: zRate.optional() }).optional(),
  /** Prompt + max_tokens beyond this: 400 context_length_exceeded. */
  contextWindow: z.number().int().min(1).optional(),
});

const common = {
  /** When the fault starts, from the start of the run (default 0). */
  at: zMs.optional(),
  /** How long it lasts (default: until the end). */
  for: zMs.optional(),
};
/** Faults that act per request can be given a probability (the toxiproxy "toxicity"). */
const chance = { ...common, probability: zPercentage.optional() };

const faultShapes = {
  /** Connections refused: the port is closed while the fault lasts. */
  down: { ...chance },
  /** Accepts the request and never answers. */
  hang: { ...chance },
  /** TCP reset before the response headers (after `after`) or in the middle of the body. */
  reset: {
    ...chance,
    phase: z.enum(['before-headers', 'mid-body']).optional(),
    after: zMs.optional(),
  },
  /** An error answer in OpenAI's shape; `code` e.g. context_length_exceeded, content_policy_violation. */
  error: {
    ...chance,
    status: zStatus,
    code: z.string().min(1).optional(),
    message: z.string().min(1).optional(),
    retryAfter: zMs.optional(),
  },
  /** Each request key fails its first `attempts` attempts, then succeeds. */
  'fail-first': {
    ...chance,
    attempts: z.number().int().min(1),
    status: zStatus.optional(),
    retryAfter: zMs.optional(),
  },
  /** The first `requests` requests after the fault starts fail, then the upstream is healthy. */
  'fail-n': {
    ...chance,
    requests: z.number().int().min(1),
    status: zStatus.optional(),
    retryAfter: zMs.optional(),
  },
  /** Every latency multiplied by `factor`. */
  brownout: { ...chance, factor: z.number().min(0) },
  /** Time to first token increased by `delay`. */
  'slow-first-token': { ...chance, delay: zMs },
  /** The stream stops after `after` tokens: no final chunk, connection closed. */
  cut: { ...chance, after: z.number().int().min(0) },
  /** The stream goes silent after `after` tokens, then the connection closes after `close`. */
  stall: { ...chance, after: z.number().int().min(0), close: zMs.optional() },
  /** Chunk number `chunk` (1-based) is not JSON. */
  malformed: { ...chance, chunk: z.number().int().min(1) },
  /** The stream ends cleanly but without `data: [DONE]`. */
  'no-done': { ...chance },
  /** Down for `down`, up for `up`, repeatedly, starting down. */
  flap: { ...common, up: zMs, down: zMs },
  /** Capacity shrinks linearly to `to` (default 0) over `over`, and stays there until the fault ends. */
  'slow-drain': { ...common, over: zMs, to: z.number().int().min(0).optional() },
} as const;

export type FaultKind = keyof typeof faultShapes;
export const FAULT_KINDS = Object.keys(faultShapes) as FaultKind[];

function faultUnion<E extends z.core.$ZodLooseShape>(extra: E) {
  const members = Object.entries(faultShapes).map(([kind, shape]) =>
    z.strictObject({ kind: z.literal(kind), ...extra, ...shape }),
  );
  return z.discriminatedUnion(
    'kind',
    members as unknown as [(typeof members)[number], ...(typeof members)[number][]],
  );
}

/** Typed view of a fault; the zod schemas below produce exactly this. */
export type FaultSpec = { at?: number | undefined; for?: number | undefined } & (
  | { kind: 'down'; probability?: number | undefined }
  | { kind: 'hang'; probability?: number | undefined }
  | {
      kind: 'reset';
      probability?: number | undefined;
      phase?: 'before-headers' | 'mid-body' | undefined;
      after?: number | undefined;
    }
  | {
      kind: 'error';
      probability?: number | undefined;
      status: number;
      code?: string | undefined;
      message?: string | undefined;
      retryAfter?: number | undefined;
    }
  | {
      kind: 'fail-first';
      probability?: number | undefined;
      attempts: number;
      status?: number | undefined;
      retryAfter?: number | undefined;
    }
  | {
      kind: 'fail-n';
      probability?: number | undefined;
      requests: number;
      status?: number | undefined;
      retryAfter?: number | undefined;
    }
  | { kind: 'brownout'; probability?: number | undefined; factor: number }
  | { kind: 'slow-first-token'; probability?: number | undefined; delay: number }
  | { kind: 'cut'; probability?: number | undefined; after: number }
  | { kind: 'stall'; probability?: number | undefined; after: number; close?: number | undefined }
  | { kind: 'malformed'; probability?: number | undefined; chunk: number }
  | { kind: 'no-done'; probability?: number | undefined }
  | { kind: 'flap'; up: number; down: number }
  | { kind: 'slow-drain'; over: number; to?: number | undefined }
);

/** A fault aimed at one upstream, as written under `faults:`. */
export type FaultConfig = FaultSpec & { upstream: string };

const checkSlowDrain = (f: { kind: string; for?: number | undefined }, ctx: z.RefinementCtx) => {
  if (f.kind === 'slow-drain' && !((f as unknown as { over: number }).over > 0))
    ctx.addIssue({ code: 'custom', message: 'over must be > 0', path: ['over'] });
  if (f.kind === 'flap') {
    const v = f as unknown as { up: number; down: number };
    if (!(v.up > 0 && v.down > 0))
      ctx.addIssue({ code: 'custom', message: 'up and down must be > 0', path: ['up'] });
  }
};

/** A fault without its `upstream` (the control API's body: the upstream is the one addressed). */
export const zFaultSpec = faultUnion({}).superRefine(checkSlowDrain) as unknown as z.ZodType<
  FaultSpec,
  unknown
>;
/** A fault as written under `faults:`. */
export const zFault = faultUnion({ upstream: z.string().min(1) }).superRefine(
  checkSlowDrain,
) as unknown as z.ZodType<FaultConfig, unknown>;

export type UpstreamConfig = z.output<typeof zUpstream>;

/** A scenario file as `lbsim fake` sees it: other sections pass through unchecked. */
export const zFakeFile = z
  .strictObject({
    name: z.unknown().optional(),
    seed: z.unknown().optional(),
    duration: z.unknown().optional(),
    balancer: z.unknown().optional(),
    load: z.unknown().optional(),
    slo: z.unknown().optional(),
    compare: z.unknown().optional(),
    target: z.unknown().optional(),
    upstreams: z.array(zUpstream).min(1, 'name at least one upstream'),
    faults: z.array(zFault).optional(),
  })
  // Cross-checks run even when other parts of the file are wrong, so every problem is listed at once.
  .superRefine(crossCheck, { when: () => true });

interface LooseFile {
  upstreams?: unknown;
  faults?: unknown;
}

function crossCheck(raw: LooseFile, ctx: z.RefinementCtx): void {
  const ups = Array.isArray(raw.upstreams) ? (raw.upstreams as unknown[]) : [];
  const names = new Set<string>();
  const capacity = new Map<string, unknown>();
  const ports = new Map<number, number>();
  ups.forEach((u, i) => {
    if (u === null || typeof u !== 'object') return;
    const { name, port } = u as { name?: unknown; port?: unknown };
    if (typeof name !== 'string') return;
    if (names.has(name))
      ctx.addIssue({
        code: 'custom',
        message: `duplicate upstream name "${name}"`,
        path: ['upstreams', i, 'name'],
      });
    names.add(name);
    capacity.set(name, (u as { capacity?: unknown }).capacity);
    if (typeof port === 'number' && port !== 0) {
      if (ports.has(port))
        ctx.addIssue({
          code: 'custom',
          message: `port ${port} is also used by upstreams[${ports.get(port)}]`,
          path: ['upstreams', i, 'port'],
        });
      ports.set(port, i);
    }
  });
  const faults = Array.isArray(raw.faults) ? (raw.faults as unknown[]) : [];
  faults.forEach((f, i) => {
    if (f === null || typeof f !== 'object') return;
    const { upstream, kind } = f as { upstream?: unknown; kind?: unknown };
    if (typeof upstream !== 'string') return;
    if (!names.has(upstream)) {
      const near = suggest(upstream, names);
      ctx.addIssue({
        code: 'custom',
        message: `no upstream named "${upstream}"${near ? ` (did you mean ${near}?)` : ` (upstreams: ${[...names].join(', ')})`}`,
        path: ['faults', i, 'upstream'],
      });
    } else if (kind === 'slow-drain' && capacity.get(upstream) === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `slow-drain needs a capacity on upstream "${upstream}"`,
        path: ['faults', i, 'kind'],
      });
    }
  });
}

export type FakeFile = z.output<typeof zFakeFile>;
