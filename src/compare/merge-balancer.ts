import { z } from 'zod';
import { zBalancer, type ScenarioBalancer } from '../scenario/schema.js';

type Plain = Record<string, unknown>;

const isPlain = (v: unknown): v is Plain =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The key → schema map of a (possibly optional) object schema; null for anything else. */
function sectionShape(schema: z.ZodType): Record<string, z.ZodType> | null {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
  return s instanceof z.ZodObject ? (s.shape as Record<string, z.ZodType>) : null;
}

/**
 * Merges key by key where the schema has a section (retry, breaker, health, timeouts), and
 * replaces whole any value that is one of several forms (strategy, budget, passive health kind,
 * limiter limit, failure-rate window): merging two forms would give a value of neither.
 */
function mergeBy(schema: z.ZodType, base: unknown, patch: unknown): unknown {
  const shape = sectionShape(schema);
  if (shape === null || !isPlain(base) || !isPlain(patch)) return patch;
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const inner = shape[key];
    out[key] = inner !== undefined && key in base ? mergeBy(inner, base[key], value) : value;
  }
  return out;
}

/** A variant's balancer: the patch deep-merged over the scenario's (both already validated). */
export function mergeBalancer(
  base: ScenarioBalancer | undefined,
  patch: ScenarioBalancer,
): ScenarioBalancer {
  return mergeBy(zBalancer, base ?? {}, patch) as ScenarioBalancer;
}
