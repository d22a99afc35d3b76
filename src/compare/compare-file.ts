import { z } from 'zod';
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { zRunResult } from '../run/result-schema.js';
import { humanErrorMap } from '../scenario/zod-messages.js';
import { jsonInputError } from '../scenario/json-problems.js';
import type { PartialCompare } from './shard.js';

const zScenarioRef = z.strictObject({
  name: z.string(),
  file: z.string(),
  seed: z.string(),
  mode: z.enum(['sim', 'live']),
  durationMs: z.number(),
});

/** compare.json, whole or a shard's part. */
export const zCompareResult = z.strictObject({
  scenario: zScenarioRef,
  variants: z.array(
    z.strictObject({ name: z.string(), description: z.string(), result: zRunResult }),
  ),
  shard: z
    .strictObject({
      index: z.number().int().min(1),
      count: z.number().int().min(1),
      total: z.number().int().min(0),
    })
    .optional(),
});

/** Reads and checks a compare.json; an InputError (exit 2) names what is wrong and where. */
export function readCompare(file: string): PartialCompare {
  const fail = (path: string, message: string): never => {
    throw new InputError([{ file, line: 1, col: 1, path, message }]);
  };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return fail(
      '',
      code === 'ENOENT'
        ? 'cannot read: no such file'
        : `cannot read: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const r = zCompareResult.safeParse(data, { error: humanErrorMap });
  if (!r.success) throw jsonInputError(file, r.error.issues);
  return r.data as unknown as PartialCompare;
}
