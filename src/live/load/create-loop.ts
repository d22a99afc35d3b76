import type { Scheduler } from '../../core/clock.js';
import { AutocannonLoop } from './autocannon-loop.js';
import { ClosedLoop } from './closed-loop.js';
import type { EventSink, LoadLoop } from './load-loop.js';
import { OpenLoop } from './open-loop.js';
import type { LoadSpec } from './types.js';

/** The loop for a spec: open loop on undici; closed loop on autocannon unless it needs think time or streams. */
export function createLoop(spec: LoadSpec, scheduler: Scheduler, emit: EventSink): LoadLoop {
  const loop = spec.loop;
  if (loop.kind === 'open') return new OpenLoop(spec, scheduler, emit);
  const impl =
    spec.closedImpl ?? (loop.thinkMs > 0 || spec.mix.stream > 0 ? 'undici' : 'autocannon');
  return impl === 'autocannon'
    ? new AutocannonLoop(spec, scheduler, emit)
    : new ClosedLoop(spec, scheduler, emit);
}
