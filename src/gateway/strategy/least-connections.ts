import { checkKnownOptions } from './options.js';
import type { Strategy, StrategyContext, StrategyFactory } from './strategy.js';

/**
 * Weighted least connections: the eligible upstream with the lowest in-flight ÷ weight. Ties go
 * round robin: the scan starts just after the previous pick and keeps the first minimum it meets,
 * so equally loaded upstreams take turns. Upstreams with weight 0 are chosen only when every
 * eligible one has weight 0, and then by in-flight alone. Weights are read live.
 */
export class LeastConnections implements Strategy {
  readonly name = 'least-connections';
  private cursor = 0;

  constructor(
    private readonly weight: Float64Array,
    private readonly inflight: Int32Array,
  ) {}

  pick(mask: Uint8Array, _key: string | undefined): number {
    const weight = this.weight;
    const inflight = this.inflight;
    const n = weight.length;
    let best = -1;
    let bestLoad = 0;
    let bestZero = -1;
    let bestZeroLoad = 0;
    let i = this.cursor;
    for (let k = 0; k < n; k++) {
      if (mask[i] === 1) {
        const w = weight[i]!;
        if (w > 0) {
          // Division rounds monotonically, so it can merge two near-equal loads into a tie but
          // never order them the wrong way round.
          const load = inflight[i]! / w;
          if (best < 0 || load < bestLoad) {
            best = i;
            bestLoad = load;
          }
        } else if (bestZero < 0 || inflight[i]! < bestZeroLoad) {
          bestZero = i;
          bestZeroLoad = inflight[i]!;
        }
      }
      i = i + 1 === n ? 0 : i + 1;
    }
    if (best < 0) best = bestZero;
    if (best >= 0) this.cursor = best + 1 === n ? 0 : best + 1;
    return best;
  }

  observe(_i: number, _latencyMs: number, _ok: boolean): void {}
}

/** `least-connections`. Options: none. */
export const leastConnections: StrategyFactory = (ctx: StrategyContext, options) => {
  checkKnownOptions('least-connections', options, []);
  return new LeastConnections(ctx.table.weight, ctx.table.inflight);
};
