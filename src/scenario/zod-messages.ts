import type { z } from 'zod';
import { suggest } from './suggest.js';

/**
 * Messages for zod issues in words a scenario author uses ("a mapping", "a list", "required").
 * Passed to `safeParse` as the per-parse error map, so a message a schema sets itself (the unit
 * types in units-zod.ts) still wins.
 */

const NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  bigint: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  map: 'a mapping',
  array: 'a list',
  tuple: 'a list',
  set: 'a list',
  null: 'an empty value',
  undefined: 'nothing',
  date: 'a date',
  nan: 'NaN',
};

function noun(expected: string): string {
  return NOUNS[expected] ?? expected;
}

const MAX_QUOTED = 40;

/** What the author wrote, briefly: `string "abc"`, `number 5`, `a list`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `string ${quote(value)}`;
    case 'number':
      // As YAML spells them, since that is where they came from.
      if (Number.isNaN(value)) return '.nan';
      if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
      return `number ${String(value)}`;
    case 'bigint':
      return `number ${String(value)}`;
    case 'boolean':
      return String(value);
    case 'object':
      return 'a mapping';
    default:
      return typeof value;
  }
}

function quote(text: string): string {
  const short = text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
  return JSON.stringify(short);
}

function literal(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

function oneOf(values: readonly unknown[], input: unknown): string {
  const list = values.map(literal);
  const head = list.length === 1 ? `must be ${list[0]!}` : `must be one of ${list.join(', ')}`;
  if (input === undefined) return `required (${head.replace(/^must be /, '')})`;
  const near = typeof input === 'string' ? suggest(input, list) : undefined;
  return `${head}, got ${describeValue(input)}${near === undefined ? '' : ` (did you mean ${near}?)`}`;
}

/** Each unknown key gets its own line so the loader can place them one by one. */
export const KEY_MESSAGE_SEPARATOR = '\n';

function unknownKeys(keys: readonly string[], inst: unknown): string {
  const shape = (inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod
    ?.def?.shape;
  const known = shape ? Object.keys(shape) : [];
  return keys
    .map((key) => {
      const near = suggest(key, known);
      if (near !== undefined) return `unknown key, did you mean ${near}?`;
      return known.length > 0 ? `unknown key (allowed: ${known.join(', ')})` : 'unknown key';
    })
    .join(KEY_MESSAGE_SEPARATOR);
}

function bound(
  kind: 'at least' | 'at most',
  origin: string,
  limit: number | bigint,
  inclusive: boolean | undefined,
  exact: boolean | undefined,
): string {
  const n = Number(limit);
  switch (origin) {
    case 'array':
    case 'set':
      if (exact) return `must have exactly ${n} item${n === 1 ? '' : 's'}`;
      if (kind === 'at least' && n === 1) return 'must not be empty';
      return `must have ${kind} ${n} item${n === 1 ? '' : 's'}`;
    case 'string':
      if (exact) return `must be exactly ${n} character${n === 1 ? '' : 's'} long`;
      if (kind === 'at least' && n === 1) return 'must not be empty';
      return `must be ${kind} ${n} character${n === 1 ? '' : 's'} long`;
    default:
      if (exact) return `must be exactly ${n}`;
      if (inclusive === false)
        return `must be ${kind === 'at least' ? 'greater' : 'less'} than ${n}`;
      return `must be ${kind} ${n}`;
  }
}

type Finalized = z.core.$ZodIssue;

function unionMessage(iss: z.core.$ZodRawIssue<z.core.$ZodIssueInvalidUnion>): string {
  const options = (iss as { options?: unknown }).options;
  if (typeof iss.discriminator === 'string' && Array.isArray(options)) {
    const input = iss.input as Record<string, unknown> | undefined;
    return oneOf(options, input?.[iss.discriminator]);
  }
  if (iss.errors.length === 0) return 'matches more than one of the allowed forms';
  const expected: string[] = [];
  const values: unknown[] = [];
  for (const branch of iss.errors as Finalized[][]) {
    const root = branch.find((e) => e.path.length === 0);
    if (root?.code === 'invalid_type') expected.push(noun(root.expected));
    else if (root?.code === 'invalid_value') values.push(...root.values);
    else return 'does not match any of the allowed forms';
  }
  if (iss.input === undefined) return 'required';
  if (expected.length === 0) return oneOf(values, iss.input);
  const wanted = [...new Set([...expected, ...values.map((v) => JSON.stringify(v))])];
  const list =
    wanted.length <= 2
      ? wanted.join(' or ')
      : `${wanted.slice(0, -1).join(', ')} or ${wanted[wanted.length - 1]!}`;
  return `expected ${list}, got ${describeValue(iss.input)}`;
}

export const humanErrorMap: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      if (iss.input === undefined) return 'required';
      if (typeof iss.input === 'number' && !Number.isFinite(iss.input)) {
        return `expected a finite number, got ${describeValue(iss.input)}`;
      }
      return `expected ${noun(iss.expected)}, got ${describeValue(iss.input)}`;
    case 'invalid_value':
      return oneOf(iss.values, iss.input);
    case 'unrecognized_keys':
      return unknownKeys(iss.keys, iss.inst);
    case 'too_small':
      return bound('at least', iss.origin, iss.minimum, iss.inclusive, iss.exact);
    case 'too_big':
      return bound('at most', iss.origin, iss.maximum, iss.inclusive, iss.exact);
    case 'not_multiple_of':
      return `must be a multiple of ${iss.divisor}`;
    case 'invalid_format':
      if (iss.format === 'regex' && iss.pattern) return `must match ${iss.pattern}`;
      return `must be a valid ${iss.format}`;
    case 'invalid_union':
      return unionMessage(iss);
    case 'invalid_key':
      return `invalid key: ${iss.issues.map((i) => i.message).join('; ')}`;
    case 'invalid_element':
      return `invalid entry: ${iss.issues.map((i) => i.message).join('; ')}`;
    default:
      return undefined;
  }
};

/** One problem before it is placed in the file; `at: 'key'` points at the key, not its value. */
export interface PathMessage {
  path: PropertyKey[];
  message: string;
  at: 'value' | 'key';
  code: Finalized['code'];
}

/**
 * Turns zod's issues into one message per place: unknown keys split per key, and a union that
 * failed is replaced by the issues of the branch the input was closest to (when its type
 * matched), since "street is required" helps more than "does not match any form".
 */
export function flattenIssues(
  issues: readonly Finalized[],
  prefix: PropertyKey[] = [],
): PathMessage[] {
  const out: PathMessage[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const lines = issue.message.split(KEY_MESSAGE_SEPARATOR);
      issue.keys.forEach((key, i) => {
        const message = lines.length === issue.keys.length ? lines[i]! : issue.message;
        out.push({ path: [...path, key], message, at: 'key', code: issue.code });
      });
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const branch = closestBranch(issue.errors);
      if (branch) out.push(...flattenIssues(branch, path));
      else out.push({ path, message: issue.message, at: 'value', code: issue.code });
    } else if (issue.code === 'invalid_key') {
      out.push({ path, message: issue.message, at: 'key', code: issue.code });
    } else {
      out.push({ path, message: issue.message, at: 'value', code: issue.code });
    }
  }
  return out;
}

/**
 * The branch whose type matched (no complaint about the value as a whole), preferring the one
 * with the fewest issues; a mismatched literal one level down (a tag such as `kind: slow`)
 * marks a branch that was not meant.
 */
function closestBranch(branches: readonly Finalized[][]): Finalized[] | undefined {
  let best: Finalized[] | undefined;
  let bestScore = Infinity;
  for (const branch of branches) {
    if (branch.some((e) => e.path.length === 0 && e.code !== 'unrecognized_keys')) continue;
    const score = branch.reduce(
      (sum, e) => sum + (e.code === 'invalid_value' && e.path.length === 1 ? 100 : 1),
      0,
    );
    if (score < bestScore) {
      best = branch;
      bestScore = score;
    }
  }
  return best;
}
