import type { Clock } from '../../core/clock.js';
import type { Rng } from '../../core/rng.js';
import type { UpstreamTable } from '../upstream-table.js';

/**
 * What a strategy is built from. Weights are configuration: every strategy reads `table.weight`
 * when it is created and may precompute from it (alias tables, rings, integer keys), so a weight
 * change takes a new strategy. `table.inflight` is read live on every pick.
 */
export interface StrategyContext {
  table: UpstreamTable;
  rng: Rng;
  clock: Clock;
}

export interface Strategy {
  readonly name: string;
  /** An index i with mask[i] === 1 (and table.weight[i] > 0 for weighted strategies when any such exists), or -1 when no index is eligible. Never an ineligible index. `key` is the request's hash key (consistent-hash); others ignore it. */
  pick(mask: Uint8Array, key: string | undefined): number;
  /** One attempt at upstream i finished (latency in ms, ok = not an upstream failure). Strategies that do not learn ignore it. */
  observe(i: number, latencyMs: number, ok: boolean): void;
}

export type StrategyFactory = (ctx: StrategyContext, options?: Record<string, unknown>) => Strategy;
