import { checkKnownOptions } from './options.js';
import { MaskSnapshot } from './mask-snapshot.js';
import { smoothWrrPick } from './smooth-wrr.js';
import type { Strategy, StrategyContext, StrategyFactory } from './strategy.js';

/** Longest period replayed from the cache; beyond it every pick runs the O(n) round. */
export const MAX_CACHED_PERIOD = 1 << 16;

/**
 * nginx's smooth weighted round robin (see smoothWrrPick): weights 2:1 give A, B, A; with a fixed
 * mask each upstream gets exactly its weight in every Σw picks, spread out rather than in bursts.
 *
 * A round is O(n), so the sequence is cached: with integer weights and an unchanged mask the
 * state after Σw picks equals the state before them (each participant gains Σw·w and loses
 * w·Σw), so the picks of one period are recorded, the return to the start state is verified, and
 * the recording is replayed in O(1) until the mask changes. Then the current weights at the
 * replay position are rebuilt exactly (start + p·w − Σw·picks so far) and rounds resume, so the
 * picks are always exactly those of smoothWrrPick. Weights are read when the strategy is created.
 */
export class WeightedRoundRobin implements Strategy {
  readonly name = 'weighted-round-robin';
  private readonly weight: Float64Array;
  private readonly current: Float64Array;
  private readonly windowStart: Float64Array;
  private readonly snapshot: MaskSnapshot;
  private schedule = new Int32Array(0);
  /** Σ of the participants' weights under the snapshot mask; 0 = do not cache. */
  private period = 0;
  private recorded = 0;
  private replaying = false;
  private position = 0;
  /** Whether the snapshot mask's round is weighted (some participant has weight > 0). */
  private weightedRound = true;

  constructor(weight: Float64Array) {
    const n = weight.length;
    this.weight = Float64Array.from(weight);
    this.current = new Float64Array(n);
    this.windowStart = new Float64Array(n);
    this.snapshot = new MaskSnapshot(n);
  }

  pick(mask: Uint8Array, _key: string | undefined): number {
    if (!this.snapshot.matches(mask)) this.newMask(mask);
    else if (this.replaying) {
      const i = this.schedule[this.position]!;
      this.position = this.position + 1 === this.period ? 0 : this.position + 1;
      return i;
    }
    const i = smoothWrrPick(this.current, this.weight, mask);
    if (this.period > 0) this.record(i);
    return i;
  }

  observe(_i: number, _latencyMs: number, _ok: boolean): void {}

  private newMask(mask: Uint8Array): void {
    if (this.replaying) this.materialise();
    this.snapshot.take(mask);
    this.period = this.cacheablePeriod(mask);
    if (this.period > this.schedule.length) this.schedule = new Int32Array(this.period);
    this.windowStart.set(this.current);
    this.recorded = 0;
  }

  private record(i: number): void {
    this.schedule[this.recorded++] = i;
    if (this.recorded < this.period) return;
    const { current, windowStart } = this;
    let back = true;
    for (let j = 0; j < current.length && back; j++) back = current[j] === windowStart[j];
    if (back) {
      this.replaying = true;
      this.position = 0;
    } else {
      windowStart.set(current);
      this.recorded = 0;
    }
  }

  /** Current weights at the replay position: start + p·w − Σw·(picks of each in the first p). */
  private materialise(): void {
    const { current, windowStart, weight, schedule, position, period } = this;
    const held = this.snapshot.copy;
    const picks = new Float64Array(current.length);
    for (let p = 0; p < position; p++) picks[schedule[p]!]!++;
    for (let i = 0; i < current.length; i++) {
      if (held[i] !== 1) continue;
      const w = this.weightedRound ? weight[i]! : 1;
      if (!(w > 0)) continue;
      current[i] = windowStart[i]! + position * w - period * picks[i]!;
    }
    this.replaying = false;
  }

  /**
   * The period under `mask`: Σ of the participants' weights (or their count when none has
   * weight > 0, as smoothWrrPick then weighs them 1), or 0 when a weight is fractional or the sum
   * exceeds MAX_CACHED_PERIOD.
   */
  private cacheablePeriod(mask: Uint8Array): number {
    let total = 0;
    let count = 0;
    let integral = true;
    for (let i = 0; i < this.weight.length; i++) {
      if (mask[i] !== 1) continue;
      count++;
      const w = this.weight[i]!;
      if (!(w > 0)) continue;
      total += w;
      if (!Number.isInteger(w)) integral = false;
    }
    this.weightedRound = total > 0;
    const period = total > 0 ? (integral ? total : 0) : count;
    return period <= MAX_CACHED_PERIOD ? period : 0;
  }
}

/** `weighted-round-robin`. Options: none. */
export const weightedRoundRobin: StrategyFactory = (ctx: StrategyContext, options) => {
  checkKnownOptions('weighted-round-robin', options, []);
  return new WeightedRoundRobin(ctx.table.weight);
};
