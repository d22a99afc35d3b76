import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { zRunResult } from '../run/result-schema.js';
import type { RunResult } from '../run/result.js';
import { humanErrorMap } from '../scenario/zod-messages.js';
import { jsonInputError } from '../scenario/json-problems.js';
import {
  compareToBaseline,
  type BaselineResult,
  type RegressionResult,
  type Tolerances,
} from './regression.js';

/**
 * reports/baseline.json: the reference results of any number of scenarios, keyed by scenario
 * file name (as result.json records it), without time series so that it stays small and reads
 * well in a diff. `--baseline` also takes a single result.json.
 */
export interface BaselineFile {
  format: 'lbsim-baseline/1';
  results: Record<string, BaselineResult>;
}

const zBaselineResult = zRunResult.pick({
  format: true,
  scenario: true,
  summary: true,
  faults: true,
});

const zBaselineInput = z.discriminatedUnion('format', [
  zRunResult,
  z.strictObject({
    format: z.literal('lbsim-baseline/1'),
    results: z.record(z.string(), zBaselineResult.loose()),
  }),
]);

function problem(file: string, path: string, message: string): InputError {
  return new InputError([{ file, line: 1, col: 1, path, message }]);
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw problem(
      file,
      '',
      code === 'ENOENT' ? 'cannot read: no such file' : `cannot read: ${String(err)}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw problem(file, '', `not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function parse<T>(file: string, data: unknown, schema: z.ZodType<T>, what: string): T {
  const r = schema.safeParse(data, { error: humanErrorMap });
  if (r.success) return r.data;
  const first = r.error.issues[0];
  if (first?.path.length === 1 && first.path[0] === 'format')
    throw problem(
      file,
      'format',
      `not ${what} (format ${JSON.stringify((data as { format?: unknown })?.format)})`,
    );
  throw jsonInputError(file, r.error.issues);
}

/** A result.json, checked against its schema; an InputError (exit 2) for anything else. */
export function readResult(file: string): RunResult {
  return parse(file, readJson(file), zRunResult, 'an lbsim result.json') as unknown as RunResult;
}

/** A baseline.json or a single result.json, checked. */
export function readBaseline(file: string): BaselineFile | RunResult {
  return parse(
    file,
    readJson(file),
    zBaselineInput,
    'an lbsim baseline.json or result.json',
  ) as unknown as BaselineFile | RunResult;
}

/** The part of a result a baseline keeps. */
export function toBaselineResult(r: BaselineResult): BaselineResult {
  return { format: r.format, scenario: r.scenario, summary: r.summary, faults: r.faults };
}

/** The baseline with these results added or replaced (by scenario file), keys kept sorted. */
export function updateBaseline(
  existing: BaselineFile | undefined,
  results: readonly BaselineResult[],
): BaselineFile {
  const all: Record<string, BaselineResult> = { ...(existing?.results ?? {}) };
  for (const r of results) all[r.scenario.file] = toBaselineResult(r);
  const sorted: Record<string, BaselineResult> = {};
  for (const k of Object.keys(all).sort()) sorted[k] = all[k]!;
  return { format: 'lbsim-baseline/1', results: sorted };
}

/** The baseline entry for a run, or undefined when the baseline has none for its scenario. */
export function baselineEntry(
  baseline: BaselineFile | RunResult,
  scenario: RunResult['scenario'],
): BaselineResult | undefined {
  if (baseline.format === 'lbsim-result/1') return baseline;
  return baseline.results[scenario.file];
}

/** A result with its baseline verdicts. */
export type BaselinedResult = RunResult & { regressions: RegressionResult[] };

/**
 * Compares a run with its baseline (from `--baseline FILE`): adds `regressions`, and a
 * regression fails the run. A baseline without this scenario adds no checks. A baseline of
 * another seed, mode or duration cannot be compared: InputError (exit 2) saying to update it.
 */
export function applyBaseline(
  result: RunResult,
  baselinePath: string,
  tolerances?: Tolerances,
): BaselinedResult {
  const entry = baselineEntry(readBaseline(baselinePath), result.scenario);
  if (entry === undefined) return { ...result, regressions: [] };
  const b = entry.scenario;
  const c = result.scenario;
  const diff = (['seed', 'mode', 'durationMs'] as const).filter((k) => b[k] !== c[k]);
  if (diff.length > 0)
    throw problem(
      baselinePath,
      `results.${c.file}`,
      `the baseline for ${c.file} was run with ${diff.map((k) => `${k} ${b[k]}`).join(', ')}, this run with ${diff.map((k) => `${k} ${c[k]}`).join(', ')}: rerun with the same settings or update the baseline (lbsim baseline update)`,
    );
  const regressions = compareToBaseline(entry, result, tolerances);
  return { ...result, pass: result.pass && regressions.every((r) => r.pass), regressions };
}
