import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../../src/core/virtual-scheduler.js';
import {
  createActiveHealthChecker,
  type HealthListener,
} from '../../../src/gateway/health/active-checker.js';
import { createHealthView, type ActiveHealth } from '../../../src/gateway/health/health-view.js';
import type {
  OutlierDetector,
  OutlierListener,
} from '../../../src/gateway/health/outlier-detector.js';
import { createOutlierDetector } from '../../../src/gateway/health/outlier-registry.js';

/** Hand-driven stand-ins: flip() changes the verdict and notifies, as the real ones do. */
class StubActive implements ActiveHealth {
  readonly up: boolean[];
  private readonly ls: HealthListener[] = [];
  constructor(readonly n: number) {
    this.up = new Array<boolean>(n).fill(true);
  }
  isUp(i: number): boolean {
    return this.up[i]!;
  }
  addListener(l: HealthListener): void {
    this.ls.push(l);
  }
  flip(i: number, now: number): void {
    this.up[i] = !this.up[i];
    for (const l of this.ls) l(i, this.up[i]!, now);
  }
}

class StubPassive implements OutlierDetector {
  readonly ejected: boolean[];
  private readonly ls: OutlierListener[] = [];
  constructor(n: number) {
    this.ejected = new Array<boolean>(n).fill(false);
  }
  record(): void {}
  isEjected(i: number): boolean {
    return this.ejected[i]!;
  }
  addListener(l: OutlierListener): void {
    this.ls.push(l);
  }
  dispose(): void {}
  flip(i: number, now: number): void {
    this.ejected[i] = !this.ejected[i];
    for (const l of this.ls) l(i, this.ejected[i]!, now);
  }
}

describe('HealthView', () => {
  it('is up && !ejected, and fires exactly on changes of that combination', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom('both', 'active', 'passive', 'none'),
        fc.array(fc.tuple(fc.boolean(), fc.nat()), { maxLength: 100 }),
        (n, which, flips) => {
          const active = which === 'both' || which === 'active' ? new StubActive(n) : undefined;
          const passive = which === 'both' || which === 'passive' ? new StubPassive(n) : undefined;
          const seen: [number, boolean, number][] = [];
          const view = createHealthView(n, { active, passive }, (i, h, now) =>
            seen.push([i, h, now]),
          );
          const expected = (i: number): boolean =>
            (active?.up[i] ?? true) && !(passive?.ejected[i] ?? false);
          let t = 0;
          for (const [useActive, k] of flips) {
            const i = k % n;
            const before = expected(i);
            const count = seen.length;
            t++;
            if (useActive) active?.flip(i, t);
            else passive?.flip(i, t);
            const after = expected(i);
            expect(view.isHealthy(i)).toBe(after);
            if (after === before) expect(seen.length).toBe(count);
            else expect(seen.slice(count)).toEqual([[i, after, t]]);
          }
        },
      ),
    );
  });

  it('combines a real active checker and a real outlier detector', () => {
    const s = new VirtualScheduler();
    let healthy = true;
    const active = createActiveHealthChecker(
      2,
      { intervalMs: 1000, fall: 1, rise: 1 },
      s,
      (_i, done) => {
        done(healthy);
        return { cancel() {} };
      },
    );
    const passive = createOutlierDetector(
      2,
      { kind: 'nginx', maxFails: 1, failTimeoutMs: 5000 },
      s,
    );
    const seen: string[] = [];
    const view = createHealthView(2, { active, passive }, (i, h, now) =>
      seen.push(`${i}:${h}@${now}`),
    );
    active.start();
    view.record(0, true);
    expect(view.isHealthy(0)).toBe(false);
    healthy = false;
    s.advance(1000); // both upstreams fail their probe; 0 was already unhealthy
    healthy = true;
    s.advance(1000); // both pass again; 0 is still ejected until 5000
    s.advance(3000);
    expect(seen).toEqual(['0:false@0', '1:false@1000', '1:true@2000', '0:true@5000']);
    active.stop();
    passive.dispose();
    expect(s.nextDue()).toBe(Infinity);
  });

  it('rejects an active checker sized for another n', () => {
    expect(() => createHealthView(3, { active: new StubActive(2) })).toThrow(RangeError);
  });
});
