import { setMaxListeners } from 'node:events';
import type { Scheduler, Timer } from '../../core/clock.js';
import { Rng } from '../../core/rng.js';
import type { EventSink, LoadLoop } from './load-loop.js';
import { IdleClients } from './idle-clients.js';
import { RequestMaker } from './request-mix.js';
import { sendRequest, type SendContext } from './send.js';
import type { ClosedLoopSpec, GeneratorStats, LoadSpec } from './types.js';

/**
 * Closed-loop load on undici: each client sends, waits for the whole answer, thinks, sends again.
 * Used when the scenario has think time or streaming (autocannon has neither think time nor a
 * view of a stream's tokens); latency counts from the send.
 */
export class ClosedLoop implements LoadLoop {
  private readonly c: ClosedLoopSpec;
  private readonly maker: RequestMaker;
  private readonly pool: IdleClients;
  private readonly abort = new AbortController();
  private readonly ctx: SendContext;
  private readonly timers = new Set<Timer>();
  private sending = true;
  private inflight = 0;
  private endTimer: Timer | null = null;
  private graceTimer: Timer | null = null;
  private finish: ((s: GeneratorStats) => void) | null = null;
  private t0 = 0;
  private readonly stats: GeneratorStats;

  constructor(
    private readonly spec: LoadSpec,
    private readonly scheduler: Scheduler,
    private readonly emit: EventSink,
  ) {
    if (spec.loop.kind !== 'closed') throw new RangeError('ClosedLoop needs a closed-loop spec');
    this.c = spec.loop;
    this.maker = new RequestMaker(spec.mix, new Rng(spec.seed).fork('load'), spec.headers);
    // One listener per request in flight.
    setMaxListeners(0, this.abort.signal);
    const url = new URL(spec.url);
    this.pool = new IdleClients(url.origin);
    this.ctx = {
      path: `${url.pathname.replace(/\/+$/, '')}/chat/completions`,
      clock: scheduler,
      t0: 0,
      timeoutMs: spec.timeoutMs,
      signal: this.abort.signal,
    };
    this.stats = {
      driver: 'closed-loop',
      sent: 0,
      lateSends: 0,
      droppedSends: 0,
      maxLagMs: 0,
      lateToleranceMs: 0,
      maxInflight: this.c.clients,
      cutOff: 0,
    };
  }

  run(t0: number): Promise<GeneratorStats> {
    this.t0 = t0;
    this.ctx.t0 = t0;
    return new Promise((resolve) => {
      this.finish = resolve;
      const startIn = this.t0 - this.scheduler.now();
      this.endTimer = this.scheduler.setTimer(startIn + this.spec.durationMs, () =>
        this.stop(this.spec.graceMs),
      );
      this.later(startIn, () => {
        for (let i = 0; i < this.c.clients; i++) this.client();
      });
    });
  }

  stop(graceMs: number): void {
    this.sending = false;
    this.endTimer?.cancel();
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    this.graceTimer?.cancel();
    this.graceTimer = this.scheduler.setTimer(graceMs, () => {
      this.graceTimer = null;
      this.stats.cutOff = this.inflight;
      this.abort.abort();
    });
    this.settle();
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
    const req = this.maker.make();
    const from = this.scheduler.now();
    this.inflight++;
    this.stats.sent++;
    this.emit({ k: 's', id: req.id, t: from - this.t0, stream: req.stream });
    const conn = this.pool.acquire();
    void sendRequest(this.ctx, conn, req, from).then((end) => {
      this.pool.release(conn);
      this.inflight--;
      this.emit(end);
      if (this.sending) {
        if (this.c.thinkMs > 0) this.later(this.c.thinkMs, () => this.client());
        else this.client();
      }
      this.settle();
    });
  }

  private settle(): void {
    if (this.sending || this.inflight > 0 || this.finish === null) return;
    this.graceTimer?.cancel();
    this.graceTimer = null;
    const done = this.finish;
    this.finish = null;
    void this.pool.destroy().then(() => done({ ...this.stats }));
  }
}
