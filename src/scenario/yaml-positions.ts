import { isAlias, isMap, isScalar, isSeq, visit } from 'yaml';
import type { Document, LineCounter, Node, Pair, Range } from 'yaml';

/** 1-based, as editors show them. */
export interface Position {
  line: number;
  col: number;
}

export function positionAt(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, col };
}

function rangeOf(node: unknown): Range | undefined {
  return node !== null && typeof node === 'object' && 'range' in node
    ? ((node as { range?: Range }).range ?? undefined)
    : undefined;
}

function keyText(key: unknown): string | undefined {
  // A merge key `<<` is a Scalar holding Symbol('<<').
  if (isScalar(key))
    return typeof key.value === 'symbol' ? key.value.description : String(key.value);
  if (key === null || key === undefined) return undefined;
  return typeof key === 'object' ? undefined : String(key);
}

const pairIndex = new WeakMap<object, Map<string, Pair>>();

/** The last pair with this key, as yaml's toJS keeps the last of duplicates. Indexed once per map. */
function findPair(map: { items: Pair[] }, key: PropertyKey): Pair | undefined {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      const text = keyText(pair.key);
      if (text !== undefined) index.set(text, pair);
    }
    pairIndex.set(map, index);
  }
  return index.get(String(key));
}

/**
 * As `findPair`, also looking through `<<` merge keys (explicit keys win, then the merged maps in
 * order), so a problem in a merged value is shown where that value is written.
 */
function findPairMerged(doc: Document, map: { items: Pair[] }, key: PropertyKey): Pair | undefined {
  const seen = new Set<object>();
  const search = (m: { items: Pair[] }): Pair | undefined => {
    if (seen.has(m)) return undefined;
    seen.add(m);
    const own = findPair(m, key);
    if (own) return own;
    const merge = findPair(m, '<<');
    if (!merge) return undefined;
    const sources: unknown[] = isSeq(merge.value) ? merge.value.items : [merge.value];
    for (const source of sources) {
      const target = isAlias(source) ? source.resolve(doc) : source;
      const found = isMap(target) ? search(target) : undefined;
      if (found) return found;
    }
    return undefined;
  };
  return search(map);
}

/**
 * The source offset for a zod issue path. Walks the document as far as the path goes: a value
 * that is present is pointed at itself; a key that is missing is pointed at the mapping that
 * should hold it. With `at: 'key'` the last segment points at its key rather than its value
 * (for unknown keys).
 */
export function offsetOfPath(
  doc: Document,
  path: readonly PropertyKey[],
  at: 'value' | 'key' = 'value',
): number {
  let node: unknown = doc.contents;
  let offset = rangeOf(node)?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const last = i === path.length - 1;
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = findPairMerged(doc, node, segment);
      if (!pair) return offset;
      const keyOffset = rangeOf(pair.key)?.[0];
      if (last && at === 'key' && keyOffset !== undefined) return keyOffset;
      // An empty value (`key:` with nothing after it) is best shown at its key.
      const valueRange = rangeOf(pair.value);
      const emptyValue =
        isScalar(pair.value) && pair.value.value === null && valueRange?.[0] === valueRange?.[1];
      node = pair.value;
      offset = (emptyValue ? keyOffset : valueRange?.[0]) ?? keyOffset ?? offset;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item: unknown = node.items[segment];
      if (item === undefined) return offset;
      node = item;
      offset = rangeOf(item)?.[0] ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

/**
 * The first alias whose anchor is not defined before it, which yaml only notices (without a
 * position) when converting to JS.
 */
export function firstUnresolvedAlias(
  doc: Document,
): { source: string; offset: number } | undefined {
  const anchors = new Set<string>();
  let result: { source: string; offset: number } | undefined;
  visit(doc, {
    Node(_key, node: Node) {
      if (isAlias(node)) {
        if (!anchors.has(node.source)) {
          result = { source: node.source, offset: node.range?.[0] ?? 0 };
          return visit.BREAK;
        }
      } else if (node.anchor) {
        anchors.add(node.anchor);
      }
      return undefined;
    },
  });
  return result;
}

/**
 * Where an alias bomb goes off: the first alias to an anchored node that itself holds aliases
 * (the nesting is what multiplies), else the first alias.
 */
export function aliasBombOffset(doc: Document): number {
  let first: number | undefined;
  let nested: number | undefined;
  visit(doc, {
    Alias(_key, alias) {
      const offset = alias.range?.[0] ?? 0;
      first ??= offset;
      const target = alias.resolve(doc);
      let holdsAlias = false;
      if (target)
        visit(target as Parameters<typeof visit>[0], {
          Alias() {
            holdsAlias = true;
            return visit.BREAK;
          },
        });
      if (holdsAlias) {
        nested = offset;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return nested ?? first ?? 0;
}

export interface DuplicateKey {
  path: PropertyKey[];
  offset: number;
  firstOffset: number;
}

/** Calls `onKey` for every plain key of every mapping, with the keys seen before it there. */
function eachKey(
  doc: Document,
  onKey: (key: string, offset: number, path: PropertyKey[], seen: Map<string, number>) => void,
): void {
  const walk = (node: unknown, path: PropertyKey[]): void => {
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const key = keyText(pair.key);
        const start = rangeOf(pair.key)?.[0];
        if (key !== undefined && start !== undefined) {
          onKey(key, start, path, seen);
          if (!seen.has(key)) seen.set(key, start);
        }
        walk(pair.value, key === undefined ? path : [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i]));
    }
  };
  walk(doc.contents, []);
}

/**
 * Every key that repeats one before it in the same mapping. yaml's own `uniqueKeys` check
 * compares each key with all before it, which takes minutes on a large mapping.
 */
export function duplicateKeys(doc: Document): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  eachKey(doc, (key, offset, path, seen) => {
    const first = seen.get(key);
    if (first !== undefined) found.push({ path: [...path, key], offset, firstOffset: first });
  });
  return found;
}

/**
 * Keys no scenario may use: `__proto__` becomes an object's prototype instead of a key when the
 * value is copied into a JS object (zod records do), so it would vanish silently.
 */
export function reservedKeys(doc: Document): { path: PropertyKey[]; offset: number }[] {
  const found: { path: PropertyKey[]; offset: number }[] = [];
  eachKey(doc, (key, offset, path) => {
    if (key === '__proto__') found.push({ path: [...path, key], offset });
  });
  return found;
}

/**
 * yaml reports an unclosed quote where the file ends; the quoted scalar that swallowed the rest
 * of the file shows where the quote opened.
 */
export function openQuoteBefore(doc: Document, offset: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_key, scalar) {
      const range = scalar.range;
      const quoted = scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE';
      if (quoted && range && range[0] < offset && offset <= range[2]) {
        start = range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return start;
}
