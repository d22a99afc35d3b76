import type { AttemptOutcome } from './outcome.js';
import type { GatewayRequest, RequestResult } from './request.js';

/** Which component changed an upstream's standing. */
export type StateComponent = 'breaker' | 'health' | 'cooldown';

/**
 * What the gateway core reports as it works. The recorder implements it; every method is
 * optional so a listener pays only for what it wants.
 */
export interface GatewayListener {
  onRequestStart?(req: GatewayRequest, now: number): void;
  /**
   * `attempt` counts from 1 within the request's current group: the balancer's upstreams, or the
   * fallback group it moved to (see onFallback). RequestResult.attempts is the total.
   */
  onAttemptStart?(req: GatewayRequest, upstream: number, attempt: number, now: number): void;
  onAttemptEnd?(
    req: GatewayRequest,
    upstream: number,
    attempt: number,
    outcome: AttemptOutcome,
    latencyMs: number,
    now: number,
  ): void;
  onRetryScheduled?(req: GatewayRequest, delayMs: number, now: number): void;
  onBudgetDenied?(req: GatewayRequest, now: number): void;
  /**
   * The attempt that just ended answered provider error `code`, and a fallback rule moves the
   * request to its group (at once, before any request end): the next attempt is the group's first.
   */
  onFallback?(req: GatewayRequest, code: string, now: number): void;
  onRequestEnd?(result: RequestResult, now: number): void;
  /** `state` is the component's own state name, e.g. "open", "half-open", "down", "cooling". */
  onStateChange?(upstream: number, component: StateComponent, state: string, now: number): void;
}
