import { CHEAPEST_DEFAULTS, cheapest } from './cheapest.js';
import { CONSISTENT_HASH_DEFAULTS, consistentHash } from './consistent-hash.js';
import { leastConnections } from './least-connections.js';
import { p2c } from './p2c.js';
import { PEAK_EWMA_DEFAULTS, peakEwma } from './peak-ewma.js';
import { random } from './random.js';
import { roundRobin } from './round-robin.js';
import type { Strategy, StrategyContext, StrategyFactory } from './strategy.js';
import { weightedRoundRobin } from './weighted-round-robin.js';

export type StrategyName =
  | 'round-robin'
  | 'weighted-round-robin'
  | 'random'
  | 'least-connections'
  | 'p2c'
  | 'peak-ewma'
  | 'consistent-hash'
  | 'cheapest';

export const STRATEGIES: Record<StrategyName, StrategyFactory> = {
  'round-robin': roundRobin,
  'weighted-round-robin': weightedRoundRobin,
  random,
  'least-connections': leastConnections,
  p2c,
  'peak-ewma': peakEwma,
  'consistent-hash': consistentHash,
  cheapest,
};

/**
 * Every option each strategy takes, with its default (documented on PeakEwmaOptions and
 * ConsistentHashOptions); any other key is a RangeError from the factory.
 */
export const STRATEGY_OPTION_DEFAULTS: Record<StrategyName, Readonly<Record<string, number>>> = {
  'round-robin': {},
  'weighted-round-robin': {},
  random: {},
  'least-connections': {},
  p2c: {},
  'peak-ewma': PEAK_EWMA_DEFAULTS,
  'consistent-hash': CONSISTENT_HASH_DEFAULTS,
  cheapest: CHEAPEST_DEFAULTS,
};

export const STRATEGY_NAMES: readonly StrategyName[] = Object.keys(STRATEGIES) as StrategyName[];

export function isStrategyName(name: string): name is StrategyName {
  return Object.hasOwn(STRATEGIES, name);
}

/** The named strategy; a RangeError listing the known names for an unknown one. */
export function createStrategy(
  name: string,
  ctx: StrategyContext,
  options?: Record<string, unknown>,
): Strategy {
  if (!isStrategyName(name)) {
    throw new RangeError(
      `strategy must be one of ${STRATEGY_NAMES.join(', ')}, got ${JSON.stringify(name)}`,
    );
  }
  return STRATEGIES[name](ctx, options);
}
