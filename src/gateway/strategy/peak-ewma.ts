import { checkNonNegative, checkPositive } from '../../core/assert.js';
import type { Clock } from '../../core/clock.js';
import type { Rng } from '../../core/rng.js';
import { checkKnownOptions, numberOption } from './options.js';
import { peakEwmaDecayed, peakEwmaUpdate } from './peak-ewma-estimate.js';
import type { Strategy, StrategyContext, StrategyFactory } from './strategy.js';
import { WeightedSampler } from './weighted-sampler.js';

export interface PeakEwmaOptions {
  /** Time constant τ of the EWMA and of its idle decay, ms. Default 10 000 (Linkerd, Finagle). */
  decayMs?: number;
  /**
   * Added to the latency of a failed attempt before it enters the estimate, ms, so a fast
   * failure never looks fast. Set it above the slowest latency a healthy upstream may have: a
   * failure should cost more than any success. Default 10 000.
   */
  failurePenaltyMs?: number;
  /**
   * Latency estimate of an upstream with no observation yet, ms; its cost is this × (in-flight
   * + 1), so a new upstream is tried but cannot soak up traffic before its first answer. Default
   * 30 (Linkerd's default RTT).
   */
  defaultCostMs?: number;
}

export const PEAK_EWMA_DEFAULTS: Readonly<Required<PeakEwmaOptions>> = {
  decayMs: 10_000,
  failurePenaltyMs: 10_000,
  defaultCostMs: 30,
};

export function resolvePeakEwmaOptions(
  options: Record<string, unknown> | undefined,
): Required<PeakEwmaOptions> {
  const s = 'peak-ewma';
  checkKnownOptions(s, options, Object.keys(PEAK_EWMA_DEFAULTS));
  const d = PEAK_EWMA_DEFAULTS;
  return {
    decayMs: numberOption(s, options, 'decayMs', d.decayMs, checkPositive),
    failurePenaltyMs: numberOption(
      s,
      options,
      'failurePenaltyMs',
      d.failurePenaltyMs,
      checkNonNegative,
    ),
    defaultCostMs: numberOption(s, options, 'defaultCostMs', d.defaultCostMs, checkNonNegative),
  };
}

/**
 * Peak EWMA (Finagle, Linkerd): cost = peak-sensitive EWMA of latency (see peak-ewma-estimate)
 * × (in-flight + 1), divided by weight. Like Finagle and Linkerd it compares two upstreams drawn
 * as p2c draws them (∝ weight, without replacement) rather than scanning all, which keeps a pick
 * O(1) and spreads load instead of herding onto the single cheapest upstream. The cheaper one
 * wins; a tie goes to the first drawn.
 */
export class PeakEwma implements Strategy {
  readonly name = 'peak-ewma';
  private readonly weight: Float64Array;
  private readonly estimate: Float64Array;
  private readonly stamp: Float64Array;
  private readonly seen: Uint8Array;
  private readonly weighted: WeightedSampler;
  private unweighted: WeightedSampler | undefined;

  constructor(
    weight: Float64Array,
    private readonly inflight: Int32Array,
    private readonly rng: Rng,
    private readonly clock: Clock,
    private readonly config: Required<PeakEwmaOptions>,
  ) {
    const n = weight.length;
    this.weight = Float64Array.from(weight);
    this.estimate = new Float64Array(n);
    this.stamp = new Float64Array(n);
    this.seen = new Uint8Array(n);
    this.weighted = new WeightedSampler(weight);
  }

  pick(mask: Uint8Array, _key: string | undefined): number {
    let sampler = this.weighted;
    let a = sampler.sample(mask, -1, this.rng);
    let weighted = true;
    if (a < 0) {
      sampler = this.unweighted ??= WeightedSampler.uniform(mask.length);
      a = sampler.sample(mask, -1, this.rng);
      if (a < 0) return -1;
      weighted = false;
    }
    const b = sampler.sample(mask, a, this.rng);
    if (b < 0) return a;
    return this.cheaper(a, b, weighted) ? b : a;
  }

  /**
   * Whether b costs less than a. Both decay by e^(−t/τ) from their own stamps, so the comparison
   * needs one exp of the difference of their ages, not two.
   */
  private cheaper(a: number, b: number, weighted: boolean): boolean {
    const { estimate, stamp, seen, inflight, config } = this;
    let costA = (seen[a] === 1 ? estimate[a]! : config.defaultCostMs) * (inflight[a]! + 1);
    let costB = (seen[b] === 1 ? estimate[b]! : config.defaultCostMs) * (inflight[b]! + 1);
    if (weighted) {
      costA /= this.weight[a]!;
      costB /= this.weight[b]!;
    }
    if (seen[a] === 1 || seen[b] === 1) {
      const now = this.clock.now();
      const ageA = seen[a] === 1 ? Math.max(now - stamp[a]!, 0) : 0;
      const ageB = seen[b] === 1 ? Math.max(now - stamp[b]!, 0) : 0;
      // costB·e^(−ageB/τ) < costA·e^(−ageA/τ); when the undecayed order and the ages agree the
      // answer needs no exp at all.
      if (ageB >= ageA && costB < costA) return true;
      if (ageB <= ageA && costB >= costA) return false;
      return costB < costA * Math.exp((ageB - ageA) / config.decayMs);
    }
    return costB < costA;
  }

  /** Current cost of upstream i: the decayed estimate × (in-flight + 1). */
  cost(i: number, now: number): number {
    const latency =
      this.seen[i] === 1
        ? peakEwmaDecayed(this.estimate[i]!, now - this.stamp[i]!, this.config.decayMs)
        : this.config.defaultCostMs;
    return latency * (this.inflight[i]! + 1);
  }

  observe(i: number, latencyMs: number, ok: boolean): void {
    if (!(i >= 0 && i < this.seen.length)) return;
    const latency = latencyMs > 0 ? latencyMs : 0;
    const sample = ok ? latency : latency + this.config.failurePenaltyMs;
    const now = this.clock.now();
    if (this.seen[i] === 1) {
      this.estimate[i] = peakEwmaUpdate(
        this.estimate[i]!,
        sample,
        now - this.stamp[i]!,
        this.config.decayMs,
      );
    } else {
      this.estimate[i] = sample;
      this.seen[i] = 1;
    }
    this.stamp[i] = now;
  }
}

/**
 * `peak-ewma`. Options (PeakEwmaOptions): decayMs (default 10 000), failurePenaltyMs (default
 * 10 000), defaultCostMs (default 30).
 */
export const peakEwma: StrategyFactory = (ctx: StrategyContext, options) =>
  new PeakEwma(
    ctx.table.weight,
    ctx.table.inflight,
    ctx.rng,
    ctx.clock,
    resolvePeakEwmaOptions(options),
  );
