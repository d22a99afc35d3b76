import { equalsLower, trimOws } from './chars.js';

/**
 * A set of lower-case header names that answers for a name as a peer spelled it, without
 * copying it: candidates are looked up by length, then compared ignoring case.
 */
export class HeaderNames {
  private readonly byLength: (string[] | undefined)[] = [];

  constructor(names: readonly string[]) {
    for (const n of names) (this.byLength[n.length] ??= []).push(n);
  }

  /** The name in `fields[start, end)` in lower case when it is in the set, else null. */
  match(fields: string, start: number, end: number): string | null {
    const candidates = this.byLength[end - start];
    if (candidates === undefined) return null;
    for (const c of candidates) if (equalsLower(fields, start, c)) return c;
    return null;
  }
}

/**
 * Walks a block of header lines ("Name: value\r\n" each, already validated), keeping the lines
 * whose names are not in `drop` and copying the values of those in `pick` into `picked` as
 * [lower-case name, trimmed value, ...]. Returns the kept lines, each ending in CRLF.
 */
export function filterFields(
  fields: string,
  drop: HeaderNames,
  pick: HeaderNames | null,
  picked: string[] | null,
): string {
  let out = '';
  let keptFrom = 0;
  let at = 0;
  const n = fields.length;
  while (at < n) {
    const eol = lineEnd(fields, at, n);
    const colon = fields.indexOf(':', at);
    if (pick !== null) {
      const p = pick.match(fields, at, colon);
      if (p !== null) picked!.push(p, trimOws(fields.slice(colon + 1, eol)));
    }
    if (drop.match(fields, at, colon) !== null) {
      if (at > keptFrom) out += fields.slice(keptFrom, at);
      keptFrom = eol + 2;
    }
    at = eol + 2;
  }
  if (keptFrom < n) out += fields.slice(keptFrom, n);
  if (out !== '' && !out.endsWith('\r\n')) out += '\r\n';
  return out;
}

/** The first value of header `lower` in a block of header lines, trimmed; undefined if absent. */
export function fieldValue(fields: string, lower: string): string | undefined {
  let at = 0;
  const n = fields.length;
  while (at < n) {
    const eol = lineEnd(fields, at, n);
    const colon = fields.indexOf(':', at);
    if (colon - at === lower.length && equalsLower(fields, at, lower))
      return trimOws(fields.slice(colon + 1, eol));
    at = eol + 2;
  }
  return undefined;
}

/** A block of header lines as a flat [name, value, ...] list, names as sent. */
export function splitFields(fields: string): string[] {
  const out: string[] = [];
  let at = 0;
  const n = fields.length;
  while (at < n) {
    const eol = lineEnd(fields, at, n);
    const colon = fields.indexOf(':', at);
    out.push(fields.slice(at, colon), trimOws(fields.slice(colon + 1, eol)));
    at = eol + 2;
  }
  return out;
}

/** Where the header line starting at `at` ends: its CR, or the end of the block. */
function lineEnd(fields: string, at: number, n: number): number {
  const eol = fields.indexOf('\r\n', at);
  return eol < 0 ? n : eol;
}
