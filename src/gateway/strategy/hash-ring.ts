import { hash32 } from '../../core/rng.js';

/** Owner ranks share a float64 sort key with the 32-bit point hash: 32 + 21 bits < 53. */
const RANK_BITS = 2 ** 21;
export const MAX_RING_OWNERS = RANK_BITS;
/** Bound on points per ring (8 MB of typed arrays); beyond it counts are scaled down. */
export const MAX_RING_POINTS = 2 ** 20;
/** Points walked before checking whether any owner is eligible at all. */
const WALK_BEFORE_SCAN = 64;

/**
 * A consistent-hash ring: sorted 32-bit points, each owned by an upstream index. Point k of
 * upstream `name` sits at hash32(`${name}#${k}`), which depends on nothing but the name, so
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
  if (n > MAX_RING_OWNERS) throw new RangeError(`hash ring: at most ${MAX_RING_OWNERS} upstreams`);
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
  const byName = [...names.keys()].sort((a, b) => compareStrings(names[a]!, names[b]!));
  const rank = new Int32Array(n);
  byName.forEach((i, r) => (rank[i] = r));
  const keys = new Float64Array(total);
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < perOwner[i]!; k++)
      keys[p++] = hash32(`${names[i]}#${k}`) * RANK_BITS + rank[i]!;
  }
  keys.sort();
  const points = new Uint32Array(total);
  const owners = new Int32Array(total);
  for (let j = 0; j < total; j++) {
    const key = keys[j]!;
    const r = key % RANK_BITS;
    points[j] = (key - r) / RANK_BITS;
    owners[j] = byName[r]!;
  }
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

function anyMemberEligible(member: Uint8Array, mask: Uint8Array): boolean {
  for (let i = 0; i < member.length; i++) if (member[i] === 1 && mask[i] === 1) return true;
  return false;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
