import type { Scheduler, Timer } from '../core/clock.js';
import type { Availability } from './availability.js';
import type { GatewayListener } from './events.js';
import {
  errorClassOf,
  isUpstreamFailure,
  type AttemptOutcome,
  type ErrorClass,
} from './outcome.js';
import type { GatewayRequest, RequestResult } from './request.js';
import type { Strategy } from './strategy/strategy.js';
import type { UpstreamTable } from './upstream-table.js';

/** The parts of a breaker the dispatcher uses (src/gateway/breaker implements it). */
export interface BreakerPort {
  /** A permit (>= 0) or -1 when the call is refused. */
  tryAcquire(): number;
  release(permit: number, result: 'success' | 'failure' | 'ignore', durationMs: number): void;
}

export interface OutlierPort {
  record(upstream: number, failure: boolean): void;
}

export interface BudgetPort {
  onRequest(now: number): void;
  onAttemptResult(failure: boolean): void;
  tryRetry(now: number): boolean;
}

export interface LimiterPort {
  /** 0 = admitted; otherwise milliseconds until it would be. */
  tryAcquire(now: number, cost?: number): number;
}

/** Queue-with-timeout in front of the client limiter (src/gateway/limit/queue.ts). */
export interface LimiterQueuePort {
  /** Calls `done` once: true when the limiter let it through, false when it waited too long or the queue was full. */
  acquire(done: (admitted: boolean) => void, cost?: number): { cancel(): void };
}

/** Retry rules as the dispatcher needs them; src/gateway/retry builds them from config. */
export interface RetryRules {
  /** Total attempts including the first. */
  readonly maxAttempts: number;
  shouldRetry(outcome: AttemptOutcome): boolean;
  /** Backoff before retry number `retry` (1 = first retry), jitter included. */
  backoff(retry: number, prevDelayMs: number): number;
  /** Honour Retry-After / retry-after-ms hints. */
  readonly honourRetryAfter: boolean;
  /** A hint longer than this means: do not wait for that upstream, fail over. */
  readonly retryAfterMaxMs: number;
}

/**
 * When an attempt answers provider error `on` (http-error with that `code`), the request moves to
 * the upstreams `to`, tried in that order (LiteLLM's context_window_fallbacks).
 */
export interface FallbackRule {
  readonly on: string;
  /** Upstream numbers, in the order they are tried; never empty. */
  readonly to: readonly number[];
}

/** Limits in milliseconds; Infinity turns one off. */
export interface Timeouts {
  /** Non-streaming: the whole answer. Streaming: the first chunk. */
  readonly perTryMs: number;
  /** Streaming: time to first token; ends the attempt (and fails over) before anything was sent. */
  readonly firstTokenMs: number;
  /** Streaming: longest silence between chunks once the answer started. */
  readonly idleMs: number;
  /** The whole request, across attempts and backoffs. */
  readonly totalMs: number;
}

export interface DispatcherParts {
  readonly table: UpstreamTable;
  readonly availability: Availability;
  readonly strategy: Strategy;
  readonly scheduler: Scheduler;
  readonly retry: RetryRules;
  readonly timeouts: Timeouts;
  /** Per upstream, or null where there is none. */
  readonly breakers: readonly (BreakerPort | null)[];
  /** Outgoing per-upstream limits ("500 requests/min"), or null. */
  readonly upstreamLimiters: readonly (LimiterPort | null)[];
  readonly outlier: OutlierPort | null;
  readonly budget: BudgetPort | null;
  /** The client limiter, or null. */
  readonly limiter: LimiterPort | null;
  /** When set, requests go through this queue (in front of `limiter`) and wait instead of being rejected at once. */
  readonly limiterQueue: LimiterQueuePort | null;
  readonly listener: GatewayListener;
  readonly transport: Transport;
  /** Fallback groups by provider error code; absent or empty = none. */
  readonly fallbacks?: readonly FallbackRule[] | null | undefined;
  /** Called when a Retry-After hint cools an upstream down (and again when the cooldown ends). */
  readonly onCooldown?: (upstream: number, cooling: boolean) => void;
}

/**
 * The transport carries one attempt to an upstream and reports back through the call:
 * `progress()` for each chunk of a streamed answer, `commit()` once bytes reached the client,
 * and `end(outcome)` exactly once. It sets `call.abort` so the dispatcher can stop the attempt
 * (timeout, client gone); after an abort the dispatcher ignores the transport's `end`.
 */
export interface Transport {
  send(call: AttemptCall): void;
}

const NO_TIMER: Timer = { cancel() {} };

/** One attempt in flight: the transport's handle on the dispatcher. */
export class AttemptCall {
  abort: (() => void) | null = null;
  committed = false;
  /** Time of the first chunk, -1 before it. */
  firstChunkAt = -1;
  lastProgressAt: number;
  ended = false;
  /** See hold(). */
  held = false;
  /** @internal */
  watchdog: Timer = NO_TIMER;

  constructor(
    private readonly dispatcher: Dispatcher,
    /** @internal */
    readonly flight: Flight,
    readonly upstream: number,
    readonly attempt: number,
    readonly startedAt: number,
    /** @internal */
    readonly permit: number,
  ) {
    this.lastProgressAt = startedAt;
  }

  get request(): GatewayRequest {
    return this.flight.request;
  }

  /** A chunk of the answer arrived. */
  progress(): void {
    const now = this.dispatcher.now();
    this.lastProgressAt = now;
    if (this.firstChunkAt < 0) {
      this.firstChunkAt = now;
      // Before the first chunk no idle limit applied; the watchdog may need to start now.
      if (this.watchdog === NO_TIMER && !this.ended) this.dispatcher.rearm(this);
    }
  }

  /**
   * The client, not the upstream, is the one holding the answer up (it reads slower than the
   * upstream sends): while held, silence does not count against the upstream's idle limit.
   * Releasing counts as progress. The request's deadline still applies.
   */
  hold(held: boolean): void {
    if (this.held === held) return;
    this.held = held;
    if (!held) this.progress();
  }

  /** Bytes reached the client: from now on this request cannot be retried or failed over. */
  commit(): void {
    this.committed = true;
  }

  end(outcome: AttemptOutcome): void {
    this.dispatcher.attemptEnded(this, outcome);
  }
}

/** A client request in flight; also the edge's handle to cancel it. */
class Flight implements Dispatched {
  /** Attempts in all groups: RequestResult.attempts. */
  attempts = 0;
  /** Attempts made before the current group: the retry rules count `attempts - base`. */
  base = 0;
  /** The fallback group the request moved to, or null while on the balancer's upstreams. */
  group: readonly number[] | null = null;
  /** Indices of the fallback rules that already fired (each fires once per request); null if none. */
  fired: number[] | null = null;
  /** Upstreams tried in the current group before the current attempt (retries prefer others). */
  tried: number[] | null = null;
  /** Upstreams this request must not go back to (Retry-After beyond the cap); null if none. */
  avoid: number[] | null = null;
  call: AttemptCall | null = null;
  timer: Timer = NO_TIMER;
  prevDelay = 0;
  last: AttemptOutcome | null = null;
  lastUpstream = -1;
  finished = false;
  queued: { cancel(): void } | null = null;

  constructor(
    private readonly dispatcher: Dispatcher,
    readonly request: GatewayRequest,
    readonly done: (result: RequestResult) => void,
    readonly startedAt: number,
    readonly deadline: number,
  ) {}

  cancel(): void {
    this.dispatcher.cancel(this);
  }
}

/** Handle on a dispatched request: lets the edge cancel it when the client goes away. */
export interface Dispatched {
  cancel(): void;
}

/**
 * The gateway's pipeline, as a callback-driven state machine on the Scheduler:
 * client limiter → strategy pick over the availability mask → per-upstream limit → breaker
 * admission → attempt under a watchdog timer → classify → retry with backoff, budget and
 * Retry-After → exactly one result per request. It knows nothing of HTTP or of the simulator.
 */
export class Dispatcher {
  private readonly scratch: Uint8Array;
  /** The breaker permit of the last successful pick (pick() returns only the upstream). */
  private pickedPermit = 0;
  private readonly fallbacks: readonly FallbackRule[] | null;

  constructor(private readonly p: DispatcherParts) {
    this.scratch = new Uint8Array(p.table.n);
    this.fallbacks = p.fallbacks != null && p.fallbacks.length > 0 ? p.fallbacks : null;
  }

  now(): number {
    return this.p.scheduler.now();
  }

  dispatch(request: GatewayRequest, done: (result: RequestResult) => void): Dispatched {
    const p = this.p;
    const now = p.scheduler.now();
    const flight = new Flight(this, request, done, now, now + p.timeouts.totalMs);
    p.listener.onRequestStart?.(request, now);
    if (p.limiterQueue !== null) {
      // FIFO: a request never overtakes one already waiting for the limiter.
      flight.queued = p.limiterQueue.acquire((ok) => {
        flight.queued = null;
        if (flight.finished) return;
        if (ok) this.admitted(flight);
        else this.finish(flight, 'rejected', null, 0);
      }, request.cost);
      return flight;
    }
    if (p.limiter !== null) {
      const wait = p.limiter.tryAcquire(now, request.cost);
      if (wait > 0) {
        this.finish(flight, 'rejected', null, wait);
        return flight;
      }
    }
    this.admitted(flight);
    return flight;
  }

  private admitted(flight: Flight): void {
    this.p.budget?.onRequest(this.p.scheduler.now());
    this.startAttempt(flight);
  }

  /** @internal Through Flight.cancel. */
  cancel(flight: Flight): void {
    if (flight.finished) return;
    flight.queued?.cancel();
    flight.queued = null;
    const call = flight.call;
    if (call !== null && !call.ended) {
      this.abortCall(call, { kind: 'aborted' });
      return;
    }
    flight.timer.cancel();
    this.finish(flight, 'aborted', flight.last, 0);
  }

  /** Picks an upstream for the flight's next attempt, or -1. Prefers upstreams not yet tried. */
  private pick(flight: Flight): number {
    const { strategy, table } = this.p;
    let refused: number[] | null = null;
    let mask = this.candidates(flight, null);
    // An upstream over its own rate limit, or whose breaker refuses, is skipped for this pick.
    // Refusals can change the availability mask itself (a half-open breaker whose probe slots are
    // now full lets the backups in), so the candidates are rebuilt from it after each one.
    for (let tries = 0; tries <= table.n; tries++) {
      const u = strategy.pick(mask, flight.request.key);
      if (u < 0) return -1;
      if (this.admit(u)) return u;
      (refused ??= []).push(u);
      mask = this.candidates(flight, refused);
    }
    return -1;
  }

  /**
   * Whether `u`'s outgoing limit and breaker let one more attempt through; takes the breaker
   * permit (into `pickedPermit`) when they do.
   */
  private admit(u: number): boolean {
    const { upstreamLimiters, breakers, scheduler } = this.p;
    const limiter = upstreamLimiters[u];
    if (limiter != null && limiter.tryAcquire(scheduler.now()) > 0) return false;
    const breaker = breakers[u];
    const permit = breaker != null ? breaker.tryAcquire() : 0;
    if (permit < 0) return false;
    this.pickedPermit = permit;
    return true;
  }

  /**
   * A pick inside a fallback group, in the group's order: the first member that is available
   * (a backup too: the rule names it), not avoided, not yet tried in the group, and admitted.
   * Once every member was tried, the tried ones again, round the group from the latest one on.
   */
  private pickInGroup(flight: Flight, group: readonly number[]): number {
    const tried = flight.tried;
    for (const u of group) {
      if ((tried === null || !tried.includes(u)) && this.usable(flight, u) && this.admit(u))
        return u;
    }
    if (tried === null) return -1;
    const n = group.length;
    const start = group.indexOf(tried[tried.length - 1]!) + 1;
    for (let k = 0; k < n; k++) {
      const u = group[(start + k) % n]!;
      if (tried.includes(u) && this.usable(flight, u) && this.admit(u)) return u;
    }
    return -1;
  }

  /** Available (healthy, breaker not open, not cooling down) and not avoided by this flight. */
  private usable(flight: Flight, u: number): boolean {
    return this.p.availability.isAvailable(u) && !(flight.avoid?.includes(u) ?? false);
  }

  /**
   * The availability mask less what this flight must not use: upstreams refused during this pick,
   * upstreams whose Retry-After exceeded the cap (`avoid`), and — while any other is left —
   * upstreams already tried.
   */
  private candidates(flight: Flight, refused: number[] | null): Uint8Array {
    const base = this.p.availability.mask;
    const { tried, avoid } = flight;
    if (tried === null && avoid === null && refused === null) return base;
    const mask = this.scratch;
    mask.set(base);
    if (avoid !== null) for (const u of avoid) mask[u] = 0;
    if (refused !== null) for (const u of refused) mask[u] = 0;
    if (tried !== null) {
      for (const u of tried) mask[u] = 0;
      let any = false;
      for (let i = 0; i < mask.length && !any; i++) any = mask[i] === 1;
      if (!any) {
        // Nowhere new to go: allow the ones already tried again.
        for (const u of tried) mask[u] = base[u]!;
        if (avoid !== null) for (const u of avoid) mask[u] = 0;
        if (refused !== null) for (const u of refused) mask[u] = 0;
      }
    }
    return mask;
  }

  private startAttempt(flight: Flight): void {
    const p = this.p;
    const prev = flight.lastUpstream;
    // The first attempt in a fallback group has tried nothing in it yet.
    if (prev >= 0 && flight.attempts > flight.base) (flight.tried ??= []).push(prev);
    const group = flight.group;
    const u = group === null ? this.pick(flight) : this.pickInGroup(flight, group);
    if (u < 0) {
      // Nowhere to go: surface the last upstream error if there was one.
      const cls =
        flight.last !== null ? (errorClassOf(flight.last) ?? 'no-upstream') : 'no-upstream';
      this.finish(flight, cls, flight.last, 0);
      return;
    }
    const now = p.scheduler.now();
    flight.attempts++;
    flight.lastUpstream = u;
    const call = new AttemptCall(
      this,
      flight,
      u,
      flight.attempts - flight.base,
      now,
      this.pickedPermit,
    );
    flight.call = call;
    p.table.inflight[u]!++;
    p.listener.onAttemptStart?.(flight.request, u, call.attempt, now);
    this.arm(call, now);
    p.transport.send(call);
  }

  /** @internal */
  rearm(call: AttemptCall): void {
    this.arm(call, this.p.scheduler.now());
  }

  /** Sets the attempt's single watchdog timer at the earliest limit that can still fire. */
  private arm(call: AttemptCall, now: number): void {
    const due = this.nextLimit(call);
    if (due === Infinity) return;
    call.watchdog = this.p.scheduler.setTimer(Math.max(0, due - now), () =>
      this.watchdogFired(call),
    );
  }

  private nextLimit(call: AttemptCall): number {
    const t = this.p.timeouts;
    let due = call.flight.deadline;
    if (!call.request.stream) return Math.min(due, call.startedAt + t.perTryMs);
    if (call.firstChunkAt < 0) {
      due = Math.min(due, call.startedAt + t.perTryMs, call.startedAt + t.firstTokenMs);
    } else {
      due = Math.min(due, call.lastProgressAt + t.idleMs);
    }
    return due;
  }

  private watchdogFired(call: AttemptCall): void {
    if (call.ended) return;
    const now = this.p.scheduler.now();
    const t = this.p.timeouts;
    const flight = call.flight;
    let phase: 'attempt' | 'first-byte' | 'first-token' | 'idle' | 'deadline' | null = null;
    if (now >= flight.deadline) phase = 'deadline';
    else if (!call.request.stream) {
      if (now >= call.startedAt + t.perTryMs) phase = 'attempt';
    } else if (call.firstChunkAt < 0) {
      if (now >= call.startedAt + t.firstTokenMs) phase = 'first-token';
      else if (now >= call.startedAt + t.perTryMs) phase = 'first-byte';
    } else if (now >= call.lastProgressAt + t.idleMs) {
      if (call.held)
        call.lastProgressAt = now; // the client's silence, not the upstream's
      else phase = 'idle';
    }
    if (phase === null) {
      this.arm(call, now); // progress moved the limit: look again later
      return;
    }
    this.abortCall(call, { kind: 'timeout', phase });
  }

  private abortCall(call: AttemptCall, outcome: AttemptOutcome): void {
    const abort = call.abort;
    call.abort = null;
    this.attemptEnded(call, outcome);
    abort?.();
  }

  /** @internal Called through AttemptCall.end and by the watchdog. */
  attemptEnded(call: AttemptCall, outcome: AttemptOutcome): void {
    if (call.ended) return;
    call.ended = true;
    call.watchdog.cancel();
    const p = this.p;
    const u = call.upstream;
    const flight = call.flight;
    const now = p.scheduler.now();
    const latency = now - call.startedAt;
    p.table.inflight[u]!--;
    flight.call = null;
    flight.last = outcome;
    const aborted = outcome.kind === 'aborted';
    const failure = isUpstreamFailure(outcome);
    p.breakers[u]?.release(
      call.permit,
      aborted ? 'ignore' : failure ? 'failure' : 'success',
      latency,
    );
    if (!aborted) {
      p.outlier?.record(u, failure);
      p.strategy.observe(u, latency, !failure);
      p.budget?.onAttemptResult(failure);
    }
    p.listener.onAttemptEnd?.(flight.request, u, call.attempt, outcome, latency, now);

    if (outcome.kind === 'ok') {
      this.finish(flight, null, outcome, 0);
      return;
    }
    const hint = outcome.kind === 'http-error' ? outcome.retryAfterMs : undefined;
    if (hint !== undefined && hint > 0 && p.retry.honourRetryAfter) {
      this.coolDown(u, Math.min(hint, p.retry.retryAfterMaxMs));
    }
    if (aborted) {
      this.finish(flight, 'aborted', outcome, 0);
      return;
    }
    if (call.committed) {
      // Bytes already reached the client: a broken answer is never retried nor called a success.
      this.finish(flight, 'truncated', outcome, 0);
      return;
    }
    if (this.fallbacks !== null && outcome.kind === 'http-error' && outcome.code !== undefined) {
      if (this.fallBack(flight, outcome.code, now)) return;
    }
    const finalClass = errorClassOf(outcome);
    const attempts = flight.attempts - flight.base;
    if (
      (outcome.kind === 'timeout' && outcome.phase === 'deadline') ||
      attempts >= p.retry.maxAttempts ||
      !p.retry.shouldRetry(outcome)
    ) {
      this.finish(flight, finalClass, outcome, 0);
      return;
    }
    if (p.budget !== null && !p.budget.tryRetry(now)) {
      p.listener.onBudgetDenied?.(flight.request, now);
      this.finish(flight, finalClass, outcome, 0);
      return;
    }
    let delay = p.retry.backoff(attempts, flight.prevDelay);
    if (hint !== undefined && p.retry.honourRetryAfter) {
      if (hint > p.retry.retryAfterMaxMs) (flight.avoid ??= []).push(u);
      else if (!this.hasOtherUpstream(flight, u)) delay = Math.max(delay, hint);
    }
    if (now + delay >= flight.deadline) {
      this.finish(flight, finalClass, outcome, 0);
      return;
    }
    flight.prevDelay = delay;
    p.listener.onRetryScheduled?.(flight.request, delay, now);
    if (delay <= 0) this.startAttempt(flight);
    else flight.timer = p.scheduler.setTimer(delay, () => this.startAttempt(flight));
  }

  /**
   * Moves the request to the group of the first rule on `code` that has not fired for it yet:
   * at once (no backoff, no budget), with a fresh attempt count, inside the same deadline.
   * False when no rule applies, so the outcome is handled as any other.
   */
  private fallBack(flight: Flight, code: string, now: number): boolean {
    const rules = this.fallbacks!;
    let r = 0;
    while (r < rules.length && rules[r]!.on !== code) r++;
    if (r === rules.length || (flight.fired !== null && flight.fired.includes(r))) return false;
    if (now >= flight.deadline) return false;
    (flight.fired ??= []).push(r);
    flight.group = rules[r]!.to;
    flight.base = flight.attempts;
    flight.tried = null;
    flight.prevDelay = 0;
    this.p.listener.onFallback?.(flight.request, code, now);
    this.startAttempt(flight);
    return true;
  }

  /** Whether the flight's current group holds an upstream other than `u` that it may use. */
  private hasOtherUpstream(flight: Flight, u: number): boolean {
    const group = flight.group;
    if (group !== null) {
      for (const i of group) if (i !== u && this.usable(flight, i)) return true;
      return false;
    }
    const mask = this.p.availability.mask;
    for (let i = 0; i < mask.length; i++) {
      if (i !== u && mask[i] === 1 && !(flight.avoid?.includes(i) ?? false)) return true;
    }
    return false;
  }

  private readonly cooling = new Map<number, Timer>();

  /** Takes an upstream out of rotation until its Retry-After hint has passed. */
  private coolDown(u: number, ms: number): void {
    const p = this.p;
    const prev = this.cooling.get(u);
    prev?.cancel();
    const now = p.scheduler.now();
    if (prev === undefined) {
      p.availability.set(u, 'cooldown', true);
      p.listener.onStateChange?.(u, 'cooldown', 'cooling', now);
      p.onCooldown?.(u, true);
    }
    this.cooling.set(
      u,
      p.scheduler.setTimer(ms, () => {
        this.cooling.delete(u);
        p.availability.set(u, 'cooldown', false);
        p.listener.onStateChange?.(u, 'cooldown', 'ready', p.scheduler.now());
        p.onCooldown?.(u, false);
      }),
    );
  }

  private finish(
    flight: Flight,
    errorClass: ErrorClass | null,
    outcome: AttemptOutcome | null,
    retryAfterMs: number,
  ): void {
    if (flight.finished) return;
    flight.finished = true;
    flight.timer.cancel();
    const now = this.p.scheduler.now();
    const result: RequestResult = {
      request: flight.request,
      ok: errorClass === null,
      errorClass,
      outcome,
      upstream: flight.lastUpstream,
      attempts: flight.attempts,
      startedAt: flight.startedAt,
      endedAt: now,
      retryAfterMs,
    };
    this.p.listener.onRequestEnd?.(result, now);
    flight.done(result);
  }

  /** Stops every timer the dispatcher owns (cooldowns). In-flight requests are the caller's. */
  dispose(): void {
    for (const t of this.cooling.values()) t.cancel();
    this.cooling.clear();
  }
}
