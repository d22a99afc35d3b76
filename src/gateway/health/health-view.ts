import { check, checkInteger } from '../../core/assert.js';
import type { HealthListener } from './active-checker.js';
import type { OutlierDetector } from './outlier-detector.js';

/** What the view needs of an active checker (ActiveHealthChecker is one). */
export interface ActiveHealth {
  readonly n: number;
  isUp(i: number): boolean;
  addListener(listener: HealthListener): void;
}

/**
 * Active and passive health combined, as production gateways run them: an upstream is healthy
 * while the active checker (if any) says up and the outlier detector (if any) has not ejected it.
 * The listener fires only when that combined verdict changes. This is what the dispatcher reads.
 */
export class HealthView {
  private readonly healthy: Uint8Array;
  private readonly listeners: HealthListener[] = [];

  constructor(
    readonly n: number,
    readonly active: ActiveHealth | undefined,
    readonly passive: OutlierDetector | undefined,
  ) {
    this.healthy = new Uint8Array(n);
    for (let i = 0; i < n; i++) this.healthy[i] = this.compute(i) ? 1 : 0;
    active?.addListener((i, _up, now) => this.update(i, now));
    passive?.addListener((i, _ejected, now) => this.update(i, now));
  }

  isHealthy(i: number): boolean {
    return this.healthy[i] === 1;
  }

  addListener(listener: HealthListener): void {
    this.listeners.push(listener);
  }

  /** Feeds one call result to the passive detector, if there is one. */
  record(i: number, failure: boolean): void {
    this.passive?.record(i, failure);
  }

  private compute(i: number): boolean {
    return (this.active?.isUp(i) ?? true) && !(this.passive?.isEjected(i) ?? false);
  }

  private update(i: number, now: number): void {
    const v = this.compute(i) ? 1 : 0;
    if (v === this.healthy[i]) return;
    this.healthy[i] = v;
    for (const l of this.listeners) l(i, v === 1, now);
  }
}

/** Combines the given checks for `n` upstreams; either may be absent (then it never objects). */
export function createHealthView(
  n: number,
  parts: { active?: ActiveHealth | undefined; passive?: OutlierDetector | undefined },
  listener?: HealthListener,
): HealthView {
  checkInteger('n', n, 1);
  if (parts.active) check(parts.active.n === n, 'active.n', parts.active.n, `must equal n (${n})`);
  const view = new HealthView(n, parts.active, parts.passive);
  if (listener) view.addListener(listener);
  return view;
}
