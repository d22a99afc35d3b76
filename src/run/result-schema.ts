import { z } from 'zod';
import { ERROR_CLASSES, type ErrorClass } from '../gateway/outcome.js';
import { INVARIANT_NAMES } from '../metrics/invariant-monitor.js';
import type { RunResult } from './result.js';

/**
 * The JSON Schema of result.json (`lbsim schema result`), written as zod so a test can check
 * every result the simulator writes against it, and the compiler checks it against RunResult.
 */
const num = z.number();
const maybe = z.number().nullable();
const perClass = <T extends z.ZodType>(t: T) =>
  z.strictObject(Object.fromEntries(ERROR_CLASSES.map((c) => [c, t])) as Record<ErrorClass, T>);

const zLatency = z.strictObject({
  count: num,
  p50: num,
  p90: num,
  p99: num,
  p999: num,
  max: num,
  mean: num,
});

export const zRunResult = z
  .strictObject({
    format: z.literal('lbsim-result/1'),
    scenario: z.strictObject({
      name: z.string(),
      file: z.string(),
      seed: z.string(),
      mode: z.enum(['sim', 'live']),
      durationMs: num,
    }),
    pass: z.boolean().describe('every SLO met and every invariant held'),
    slo: z.array(
      z.strictObject({
        name: z.string(),
        op: z.enum(['<=', '>=']),
        target: num,
        actual: maybe,
        pass: z.boolean(),
      }),
    ),
    summary: z.strictObject({
      startMs: num,
      durationMs: num,
      started: num,
      requests: num,
      ok: num,
      errorRate: num,
      errorsByClass: perClass(num),
      errorRateByClass: perClass(num),
      goodputPerSec: num,
      throughputPerSec: num,
      latencyMs: zLatency,
      attempts: num,
      retries: num,
      retryAmplification: maybe,
      budgetDenied: num,
      attemptsPerUpstream: z.record(z.string(), num),
      ttftMs: zLatency.optional(),
      interTokenMs: zLatency.optional(),
      cost: z
        .strictObject({
          total: num,
          promptTokens: num,
          completionTokens: num,
          perUpstream: z.record(
            z.string(),
            z.strictObject({ promptTokens: num, completionTokens: num, cost: num }),
          ),
        })
        .optional(),
    }),
    faults: z.array(
      z.strictObject({
        index: num,
        upstream: z.string(),
        kind: z.string(),
        start: num,
        end: maybe,
        detectionMs: maybe.describe('fault start → the gateway first marks the upstream down'),
        failoverMs: maybe.describe(
          'fault start → client success rate back at the threshold for good',
        ),
        recoveryMs: maybe.describe('fault end → the upstream carries half its fair share again'),
      }),
    ),
    series: z.strictObject({
      bucketMs: num,
      t: z.array(num),
      started: z.array(num),
      requests: z.array(num),
      ok: z.array(num),
      errorsByClass: perClass(z.array(num)),
      latencyP50: z.array(maybe),
      latencyP90: z.array(maybe),
      latencyP99: z.array(maybe),
      attempts: z.array(num),
      retries: z.array(num),
      budgetDenied: z.array(num),
      retryAmplification: z.array(maybe),
      sharePerUpstream: z.record(z.string(), z.array(num)),
      attemptsPerUpstream: z.record(z.string(), z.array(num)),
    }),
    states: z.record(
      z.string(),
      z.array(
        z.strictObject({
          t: num,
          component: z.enum(['breaker', 'health', 'cooldown']),
          state: z.string(),
        }),
      ),
    ),
    statesDropped: num,
    invariants: z.array(
      z.strictObject({
        name: z.enum(INVARIANT_NAMES as [string, ...string[]]),
        pass: z.boolean(),
        violations: num,
        firstViolation: z.string().optional(),
      }),
    ),
  })
  .loose();

// The schema must describe what the code writes: this fails to compile when they drift.
type Written = Omit<RunResult, 'invariants'>;
type Described = Omit<z.output<typeof zRunResult>, 'invariants'>;
export const _resultMatchesSchema: (r: Written) => Described = (r) => r;
