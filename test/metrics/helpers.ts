import type { AttemptOutcome, ErrorClass } from '../../src/gateway/outcome.js';
import type { GatewayRequest, RequestResult } from '../../src/gateway/request.js';
import type { GatewayListener } from '../../src/gateway/events.js';

export function req(id: number, stream = false): GatewayRequest {
  return { id, key: undefined, stream, cost: 1 };
}

export function ended(
  request: GatewayRequest,
  startedAt: number,
  endedAt: number,
  errorClass: ErrorClass | null = null,
  attempts = 1,
  upstream = 0,
  outcome: AttemptOutcome | null = errorClass === null
    ? { kind: 'ok', status: 200 }
    : { kind: 'http-error', status: 503 },
): RequestResult {
  return {
    request,
    ok: errorClass === null,
    errorClass,
    outcome,
    upstream,
    attempts,
    startedAt,
    endedAt,
    retryAfterMs: 0,
  };
}

/**
 * Drives one whole request through a listener: start at `at`, one attempt per entry of
 * `upstreams` (all but the last fail with 503), end `latency` ms later.
 */
export function request(
  l: GatewayListener,
  id: number,
  at: number,
  latency: number,
  opts: { upstreams?: number[]; error?: ErrorClass | null } = {},
): void {
  const r = req(id);
  const ups = opts.upstreams ?? [0];
  const error = opts.error ?? null;
  l.onRequestStart?.(r, at);
  ups.forEach((u, i) => {
    l.onAttemptStart?.(r, u, i + 1, at);
    const last = i === ups.length - 1;
    const outcome: AttemptOutcome =
      last && error === null ? { kind: 'ok', status: 200 } : { kind: 'http-error', status: 503 };
    l.onAttemptEnd?.(r, u, i + 1, outcome, last ? latency : 0, last ? at + latency : at);
  });
  l.onRequestEnd?.(
    ended(r, at, at + latency, error, ups.length, ups[ups.length - 1] ?? -1),
    at + latency,
  );
}
