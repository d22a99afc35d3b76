import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, YAMLError } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../core/errors.js';
import type { Problem } from '../core/errors.js';
import { formatPath } from './format-path.js';
import {
  aliasBombOffset,
  duplicateKeys,
  reservedKeys,
  firstUnresolvedAlias,
  offsetOfPath,
  openQuoteBefore,
  positionAt,
} from './yaml-positions.js';
import { describeValue, flattenIssues, humanErrorMap } from './zod-messages.js';

export { formatPath } from './format-path.js';
export { suggest } from './suggest.js';

/** Scenario files are written by hand; anything larger is a mistake or an attack. */
export const MAX_YAML_BYTES = 1024 * 1024;
/** yaml's own measure: anchors × the aliases that use them. Hand-written reuse stays far below. */
export const MAX_ALIAS_COUNT = 100;
/** Past this many, more lines stop helping. */
export const MAX_PROBLEMS = 50;

/**
 * Reads, parses and validates a YAML file. Every problem (I/O, size, YAML syntax, schema) is
 * thrown at once as an `InputError`, each placed at `file:line:col`.
 */
export function loadYamlFile<T>(path: string, schema: z.ZodType<T>): T {
  return loadYamlText(path, readText(path), schema);
}

/** As `loadYamlFile`, for text already in memory; `file` is only used in messages. */
export function loadYamlText<T>(file: string, text: string, schema: z.ZodType<T>): T {
  try {
    return load(file, text, schema);
  } catch (err) {
    // Deep nesting that yaml parsed can still exhaust the stack in a later walk or in zod.
    if (isStackOverflow(err)) {
      throw new InputError([{ file, line: 1, col: 1, path: '', message: NESTED_TOO_DEEPLY }]);
    }
    throw err;
  }
}

function load<T>(file: string, text: string, schema: z.ZodType<T>): T {
  const lineCounter = new LineCounter();
  const problem = (offset: number, path: readonly PropertyKey[], message: string): Problem => ({
    file,
    ...positionAt(lineCounter, offset),
    path: formatPath(path),
    message,
  });
  const fail = (problems: Problem[]): never => {
    throw new InputError(capped(sortedByPosition(problems)));
  };

  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_YAML_BYTES) fail([tooLarge(file, bytes)]);

  let doc: Document;
  try {
    // Merge keys (`<<: *defaults`) as docker-compose users know them; yaml 1.2 leaves them off.
    doc = parseDocument(text, {
      lineCounter,
      merge: true,
      uniqueKeys: false,
      prettyErrors: false,
    });
  } catch (err) {
    return fail([problem(0, [], `cannot parse: ${errorText(err)}`)]);
  }

  // Duplicate keys and unknown tags leave a usable document, so schema problems are still worth
  // reporting alongside them; anything else means the structure itself is in doubt.
  const soft: Problem[] = [];
  const hard: Problem[] = [];
  for (const error of [...doc.errors, ...doc.warnings]) {
    (error.name === 'YAMLWarning' ? soft : hard).push(yamlProblem(doc, error, problem));
  }
  for (const dup of duplicateKeys(doc)) {
    const first = positionAt(lineCounter, dup.firstOffset);
    soft.push(problem(dup.offset, dup.path, `duplicate key (first set at line ${first.line})`));
  }
  for (const r of reservedKeys(doc)) {
    soft.push(problem(r.offset, r.path, 'the key __proto__ is not allowed'));
  }
  if (hard.length > 0) fail([...hard, ...soft]);

  const top = doc.contents;
  if (top === null) {
    fail([...soft, problem(0, [], 'the file is empty: expected a mapping of keys to values')]);
  } else if (!isMap(top)) {
    const what = isSeq(top) ? 'a list' : isScalar(top) ? describeValue(top.value) : 'an alias';
    fail([
      ...soft,
      problem(
        top.range?.[0] ?? 0,
        [],
        `the top level must be a mapping of keys to values, got ${what}`,
      ),
    ]);
  }

  const unresolved = firstUnresolvedAlias(doc);
  if (unresolved) {
    fail([
      ...soft,
      problem(
        unresolved.offset,
        [],
        `unknown alias *${unresolved.source}: define the anchor &${unresolved.source} before using it`,
      ),
    ]);
  }

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message)) {
      return fail([
        ...soft,
        problem(
          aliasBombOffset(doc),
          [],
          `too many aliases: anchors and aliases here expand to more than ${MAX_ALIAS_COUNT} copies; write the values out instead`,
        ),
      ]);
    }
    if (isStackOverflow(err)) throw err;
    return fail([...soft, problem(0, [], `cannot convert: ${errorText(err)}`)]);
  }

  // Anything but a stack overflow thrown here is a bug in the schema, not in the file.
  const result = schema.safeParse(data, { error: humanErrorMap });
  const problems = [...soft];
  if (!result.success) {
    for (const { path, message, at, code } of flattenIssues(result.error.issues)) {
      // A schema's own message ("expected a duration such as …") reads oddly for a key not written.
      const missing =
        (code === 'invalid_type' || code === 'invalid_union') &&
        !message.startsWith('required') &&
        valueAt(data, path) === undefined;
      problems.push(problem(offsetOfPath(doc, path, at), path, missing ? 'required' : message));
    }
  }
  if (problems.length > 0) fail(problems);
  return result.data as T;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = Object.hasOwn(value, segment)
      ? (value as Record<PropertyKey, unknown>)[segment]
      : undefined;
  }
  return value;
}

function yamlProblem(
  doc: Document,
  error: YAMLError,
  problem: (offset: number, path: readonly PropertyKey[], message: string) => Problem,
): Problem {
  const offset = error.pos[0];
  switch (error.code) {
    case 'MISSING_CHAR': {
      const open = /quote/.test(error.message) ? openQuoteBefore(doc, offset) : undefined;
      if (open !== undefined) return problem(open, [], 'YAML syntax: this quote is never closed');
      return problem(offset, [], `YAML syntax: ${lowerFirst(error.message)}`);
    }
    case 'MULTIPLE_DOCS':
      return problem(
        offset,
        [],
        'a second YAML document starts here; a file holds one (remove the "---" line or split the file)',
      );
    case 'TAG_RESOLVE_FAILED':
      return problem(
        offset,
        [],
        error.message
          .replace(/^Unresolved tag: tag:yaml\.org,2002:/, 'unknown tag !!')
          .replace(/^Unresolved tag/, 'unknown tag'),
      );
    default:
      // yaml catches its own stack overflow on absurd nesting and reports it at that spot.
      if (/call stack/i.test(error.message)) return problem(offset, [], NESTED_TOO_DEEPLY);
      return problem(offset, [], `YAML syntax: ${lowerFirst(error.message)}`);
  }
}

function readText(path: string): string {
  const whole = (message: string): never => {
    throw new InputError([{ file: path, line: 1, col: 1, path: '', message }]);
  };
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    return whole(fsMessage(err));
  }
  // Read in chunks up to the limit rather than trusting stat alone: pipes and /dev files have
  // no size, and a file can grow while it is read.
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    const stat = fstatSync(fd);
    if (stat.isFile() && stat.size > MAX_YAML_BYTES) {
      throw new InputError([tooLarge(path, stat.size)]);
    }
    const chunk = Buffer.alloc(64 * 1024);
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_YAML_BYTES) throw new InputError([tooLarge(path, undefined)]);
      chunks.push(Buffer.from(chunk.subarray(0, n)));
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    return whole(fsMessage(err));
  } finally {
    closeSync(fd);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    return whole('not UTF-8 text: save the file as UTF-8');
  }
}

function tooLarge(file: string, bytes: number | undefined): Problem {
  const size = bytes === undefined ? '' : ` (${bytes} bytes)`;
  const limit = `${MAX_YAML_BYTES / 1024} KiB`;
  return {
    file,
    line: 1,
    col: 1,
    path: '',
    message: `file too large${size}: a scenario may be at most ${limit}`,
  };
}

function fsMessage(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  switch (code) {
    case 'ENOENT':
      return 'cannot read: no such file';
    case 'EISDIR':
      return 'cannot read: it is a directory';
    case 'EACCES':
    case 'EPERM':
      return 'cannot read: permission denied';
    default:
      return `cannot read: ${errorText(err)}`;
  }
}

const NESTED_TOO_DEEPLY = 'nested too deeply';

function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError && /call stack/i.test(err.message);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function sortedByPosition(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const key =
        p.message === NESTED_TOO_DEEPLY ? p.message : `${p.line}:${p.col}:${p.path}:${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.col - b.col);
}

function capped(problems: Problem[]): Problem[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  const next = problems[MAX_PROBLEMS]!;
  return [
    ...problems.slice(0, MAX_PROBLEMS),
    { ...next, path: '', message: `and ${problems.length - MAX_PROBLEMS} more problems not shown` },
  ];
}
