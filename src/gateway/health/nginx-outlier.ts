import { checkInteger, checkPositive } from '../../core/assert.js';
import type { Scheduler } from '../../core/clock.js';
import { Ejections } from './ejections.js';
import type { NginxOutlierConfig } from './outlier-detector.js';

/**
 * nginx's passive check (ngx_http_upstream_round_robin.c), restated without its pick-time clock:
 *
 * - Each failure counts (`fails++`) and restarts the fail_timeout window (`checked = accessed = now`),
 *   but a failure that comes a full failTimeoutMs after the previous one starts a fresh count.
 *   (nginx resets `fails` on the first success picked after fail_timeout; under traffic that is
 *   the same rule, and without traffic nothing can be counted anyway.)
 * - At `maxFails` failures the upstream is ejected until failTimeoutMs after its last failure; a
 *   failure of a call still in flight while ejected extends that, as `checked = now` does in nginx.
 * - After the ejection, nginx lets one request through with the count still at maxFails: its
 *   success resets the count, its failure ejects again at once. Here likewise.
 * - A success within failTimeoutMs of the last failure does not reset the count (nginx:
 *   `accessed < checked` is false then); a later one does.
 * - maxFails = 0 disables the check.
 */
export class NginxOutlier extends Ejections {
  private readonly fails: Int32Array;
  private readonly lastFailure: Float64Array;

  constructor(
    n: number,
    readonly maxFails: number,
    readonly failTimeoutMs: number,
    scheduler: Scheduler,
  ) {
    super(n, scheduler);
    this.fails = new Int32Array(n);
    this.lastFailure = new Float64Array(n).fill(-Infinity);
  }

  record(i: number, failure: boolean): void {
    if (this.maxFails === 0) return;
    const now = this.scheduler.now();
    const windowOver = now - this.lastFailure[i]! >= this.failTimeoutMs;
    if (!failure) {
      if (this.ejected[i] === 0 && windowOver) this.fails[i] = 0;
      return;
    }
    if (this.ejected[i] === 1) {
      this.lastFailure[i] = now;
      this.arm(i);
      return;
    }
    if (windowOver && this.fails[i]! < this.maxFails) this.fails[i] = 0;
    this.fails[i]!++;
    this.lastFailure[i] = now;
    if (this.fails[i]! >= this.maxFails) {
      this.ejected[i] = 1;
      this.arm(i);
      this.emit(i, true, now);
    }
  }

  private arm(i: number): void {
    this.timers[i]?.cancel();
    this.timers[i] = this.disposed
      ? null
      : this.scheduler.setTimer(this.failTimeoutMs, () => this.readmit(i));
  }

  private readmit(i: number): void {
    this.timers[i] = null;
    this.ejected[i] = 0;
    this.emit(i, false, this.scheduler.now());
  }
}

export function nginxOutlier(
  n: number,
  config: NginxOutlierConfig,
  scheduler: Scheduler,
): NginxOutlier {
  const maxFails = config.maxFails ?? 1;
  const failTimeoutMs = config.failTimeoutMs ?? 10_000;
  checkInteger('n', n, 1);
  checkInteger('maxFails', maxFails, 0);
  checkPositive('failTimeoutMs', failTimeoutMs);
  return new NginxOutlier(n, maxFails, failTimeoutMs, scheduler);
}
