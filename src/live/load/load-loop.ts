import type { ClientEvent, GeneratorStats } from './types.js';

/** Where a loop reports what its clients saw, in the order it happened. */
export type EventSink = (e: ClientEvent) => void;

/**
 * A load generator running inside the load worker. It starts at `t0` (epoch ms), stops sending at
 * the spec's duration (or at stop()), gives requests in flight the grace period, aborts the rest
 * and resolves.
 */
export interface LoadLoop {
  run(t0: number): Promise<GeneratorStats>;
  /** Stops sending now; requests in flight get `graceMs`, then are aborted. */
  stop(graceMs: number): void;
}
