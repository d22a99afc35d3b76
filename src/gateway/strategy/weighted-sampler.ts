import type { Rng } from '../../core/rng.js';

/** Rejection tries before the exact scan; at half the weight eligible, 1 pick in 256 scans. */
const TRIES = 8;

/**
 * Draws an index in proportion to fixed weights among the indices a mask allows, in O(1) while
 * most of the weight is eligible. Each try draws from all weights with Vose's alias table (one
 * Rng number: its integer part picks a column, its fraction tosses the column's coin) and rejects
 * an ineligible draw; after TRIES rejections it scans exactly. Accepted draws and the scan follow
 * the same conditional distribution, so the mixture is exact up to the 32-bit resolution of the
 * Rng, not an approximation.
 */
export class WeightedSampler {
  private readonly n: number;
  private readonly weight: Float64Array;
  private readonly threshold: Float64Array;
  private readonly alias: Int32Array;
  private readonly uniform: boolean;
  private readonly any: boolean;

  /** `weight` is copied; entries must be finite and >= 0. */
  constructor(weight: ArrayLike<number>) {
    const n = weight.length;
    this.n = n;
    this.weight = Float64Array.from(weight);
    this.threshold = new Float64Array(n);
    this.alias = new Int32Array(n);
    let total = 0;
    let equal = true;
    for (let i = 0; i < n; i++) {
      total += this.weight[i]!;
      if (this.weight[i] !== this.weight[0]) equal = false;
    }
    this.any = total > 0;
    this.uniform = equal && this.any;
    if (this.any && !this.uniform) buildAlias(this.weight, total, this.threshold, this.alias);
  }

  /** Every index weighted 1: uniform among the eligible. */
  static uniform(n: number): WeightedSampler {
    return new WeightedSampler(new Float64Array(n).fill(1));
  }

  /** Index i with mask[i] === 1, i !== exclude and weight > 0, drawn ∝ weight; -1 if none. */
  sample(mask: Uint8Array, exclude: number, rng: Rng): number {
    if (this.any) {
      const n = this.n;
      for (let t = 0; t < TRIES; t++) {
        const x = rng.next() * n;
        let i = x | 0;
        if (!this.uniform && x - i >= this.threshold[i]!) i = this.alias[i]!;
        if (mask[i] === 1 && i !== exclude) return i;
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

/**
 * Vose's alias method: column i keeps i with probability threshold[i] and gives alias[i]
 * otherwise. Zero weights always hand over to a positive one, even when rounding leaves them
 * for last.
 */
function buildAlias(
  weight: Float64Array,
  total: number,
  threshold: Float64Array,
  alias: Int32Array,
): void {
  const n = weight.length;
  const scaled = new Float64Array(n);
  const small: number[] = [];
  const large: number[] = [];
  let heaviest = 0;
  for (let i = 0; i < n; i++) {
    scaled[i] = (weight[i]! * n) / total;
    (scaled[i]! < 1 ? small : large).push(i);
    if (weight[i]! > weight[heaviest]!) heaviest = i;
  }
  while (small.length > 0 && large.length > 0) {
    const s = small.pop()!;
    const l = large.pop()!;
    threshold[s] = scaled[s]!;
    alias[s] = l;
    scaled[l] = scaled[l]! + scaled[s]! - 1;
    (scaled[l]! < 1 ? small : large).push(l);
  }
  for (const i of [...small, ...large]) {
    threshold[i] = weight[i]! > 0 ? 1 : 0;
    alias[i] = weight[i]! > 0 ? i : heaviest;
  }
}
