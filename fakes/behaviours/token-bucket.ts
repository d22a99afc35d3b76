import { checkPositive } from '../../src/core/assert.js';

/** A token bucket refilled continuously: `size` deep, `perMs` tokens a millisecond. Starts full. */
export class TokenBucket {
  private level: number;
  private at: number;
  constructor(
    readonly size: number,
    readonly perMs: number,
    now: number,
  ) {
    checkPositive('bucket.size', size);
    checkPositive('bucket.rate', perMs);
    this.level = size;
    this.at = now;
  }

  private refill(now: number): void {
    if (now > this.at) {
      this.level = Math.min(this.size, this.level + (now - this.at) * this.perMs);
      this.at = now;
    }
  }

  /** Whether `n` tokens are there now (nothing is taken). */
  has(now: number, n: number): boolean {
    this.refill(now);
    return this.level >= Math.min(n, this.size);
  }

  take(now: number, n: number): void {
    this.refill(now);
    this.level -= Math.min(n, this.size);
  }

  remaining(now: number): number {
    this.refill(now);
    return Math.max(0, Math.floor(this.level));
  }

  /** Milliseconds until `n` tokens are there. */
  msUntil(now: number, n: number): number {
    this.refill(now);
    const need = Math.min(n, this.size) - this.level;
    return need <= 0 ? 0 : need / this.perMs;
  }

  /** Milliseconds until the bucket is full again. */
  msUntilFull(now: number): number {
    this.refill(now);
    return (this.size - this.level) / this.perMs;
  }
}
