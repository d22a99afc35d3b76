import { checkKnownOptions } from './options.js';
import type { Strategy, StrategyContext, StrategyFactory } from './strategy.js';

/** Integer loads stay below this so that f·(L/w) is exact and below the weight-0 tier. */
const MAX_LCM = 2 ** 20;
/** Added to the key of a weight-0 upstream: above every weighted key (< 2^31·2^20 = 2^51). */
const ZERO_WEIGHT_TIER = 2 ** 52;

/**
 * Weighted least connections: the eligible upstream with the lowest in-flight ÷ weight. Ties go
 * round robin: the scan starts just after the previous pick and keeps the first minimum it meets,
 * so equally loaded upstreams take turns. Upstreams with weight 0 are chosen only when every
 * eligible one has weight 0, and then by in-flight alone. Weights are read when the strategy is
 * created.
 *
 * O(n) per pick, as nginx's least_conn: in-flight counts change outside the strategy, so a pick
 * has to read them all, except that an idle eligible upstream ends the scan at once (nothing can
 * be lower, and it is the first of its tie in turn). With integer weights the load is compared as
 * the exact integer in-flight × (L / weight), L the weights' least common multiple.
 */
export class LeastConnections implements Strategy {
  readonly name = 'least-connections';
  private readonly weight: Float64Array;
  /** Exact integer keys: key = in-flight × multiplier + tier; null when weights do not allow it. */
  private readonly multiplier: Float64Array | null;
  private readonly tier: Float64Array | null;
  private cursor = 0;

  constructor(
    weight: Float64Array,
    private readonly inflight: Int32Array,
  ) {
    this.weight = Float64Array.from(weight);
    const keys = integerKeys(this.weight);
    this.multiplier = keys?.multiplier ?? null;
    this.tier = keys?.tier ?? null;
  }

  pick(mask: Uint8Array, _key: string | undefined): number {
    const best = this.multiplier !== null ? this.leastKey(mask) : this.leastRatio(mask);
    if (best >= 0) this.cursor = best + 1 === this.weight.length ? 0 : best + 1;
    return best;
  }

  observe(_i: number, _latencyMs: number, _ok: boolean): void {}

  private leastKey(mask: Uint8Array): number {
    const inflight = this.inflight;
    const multiplier = this.multiplier!;
    const tier = this.tier!;
    const n = inflight.length;
    const from = this.cursor;
    let best = -1;
    let bestKey = Infinity;
    for (let i = from; i < n; i++) {
      if (mask[i] !== 1) continue;
      const key = inflight[i]! * multiplier[i]! + tier[i]!;
      if (key < bestKey) {
        if (key === 0) return i;
        best = i;
        bestKey = key;
      }
    }
    for (let i = 0; i < from; i++) {
      if (mask[i] !== 1) continue;
      const key = inflight[i]! * multiplier[i]! + tier[i]!;
      if (key < bestKey) {
        if (key === 0) return i;
        best = i;
        bestKey = key;
      }
    }
    return best;
  }

  /** Fractional weights: in-flight ÷ weight compared by cross-multiplying. */
  private leastRatio(mask: Uint8Array): number {
    const weight = this.weight;
    const inflight = this.inflight;
    const n = weight.length;
    let best = -1;
    let bestInflight = 0;
    let bestWeight = 1;
    let bestZero = -1;
    let bestZeroInflight = 0;
    let i = this.cursor;
    for (let k = 0; k < n; k++) {
      if (mask[i] === 1) {
        const w = weight[i]!;
        const f = inflight[i]!;
        if (w > 0) {
          // Rounding is monotone: a product can merge two near-equal loads into a tie but never
          // order them the wrong way round.
          if (best < 0 || f * bestWeight < bestInflight * w) {
            if (f === 0) return i;
            best = i;
            bestInflight = f;
            bestWeight = w;
          }
        } else if (bestZero < 0 || f < bestZeroInflight) {
          bestZero = i;
          bestZeroInflight = f;
        }
      }
      i = i + 1 === n ? 0 : i + 1;
    }
    return best >= 0 ? best : bestZero;
  }
}

/**
 * Multipliers L/w (L = lcm of the positive weights) and tiers that turn in-flight ÷ weight into an
 * exact integer key; all weights equal (0 included) compare in-flight alone. Null when a positive
 * weight is fractional or L exceeds MAX_LCM.
 */
function integerKeys(
  weight: Float64Array,
): { multiplier: Float64Array; tier: Float64Array } | null {
  const n = weight.length;
  const multiplier = new Float64Array(n).fill(1);
  const tier = new Float64Array(n);
  if (weight.every((w) => w === weight[0])) return { multiplier, tier };
  let lcm = 1;
  for (const w of weight) {
    if (w === 0) continue;
    if (!Number.isInteger(w)) return null;
    lcm = (lcm / gcd(lcm, w)) * w;
    if (lcm > MAX_LCM) return null;
  }
  for (let i = 0; i < n; i++) {
    const w = weight[i]!;
    if (w > 0) multiplier[i] = lcm / w;
    else tier[i] = ZERO_WEIGHT_TIER;
  }
  return { multiplier, tier };
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** `least-connections`. Options: none. */
export const leastConnections: StrategyFactory = (ctx: StrategyContext, options) => {
  checkKnownOptions('least-connections', options, []);
  return new LeastConnections(ctx.table.weight, ctx.table.inflight);
};
