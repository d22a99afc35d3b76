import type { Rng } from '../../src/core/rng.js';
import type { Scheduler } from '../../src/core/clock.js';
import type { Plan, StreamEnd } from '../plan.js';
import type { FakeRequest } from '../request.js';

/**
 * Where in the decision a behaviour acts:
 * - connection: before the request is read (refuse, hang, reset before headers);
 * - error: after auth and the provider rate limit, answering instead of the model;
 * - shape: changing how a healthy answer is timed or how its stream ends.
 */
export type Stage = 'connection' | 'error' | 'shape';

/** What the upstream knows about the request being decided. */
export interface DecideContext {
  req: FakeRequest;
  now: number;
  /** 1 for the first request with this key, 2 for its first retry, ... (0 when not tracked). */
  attempt: number;
}

export const DONE: StreamEnd = Object.freeze({ kind: 'done' });

/** The healthy answer being shaped; one object per upstream, reset for each request. */
export interface Draft {
  latencyMs: number;
  ttftMs: number;
  itlMs: number;
  tokens: number;
  /** Multiplies every latency (brownout). */
  factor: number;
  /** Added to the time to first token after the factor. */
  ttftAddMs: number;
  end: StreamEnd;
  midBodyReset: boolean;
}

/** What a fault may touch on its upstream while it is active. */
export interface FaultHost {
  readonly scheduler: Scheduler;
  /** Call when refusing() or the capacity changed, so transports and the queue follow. */
  changed(): void;
}

/**
 * A single-purpose behaviour. `decide` returns a plan to answer with, or null to let the
 * request go on (after perhaps changing the draft). Probability is never inside a behaviour:
 * wrap it in `Chance`.
 */
export interface Behaviour {
  readonly stage: Stage;
  readonly name: string;
  decide(ctx: DecideContext, draft: Draft): Plan | null;
  /** True while every new connection should be refused (transports close their port). */
  refusing?(): boolean;
  /** Concurrent requests allowed now, given the configured capacity. */
  capacity?(now: number, base: number): number;
  start?(host: FaultHost, now: number): void;
  stop?(): void;
}

/** Applies `inner` to a request with probability `p` (toxiproxy's toxicity). */
export class Chance implements Behaviour {
  readonly stage: Stage;
  readonly name: string;
  constructor(
    private readonly p: number,
    private readonly inner: Behaviour,
    private readonly rng: Rng,
  ) {
    this.stage = inner.stage;
    this.name = inner.name;
  }

  decide(ctx: DecideContext, draft: Draft): Plan | null {
    return this.rng.next() < this.p ? this.inner.decide(ctx, draft) : null;
  }
}
