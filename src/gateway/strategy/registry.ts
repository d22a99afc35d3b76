import { consistentHash } from './consistent-hash.js';
import { leastConnections } from './least-connections.js';
import { p2c } from './p2c.js';
import { peakEwma } from './peak-ewma.js';
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
  | 'consistent-hash';

export const STRATEGIES: Record<StrategyName, StrategyFactory> = {
  'round-robin': roundRobin,
  'weighted-round-robin': weightedRoundRobin,
  random,
  'least-connections': leastConnections,
  p2c,
  'peak-ewma': peakEwma,
  'consistent-hash': consistentHash,
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
