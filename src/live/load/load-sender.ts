import { setMaxListeners } from 'node:events';
import type { Scheduler, Timer } from '../../core/clock.js';
import type { EventSink } from './load-loop.js';
import { IdleClients } from './idle-clients.js';
import type { PlannedRequest } from './request-mix.js';
import { sendRequest, type SendContext } from './send.js';
import type { GeneratorStats, LoadSpec } from './types.js';

/** A generator's counters at the start of a run. */
export function freshStats(
  driver: GeneratorStats['driver'],
  lateToleranceMs: number,
  maxInflight: number,
): GeneratorStats {
  return {
    driver,
    sent: 0,
    lateSends: 0,
    droppedSends: 0,
    maxLagMs: 0,
    lateToleranceMs,
    maxInflight,
    cutOff: 0,
  };
}

/**
 * What the undici-driven loops share: the connections, the requests in flight, the grace period
 * after the load stops (then whatever is left is aborted and counted as cut off), and the end of
 * the run once nothing is in flight. The loops decide only when to send.
 */
export class LoadSender {
  inflight = 0;
  private readonly pool: IdleClients;
  private readonly abort = new AbortController();
  private readonly ctx: SendContext;
  private graceTimer: Timer | null = null;
  private finish: ((s: GeneratorStats) => void) | null = null;

  constructor(
    spec: LoadSpec,
    private readonly scheduler: Scheduler,
    private readonly emit: EventSink,
    readonly stats: GeneratorStats,
  ) {
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
  }

  /** Load time 0 falls at `t0`; the promise settles with the stats when the run has ended. */
  start(t0: number): Promise<GeneratorStats> {
    this.ctx.t0 = t0;
    return new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  /**
   * Sends one request: `t` is its intended time in load time, `from` the same instant on the clock
   * (latency counts from it); both are given so neither is rounded through the other.
   * `then` runs when the request has ended.
   */
  send(req: PlannedRequest, t: number, from: number, then?: () => void): void {
    this.inflight++;
    this.stats.sent++;
    this.emit({ k: 's', id: req.id, t, stream: req.stream });
    const conn = this.pool.acquire();
    void sendRequest(this.ctx, conn, req, from).then((end) => {
      this.pool.release(conn);
      this.inflight--;
      this.emit(end);
      then?.();
    });
  }

  /** The load has stopped: requests still in flight get `graceMs`, then are aborted. */
  graceThenAbort(graceMs: number): void {
    this.graceTimer?.cancel();
    this.graceTimer = this.scheduler.setTimer(graceMs, () => {
      this.graceTimer = null;
      this.stats.cutOff = this.inflight;
      this.abort.abort();
    });
  }

  /** Ends the run once the loop sends no more and nothing is in flight. */
  settle(sending: boolean): void {
    if (sending || this.inflight > 0 || this.finish === null) return;
    this.graceTimer?.cancel();
    this.graceTimer = null;
    const done = this.finish;
    this.finish = null;
    void this.pool.destroy().then(() => done({ ...this.stats }));
  }
}
