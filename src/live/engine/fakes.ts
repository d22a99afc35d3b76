import { UsageError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { Scenario } from '../../scenario/schema.js';
import type { Decision } from '../../../fakes/upstream.js';
import { FakeServer } from '../../../fakes/server.js';

/**
 * The scenario's fake upstreams on loopback, without faults (FaultWindows adds them at load
 * start). Ports are ephemeral, or the scenario's fixed `port:` when an external gateway must find
 * them. A port in use is a UsageError naming it; nothing is left open on failure.
 */
export async function startFakes(
  scenario: Scenario,
  rng: Rng,
  opts: { fixedPorts: boolean; onDecision?: (u: number, d: Decision) => void },
): Promise<FakeServer[]> {
  if (opts.fixedPorts) {
    const missing = scenario.upstreams.filter((u) => u.port === undefined || u.port === 0);
    if (missing.length > 0)
      throw new UsageError(
        `with target: every upstream needs the fixed port your gateway sends to; missing on ${missing.map((u) => u.name).join(', ')}`,
      );
  }
  const onDecision = opts.onDecision;
  const servers = scenario.upstreams.map(
    (u, i) =>
      new FakeServer(u, {
        port: opts.fixedPorts ? u.port : 0,
        rng,
        faults: [],
        ...(onDecision ? { onDecision: (d: Decision) => onDecision(i, d) } : {}),
      }),
  );
  const results = await Promise.allSettled(servers.map((s) => s.listen()));
  const failed = results.findIndex((r) => r.status === 'rejected');
  if (failed !== -1) {
    await Promise.all(servers.map((s) => s.close()));
    const err = (results[failed] as PromiseRejectedResult).reason as NodeJS.ErrnoException;
    const s = servers[failed]!;
    const why =
      err.code === 'EADDRINUSE'
        ? 'is already in use'
        : `could not be opened (${err.code ?? err.message})`;
    throw new UsageError(`port ${s.port} of upstream "${s.upstream.name}" ${why}`);
  }
  return servers;
}
