import type { GatewayListener } from '../gateway/events.js';

type Method = keyof GatewayListener;
const METHODS: readonly Method[] = [
  'onRequestStart',
  'onAttemptStart',
  'onAttemptEnd',
  'onRetryScheduled',
  'onBudgetDenied',
  'onRequestEnd',
  'onStateChange',
];

/**
 * One listener that forwards each event to several (e.g. Recorder and InvariantMonitor), in the
 * order given. A method is present only if some listener has it, so the gateway's `?.` still
 * skips events nobody wants.
 */
export function fanOut(...listeners: GatewayListener[]): GatewayListener {
  const out: Record<string, unknown> = {};
  for (const m of METHODS) {
    const targets = listeners.filter((l) => typeof l[m] === 'function');
    if (targets.length === 0) continue;
    out[m] = (...args: unknown[]): void => {
      for (const l of targets) (l[m] as (...a: unknown[]) => void).apply(l, args);
    };
  }
  return out as GatewayListener;
}
