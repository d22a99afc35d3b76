import { checkKnownOptions } from './options.js';
import { smoothWrrPick } from './smooth-wrr.js';
import type { Strategy, StrategyContext, StrategyFactory } from './strategy.js';

/**
 * nginx's smooth weighted round robin (see smoothWrrPick): weights 2:1 give A, B, A; with a
 * fixed mask each upstream gets exactly its weight in every Σw picks, spread out rather than in
 * bursts. Weights are read live from the table on every pick.
 */
export class WeightedRoundRobin implements Strategy {
  readonly name = 'weighted-round-robin';
  private readonly current: Float64Array;

  constructor(private readonly weight: Float64Array) {
    this.current = new Float64Array(weight.length);
  }

  pick(mask: Uint8Array, _key: string | undefined): number {
    return smoothWrrPick(this.current, this.weight, mask);
  }

  observe(_i: number, _latencyMs: number, _ok: boolean): void {}
}

/** `weighted-round-robin`. Options: none. */
export const weightedRoundRobin: StrategyFactory = (ctx: StrategyContext, options) => {
  checkKnownOptions('weighted-round-robin', options, []);
  return new WeightedRoundRobin(ctx.table.weight);
};
