import type { Recorder } from '../../metrics/recorder.js';
import type { Scenario } from '../../scenario/schema.js';
import type { FaultSpec } from '../../../fakes/config.js';
import type { FakeServer } from '../../../fakes/server.js';

/**
 * Puts the scenario's faults on the fakes' timelines from load start and tells the recorder when each one
 * really starts and ends: the fakes' own timeline is the clock, so the measured windows are the
 * ones the fakes applied. Faults due after the run are left out, as in the simulator.
 */
export class FaultWindows {
  private readonly unsubscribe: (() => void)[] = [];
  private ended = false;

  constructor(
    private readonly faults: NonNullable<Scenario['faults']>,
    private readonly servers: readonly FakeServer[],
    private readonly recorder: Recorder,
    private readonly runNow: () => number,
    private readonly durationMs: number,
  ) {}

  /** Call `leadMs` before load time 0: the fakes' own timers count from there. */
  start(leadMs: number): void {
    const byId = this.servers.map(() => new Map<number, number>());
    const active = this.servers.map(() => new Set<number>());
    const follows = this.servers.map((server, u) => {
      const follow = (): void => {
        if (this.ended) return;
        const now = this.runNow();
        const seen = new Set<number>();
        for (const a of server.upstream.activeFaults) {
          const index = byId[u]!.get(a.id);
          if (index === undefined) continue;
          seen.add(index);
          if (!active[u]!.has(index)) {
            active[u]!.add(index);
            this.recorder.faultStarted(index, u, a.spec.kind, now);
          }
        }
        for (const index of [...active[u]!]) {
          if (seen.has(index)) continue;
          active[u]!.delete(index);
          if (now < this.durationMs) this.recorder.faultEnded(index, now);
        }
      };
      this.unsubscribe.push(server.upstream.onChange(follow));
      return follow;
    });
    this.faults.forEach((f, index) => {
      if ((f.at ?? 0) >= this.durationMs) return;
      const u = this.servers.findIndex((s) => s.upstream.name === f.upstream);
      if (u < 0) return;
      const { upstream: _name, ...spec } = f;
      const at = (f.at ?? 0) + leadMs;
      byId[u]!.set(this.servers[u]!.upstream.injectFault({ ...spec, at } as FaultSpec), index);
    });
    // A fault at 0 began inside injectFault, before its id was known.
    for (const follow of follows) follow();
  }

  /** No more windows are recorded (the run is over). */
  stop(): void {
    this.ended = true;
    for (const fn of this.unsubscribe) fn();
    this.unsubscribe.length = 0;
  }
}
