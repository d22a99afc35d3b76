import type { Rng } from '../../core/rng.js';
import { checkKnownOptions } from './options.js';
import type { Strategy, StrategyContext, StrategyFactory } from './strategy.js';
import { WeightedSampler } from './weighted-sampler.js';

/**
 * Weighted random: each eligible upstream with probability weight ÷ (sum of the eligible
 * weights). When every eligible upstream has weight 0 it is uniform among them. One Rng stream,
 * so a seed fixes the sequence. Weights are read when the strategy is created.
 */
export class WeightedRandom implements Strategy {
  readonly name = 'random';
  private readonly weighted: WeightedSampler;
  private unweighted: WeightedSampler | undefined;

  constructor(
    weight: Float64Array,
    private readonly rng: Rng,
  ) {
    this.weighted = new WeightedSampler(weight);
  }

  pick(mask: Uint8Array, _key: string | undefined): number {
    const i = this.weighted.sample(mask, -1, this.rng);
    if (i >= 0) return i;
    this.unweighted ??= WeightedSampler.uniform(mask.length);
    return this.unweighted.sample(mask, -1, this.rng);
  }

  observe(_i: number, _latencyMs: number, _ok: boolean): void {}
}

/** `random`. Options: none. */
export const random: StrategyFactory = (ctx: StrategyContext, options) => {
  checkKnownOptions('random', options, []);
  return new WeightedRandom(ctx.table.weight, ctx.rng);
};
