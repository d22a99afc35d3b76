import { z } from 'zod';
import { zDuration, zPercentage, zRate } from '../scenario/units-zod.js';

/**
 * SLOs that hold within a phase of the run ("p99 during the outage"). Measured from the result's
 * time buckets, see phase.ts. Plugged into the scenario's `slo:` as `phases`.
 */
export const zSloPhase = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .describe('names the checks, e.g. "during outage" gives "p99 during outage"'),
    from: zDuration.describe('phase start on the run’s clock, e.g. "15s"'),
    to: zDuration.optional().describe('phase end (default: the end of the run)'),
    p50: zDuration.optional().describe('latency p50 within the phase at most'),
    p90: zDuration.optional().describe('latency p90 within the phase at most'),
    p99: zDuration.optional().describe('latency p99 within the phase at most'),
    errorRate: zPercentage.optional().describe('failed client requests within the phase at most'),
    availability: zPercentage
      .optional()
      .describe('successful client requests within the phase at least'),
    goodput: zRate.optional().describe('successful requests per second within the phase at least'),
    retryAmplification: z
      .number()
      .min(1)
      .optional()
      .describe('upstream attempts per client request within the phase at most'),
  })
  .superRefine((p, ctx) => {
    if (p.to !== undefined && p.to <= p.from)
      ctx.addIssue({ code: 'custom', message: 'a phase must end after it starts', path: ['to'] });
  });

export const zSloPhases = z
  .array(zSloPhase)
  .optional()
  .describe('SLOs within phases of the run, e.g. during a fault or just after it');

export type SloPhase = z.output<typeof zSloPhase>;
