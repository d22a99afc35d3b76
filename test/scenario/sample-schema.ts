import { z } from 'zod';
import { zDuration, zPercentage, zRate } from '../../src/scenario/units-zod.js';

/** A scenario-like schema for the loader's tests; the real one lives in src/scenario. */
const upstream = z.strictObject({
  name: z.string().min(1),
  weight: z.number().positive().default(1),
  capacity: z.int().min(1).default(64),
  backup: z.boolean().default(false),
  latency: z.strictObject({ p50: zDuration, p99: zDuration }).optional(),
});

const fault = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('down'), upstream: z.string(), at: zDuration, for: zDuration }),
  z.strictObject({
    kind: z.literal('slow'),
    upstream: z.string(),
    at: zDuration,
    for: zDuration,
    by: zDuration,
  }),
]);

export const sampleScenario = z.strictObject({
  name: z.string(),
  seed: z.int().default(1),
  duration: zDuration,
  upstreams: z.array(upstream).min(1),
  balancer: z
    .strictObject({
      strategy: z.enum(['round-robin', 'weighted-round-robin', 'p2c', 'least-conn']),
      retry: z
        .strictObject({ attempts: z.int().min(1), budget: zPercentage.optional() })
        .optional(),
    })
    .optional(),
  load: z.strictObject({ arrival: z.enum(['poisson', 'constant']), rate: zRate }),
  faults: z.array(fault).default([]),
});
