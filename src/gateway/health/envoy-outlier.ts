import { check, checkInteger, checkPositive } from '../../core/assert.js';
import type { Scheduler } from '../../core/clock.js';
import { Ejections } from './ejections.js';
import { decayedMultiplier, ejectionMs, nextMultiplier } from './ejection-time.js';
import type { EnvoyOutlierConfig } from './outlier-detector.js';

/**
 * Envoy's consecutive-5xx outlier detection (source/common/upstream/outlier_detection_impl.cc):
 *
 * - A success resets the upstream's run of failures; the `consecutiveFailures`-th failure in a
 *   row asks to eject it, and the run restarts from zero whether or not the ejection was allowed.
 * - The ejection is refused when it would leave more than maxEjectionPercent of upstreams
 *   ejected: 100 × (ejected + 1) ≤ maxEjectionPercent × n (Envoy ≥ 1.27). With
 *   `alwaysEjectOne`, the first ejection is allowed whatever the percentage. Older Envoy always
 *   allowed one; current Envoy does so only with always_eject_one_host.
 * - Ejection time = baseEjectionMs × multiplier, capped at maxEjectionMs, where the multiplier
 *   grows by one per ejection (see nextMultiplier) and drops by one per full intervalMs spent
 *   un-ejected since the last return to service (Envoy: per interval sweep that finds it healthy).
 * - Return to service is exact, on a timer (Envoy rounds it up to its next interval sweep), and
 *   clears the run of failures. Results recorded while ejected are ignored.
 */
export class EnvoyOutlier extends Ejections {
  private readonly run: Int32Array;
  private readonly multiplier: Int32Array;
  private readonly returnedAt: Float64Array;
  private ejectedCount = 0;

  constructor(
    n: number,
    readonly config: Readonly<Required<EnvoyOutlierConfig>>,
    scheduler: Scheduler,
  ) {
    super(n, scheduler);
    this.run = new Int32Array(n);
    this.multiplier = new Int32Array(n);
    this.returnedAt = new Float64Array(n).fill(-Infinity);
  }

  /** How many upstreams are ejected now. */
  get ejectedNow(): number {
    return this.ejectedCount;
  }

  record(i: number, failure: boolean): void {
    if (this.ejected[i] === 1) return;
    if (!failure) {
      this.run[i] = 0;
      return;
    }
    if (++this.run[i]! < this.config.consecutiveFailures) return;
    this.run[i] = 0;
    if (this.mayEject()) this.eject(i);
  }

  private mayEject(): boolean {
    const c = this.config;
    if (c.alwaysEjectOne && this.ejectedCount === 0) return true;
    return 100 * (this.ejectedCount + 1) <= c.maxEjectionPercent * this.n;
  }

  private eject(i: number): void {
    const c = this.config;
    const now = this.scheduler.now();
    const decayed = decayedMultiplier(this.multiplier[i]!, now - this.returnedAt[i]!, c.intervalMs);
    const m = nextMultiplier(decayed, c.baseEjectionMs, c.maxEjectionMs);
    this.multiplier[i] = m;
    this.ejected[i] = 1;
    this.ejectedCount++;
    if (!this.disposed) {
      const ms = ejectionMs(m, c.baseEjectionMs, c.maxEjectionMs);
      this.timers[i] = this.scheduler.setTimer(ms, () => this.readmit(i));
    }
    this.emit(i, true, now);
  }

  private readmit(i: number): void {
    this.timers[i] = null;
    this.ejected[i] = 0;
    this.ejectedCount--;
    this.run[i] = 0;
    const now = this.scheduler.now();
    this.returnedAt[i] = now;
    this.emit(i, false, now);
  }
}

export const ENVOY_OUTLIER_DEFAULTS: Readonly<Required<EnvoyOutlierConfig>> = Object.freeze({
  kind: 'envoy',
  consecutiveFailures: 5,
  baseEjectionMs: 30_000,
  maxEjectionMs: 300_000,
  maxEjectionPercent: 10,
  alwaysEjectOne: false,
  intervalMs: 10_000,
});

export function envoyOutlier(
  n: number,
  config: EnvoyOutlierConfig,
  scheduler: Scheduler,
): EnvoyOutlier {
  const c: Required<EnvoyOutlierConfig> = { ...ENVOY_OUTLIER_DEFAULTS };
  for (const [k, v] of Object.entries(config)) if (v !== undefined) Object.assign(c, { [k]: v });
  checkInteger('n', n, 1);
  checkInteger('consecutiveFailures', c.consecutiveFailures, 1);
  checkPositive('baseEjectionMs', c.baseEjectionMs);
  checkPositive('maxEjectionMs', c.maxEjectionMs);
  check(
    c.maxEjectionMs >= c.baseEjectionMs,
    'maxEjectionMs',
    c.maxEjectionMs,
    `must be >= baseEjectionMs (${c.baseEjectionMs})`,
  );
  check(
    Number.isFinite(c.maxEjectionPercent) &&
      c.maxEjectionPercent >= 0 &&
      c.maxEjectionPercent <= 100,
    'maxEjectionPercent',
    c.maxEjectionPercent,
    'must be between 0 and 100',
  );
  check(
    typeof c.alwaysEjectOne === 'boolean',
    'alwaysEjectOne',
    c.alwaysEjectOne,
    'must be a boolean',
  );
  checkPositive('intervalMs', c.intervalMs);
  return new EnvoyOutlier(n, Object.freeze(c), scheduler);
}
