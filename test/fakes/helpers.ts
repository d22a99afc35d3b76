import { Rng } from '../../src/core/rng.js';
import { VirtualScheduler } from '../../src/core/virtual-scheduler.js';
import { zUpstream } from '../../fakes/config.js';
import type { FaultSpec } from '../../fakes/config.js';
import type { Plan } from '../../fakes/plan.js';
import type { FakeRequest } from '../../fakes/request.js';
import type { FakeUpstreamOptions, PlanSink } from '../../fakes/upstream.js';
import { FakeUpstream } from '../../fakes/upstream.js';

/** Records when each request's service started and with which plan. */
export class RecordingSink implements PlanSink {
  readonly started: { t: number; plan: Plan; req: FakeRequest }[] = [];
  constructor(private readonly clock: { now(): number }) {}
  start(plan: Plan, req: FakeRequest): void {
    this.started.push({ t: this.clock.now(), plan, req });
  }
  get plans(): Plan[] {
    return this.started.map((s) => s.plan);
  }
}

/** An upstream on a fresh virtual clock, its config given as the YAML would give it. */
export function virtualUpstream(
  config: Record<string, unknown>,
  faults: FaultSpec[] = [],
  opts: FakeUpstreamOptions & { seed?: string } = {},
): { up: FakeUpstream; clock: VirtualScheduler; sink: RecordingSink } {
  const clock = new VirtualScheduler();
  const up = new FakeUpstream(
    zUpstream.parse({ name: 'u', ...config }),
    clock,
    new Rng(opts.seed ?? 'test'),
    {
      ...opts,
      faults,
    },
  );
  return { up, clock, sink: new RecordingSink(clock) };
}

export function bodyJson(plan: Plan): unknown {
  if (plan.kind !== 'respond') throw new Error(`expected respond, got ${plan.kind}`);
  return JSON.parse(Buffer.from(plan.body).toString('utf8'));
}
