import { setMaxListeners } from 'node:events';
import type { Scheduler, Timer } from '../../core/clock.js';
import { Rng } from '../../core/rng.js';
import { nextArrival, rateSegments, type RateSegment } from '../../sim/arrivals.js';
import type { EventSink, LoadLoop } from './load-loop.js';
import { IdleClients } from './idle-clients.js';
import { RequestMaker } from './request-mix.js';
import { sendRequest, type SendContext } from './send.js';
import type { GeneratorStats, LoadSpec, OpenLoopSpec } from './types.js';

/** Arrivals due within this of now go out in the same wake-up (timer granularity is ~1 ms). */
const EARLY_MS = 0.5;

/**
 * Open-loop load: requests go out at the arrival process's intended times whatever the system
 * under test does, and latency counts from the intended time (no coordinated omission). A send
 * made late is counted; one that would exceed maxInflight is dropped and counted. The arrival
 * times and request attributes are those of the simulator for the same seed.
 */
export class OpenLoop implements LoadLoop {
  private readonly o: OpenLoopSpec;
  private readonly segments: RateSegment[];
  private readonly rng: Rng;
  private readonly maker: RequestMaker;
  private readonly pool: IdleClients;
  private readonly abort = new AbortController();
  private readonly ctx: SendContext;
  private next = 0;
  private timer: Timer | null = null;
  private graceTimer: Timer | null = null;
  private sending = true;
  private inflight = 0;
  private finish: ((s: GeneratorStats) => void) | null = null;
  private t0 = 0;
  private readonly stats: GeneratorStats;

  constructor(
    private readonly spec: LoadSpec,
    private readonly scheduler: Scheduler,
    private readonly emit: EventSink,
  ) {
    if (spec.loop.kind !== 'open') throw new RangeError('OpenLoop needs an open-loop spec');
    this.o = spec.loop;
    this.segments = rateSegments(spec.durationMs, this.o.rate, this.o.stages);
    this.rng = new Rng(spec.seed).fork('load');
    this.maker = new RequestMaker(spec.mix, this.rng, spec.headers);
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
      driver: 'open-loop',
      sent: 0,
      lateSends: 0,
      droppedSends: 0,
      maxLagMs: 0,
      lateToleranceMs: this.o.lateToleranceMs,
      maxInflight: spec.maxInflight,
      cutOff: 0,
    };
  }

  run(t0: number): Promise<GeneratorStats> {
    this.t0 = t0;
    this.ctx.t0 = t0;
    return new Promise((resolve) => {
      this.finish = resolve;
      this.next = nextArrival(this.segments, 0, this.o.arrival, this.rng);
      this.arm();
    });
  }

  stop(graceMs: number): void {
    if (this.sending) {
      this.sending = false;
      this.timer?.cancel();
      this.timer = null;
    }
    this.graceTimer?.cancel();
    this.graceTimer = this.scheduler.setTimer(graceMs, () => {
      this.graceTimer = null;
      this.stats.cutOff = this.inflight;
      this.abort.abort();
    });
    this.settle();
  }

  private arm(): void {
    if (!this.sending) return;
    if (this.next === Infinity) {
      this.stop(this.spec.graceMs);
      return;
    }
    const wait = this.t0 + this.next - this.scheduler.now();
    this.timer = this.scheduler.setTimer(wait - EARLY_MS, this.wake);
  }

  private readonly wake = (): void => {
    this.timer = null;
    const now = this.scheduler.now() - this.t0;
    while (this.sending && this.next <= now + EARLY_MS) {
      this.fire(this.next, now);
      this.next = nextArrival(this.segments, this.next, this.o.arrival, this.rng);
    }
    this.arm();
  };

  private fire(intended: number, now: number): void {
    const lag = now - intended;
    if (lag > this.stats.maxLagMs) this.stats.maxLagMs = lag;
    if (lag > this.o.lateToleranceMs) this.stats.lateSends++;
    // Drawn even when dropped, so the rest of the schedule stays the simulator's.
    const req = this.maker.make();
    if (this.inflight >= this.spec.maxInflight) {
      this.stats.droppedSends++;
      return;
    }
    this.inflight++;
    this.stats.sent++;
    this.emit({ k: 's', id: req.id, t: intended, stream: req.stream });
    const conn = this.pool.acquire();
    void sendRequest(this.ctx, conn, req, this.t0 + intended).then((end) => {
      this.pool.release(conn);
      this.inflight--;
      this.emit(end);
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
