import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { backoffBounds, backoffDelay, createBackoff } from '../../../src/gateway/retry/backoff.js';
import type { BackoffConfig } from '../../../src/gateway/retry/backoff.js';
import { backoffArb } from './arbitraries.js';

describe('backoff', () => {
  it('every delay lies within backoffBounds for its retry and previous delay (property)', () => {
    fc.assert(
      fc.property(
        backoffArb,
        fc.string(),
        fc.integer({ min: 1, max: 60 }),
        (cfg, seed, retries) => {
          const rng = new Rng(seed);
          let prev = 0;
          for (let n = 1; n <= retries; n++) {
            const { min, max } = backoffBounds(cfg, n, prev);
            const d = backoffDelay(cfg, n, prev, rng);
            expect(d).toBeGreaterThanOrEqual(min);
            expect(d).toBeLessThanOrEqual(max);
            expect(max).toBeLessThanOrEqual(cfg.maxMs);
            prev = d;
          }
        },
      ),
    );
  });

  it('bounds follow the AWS formulas', () => {
    const exp = (jitter: BackoffConfig['jitter']) =>
      createBackoff({ kind: 'exponential', baseMs: 100, maxMs: 1000, multiplier: 2, jitter });
    expect(backoffBounds(exp('none'), 1, 0)).toEqual({ min: 100, max: 100 });
    expect(backoffBounds(exp('none'), 3, 0)).toEqual({ min: 400, max: 400 });
    expect(backoffBounds(exp('none'), 10, 0)).toEqual({ min: 1000, max: 1000 });
    expect(backoffBounds(exp('full'), 3, 0)).toEqual({ min: 0, max: 400 });
    expect(backoffBounds(exp('equal'), 3, 0)).toEqual({ min: 200, max: 400 });
    expect(backoffBounds(exp('decorrelated'), 1, 0)).toEqual({ min: 100, max: 300 });
    expect(backoffBounds(exp('decorrelated'), 5, 250)).toEqual({ min: 100, max: 750 });
    expect(backoffBounds(exp('decorrelated'), 5, 900)).toEqual({ min: 100, max: 1000 });
    const constant = createBackoff({ kind: 'constant', baseMs: 250, maxMs: 1000, jitter: 'none' });
    expect(backoffBounds(constant, 7, 0)).toEqual({ min: 250, max: 250 });
  });

  it('exponential growth saturates at the cap without overflow', () => {
    const cfg = createBackoff({
      kind: 'exponential',
      baseMs: 1,
      maxMs: 5000,
      multiplier: 10,
      jitter: 'none',
    });
    expect(backoffDelay(cfg, 5000, 0, new Rng('x'))).toBe(5000);
    const zero = createBackoff({ kind: 'exponential', baseMs: 0, maxMs: 5000, jitter: 'none' });
    expect(backoffDelay(zero, 5000, 0, new Rng('x'))).toBe(0);
  });

  it('full jitter spreads over the whole range (not stuck at an end)', () => {
    const cfg = createBackoff({ baseMs: 1000, maxMs: 1000, jitter: 'full' });
    const rng = new Rng('spread');
    const xs = Array.from({ length: 2000 }, () => backoffDelay(cfg, 1, 0, rng));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeGreaterThan(450);
    expect(mean).toBeLessThan(550);
  });

  it('createBackoff fills defaults and names bad parameters', () => {
    expect(createBackoff()).toEqual({
      kind: 'exponential',
      baseMs: 100,
      maxMs: 10_000,
      multiplier: 2,
      jitter: 'full',
    });
    expect(createBackoff({ baseMs: undefined }).baseMs).toBe(100);
    expect(() => createBackoff({ baseMs: -1 })).toThrow(/backoff\.baseMs.*-1/);
    expect(() => createBackoff({ baseMs: 500, maxMs: 100 })).toThrow(/backoff\.maxMs.*100/);
    expect(() => createBackoff({ multiplier: 0.5 })).toThrow(/backoff\.multiplier.*0\.5/);
    expect(() => createBackoff({ jitter: 'random' as never })).toThrow(/backoff\.jitter.*random/);
    expect(() => createBackoff({ kind: 'linear' as never })).toThrow(/backoff\.kind.*linear/);
  });
});
