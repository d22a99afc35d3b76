import { check, checkNonNegative, checkPositive } from '../../core/assert.js';
import type { Clock } from '../../core/clock.js';
import { checkKnownOptions, numberOption } from './options.js';
import type { Strategy, StrategyContext, StrategyFactory } from './strategy.js';

/** Dollars per million tokens, as a scenario's `upstreams[].price` gives them. */
export interface UpstreamPrice {
  input: number;
  output: number;
}

export interface CheapestOptions {
  /** An upstream whose latency estimate is above this is passed over while another meets it, ms. Default 1 000. */
  latencyBoundMs?: number;
  /** Time constant τ of the latency EWMA, ms; also how often a passed-over cheaper upstream gets one probe request. Default 10 000. */
  decayMs?: number;
  /** Added to the latency of a failed attempt before it enters the estimate, ms. Default 10 000. */
  failurePenaltyMs?: number;
  /** Latency estimate before the first answer, ms (below the bound, so a new upstream is tried). Default 30. */
  defaultCostMs?: number;
  /** One per upstream, in table order; an upstream without a price (null) ranks after every priced one. */
  prices?: readonly (UpstreamPrice | null)[];
}

export const CHEAPEST_DEFAULTS: Readonly<Required<Omit<CheapestOptions, 'prices'>>> = {
  latencyBoundMs: 1_000,
  decayMs: 10_000,
  failurePenaltyMs: 10_000,
  defaultCostMs: 30,
};

type Resolved = Required<Omit<CheapestOptions, 'prices'>> & {
  prices: readonly (UpstreamPrice | null)[];
};

function resolve(options: Record<string, unknown> | undefined, n: number): Resolved {
  const s = 'cheapest';
  checkKnownOptions(s, options, [...Object.keys(CHEAPEST_DEFAULTS), 'prices']);
  const d = CHEAPEST_DEFAULTS;
  const prices = (options?.prices ?? []) as readonly (UpstreamPrice | null)[];
  check(Array.isArray(prices), `${s}.prices`, prices, 'must be an array (one per upstream)');
  check(prices.length <= n, `${s}.prices`, prices.length, `must have at most ${n} entries`);
  prices.forEach((p, i) => {
    if (p === null || p === undefined) return;
    checkNonNegative(`${s}.prices[${i}].input`, p.input);
    checkNonNegative(`${s}.prices[${i}].output`, p.output);
  });
  return {
    latencyBoundMs: numberOption(s, options, 'latencyBoundMs', d.latencyBoundMs, checkPositive),
    decayMs: numberOption(s, options, 'decayMs', d.decayMs, checkPositive),
    failurePenaltyMs: numberOption(
      s,
      options,
      'failurePenaltyMs',
      d.failurePenaltyMs,
      checkNonNegative,
    ),
    defaultCostMs: numberOption(s, options, 'defaultCostMs', d.defaultCostMs, checkNonNegative),
    prices,
  };
}

/**
 * Cost-aware: the cheapest eligible upstream whose latency estimate meets the bound; when none
 * does, the fastest. Prices rank by output price, then input price (answers are where LLM money
 * goes). The estimate is an EWMA with time constant τ, so it forgets at the same speed whatever
 * the request rate. A cheaper upstream passed over for being slow gets no traffic and so no new
 * samples: once per τ it is sent a single probe request, so a recovered upstream wins back its
 * traffic without a whole wave of requests landing on it while it is still slow.
 */
export class Cheapest implements Strategy {
  readonly name = 'cheapest';
  /** Upstream indices from cheapest to dearest (stable: equal prices keep table order). */
  private readonly order: Int32Array;
  private readonly estimate: Float64Array;
  private readonly stamp: Float64Array;
  private readonly probedAt: Float64Array;
  private readonly seen: Uint8Array;

  constructor(
    n: number,
    private readonly inflight: Int32Array,
    private readonly clock: Clock,
    private readonly config: Resolved,
  ) {
    const rank = (i: number): [number, number] => {
      const p = config.prices[i];
      return p === null || p === undefined ? [Infinity, Infinity] : [p.output, p.input];
    };
    this.order = Int32Array.from(
      Array.from({ length: n }, (_, i) => i).sort((a, b) => {
        const [oa, ia] = rank(a);
        const [ob, ib] = rank(b);
        return oa !== ob ? (oa < ob ? -1 : 1) : ia !== ib ? (ia < ib ? -1 : 1) : a - b;
      }),
    );
    this.estimate = new Float64Array(n);
    this.stamp = new Float64Array(n);
    this.probedAt = new Float64Array(n).fill(-Infinity);
    this.seen = new Uint8Array(n);
  }

  pick(mask: Uint8Array, _key: string | undefined): number {
    const { order, config } = this;
    const now = this.clock.now();
    let fastest = -1;
    let fastestMs = Infinity;
    for (let k = 0; k < order.length; k++) {
      const i = order[k]!;
      if (mask[i] !== 1) continue;
      // Before its first answer an upstream is tried with one request, not with all of them.
      const seen = this.seen[i] === 1;
      const ms = seen ? this.estimate[i]! : config.defaultCostMs * (this.inflight[i]! + 1);
      if (seen ? ms <= config.latencyBoundMs : this.inflight[i] === 0) return i;
      if (now - Math.max(this.stamp[i]!, this.probedAt[i]!) >= config.decayMs) {
        this.probedAt[i] = now;
        return i;
      }
      if (ms < fastestMs) {
        fastestMs = ms;
        fastest = i;
      }
    }
    return fastest;
  }

  /** The latency estimate of upstream i, ms (the default before its first answer). */
  latencyEstimate(i: number): number {
    return this.seen[i] === 1 ? this.estimate[i]! : this.config.defaultCostMs;
  }

  observe(i: number, latencyMs: number, ok: boolean): void {
    if (!(i >= 0 && i < this.seen.length)) return;
    const latency = latencyMs > 0 && Number.isFinite(latencyMs) ? latencyMs : 0;
    const sample = ok ? latency : latency + this.config.failurePenaltyMs;
    const now = this.clock.now();
    if (this.seen[i] === 1) {
      // After a long silence (a probe) one sample would replace the estimate outright; one lucky
      // fast answer must not send all traffic to an upstream that is still slow.
      const w = Math.max(Math.exp(-Math.max(now - this.stamp[i]!, 0) / this.config.decayMs), 0.5);
      this.estimate[i] = this.estimate[i]! * w + sample * (1 - w);
    } else {
      this.estimate[i] = sample;
      this.seen[i] = 1;
    }
    this.stamp[i] = now;
  }
}

/**
 * `cheapest`. Options (CheapestOptions): latencyBoundMs (default 1 000), decayMs (default
 * 10 000), failurePenaltyMs (default 10 000), defaultCostMs (default 30), prices (one per
 * upstream; the scenario passes its `upstreams[].price`).
 */
export const cheapest: StrategyFactory = (ctx: StrategyContext, options) =>
  new Cheapest(ctx.table.n, ctx.table.inflight, ctx.clock, resolve(options, ctx.table.n));
