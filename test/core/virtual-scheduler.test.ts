import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../src/core/virtual-scheduler.js';

describe('VirtualScheduler', () => {
  it('fires timers in (time, insertion) order and moves the clock to each due time', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), (delays) => {
        const s = new VirtualScheduler();
        const fired: { at: number; idx: number; now: number }[] = [];
        delays.forEach((d, idx) => s.setTimer(d, () => fired.push({ at: d, idx, now: s.now() })));
        s.runAll();
        const expected = delays.map((d, idx) => ({ at: d, idx, now: d }));
        expected.sort((a, b) => a.at - b.at || a.idx - b.idx);
        expect(fired).toEqual(expected);
      }),
    );
  });

  it('never fires a cancelled timer', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.boolean()), { maxLength: 100 }),
        (specs) => {
          const s = new VirtualScheduler();
          const fired = new Set<number>();
          const timers = specs.map(([d], i) => s.setTimer(d, () => fired.add(i)));
          specs.forEach(([, cancel], i) => cancel && timers[i]!.cancel());
          s.runAll();
          specs.forEach(([, cancel], i) => expect(fired.has(i)).toBe(!cancel));
          expect(s.nextDue()).toBe(Infinity);
        },
      ),
    );
  });

  it('runUntil fires timers set by timers when they fall inside the span, and stops the clock at t', () => {
    const s = new VirtualScheduler(1000);
    const seen: number[] = [];
    s.setTimer(10, () => {
      seen.push(s.now());
      s.setTimer(5, () => seen.push(s.now()));
      s.setTimer(100, () => seen.push(s.now()));
    });
    s.runUntil(1050);
    expect(seen).toEqual([1010, 1015]);
    expect(s.now()).toBe(1050);
    s.advance(60);
    expect(seen).toEqual([1010, 1015, 1110]);
    expect(s.now()).toBe(1110);
  });

  it('treats negative and NaN delays as zero, never moving time backwards', () => {
    const s = new VirtualScheduler(5);
    const seen: number[] = [];
    s.setTimer(-3, () => seen.push(s.now()));
    s.setTimer(Number.NaN, () => seen.push(s.now()));
    s.runAll();
    expect(seen).toEqual([5, 5]);
  });
});
