import type { GatewayListener, StateComponent } from '../gateway/events.js';
import type { AttemptOutcome } from '../gateway/outcome.js';
import type { GatewayRequest, RequestResult } from '../gateway/request.js';
import type { InvariantMonitor } from '../metrics/invariant-monitor.js';
import type { Recorder } from '../metrics/recorder.js';

/**
 * The simulator's listener: the recorder and the invariant monitor called directly. fanOut's
 * generic forwarding (rest arguments and apply) cost more per request than both of them together.
 */
export class RunListener implements GatewayListener {
  constructor(
    private readonly recorder: Recorder,
    private readonly monitor: InvariantMonitor,
  ) {}

  onRequestStart(req: GatewayRequest, now: number): void {
    this.recorder.onRequestStart(req, now);
    this.monitor.onRequestStart(req, now);
  }

  onAttemptStart(req: GatewayRequest, upstream: number, attempt: number, now: number): void {
    this.recorder.onAttemptStart(req, upstream, attempt, now);
    this.monitor.onAttemptStart(req, upstream, attempt, now);
  }

  onAttemptEnd(
    req: GatewayRequest,
    upstream: number,
    attempt: number,
    outcome: AttemptOutcome,
    latencyMs: number,
    now: number,
  ): void {
    this.monitor.onAttemptEnd(req, upstream, attempt, outcome, latencyMs, now);
  }

  onBudgetDenied(req: GatewayRequest, now: number): void {
    this.recorder.onBudgetDenied(req, now);
  }

  onRequestEnd(result: RequestResult, now: number): void {
    this.recorder.onRequestEnd(result, now);
    this.monitor.onRequestEnd(result, now);
  }

  onStateChange(upstream: number, component: StateComponent, state: string, now: number): void {
    this.recorder.onStateChange(upstream, component, state, now);
    this.monitor.onStateChange(upstream, component, state, now);
  }
}
