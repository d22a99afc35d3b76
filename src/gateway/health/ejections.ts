import type { Scheduler, Timer } from '../../core/clock.js';
import type { OutlierDetector, OutlierListener } from './outlier-detector.js';

/**
 * What every outlier detector holds apart from its rule: which upstreams are ejected, the timer
 * that returns each to service, the listeners, and disposal. Subclasses decide when to eject.
 */
export abstract class Ejections implements OutlierDetector {
  protected readonly ejected: Uint8Array;
  protected readonly timers: (Timer | null)[];
  protected disposed = false;
  private readonly listeners: OutlierListener[] = [];

  constructor(
    readonly n: number,
    protected readonly scheduler: Scheduler,
  ) {
    this.ejected = new Uint8Array(n);
    this.timers = new Array<Timer | null>(n).fill(null);
  }

  abstract record(i: number, failure: boolean): void;

  isEjected(i: number): boolean {
    return this.ejected[i] === 1;
  }

  addListener(listener: OutlierListener): void {
    this.listeners.push(listener);
  }

  dispose(): void {
    this.disposed = true;
    for (let i = 0; i < this.n; i++) {
      this.timers[i]?.cancel();
      this.timers[i] = null;
    }
  }

  protected emit(i: number, ejected: boolean, now: number): void {
    for (const l of this.listeners) l(i, ejected, now);
  }
}
