import type { Scheduler } from '../../core/clock.js';
import type { Rng } from '../../core/rng.js';
import type { GatewayListener } from '../../gateway/events.js';
import { createGateway, type Gateway, type GatewayConfig } from '../../gateway/gateway.js';
import { HttpTransport } from './transport.js';
import type { UpstreamTarget } from './upstream-target.js';

/**
 * The group a request moves to when an upstream answers 400 context_length_exceeded (LiteLLM's
 * `context_window_fallbacks`): a gateway of its own over the named upstreams, the first as
 * primary and the rest as backups in order, with the main gateway's retry, breaker and
 * streaming settings. The core never retries a 400, so the edge makes this one extra hop.
 */
export function createContextFallback(
  names: readonly string[],
  config: GatewayConfig,
  targets: readonly UpstreamTarget[],
  env: { scheduler: Scheduler; rng: Rng; listener: GatewayListener },
): Gateway {
  const group = names.map((name, i) => {
    const t = targets.find((x) => x.name === name);
    if (t === undefined)
      throw new RangeError(
        `fallbacks.contextLength[${i}] names no upstream: ${JSON.stringify(name)}`,
      );
    return t;
  });
  const sub: GatewayConfig = {
    upstreams: group.map((t, i) => ({ name: t.name, backup: i > 0 })),
    strategy: { name: 'round-robin' },
    breaker: config.breaker,
    retry: config.retry,
    streaming: config.streaming,
  };
  const global = group.map((t) => t.index);
  const l = env.listener;
  // The group numbers its upstreams from 0; the listener hears the proxy's numbers.
  const listener: GatewayListener = {
    onAttemptStart: l.onAttemptStart
      ? (req, u, attempt, now) => l.onAttemptStart!(req, global[u]!, attempt, now)
      : undefined,
    onAttemptEnd: l.onAttemptEnd
      ? (req, u, attempt, outcome, latency, now) =>
          l.onAttemptEnd!(req, global[u]!, attempt, outcome, latency, now)
      : undefined,
  };
  return createGateway(sub, {
    scheduler: env.scheduler,
    rng: env.rng,
    listener,
    transport: new HttpTransport(group, env.scheduler),
  });
}
