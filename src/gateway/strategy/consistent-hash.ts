import { checkInteger } from '../../core/assert.js';
import type { Rng } from '../../core/rng.js';
import { hash32 } from '../../core/rng.js';
import { buildHashRing, ringOwner } from './hash-ring.js';
import type { HashRing } from './hash-ring.js';
import { checkKnownOptions, numberOption } from './options.js';
import type { Strategy, StrategyContext, StrategyFactory } from './strategy.js';

export interface ConsistentHashOptions {
  /**
   * Ring points per unit of weight: an upstream of weight w gets round(virtualNodes × w) points
   * (at least 1 when w > 0), so its share of keys follows its weight. More points, a more even
   * spread (the share's relative spread is about 1/√points) for more memory. Default 160
   * (nginx's `hash ... consistent` uses 160 per weight unit as well).
   */
  virtualNodes?: number;
}

export const CONSISTENT_HASH_DEFAULTS: Readonly<Required<ConsistentHashOptions>> = {
  virtualNodes: 160,
};

export function resolveConsistentHashOptions(
  options: Record<string, unknown> | undefined,
): Required<ConsistentHashOptions> {
  const s = 'consistent-hash';
  checkKnownOptions(s, options, Object.keys(CONSISTENT_HASH_DEFAULTS));
  return {
    virtualNodes: numberOption(
      s,
      options,
      'virtualNodes',
      CONSISTENT_HASH_DEFAULTS.virtualNodes,
      (param, value) => checkInteger(param, value, 1),
    ),
  };
}

/**
 * Consistent hashing of the request key on a ring with virtual nodes (see hash-ring). The same
 * key goes to the same upstream while the eligible set is unchanged; when its owner is masked out
 * it walks on to the next eligible owner. A request without a key lands on a random ring point,
 * which amounts to weighted random. Upstreams with weight 0 are off the ring; when every eligible
 * upstream has weight 0 a second ring, all upstreams with virtualNodes points each, is used.
 * Weights are read when the strategy is created.
 */
export class ConsistentHash implements Strategy {
  readonly name = 'consistent-hash';
  private readonly ring: HashRing;
  private unweightedRing: HashRing | undefined;

  constructor(
    private readonly names: readonly string[],
    weight: Float64Array,
    private readonly rng: Rng,
    private readonly config: Required<ConsistentHashOptions>,
  ) {
    const counts = Array.from(weight, (w) =>
      w > 0 ? Math.max(1, Math.round(config.virtualNodes * w)) : 0,
    );
    this.ring = buildHashRing(names, counts);
  }

  pick(mask: Uint8Array, key: string | undefined): number {
    const hash = key === undefined ? this.rng.nextUint32() : hash32(key);
    const i = ringOwner(this.ring, hash, mask);
    if (i >= 0) return i;
    this.unweightedRing ??= buildHashRing(
      this.names,
      new Array<number>(this.names.length).fill(this.config.virtualNodes),
    );
    return ringOwner(this.unweightedRing, hash, mask);
  }

  observe(_i: number, _latencyMs: number, _ok: boolean): void {}
}

/** `consistent-hash`. Options (ConsistentHashOptions): virtualNodes (default 160 per unit weight). */
export const consistentHash: StrategyFactory = (ctx: StrategyContext, options) =>
  new ConsistentHash(
    ctx.table.names,
    ctx.table.weight,
    ctx.rng,
    resolveConsistentHashOptions(options),
  );
