import { checkKnownOptions } from './options.js';
import type { Strategy, StrategyContext, StrategyFactory } from './strategy.js';

/**
 * Weighted least connections: the eligible upstream with the lowest in-flight ÷ weight. Ties go
 * round robin: the scan starts just after the previous pick and keeps the first minimum it meets,
 * so equally loaded upstreams take turns. Upstreams with weight 0 are chosen only when every
 * eligible one has weight 0, and then by in-flight alone. O(n) per pick, as nginx's least_conn:
 * in-flight counts change outside the strategy, so every pick has to read them all. Weights are
 * read when the strategy is created; when they are all equal the scan compares integers only.
 */
export class LeastConnections implements Strategy {
  readonly name = 'least-connections';
  private readonly weight: Float64Array;
  private readonly equalWeights: boolean;
  private cursor = 0;

  constructor(
    weight: Float64Array,
    private readonly inflight: Int32Array,
  ) {
    this.weight = Float64Array.from(weight);
    this.equalWeights = this.weight.every((w) => w === this.weight[0]);
  }

  pick(mask: Uint8Array, _key: string | undefined): number {
    const best = this.equalWeights ? this.leastInflight(mask) : this.leastLoad(mask);
    if (best >= 0) this.cursor = best + 1 === this.weight.length ? 0 : best + 1;
    return best;
  }

  observe(_i: number, _latencyMs: number, _ok: boolean): void {}

  /** Equal weights (all 0 included): the least in-flight, first from the cursor on a tie. */
  private leastInflight(mask: Uint8Array): number {
    const inflight = this.inflight;
    const n = inflight.length;
    const from = this.cursor;
    let best = -1;
    let least = 0;
    for (let i = from; i < n; i++) {
      if (mask[i] === 1 && (best < 0 || inflight[i]! < least)) {
        best = i;
        least = inflight[i]!;
      }
    }
    for (let i = 0; i < from; i++) {
      if (mask[i] === 1 && (best < 0 || inflight[i]! < least)) {
        best = i;
        least = inflight[i]!;
      }
    }
    return best;
  }

  private leastLoad(mask: Uint8Array): number {
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
          // f/w < best/bestWeight, cross-multiplied: rounding is monotone, so a product can merge
          // two near-equal loads into a tie but never order them the wrong way round.
          if (best < 0 || f * bestWeight < bestInflight * w) {
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

/** `least-connections`. Options: none. */
export const leastConnections: StrategyFactory = (ctx: StrategyContext, options) => {
  checkKnownOptions('least-connections', options, []);
  return new LeastConnections(ctx.table.weight, ctx.table.inflight);
};
