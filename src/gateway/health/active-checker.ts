import { check, checkInteger, checkPositive } from '../../core/assert.js';
import type { Scheduler, Timer } from '../../core/clock.js';
import type { Rng } from '../../core/rng.js';

/**
 * Sends one health probe to `upstream` and calls `done(ok)` once, now or later. The live engine
 * sends `HEAD /v1/models`; the simulator answers from its model. `cancel()` abandons the probe.
 */
export type Probe = (upstream: number, done: (ok: boolean) => void) => { cancel(): void };

/** (upstream, up, now): the checker's verdict for `upstream` changed. */
export type HealthListener = (i: number, up: boolean, now: number) => void;

/** nginx/HAProxy `check inter=10s rise=2 fall=3 timeout=2s`. */
export interface ActiveHealthConfig {
  /** Time from the end of one probe (answer or timeout) to the start of the next (ms). Default 10 000. */
  intervalMs: number;
  /** A probe without an answer after this long is cancelled and counts as failed (ms). Default 2 000. */
  timeoutMs: number;
  /** Consecutive passed probes that bring a down upstream up. Default 2. */
  rise: number;
  /** Consecutive failed probes that take an up upstream down. Default 3. */
  fall: number;
  /** Verdict before any probe has answered. Default 'up'. */
  initial: 'up' | 'down';
  /**
   * When true, each upstream's first probe starts at a uniform random time in [0, intervalMs)
   * after start() (needs an Rng), so probes across upstreams do not align. When false, every
   * first probe starts intervalMs after start(). Default false.
   */
  jitterFirstProbe: boolean;
}

export const ACTIVE_HEALTH_DEFAULTS: Readonly<ActiveHealthConfig> = Object.freeze({
  intervalMs: 10_000,
  timeoutMs: 2_000,
  rise: 2,
  fall: 3,
  initial: 'up',
  jitterFirstProbe: false,
});

/**
 * Periodic probes per upstream with rise/fall hysteresis. At most one probe per upstream is in
 * flight: the next is scheduled only when the previous answered or timed out. A `done` that comes
 * after the timeout, after stop(), or a second time, is ignored.
 */
export class ActiveHealthChecker {
  readonly n: number;
  private readonly up: Uint8Array;
  /** Consecutive results against the current verdict (fails while up, passes while down). */
  private readonly streak: Int32Array;
  /** Bumped when a probe ends, so late answers and stale timeouts are recognised. */
  private readonly generation: Int32Array;
  private readonly nextTimer: (Timer | null)[];
  private readonly timeoutTimer: (Timer | null)[];
  private readonly inflight: ({ cancel(): void } | null)[];
  private readonly listeners: HealthListener[] = [];
  private running = false;

  constructor(
    n: number,
    readonly config: Readonly<ActiveHealthConfig>,
    private readonly scheduler: Scheduler,
    private readonly probe: Probe,
    private readonly rng?: Rng,
  ) {
    this.n = n;
    this.up = new Uint8Array(n).fill(config.initial === 'up' ? 1 : 0);
    this.streak = new Int32Array(n);
    this.generation = new Int32Array(n);
    this.nextTimer = new Array<Timer | null>(n).fill(null);
    this.timeoutTimer = new Array<Timer | null>(n).fill(null);
    this.inflight = new Array<{ cancel(): void } | null>(n).fill(null);
  }

  isUp(i: number): boolean {
    return this.up[i] === 1;
  }

  addListener(listener: HealthListener): void {
    this.listeners.push(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const { intervalMs, jitterFirstProbe } = this.config;
    for (let i = 0; i < this.n; i++) {
      const delay = jitterFirstProbe && this.rng ? this.rng.uniform(0, intervalMs) : intervalMs;
      this.schedule(i, delay);
    }
  }

  /** Cancels every pending timer and in-flight probe; verdicts stay as they are. */
  stop(): void {
    this.running = false;
    for (let i = 0; i < this.n; i++) {
      this.generation[i]!++;
      this.nextTimer[i]?.cancel();
      this.nextTimer[i] = null;
      this.timeoutTimer[i]?.cancel();
      this.timeoutTimer[i] = null;
      const p = this.inflight[i];
      this.inflight[i] = null;
      p?.cancel();
    }
  }

  private schedule(i: number, delay: number): void {
    this.nextTimer[i] = this.scheduler.setTimer(delay, () => this.send(i));
  }

  private send(i: number): void {
    this.nextTimer[i] = null;
    if (!this.running) return;
    const gen = ++this.generation[i]!;
    this.timeoutTimer[i] = this.scheduler.setTimer(this.config.timeoutMs, () => {
      if (this.generation[i] !== gen) return;
      this.timeoutTimer[i] = null;
      const p = this.inflight[i];
      this.inflight[i] = null;
      this.finish(i, false);
      p?.cancel();
    });
    const handle = this.probe(i, (ok) => {
      if (this.generation[i] !== gen || !this.running) return;
      this.timeoutTimer[i]?.cancel();
      this.timeoutTimer[i] = null;
      this.inflight[i] = null;
      this.finish(i, ok);
    });
    // The probe may have answered synchronously; only a still-pending probe is in flight.
    if (this.generation[i] === gen) this.inflight[i] = handle;
  }

  private finish(i: number, ok: boolean): void {
    this.generation[i]!++;
    if (this.running) this.schedule(i, this.config.intervalMs);
    const wasUp = this.up[i] === 1;
    if (ok === wasUp) {
      this.streak[i] = 0;
      return;
    }
    const streak = ++this.streak[i]!;
    if (streak < (wasUp ? this.config.fall : this.config.rise)) return;
    this.streak[i] = 0;
    this.up[i] = wasUp ? 0 : 1;
    const now = this.scheduler.now();
    for (const l of this.listeners) l(i, !wasUp, now);
  }
}

/** Builds an active checker for `n` upstreams, validating eagerly (RangeError). */
export function createActiveHealthChecker(
  n: number,
  config: Partial<ActiveHealthConfig>,
  scheduler: Scheduler,
  probe: Probe,
  options: { rng?: Rng; onChange?: HealthListener } = {},
): ActiveHealthChecker {
  const c: ActiveHealthConfig = { ...ACTIVE_HEALTH_DEFAULTS, ...config };
  checkInteger('n', n, 1);
  checkPositive('intervalMs', c.intervalMs);
  checkPositive('timeoutMs', c.timeoutMs);
  checkInteger('rise', c.rise, 1);
  checkInteger('fall', c.fall, 1);
  check(c.initial === 'up' || c.initial === 'down', 'initial', c.initial, "must be 'up' or 'down'");
  check(
    !c.jitterFirstProbe || options.rng !== undefined,
    'jitterFirstProbe',
    c.jitterFirstProbe,
    'needs an Rng (options.rng)',
  );
  const checker = new ActiveHealthChecker(n, Object.freeze(c), scheduler, probe, options.rng);
  if (options.onChange) checker.addListener(options.onChange);
  return checker;
}
