import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { VirtualScheduler } from '../../../src/core/virtual-scheduler.js';
import {
  createActiveHealthChecker,
  type Probe,
} from '../../../src/gateway/health/active-checker.js';

/** A probe that answers `answer(i)` after `latencyMs`, or never when latency is null. */
function fakeProbe(
  s: VirtualScheduler,
  answer: (i: number) => boolean,
  latencyMs: (i: number) => number | null = () => 0,
): {
  probe: Probe;
  sent: number[];
  cancelled: number[];
  inflight: Int32Array;
  maxInflight: number;
} {
  const state = {
    sent: [] as number[],
    cancelled: [] as number[],
    inflight: new Int32Array(16),
    maxInflight: 0,
    probe: null as unknown as Probe,
  };
  state.probe = (i, done) => {
    state.sent.push(s.now());
    state.inflight[i]!++;
    state.maxInflight = Math.max(state.maxInflight, state.inflight[i]!);
    const lat = latencyMs(i);
    let finished = false;
    const t =
      lat === null
        ? null
        : s.setTimer(lat, () => {
            finished = true;
            state.inflight[i]!--;
            done(answer(i));
          });
    return {
      cancel() {
        if (finished) return;
        finished = true;
        state.inflight[i]!--;
        state.cancelled.push(s.now());
        t?.cancel();
      },
    };
  };
  return state;
}

describe('ActiveHealthChecker', () => {
  it('marks a failing upstream down after exactly `fall` failed probes, at fall × interval', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 100, max: 20_000 }),
        (rise, fall, intervalMs) => {
          const s = new VirtualScheduler();
          let healthy = false;
          const p = fakeProbe(s, () => healthy);
          const changes: [number, boolean, number][] = [];
          const c = createActiveHealthChecker(1, { intervalMs, rise, fall }, s, p.probe, {
            onChange: (i, up, now) => changes.push([i, up, now]),
          });
          c.start();
          s.advance(fall * intervalMs - 1);
          expect(c.isUp(0)).toBe(true);
          expect(p.sent.length).toBe(fall - 1);
          s.advance(1);
          expect(c.isUp(0)).toBe(false);
          expect(p.sent.length).toBe(fall);
          expect(changes).toEqual([[0, false, fall * intervalMs]]);
          healthy = true;
          s.advance(rise * intervalMs - 1);
          expect(c.isUp(0)).toBe(false);
          s.advance(1);
          expect(c.isUp(0)).toBe(true);
          expect(changes).toEqual([
            [0, false, fall * intervalMs],
            [0, true, (fall + rise) * intervalMs],
          ]);
          c.stop();
          expect(s.nextDue()).toBe(Infinity);
        },
      ),
    );
  });

  it('needs consecutive results: an interleaved pass restarts the fall count', () => {
    const s = new VirtualScheduler();
    const answers = [false, false, true, false, false, false];
    let k = 0;
    const p = fakeProbe(s, () => answers[k++] ?? true);
    const c = createActiveHealthChecker(1, { intervalMs: 10, fall: 3 }, s, p.probe);
    c.start();
    s.advance(50);
    expect(c.isUp(0)).toBe(true);
    s.advance(10);
    expect(c.isUp(0)).toBe(false);
  });

  it('counts a hanging probe as failed after timeoutMs, cancels it, and ignores a late answer', () => {
    const s = new VirtualScheduler();
    let late: ((ok: boolean) => void) | null = null;
    let cancels = 0;
    const probe: Probe = (_i, done) => {
      late = done;
      return { cancel: () => cancels++ };
    };
    const c = createActiveHealthChecker(
      1,
      { intervalMs: 1000, timeoutMs: 300, fall: 2, rise: 1 },
      s,
      probe,
    );
    c.start();
    s.advance(1000 + 299);
    expect(cancels).toBe(0);
    s.advance(1);
    expect(cancels).toBe(1);
    expect(c.isUp(0)).toBe(true);
    // Next probe starts intervalMs after the timeout; its timeout takes the upstream down.
    const first = late!;
    s.advance(1000 + 300);
    expect(cancels).toBe(2);
    expect(c.isUp(0)).toBe(false);
    first(true);
    late!(true);
    expect(c.isUp(0)).toBe(false);
    c.stop();
    expect(s.nextDue()).toBe(Infinity);
  });

  it('never has two probes in flight for one upstream, and stop() cancels everything', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.option(fc.integer({ min: 0, max: 3000 }), { nil: null }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: 0, max: 100_000 }),
        (n, latencies, runFor) => {
          const s = new VirtualScheduler();
          let k = 0;
          const p = fakeProbe(
            s,
            (i) => (i + k) % 3 !== 0,
            () => latencies[k++ % latencies.length]!,
          );
          const c = createActiveHealthChecker(
            n,
            { intervalMs: 500, timeoutMs: 1000, jitterFirstProbe: true },
            s,
            p.probe,
            { rng: new Rng(`seed-${n}-${runFor}`) },
          );
          c.start();
          s.advance(runFor);
          expect(p.maxInflight).toBeLessThanOrEqual(1);
          c.stop();
          expect(s.nextDue()).toBe(Infinity);
          for (let i = 0; i < n; i++) expect(p.inflight[i]).toBe(0);
        },
      ),
    );
  });

  it('handles a probe that answers synchronously', () => {
    const s = new VirtualScheduler();
    const probe: Probe = (_i, done) => {
      done(false);
      return { cancel: () => expect.unreachable('a finished probe is not cancelled') };
    };
    const c = createActiveHealthChecker(1, { intervalMs: 10, fall: 2 }, s, probe);
    c.start();
    s.advance(20);
    expect(c.isUp(0)).toBe(false);
    c.stop();
    expect(s.nextDue()).toBe(Infinity);
  });

  it('spreads first probes with jitter, deterministically for a seed', () => {
    const firstProbes = (seed: string): number[] => {
      const s = new VirtualScheduler();
      const times: number[] = [];
      const probe: Probe = (_i, done) => {
        times.push(s.now());
        done(true);
        return { cancel() {} };
      };
      const c = createActiveHealthChecker(
        8,
        { intervalMs: 10_000, jitterFirstProbe: true },
        s,
        probe,
        {
          rng: new Rng(seed),
        },
      );
      c.start();
      s.advance(9_999);
      c.stop();
      return times;
    };
    const a = firstProbes('x');
    expect(a.length).toBeGreaterThan(1);
    expect(new Set(a).size).toBe(a.length);
    expect(firstProbes('x')).toEqual(a);
  });

  it('starts down when told to and rises after `rise` passes', () => {
    const s = new VirtualScheduler();
    const p = fakeProbe(s, () => true);
    const c = createActiveHealthChecker(
      2,
      { intervalMs: 100, rise: 2, initial: 'down' },
      s,
      p.probe,
    );
    expect(c.isUp(0)).toBe(false);
    c.start();
    s.advance(199);
    expect(c.isUp(1)).toBe(false);
    s.advance(1);
    expect(c.isUp(0) && c.isUp(1)).toBe(true);
  });

  it.each([
    [{ intervalMs: 0 }, 'intervalMs'],
    [{ timeoutMs: -5 }, 'timeoutMs'],
    [{ rise: 0 }, 'rise'],
    [{ fall: 1.5 }, 'fall'],
    [{ jitterFirstProbe: true }, 'jitterFirstProbe'],
  ])('rejects %j naming %s', (config, param) => {
    const make = (): unknown =>
      createActiveHealthChecker(1, config, new VirtualScheduler(), () => ({ cancel() {} }));
    expect(make).toThrow(RangeError);
    expect(make).toThrow(param);
  });
});
