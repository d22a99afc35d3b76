import type { Rng } from '../../core/rng.js';

/** Rejection tries before the exact scan; at half the weight eligible, 1 pick in 256 scans. */
const TRIES = 8;

/**
 * Draws an index in proportion to fixed weights among the indices a mask allows, in O(log n)
 * while most of the weight is eligible. It samples from all weights by binary search over their
 * cumulative sums and rejects ineligible draws; after TRIES rejections it scans exactly. Each
 * accepted draw and the scan all follow the same conditional distribution, so the mixture is
 * exact, not an approximation.
 */
export class WeightedSampler {
  private readonly n: number;
  private readonly weight: Float64Array;
  private readonly cumulative: Float64Array;
  private readonly total: number;

  /** `weight` is copied; entries must be finite and >= 0. */
  constructor(weight: ArrayLike<number>) {
    this.n = weight.length;
    this.weight = Float64Array.from(weight);
    this.cumulative = new Float64Array(this.n);
    let sum = 0;
    for (let i = 0; i < this.n; i++) {
      sum += this.weight[i]!;
      this.cumulative[i] = sum;
    }
    this.total = sum;
  }

  /** Every index weighted 1: uniform among the eligible. */
  static uniform(n: number): WeightedSampler {
    return new WeightedSampler(new Float64Array(n).fill(1));
  }

  /** Index i with mask[i] === 1, i !== exclude and weight > 0, drawn ∝ weight; -1 if none. */
  sample(mask: Uint8Array, exclude: number, rng: Rng): number {
    const total = this.total;
    if (total > 0) {
      const cumulative = this.cumulative;
      const last = this.n - 1;
      for (let t = 0; t < TRIES; t++) {
        const u = rng.next() * total;
        let lo = 0;
        let hi = last;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cumulative[mid]! > u) hi = mid;
          else lo = mid + 1;
        }
        if (mask[lo] === 1 && lo !== exclude) return lo;
      }
    }
    return this.scan(mask, exclude, rng);
  }

  private scan(mask: Uint8Array, exclude: number, rng: Rng): number {
    const weight = this.weight;
    let sum = 0;
    for (let i = 0; i < this.n; i++) if (mask[i] === 1 && i !== exclude) sum += weight[i]!;
    if (!(sum > 0)) return -1;
    let r = rng.next() * sum;
    let lastEligible = -1;
    for (let i = 0; i < this.n; i++) {
      if (mask[i] !== 1 || i === exclude || !(weight[i]! > 0)) continue;
      lastEligible = i;
      r -= weight[i]!;
      if (r < 0) return i;
    }
    return lastEligible;
  }
}
