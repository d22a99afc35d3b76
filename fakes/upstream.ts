import type { Scheduler } from '../src/core/clock.js';
import type { Rng } from '../src/core/rng.js';
import type { Behaviour, DecideContext, Draft, FaultHost } from './behaviours/behaviour.js';
import { DONE } from './behaviours/behaviour.js';
import type { PlanSink } from './behaviours/capacity.js';
import { CapacityQueue } from './behaviours/capacity.js';
import { errorPlan } from './behaviours/error.js';
import { ProviderRateLimit } from './behaviours/rate-limit.js';
import type { FaultSpec, UpstreamConfig } from './config.js';
import { Counters } from './counters.js';
import type { Distribution, TokenCount } from './distribution.js';
import { Sampler, sampleCount } from './distribution.js';
import type { Plan, RespondPlan, StreamPlan, Usage } from './plan.js';
import { outcomeOf, streamServiceMs } from './plan.js';
import type { FakeRequest } from './request.js';
import { Renderer } from './render.js';
import type { ActiveFault } from './timeline.js';
import { Timeline } from './timeline.js';

export type { PlanSink } from './behaviours/capacity.js';

export const DEFAULT_LATENCY: Distribution = { dist: 'lognormal', p50: 50, p99: 200 };
export const DEFAULT_ITL: Distribution = { dist: 'constant', value: 20 };
export const DEFAULT_OUTPUT_TOKENS = 16;
export const DEFAULT_QUEUE = 256;

/** One line of the request log: what was decided for a request, when (ms from the upstream's start). */
export interface Decision {
  t: number;
  key: string;
  attempt: number;
  route: FakeRequest['route'];
  outcome: string;
  plan: Plan;
}

export interface FakeUpstreamOptions {
  /** Faults of the timeline, `at` counted from the upstream's creation. */
  faults?: readonly FaultSpec[];
  /** Called for every request once its plan is decided (before it waits for a slot). */
  onDecision?: (d: Decision) => void;
  /** Count attempts per request key (always on when onDecision is set). */
  trackAttempts?: boolean;
}

/**
 * One fake upstream: the behaviour model every transport shares. Synchronous and driven by the
 * scheduler it is given. For each request it decides a plan at arrival, then hands the plan to
 * the sink when service starts (at once for refusals and errors, after a capacity slot for
 * completions). Randomness comes from forks of `rng` per upstream and purpose, so the same
 * request sequence gives the same decisions in every transport.
 */
export class FakeUpstream {
  readonly name: string;
  readonly model: string;
  readonly counters = new Counters();
  readonly renderer: Renderer;
  private readonly latency: Sampler;
  private readonly ttft: Sampler;
  private readonly itl: Sampler;
  private readonly outputTokens: TokenCount;
  private readonly nominalOutput: number;
  private readonly latencyRng: Rng;
  private readonly tokensRng: Rng;
  private readonly faultRng: Rng;
  private readonly queue: CapacityQueue | null;
  private readonly overload: RespondPlan;
  private readonly rateLimit: ProviderRateLimit | null;
  private readonly keys: ReadonlySet<string> | null;
  private readonly unauthorized: RespondPlan;
  private readonly badBody: RespondPlan;
  private readonly contextExceeded: RespondPlan;
  private readonly modelsPlan: RespondPlan;
  private readonly modelPlan: RespondPlan;
  private readonly modelNotFound: RespondPlan;
  private readonly timeline: Timeline;
  private readonly origin: number;
  private readonly attempts: Map<string, number> | null;
  private readonly onDecision: ((d: Decision) => void) | undefined;
  private readonly listeners = new Set<() => void>();
  private connectionStage: Behaviour[] = [];
  private errorStage: Behaviour[] = [];
  private shapeStage: Behaviour[] = [];
  private capacityFaults: Behaviour[] = [];
  private refusingNow = false;
  private readonly draft: Draft = {
    latencyMs: 0,
    ttftMs: 0,
    itlMs: 0,
    tokens: 0,
    factor: 1,
    ttftAddMs: 0,
    end: DONE,
    midBodyReset: false,
  };
  private readonly ctx: DecideContext;
  private needsSlot = false;

  constructor(
    readonly config: UpstreamConfig,
    readonly scheduler: Scheduler,
    rng: Rng,
    options: FakeUpstreamOptions = {},
  ) {
    this.name = config.name;
    this.model = config.model ?? config.name;
    this.origin = scheduler.now();
    const own = rng.fork(`upstream:${config.name}`);
    this.latencyRng = own.fork('latency');
    this.tokensRng = own.fork('tokens');
    this.faultRng = own.fork('faults');
    const latency = config.latency ?? DEFAULT_LATENCY;
    this.latency = new Sampler(latency);
    this.ttft = new Sampler(config.stream?.ttft ?? latency);
    this.itl = new Sampler(config.stream?.itl ?? DEFAULT_ITL);
    this.outputTokens = config.outputTokens ?? DEFAULT_OUTPUT_TOKENS;
    this.nominalOutput =
      typeof this.outputTokens === 'number' ? this.outputTokens : this.outputTokens.max;
    this.renderer = new Renderer(this.model, Math.floor(this.origin / 1000));
    const capacity = config.capacity ?? Infinity;
    this.queue =
      capacity === Infinity
        ? null
        : new CapacityQueue(scheduler, capacity, config.queue ?? DEFAULT_QUEUE);
    this.overload = errorPlan(config.overloadStatus ?? 503);
    const rl = config.rateLimit;
    this.rateLimit =
      rl && (rl.requests !== undefined || rl.tokens !== undefined)
        ? new ProviderRateLimit(rl.requests, rl.tokens, this.origin)
        : null;
    this.keys = config.keys ? new Set(config.keys) : null;
    this.unauthorized = errorPlan(401, 'invalid_api_key', undefined, undefined, {
      'www-authenticate': 'Bearer',
    });
    this.badBody = errorPlan(400);
    this.contextExceeded = errorPlan(
      400,
      'context_length_exceeded',
      `This model's maximum context length is ${config.contextWindow ?? 0} tokens. Please reduce the length of the messages or completion.`,
    );
    this.modelsPlan = ok(this.renderer.models.body, this.renderer.models.headers);
    this.modelPlan = ok(this.renderer.model.body, this.renderer.model.headers);
    this.modelNotFound = errorPlan(
      404,
      'model_not_found',
      `The model does not exist or you do not have access to it.`,
    );
    this.onDecision = options.onDecision;
    this.attempts = options.trackAttempts || options.onDecision ? new Map() : null;
    this.ctx = { req: undefined as unknown as FakeRequest, now: 0, attempt: 0 };
    const host: FaultHost = { scheduler, changed: () => this.faultsChanged() };
    this.timeline = new Timeline(scheduler, this.faultRng, host, () => this.faultsChanged());
    for (const f of options.faults ?? []) this.timeline.add(f);
  }

  /** Decides what to do with `req`; the sink gets the plan when service starts. */
  handle(req: FakeRequest, sink: PlanSink): void {
    const plan = this.decide(req);
    if (!this.needsSlot || this.queue === null) {
      sink.start(plan, req);
    } else if (!this.queue.admit(req, plan, (plan as { serviceMs: number }).serviceMs, sink)) {
      this.counters.count('overloaded');
      sink.start(this.overload, req);
    }
  }

  /** True while new connections should be refused (a `down` or a flap's down phase). */
  get refusing(): boolean {
    return this.refusingNow;
  }

  get inflight(): number {
    return this.queue?.inflight ?? 0;
  }

  get queued(): number {
    return this.queue?.queued ?? 0;
  }

  get activeFaults(): readonly ActiveFault[] {
    return this.timeline.active;
  }

  get pendingFaults(): FaultSpec[] {
    return this.timeline.pending;
  }

  /** Starts a fault now (or `spec.at` from now), lasting `spec.for`. Returns its id. */
  injectFault(spec: FaultSpec): number {
    return this.timeline.add(spec);
  }

  /** Ends every fault, active or pending. Returns how many. */
  clearFaults(): number {
    return this.timeline.clear();
  }

  /** Called (synchronously) whenever `refusing` or the active faults change. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Cancels the timeline's timers. Slot releases already scheduled still fire. */
  dispose(): void {
    this.timeline.dispose();
    this.listeners.clear();
  }

  state(): Record<string, unknown> {
    const now = this.scheduler.now();
    return {
      name: this.name,
      model: this.model,
      uptimeMs: now - this.origin,
      refusing: this.refusing,
      capacity: this.queue ? this.queue.limit : null,
      inflight: this.inflight,
      queued: this.queued,
      activeFaults: this.timeline.active.map((a) => ({
        id: a.id,
        ...a.spec,
        sinceMs: a.since - this.origin,
        untilMs: a.until === Infinity ? null : a.until - this.origin,
      })),
      pendingFaults: this.timeline.pending,
      counters: this.counters.toJSON(),
    };
  }

  private faultsChanged(): void {
    const active = this.timeline.active.map((a) => a.behaviour);
    this.connectionStage = active.filter((b) => b.stage === 'connection');
    this.errorStage = active.filter((b) => b.stage === 'error');
    this.shapeStage = active.filter((b) => b.stage === 'shape' && b.capacity === undefined);
    this.capacityFaults = active.filter((b) => b.capacity !== undefined);
    this.refusingNow = active.some((b) => b.refusing?.() === true);
    this.updateCapacity();
    for (const fn of [...this.listeners]) fn();
  }

  private updateCapacity(): void {
    const q = this.queue;
    if (q === null) return;
    q.limit = q.capacity;
    q.limitNow = this.capacityFaults.length === 0 ? null : this.capacityNow;
    q.pump();
  }

  private readonly capacityNow = (): number => {
    const q = this.queue!;
    const now = this.scheduler.now();
    let limit = q.capacity;
    for (const b of this.capacityFaults) limit = Math.min(limit, b.capacity!(now, q.capacity));
    return limit;
  };

  private decide(req: FakeRequest): Plan {
    const now = this.scheduler.now();
    let attempt = 0;
    if (this.attempts !== null) {
      attempt = (this.attempts.get(req.key) ?? 0) + 1;
      this.attempts.set(req.key, attempt);
    }
    const plan = this.choose(req, now, attempt);
    this.counters.count(outcomeOf(plan));
    if (this.onDecision)
      this.onDecision({
        t: now - this.origin,
        key: req.key,
        attempt,
        route: req.route,
        outcome: outcomeOf(plan),
        plan,
      });
    return plan;
  }

  private choose(req: FakeRequest, now: number, attempt: number): Plan {
    this.needsSlot = false;
    const ctx = this.ctx;
    ctx.req = req;
    ctx.now = now;
    ctx.attempt = attempt;
    const d = this.draft;
    for (const b of this.connectionStage) {
      const p = b.decide(ctx, d);
      if (p !== null) return p;
    }
    if (req.route === 'not-found') return errorPlan(404, undefined, `Invalid URL (${req.target}).`);
    if (this.keys !== null && !this.authorized(req.authorization)) return this.unauthorized;
    if (req.route === 'chat') {
      if (req.badBody) return this.badBody;
      const cw = this.config.contextWindow;
      if (cw !== undefined && req.promptTokens + req.maxTokens > cw) return this.contextExceeded;
      if (this.rateLimit !== null) {
        const limited = this.rateLimit.admit(
          now,
          req.promptTokens + (req.maxTokens || this.nominalOutput),
        );
        if (limited !== null) return limited;
      }
    }
    for (const b of this.errorStage) {
      const p = b.decide(ctx, d);
      if (p !== null) return p;
    }
    if (req.route === 'models') return this.modelsPlan;
    if (req.route === 'model')
      return req.target === this.model ? this.modelPlan : this.modelNotFound;
    return this.completion(req, now);
  }

  private completion(req: FakeRequest, now: number): Plan {
    const d = this.draft;
    const rng = this.latencyRng;
    d.factor = 1;
    d.ttftAddMs = 0;
    d.end = DONE;
    d.midBodyReset = false;
    if (req.stream) {
      d.ttftMs = this.ttft.sample(rng);
      d.itlMs = this.itl.sample(rng);
    } else {
      d.latencyMs = this.latency.sample(rng);
    }
    let tokens = sampleCount(this.outputTokens, this.tokensRng);
    let finish: 'stop' | 'length' = 'stop';
    if (req.maxTokens > 0 && tokens > req.maxTokens) {
      tokens = req.maxTokens;
      finish = 'length';
    }
    d.tokens = tokens;
    for (const b of this.shapeStage) b.decide(this.ctx, d);
    this.needsSlot = true;
    const usage: Usage = { promptTokens: req.promptTokens, completionTokens: tokens };
    const rateHeaders = this.rateLimit?.headers(now);
    if (req.stream) {
      const ttftMs = d.ttftMs * d.factor + d.ttftAddMs;
      const itlMs = d.itlMs * d.factor;
      const end =
        d.midBodyReset && d.end === DONE ? { kind: 'reset' as const, after: tokens >> 1 } : d.end;
      const headers = rateHeaders
        ? { ...this.renderer.streamHeaders, ...rateHeaders }
        : this.renderer.streamHeaders;
      const plan: StreamPlan = {
        kind: 'stream',
        status: 200,
        headers,
        ttftMs,
        itlMs,
        tokens,
        end,
        usage,
        includeUsage: req.includeUsage,
        finishReason: finish,
        serviceMs: streamServiceMs(ttftMs, itlMs, tokens, end),
      };
      return plan;
    }
    const serviceMs = d.latencyMs * d.factor + d.ttftAddMs;
    const r = this.renderer.completion(usage, finish);
    const headers = rateHeaders ? { ...r.headers, ...rateHeaders } : r.headers;
    if (d.midBodyReset) {
      return {
        kind: 'reset',
        phase: 'mid-body',
        afterMs: serviceMs,
        status: 200,
        headers,
        partial: r.body.subarray(0, r.body.length >> 1),
        serviceMs,
      };
    }
    return { kind: 'respond', status: 200, headers, body: r.body, serviceMs, code: null, usage };
  }

  private authorized(header: string | undefined): boolean {
    if (header === undefined || !header.startsWith('Bearer ')) return false;
    return this.keys!.has(header.slice(7).trim());
  }
}

function ok(body: Uint8Array, headers: RespondPlan['headers']): RespondPlan {
  return Object.freeze({
    kind: 'respond',
    status: 200,
    headers,
    body,
    serviceMs: 0,
    code: null,
    usage: null,
  });
}
