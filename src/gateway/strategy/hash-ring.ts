import { hash32 } from '../../core/rng.js';

/** Bound on points per ring (8 MB of typed arrays); beyond it counts are scaled down. */
export const MAX_RING_POINTS = 2 ** 20;
/** Points walked before checking whether any owner is eligible at all. */
const WALK_BEFORE_SCAN = 64;

/**
 * A consistent-hash ring: sorted 32-bit points, each owned by an upstream index. Point k of
 * upstream `name` sits at ringPoint(hash32(name), k), which depends on nothing but the name, so
 * adding or removing an upstream adds or removes only its own points and only the keys that land
 * on them move.
 */
export interface HashRing {
  readonly points: Uint32Array;
  readonly owners: Int32Array;
  /** member[i] === 1 when upstream i owns at least one point. */
  readonly member: Uint8Array;
}

/**
 * `counts[i]` points for upstream i (0 leaves it off the ring), scaled down in proportion if their
 * sum exceeds MAX_RING_POINTS. Equal hashes are ordered by name, so the ring does not depend on
 * the order of the table.
 */
export function buildHashRing(names: readonly string[], counts: ArrayLike<number>): HashRing {
  const n = names.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += counts[i]!;
  const scale = sum > MAX_RING_POINTS ? MAX_RING_POINTS / sum : 1;
  const perOwner = new Int32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const c = counts[i]!;
    perOwner[i] = c > 0 ? Math.max(1, Math.floor(c * scale)) : 0;
    total += perOwner[i]!;
  }
  // Points are laid down owner by owner in name order and the sort is stable, so equal hashes
  // end up ordered by name whatever the order of the table.
  const byName = [...names.keys()].sort((a, b) => compareStrings(names[a]!, names[b]!));
  const points = new Uint32Array(total);
  const owners = new Int32Array(total);
  let p = 0;
  for (const i of byName) {
    const h = hash32(names[i]!);
    for (let k = 0; k < perOwner[i]!; k++) {
      points[p] = ringPoint(h, k);
      owners[p++] = i;
    }
  }
  radixSortPairs(points, owners);
  const member = new Uint8Array(n);
  for (let i = 0; i < n; i++) member[i] = perOwner[i]! > 0 ? 1 : 0;
  return { points, owners, member };
}

/**
 * The owner of the first point at or after `hash` (wrapping) whose owner the mask allows: a key
 * whose owner is masked out goes to the next eligible owner round the ring, so masking one
 * upstream moves only the keys it owned. -1 when no ring member is eligible.
 */
export function ringOwner(ring: HashRing, hash: number, mask: Uint8Array): number {
  const { points, owners } = ring;
  const size = points.length;
  if (size === 0) return -1;
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]! < hash) lo = mid + 1;
    else hi = mid;
  }
  let j = lo === size ? 0 : lo;
  const firstPass = Math.min(size, WALK_BEFORE_SCAN);
  for (let s = 0; s < firstPass; s++) {
    const o = owners[j]!;
    if (mask[o] === 1) return o;
    j = j + 1 === size ? 0 : j + 1;
  }
  if (size === firstPass || !anyMemberEligible(ring.member, mask)) return -1;
  for (;;) {
    const o = owners[j]!;
    if (mask[o] === 1) return o;
    j = j + 1 === size ? 0 : j + 1;
  }
}

/**
 * Point k of the upstream whose name hashes to `nameHash`. Mixing k through the finaliser before
 * the xor keeps two names' point sequences from being shifted copies of each other, which a plain
 * `nameHash + k·constant` would allow. Cheaper than hashing a `${name}#${k}` string per point.
 */
export function ringPoint(nameHash: number, k: number): number {
  return fmix32((nameHash ^ fmix32(Math.imul(k + 1, 0x9e3779b9))) >>> 0);
}

/** murmur3's 32-bit finaliser. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Stable LSD radix sort of `keys` (4 passes of 8 bits), carrying `values` along. */
export function radixSortPairs(keys: Uint32Array, values: Int32Array): void {
  const size = keys.length;
  let srcK: Uint32Array = keys;
  let srcV: Int32Array = values;
  let dstK: Uint32Array = new Uint32Array(size);
  let dstV: Int32Array = new Int32Array(size);
  const count = new Int32Array(256);
  for (let shift = 0; shift < 32; shift += 8) {
    count.fill(0);
    for (let j = 0; j < size; j++) count[(srcK[j]! >>> shift) & 255]!++;
    let sum = 0;
    for (let d = 0; d < 256; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let j = 0; j < size; j++) {
      const key = srcK[j]!;
      const at = count[(key >>> shift) & 255]!++;
      dstK[at] = key;
      dstV[at] = srcV[j]!;
    }
    [srcK, dstK] = [dstK, srcK];
    [srcV, dstV] = [dstV, srcV];
  }
  // four passes: the sorted data is back in the caller's arrays
}

function anyMemberEligible(member: Uint8Array, mask: Uint8Array): boolean {
  for (let i = 0; i < member.length; i++) if (member[i] === 1 && mask[i] === 1) return true;
  return false;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
