import { z } from 'zod';
import type { ScenarioBalancer } from '../scenario/schema.js';

/**
 * The scenario's `compare:` section: variants, each a patch over the scenario's `balancer`,
 * validated by the balancer schema itself so a typo'd knob is reported at its file:line:col.
 * A factory taking that schema, because src/scenario/schema.ts plugs this section in and an
 * import back from there would be a cycle.
 */
export function compareSchema(zBalancer: z.ZodType<ScenarioBalancer, unknown>) {
  return z
    .strictObject({
      variants: z
        .array(
          z.strictObject({
            name: z.string().min(1).describe('column title in the comparison'),
            description: z
              .string()
              .optional()
              .describe('one line saying what changes (default: the patch, spelled out)'),
            balancer: zBalancer.describe(
              'deep-merged over the scenario’s balancer; a strategy, budget, passive health kind, limit or failure-rate window is replaced whole',
            ),
          }),
        )
        .min(1, 'list at least one variant')
        .describe('each variant runs on the same seed and load'),
    })
    .superRefine((c, ctx) => {
      const seen = new Set<string>();
      c.variants.forEach((v, i) => {
        if (seen.has(v.name))
          ctx.addIssue({
            code: 'custom',
            message: `duplicate variant name "${v.name}"`,
            path: ['variants', i, 'name'],
          });
        seen.add(v.name);
      });
    });
}

export interface CompareVariantSpec {
  name: string;
  description?: string | undefined;
  balancer: ScenarioBalancer;
}

export interface CompareSection {
  variants: CompareVariantSpec[];
}
