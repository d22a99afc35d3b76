import type { Rng } from '../../core/rng.js';
import type { Scenario } from '../../scenario/schema.js';
import type { Decision } from '../../../fakes/upstream.js';
import { FakeServer } from '../../../fakes/server.js';
import { listenAll } from '../../../fakes/listen-all.js';

/**
 * The scenario's fake upstreams on loopback, without faults (FaultWindows adds them at load
 * start). Ports are ephemeral, or the scenario's fixed `port:` when an external gateway must find
 * them (the schema requires them with `target:`). A port in use is a UsageError naming it.
 */
export async function startFakes(
  scenario: Scenario,
  rng: Rng,
  opts: { fixedPorts: boolean; onDecision?: (u: number, d: Decision) => void },
): Promise<FakeServer[]> {
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
  await listenAll(servers);
  return servers;
}
