import { checkInteger } from '../../src/core/assert.js';
import type { Scheduler } from '../../src/core/clock.js';
import type { Plan } from '../plan.js';
import type { FakeRequest } from '../request.js';

/** Receives a plan when its service starts (or at once, for plans that need no slot). */
export interface PlanSink {
  start(plan: Plan, req: FakeRequest): void;
}

/**
 * N requests served at once; the rest wait in FIFO order, up to `queueLimit`. A slot is released
 * when the plan's serviceMs has elapsed on the scheduler, whatever the transport does meanwhile,
 * so every transport (and the simulator) sees the same queue.
 */
export class CapacityQueue {
  private inflightCount = 0;
  private reqs: (FakeRequest | undefined)[];
  private plans: (Plan | undefined)[];
  private sinks: (PlanSink | undefined)[];
  private serviceMs: Float64Array;
  private head = 0;
  private length = 0;
  /** Slots allowed now (a slow drain lowers it). */
  limit: number;
  /** When set, recomputes `limit` before every admission and start (capacity that changes with time). */
  limitNow: (() => number) | null = null;
  private readonly release = (): void => {
    this.inflightCount--;
    this.pump();
  };

  constructor(
    private readonly scheduler: Scheduler,
    readonly capacity: number,
    readonly queueLimit: number,
  ) {
    if (capacity !== Infinity) checkInteger('capacity', capacity, 1);
    if (queueLimit !== Infinity) checkInteger('queue', queueLimit, 0);
    this.limit = capacity;
    const n = Math.min(16, queueLimit === Infinity ? 16 : Math.max(1, queueLimit));
    this.reqs = new Array<FakeRequest | undefined>(n);
    this.plans = new Array<Plan | undefined>(n);
    this.sinks = new Array<PlanSink | undefined>(n);
    this.serviceMs = new Float64Array(n);
  }

  get inflight(): number {
    return this.inflightCount;
  }

  get queued(): number {
    return this.length;
  }

  /** Starts the plan now, queues it, or returns false when the queue is full. */
  admit(req: FakeRequest, plan: Plan, serviceMs: number, sink: PlanSink): boolean {
    if (this.limitNow !== null) this.limit = this.limitNow();
    if (this.length === 0 && this.inflightCount < this.limit) {
      this.begin(req, plan, serviceMs, sink);
      return true;
    }
    if (this.length >= this.queueLimit) return false;
    if (this.length === this.reqs.length) this.grow();
    const i = (this.head + this.length) % this.reqs.length;
    this.reqs[i] = req;
    this.plans[i] = plan;
    this.sinks[i] = sink;
    this.serviceMs[i] = serviceMs;
    this.length++;
    return true;
  }

  /** Starts queued requests while slots are free (after a release or a capacity change). */
  pump(): void {
    if (this.limitNow !== null) this.limit = this.limitNow();
    while (this.length > 0 && this.inflightCount < this.limit) {
      const i = this.head;
      const req = this.reqs[i]!;
      const plan = this.plans[i]!;
      const sink = this.sinks[i]!;
      this.reqs[i] = undefined;
      this.plans[i] = undefined;
      this.sinks[i] = undefined;
      this.head = (i + 1) % this.reqs.length;
      this.length--;
      this.begin(req, plan, this.serviceMs[i]!, sink);
    }
  }

  private begin(req: FakeRequest, plan: Plan, serviceMs: number, sink: PlanSink): void {
    this.inflightCount++;
    sink.start(plan, req);
    if (serviceMs > 0) this.scheduler.setTimer(serviceMs, this.release);
    else {
      this.inflightCount--;
    }
  }

  private grow(): void {
    const n = this.reqs.length;
    const order = (k: number): number => (this.head + k) % n;
    const reqs = new Array<FakeRequest | undefined>(n * 2);
    const plans = new Array<Plan | undefined>(n * 2);
    const sinks = new Array<PlanSink | undefined>(n * 2);
    const service = new Float64Array(n * 2);
    for (let k = 0; k < this.length; k++) {
      reqs[k] = this.reqs[order(k)];
      plans[k] = this.plans[order(k)];
      sinks[k] = this.sinks[order(k)];
      service[k] = this.serviceMs[order(k)]!;
    }
    this.reqs = reqs;
    this.plans = plans;
    this.sinks = sinks;
    this.serviceMs = service;
    this.head = 0;
  }
}
