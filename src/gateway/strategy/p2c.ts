import type { Rng } from '../../core/rng.js';
import { checkKnownOptions } from './options.js';
import type { Strategy, StrategyContext, StrategyFactory } from './strategy.js';
import { WeightedSampler } from './weighted-sampler.js';

/**
 * Power of two choices on in-flight, weighted. Two distinct eligible upstreams are drawn in
 * proportion to weight, WITHOUT replacement (the second draw excludes the first, so with two
 * eligible both are always compared), and the one with the lower in-flight ÷ weight wins; on a
 * tie the first drawn wins, so at zero load traffic follows the weights exactly. With one
 * eligible upstream it is picked. Upstreams with weight 0 take part only when every eligible one
 * has weight 0, and then are drawn uniformly and compared on in-flight alone. Weights are read
 * when the strategy is created.
 */
export class PowerOfTwoChoices implements Strategy {
  readonly name = 'p2c';
  private readonly weight: Float64Array;
  private readonly weighted: WeightedSampler;
  private unweighted: WeightedSampler | undefined;

  constructor(
    weight: Float64Array,
    private readonly inflight: Int32Array,
    private readonly rng: Rng,
  ) {
    this.weight = Float64Array.from(weight);
    this.weighted = new WeightedSampler(weight);
  }

  pick(mask: Uint8Array, _key: string | undefined): number {
    const inflight = this.inflight;
    const a = this.weighted.sample(mask, -1, this.rng);
    if (a >= 0) {
      const b = this.weighted.sample(mask, a, this.rng);
      if (b < 0) return a;
      const weight = this.weight;
      return inflight[b]! / weight[b]! < inflight[a]! / weight[a]! ? b : a;
    }
    this.unweighted ??= WeightedSampler.uniform(mask.length);
    const c = this.unweighted.sample(mask, -1, this.rng);
    if (c < 0) return -1;
    const d = this.unweighted.sample(mask, c, this.rng);
    return d >= 0 && inflight[d]! < inflight[c]! ? d : c;
  }

  observe(_i: number, _latencyMs: number, _ok: boolean): void {}
}

/** `p2c`. Options: none. */
export const p2c: StrategyFactory = (ctx: StrategyContext, options) => {
  checkKnownOptions('p2c', options, []);
  return new PowerOfTwoChoices(ctx.table.weight, ctx.table.inflight, ctx.rng);
};
