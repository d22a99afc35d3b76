import type { GatewayListener } from '../../gateway/events.js';
import type { InvariantMonitor } from '../../metrics/invariant-monitor.js';
import type { Recorder } from '../../metrics/recorder.js';

/**
 * What the proxy's gateway reports, on run time (ms from load start; earlier events at 0).
 * The recorder gets everything but request starts and ends: those come from the load
 * generator, which sees what users see (latency from the intended send time, answers cut on
 * the way). The invariant monitor gets all of it: its checks are about the gateway's own view.
 */
export function gatewayListener(
  recorder: Recorder,
  monitor: InvariantMonitor,
  origin: { t0: number },
): GatewayListener {
  const rel = (now: number): number => Math.max(0, now - origin.t0);
  return {
    onRequestStart(req, now) {
      monitor.onRequestStart(req, rel(now));
    },
    onAttemptStart(req, upstream, attempt, now) {
      const t = rel(now);
      recorder.onAttemptStart(req, upstream, attempt, t);
      monitor.onAttemptStart(req, upstream, attempt, t);
    },
    onAttemptEnd(req, upstream, attempt, outcome, latencyMs, now) {
      monitor.onAttemptEnd(req, upstream, attempt, outcome, latencyMs, rel(now));
    },
    onBudgetDenied(req, now) {
      recorder.onBudgetDenied(req, rel(now));
    },
    onRequestEnd(result, now) {
      monitor.onRequestEnd(result, rel(now));
    },
    onStateChange(upstream, component, state, now) {
      const t = rel(now);
      recorder.onStateChange(upstream, component, state, t);
      monitor.onStateChange(upstream, component, state, t);
    },
  };
}
