import type { Scheduler, Timer } from '../../core/clock.js';
import { Rng } from '../../core/rng.js';
import { nextArrival, rateSegments, type RateSegment } from '../../sim/arrivals.js';
import type { EventSink, LoadLoop } from './load-loop.js';
import { freshStats, LoadSender } from './load-sender.js';
import { RequestMaker } from './request-mix.js';
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
  private readonly sender: LoadSender;
  private readonly stats: GeneratorStats;
  private next = 0;
  private timer: Timer | null = null;
  private sending = true;
  private t0 = 0;

  constructor(
    private readonly spec: LoadSpec,
    private readonly scheduler: Scheduler,
    emit: EventSink,
  ) {
    if (spec.loop.kind !== 'open') throw new RangeError('OpenLoop needs an open-loop spec');
    this.o = spec.loop;
    this.segments = rateSegments(spec.durationMs, this.o.rate, this.o.stages);
    this.rng = new Rng(spec.seed).fork('load');
    this.maker = new RequestMaker(spec.mix, this.rng, spec.headers);
    this.stats = freshStats('open-loop', this.o.lateToleranceMs, spec.maxInflight);
    this.sender = new LoadSender(spec, scheduler, emit, this.stats);
  }

  run(t0: number): Promise<GeneratorStats> {
    this.t0 = t0;
    const done = this.sender.start(t0);
    this.next = nextArrival(this.segments, 0, this.o.arrival, this.rng);
    this.arm();
    return done;
  }

  stop(graceMs: number): void {
    if (this.sending) {
      this.sending = false;
      this.timer?.cancel();
      this.timer = null;
    }
    this.sender.graceThenAbort(graceMs);
    this.sender.settle(this.sending);
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
    if (this.sender.inflight >= this.spec.maxInflight) {
      this.stats.droppedSends++;
      return;
    }
    this.sender.send(req, intended, this.t0 + intended, () => this.sender.settle(this.sending));
  }
}
