import type { GatewayListener } from '../gateway/events.js';

type Method = keyof GatewayListener;
type Fn = (a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown) => void;

const METHODS = [
  'onRequestStart',
  'onAttemptStart',
  'onAttemptEnd',
  'onRetryScheduled',
  'onBudgetDenied',
  'onFallback',
  'onRequestEnd',
  'onStateChange',
] as const satisfies readonly Method[];
/** Fails to compile when GatewayListener gains an event this list does not forward. */
const EVERY_METHOD: Exclude<Method, (typeof METHODS)[number]> extends never ? true : never = true;
void EVERY_METHOD;

/**
 * One listener that forwards each event to several (e.g. Recorder and InvariantMonitor), in the
 * order given. A method is present only if some listener has it, so the gateway's `?.` still
 * skips events nobody wants.
 */
export function fanOut(...listeners: GatewayListener[]): GatewayListener {
  const out: Partial<Record<Method, Fn>> = {};
  for (const m of METHODS) {
    const fns = listeners
      .filter((l) => typeof l[m] === 'function')
      .map((l) => (l[m] as Fn).bind(l));
    const [f0, f1] = fns;
    if (f0 === undefined) continue;
    if (fns.length === 1) out[m] = f0;
    else if (fns.length === 2 && f1 !== undefined) {
      out[m] = (a, b, c, d, e, f) => {
        f0(a, b, c, d, e, f);
        f1(a, b, c, d, e, f);
      };
    } else {
      out[m] = (a, b, c, d, e, f) => {
        for (const fn of fns) fn(a, b, c, d, e, f);
      };
    }
  }
  return out as GatewayListener;
}
