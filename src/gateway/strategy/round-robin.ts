import { checkKnownOptions } from './options.js';
import type { Strategy, StrategyContext, StrategyFactory } from './strategy.js';

/**
 * Plain round robin: the next eligible upstream after the last one picked, in index order.
 * Weights are ignored (weight 0 included); use `weighted-round-robin` for shares. The cursor
 * survives mask changes, so an upstream that drops out and comes back resumes its turn.
 */
export class RoundRobin implements Strategy {
  readonly name = 'round-robin';
  private cursor = 0;

  constructor(private readonly n: number) {}

  pick(mask: Uint8Array, _key: string | undefined): number {
    const n = this.n;
    let i = this.cursor;
    for (let k = 0; k < n; k++) {
      const next = i + 1 === n ? 0 : i + 1;
      if (mask[i] === 1) {
        this.cursor = next;
        return i;
      }
      i = next;
    }
    return -1;
  }

  observe(_i: number, _latencyMs: number, _ok: boolean): void {}
}

/** `round-robin`. Options: none. */
export const roundRobin: StrategyFactory = (ctx: StrategyContext, options) => {
  checkKnownOptions('round-robin', options, []);
  return new RoundRobin(ctx.table.n);
};
