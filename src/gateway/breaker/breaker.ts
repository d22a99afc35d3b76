import type { Scheduler, Timer } from '../../core/clock.js';
import { resolveBreakerConfig, type BreakerConfig } from './config.js';
import { openDurationMs } from './open-duration.js';
import { createTripPolicy, slowCallDurationOf } from './registry.js';
import {
  CLOSED,
  FORCED_CLOSED,
  FORCED_OPEN,
  type AvailabilityListener,
  type BreakerListener,
  type BreakerState,
  type CallResult,
} from './state.js';
import type { TripPolicy } from './trip-policy.js';

/**
 * A circuit breaker on an injected Scheduler.
 *
 * Permits: `tryAcquire()` returns the current epoch (or -1 when denied); every state change,
 * including `reset()`, starts a new epoch. A result counts only when released in the epoch it was
 * admitted in, so a call admitted while closed that finishes after the breaker opened never counts
 * as a half-open probe, and a probe admitted in one half-open period never counts in the next.
 *
 * Rules: closed → open when the trip policy says so; open → half-open on a timer when the open time
 * ends; half-open admits at most `halfOpenMaxCalls` concurrent probes, closes after
 * `successThreshold` successes and reopens on any failure (`ignore` frees the slot and counts
 * neither way). Each reopen without a successful close multiplies the open time by
 * `openBackoffMultiplier`, capped at `maxOpenMs`; closing resets it. Forced states record nothing.
 *
 * Signals: `listener` sees every transition; `onAvailabilityChange` sees every change of
 * `isAvailable()`, whatever caused it (a transition, or a half-open slot filling or freeing),
 * after the transition listener. Both are called once the breaker's state is final, so they may
 * call back into the breaker.
 */
export class CircuitBreaker {
  private current: BreakerState = CLOSED;
  private epoch = 0;
  private timer: Timer | null = null;
  private lastAvailable = true;
  private disposed = false;

  constructor(
    readonly config: Readonly<BreakerConfig>,
    private readonly policy: TripPolicy,
    private readonly slowCallDurationMs: number,
    private readonly scheduler: Scheduler,
    private readonly listener?: BreakerListener,
    private readonly onAvailabilityChange?: AvailabilityListener,
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  /** A call would be admitted right now. */
  isAvailable(): boolean {
    const s = this.current;
    switch (s.kind) {
      case 'closed':
      case 'forced-closed':
        return true;
      case 'half-open':
        return s.inflight < this.config.halfOpenMaxCalls;
      case 'open':
      case 'forced-open':
        return false;
    }
  }

  /** A permit (the current epoch, >= 0) for one call, or -1 when the breaker denies it. */
  tryAcquire(): number {
    const s = this.current;
    switch (s.kind) {
      case 'closed':
      case 'forced-closed':
        return this.epoch;
      case 'open':
      case 'forced-open':
        return -1;
      case 'half-open': {
        if (s.inflight >= this.config.halfOpenMaxCalls) return -1;
        const permit = this.epoch;
        this.current = {
          kind: 'half-open',
          inflight: s.inflight + 1,
          successes: s.successes,
          trips: s.trips,
        };
        this.signalAvailability(this.scheduler.now());
        return permit;
      }
    }
  }

  /** Reports how an admitted call ended. Stale permits (an earlier epoch) are dropped. */
  release(permit: number, result: CallResult, durationMs: number): void {
    if (permit !== this.epoch) return;
    const s = this.current;
    switch (s.kind) {
      case 'closed': {
        if (result === 'ignore') return;
        const now = this.scheduler.now();
        this.policy.record(result === 'failure', durationMs > this.slowCallDurationMs, now);
        if (this.policy.shouldOpen(now)) this.trip(1, now);
        return;
      }
      case 'half-open': {
        const now = this.scheduler.now();
        if (result === 'failure') {
          this.trip(s.trips + 1, now);
          return;
        }
        const successes = s.successes + (result === 'success' ? 1 : 0);
        if (successes >= this.config.successThreshold) {
          this.policy.reset();
          this.transition(CLOSED, now);
          return;
        }
        this.current = {
          kind: 'half-open',
          inflight: s.inflight > 0 ? s.inflight - 1 : 0,
          successes,
          trips: s.trips,
        };
        this.signalAvailability(now);
        return;
      }
      case 'open':
      case 'forced-open':
      case 'forced-closed':
        return;
    }
  }

  /** Operator lever: deny everything until reset() or forceClose(). */
  forceOpen(): void {
    if (this.current.kind === 'forced-open') return;
    this.cancelTimer();
    this.policy.reset();
    this.transition(FORCED_OPEN, this.scheduler.now());
  }

  /** Operator lever: admit everything, record nothing, until reset() or forceOpen(). */
  forceClose(): void {
    if (this.current.kind === 'forced-closed') return;
    this.cancelTimer();
    this.policy.reset();
    this.transition(FORCED_CLOSED, this.scheduler.now());
  }

  /** Back to closed with counters and the open-time backoff cleared; starts a new epoch. */
  reset(): void {
    this.cancelTimer();
    this.policy.reset();
    if (this.current.kind === 'closed') {
      this.epoch++;
      return;
    }
    this.transition(CLOSED, this.scheduler.now());
  }

  /** Cancels the open timer; the breaker sets no timer afterwards. */
  dispose(): void {
    this.disposed = true;
    this.cancelTimer();
  }

  private trip(trips: number, now: number): void {
    const c = this.config;
    const ms = openDurationMs(c.openMs, c.openBackoffMultiplier, c.maxOpenMs, trips);
    this.policy.reset();
    this.cancelTimer();
    if (!this.disposed) this.timer = this.scheduler.setTimer(ms, this.onOpenElapsed);
    this.transition({ kind: 'open', since: now, until: now + ms, trips }, now);
  }

  private readonly onOpenElapsed = (): void => {
    this.timer = null;
    const s = this.current;
    if (s.kind !== 'open') return;
    this.transition(
      { kind: 'half-open', inflight: 0, successes: 0, trips: s.trips },
      this.scheduler.now(),
    );
  };

  private transition(to: BreakerState, now: number): void {
    const from = this.current;
    this.current = to;
    this.epoch++;
    this.listener?.(from, to, now);
    this.signalAvailability(now);
  }

  private signalAvailability(now: number): void {
    const available = this.isAvailable();
    if (available === this.lastAvailable) return;
    this.lastAvailable = available;
    this.onAvailabilityChange?.(available, now);
  }

  private cancelTimer(): void {
    if (this.timer !== null) {
      this.timer.cancel();
      this.timer = null;
    }
  }
}

/**
 * Builds a breaker from a partial config (defaults: BREAKER_DEFAULTS), validating eagerly:
 * a bad value throws RangeError naming the parameter and the value.
 */
export function createBreaker(
  config: Partial<BreakerConfig>,
  scheduler: Scheduler,
  listener?: BreakerListener,
  onAvailabilityChange?: AvailabilityListener,
): CircuitBreaker {
  const c = resolveBreakerConfig(config);
  return new CircuitBreaker(
    Object.freeze(c),
    createTripPolicy(c.trip),
    slowCallDurationOf(c.trip),
    scheduler,
    listener,
    onAvailabilityChange,
  );
}
