import type { Scheduler, Timer } from '../../core/clock.js';
import { Rng } from '../../core/rng.js';
import type { EventSink, LoadLoop } from './load-loop.js';
import { freshStats, LoadSender } from './load-sender.js';
import { RequestMaker } from './request-mix.js';
import type { ClosedLoopSpec, GeneratorStats, LoadSpec } from './types.js';

/**
 * Closed-loop load on undici: each client sends, waits for the whole answer, thinks, sends again.
 * Used when the scenario has think time or streaming (autocannon has neither think time nor a
 * view of a stream's tokens); latency counts from the send.
 */
export class ClosedLoop implements LoadLoop {
  private readonly c: ClosedLoopSpec;
  private readonly maker: RequestMaker;
  private readonly sender: LoadSender;
  private readonly timers = new Set<Timer>();
  private sending = true;
  private endTimer: Timer | null = null;
  private t0 = 0;

  constructor(
    private readonly spec: LoadSpec,
    private readonly scheduler: Scheduler,
    emit: EventSink,
  ) {
    if (spec.loop.kind !== 'closed') throw new RangeError('ClosedLoop needs a closed-loop spec');
    this.c = spec.loop;
    this.maker = new RequestMaker(spec.mix, new Rng(spec.seed).fork('load'), spec.headers);
    this.sender = new LoadSender(
      spec,
      scheduler,
      emit,
      freshStats('closed-loop', 0, this.c.clients),
    );
  }

  run(t0: number): Promise<GeneratorStats> {
    this.t0 = t0;
    const done = this.sender.start(t0);
    const startIn = t0 - this.scheduler.now();
    this.endTimer = this.scheduler.setTimer(startIn + this.spec.durationMs, () =>
      this.stop(this.spec.graceMs),
    );
    this.later(startIn, () => {
      for (let i = 0; i < this.c.clients; i++) this.client();
    });
    return done;
  }

  stop(graceMs: number): void {
    this.sending = false;
    this.endTimer?.cancel();
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    this.sender.graceThenAbort(graceMs);
    this.sender.settle(this.sending);
  }

  private later(ms: number, fn: () => void): void {
    const t = this.scheduler.setTimer(ms, () => {
      this.timers.delete(t);
      fn();
    });
    this.timers.add(t);
  }

  private client(): void {
    if (!this.sending) return;
    const from = this.scheduler.now();
    this.sender.send(this.maker.make(), from - this.t0, from, () => {
      if (this.sending) {
        if (this.c.thinkMs > 0) this.later(this.c.thinkMs, () => this.client());
        else this.client();
      }
      this.sender.settle(this.sending);
    });
  }
}
