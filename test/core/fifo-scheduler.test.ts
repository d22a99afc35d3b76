import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { FifoScheduler } from '../../src/core/fifo-scheduler.js';
import { realClock } from '../../src/core/real-scheduler.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const timeouts = (): number =>
  process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

/** Runs `body` with process-level uncaught exceptions collected instead of failing the run. */
async function catchingUncaught(body: () => Promise<void>): Promise<unknown[]> {
  const caught: unknown[] = [];
  const saved = process.listeners('uncaughtException');
  const collect = (err: unknown): void => {
    caught.push(err);
  };
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', collect);
  try {
    await body();
  } finally {
    process.off('uncaughtException', collect);
    for (const l of saved) process.on('uncaughtException', l);
  }
  return caught;
}

describe('FifoScheduler', () => {
  const made: FifoScheduler[] = [];
  const scheduler = (unref = false): FifoScheduler => {
    const s = new FifoScheduler(unref);
    made.push(s);
    return s;
  };
  afterEach(() => {
    for (const s of made.splice(0)) s.dispose();
  });

  it('reads the same clock as realClock', () => {
    const s = scheduler();
    const a = realClock.now();
    const b = s.now();
    const c = realClock.now();
    expect(b).toBeGreaterThanOrEqual(a);
    expect(b).toBeLessThanOrEqual(c);
  });

  it('fires each timer once, never before its delay, and never synchronously', async () => {
    const s = scheduler();
    const delays = [5, 12.3, 20, 0.2, 0, -3, Number.NaN];
    const elapsed = new Map<number, number[]>();
    const done = new Promise<void>((resolve) => {
      let left = delays.length;
      delays.forEach((ms, i) => {
        const setAt = s.now();
        s.setTimer(ms, () => {
          elapsed.set(i, [...(elapsed.get(i) ?? []), s.now() - setAt]);
          if (--left === 0) resolve();
        });
      });
    });
    expect(elapsed.size).toBe(0);
    await done;
    await sleep(30);
    delays.forEach((ms, i) => {
      const e = elapsed.get(i)!;
      expect(e).toHaveLength(1);
      expect(e[0]).toBeGreaterThanOrEqual(ms > 0 ? ms : 0);
    });
    expect(s.stored).toBe(0);
  });

  it('never fires a cancelled timer; cancel after firing or twice is harmless', async () => {
    const s = scheduler();
    const fired: string[] = [];
    const a = s.setTimer(10, () => fired.push('a'));
    const b = s.setTimer(10, () => fired.push('b'));
    const c = s.setTimer(5, () => fired.push('c'));
    const d = s.setTimer(0, () => fired.push('d'));
    a.cancel();
    c.cancel();
    c.cancel();
    d.cancel();
    await sleep(40);
    expect(fired).toEqual(['b']);
    b.cancel();
    await sleep(15);
    expect(fired).toEqual(['b']);
    expect(s.stored).toBe(0);
  });

  it('fires timers of one delay in the order set, each at or after its own due time', async () => {
    const s = scheduler();
    const order: number[] = [];
    const late: number[] = [];
    const n = 300;
    await new Promise<void>((resolve) => {
      for (let i = 0; i < n; i++) {
        // 14.1 .. 15: one queue, due times a fraction of a ms out of order.
        const ms = 15 - (i % 10) / 10;
        const due = s.now() + ms;
        s.setTimer(ms, () => {
          order.push(i);
          late.push(s.now() - due);
          if (order.length === n) resolve();
        });
      }
    });
    expect(order).toEqual(Array.from({ length: n }, (_, i) => i));
    for (const l of late) expect(l).toBeGreaterThanOrEqual(0);
  });

  it('interleaves timers of different delays by due time', async () => {
    const s = scheduler();
    const fired: string[] = [];
    await new Promise<void>((resolve) => {
      s.setTimer(70, () => {
        fired.push('70');
        resolve();
      });
      s.setTimer(10, () => fired.push('10'));
      s.setTimer(40, () => fired.push('40'));
      s.setTimer(25, () => fired.push('25'));
      s.setTimer(10, () => fired.push('10b'));
      s.setTimer(55, () => fired.push('55'));
      s.setTimer(40, () => fired.push('40b'));
    });
    expect(fired).toEqual(['10', '10b', '25', '40', '40b', '55', '70']);
  });

  it('lets a callback set and cancel timers, in its own queue and others, during a run', async () => {
    const s = scheduler();
    const fired: string[] = [];
    const later: { cancel(): void }[] = [];
    await new Promise<void>((resolve) => {
      s.setTimer(10, () => {
        fired.push('first');
        later[0]!.cancel(); // same queue, due in this very run
        later[1]!.cancel(); // another queue
        s.setTimer(10, () => {
          fired.push('same queue');
          resolve();
        });
        s.setTimer(0, () => fired.push('zero'));
        s.setTimer(3, () => fired.push('other')).cancel();
        s.setTimer(10, () => fired.push('cancelled in its own queue')).cancel();
      });
      later.push(s.setTimer(10, () => fired.push('second')));
      later.push(s.setTimer(15, () => fired.push('fifteen')));
      s.setTimer(10, () => fired.push('third'));
    });
    await sleep(20);
    expect(fired[0]).toBe('first');
    expect(fired.at(-1)).toBe('same queue');
    expect([...fired].sort()).toEqual(['first', 'same queue', 'third', 'zero']);
    expect(s.stored).toBe(0);
  });

  it('keeps going when a callback throws, and lets the exception surface', async () => {
    const s = scheduler();
    const fired: string[] = [];
    const boom = new Error('boom');
    const bang = new Error('bang');
    const caught = await catchingUncaught(async () => {
      await new Promise<void>((resolve) => {
        s.setTimer(10, () => {
          s.setTimer(10, () => fired.push('re-armed')); // the queue must be armed again
          throw boom;
        });
        s.setTimer(10, () => fired.push('same queue'));
        s.setTimer(10, () => {
          throw bang;
        });
        s.setTimer(40, () => {
          fired.push('other queue');
          resolve();
        });
      });
      await sleep(5);
    });
    expect(fired).toEqual(['same queue', 're-armed', 'other queue']);
    expect(caught).toHaveLength(2);
    expect(caught).toContain(boom);
    expect(caught).toContain(bang);
  });

  it('stays bounded in memory and lets go of node timers when most timers are cancelled', async () => {
    const before = timeouts();
    const s = scheduler();
    for (let i = 0; i < 100_000; i++) s.setTimer(60_000, () => {}).cancel();
    expect(s.stored).toBeLessThan(100);
    // Fully cancelled queues let go of their node timer: at most the last one's is left.
    expect(timeouts()).toBeLessThanOrEqual(before + 1);

    // A window of 1 000 live timers out of 100 000 set, each cancelled at some point.
    const window: { cancel(): void }[] = [];
    let fired = 0;
    for (let i = 0; i < 100_000; i++) {
      window.push(s.setTimer(60_000, () => fired++));
      if (window.length > 1000) {
        const j = (i * 7919) % window.length;
        window[j]!.cancel();
        window[j] = window[window.length - 1]!;
        window.pop();
      }
    }
    expect(s.stored).toBeLessThan(2 * 1000 + 200);
    for (const t of window) t.cancel();
    expect(s.stored).toBeLessThan(100);
    s.dispose();
    expect(s.stored).toBe(0);
    expect(timeouts()).toBeLessThanOrEqual(before);
    await sleep(5);
    expect(fired).toBe(0);
  });

  it('dispose() cancels everything and leaves no node timer; the scheduler stays usable', async () => {
    const before = timeouts();
    const s = scheduler();
    const fired: number[] = [];
    for (const ms of [0, 1, 5, 5, 20, 50, 1000, 60_000]) s.setTimer(ms, () => fired.push(ms));
    s.setTimer(30, () => fired.push(-1)).cancel();
    expect(timeouts()).toBeGreaterThan(before);
    s.dispose();
    expect(timeouts()).toBeLessThanOrEqual(before);
    expect(s.stored).toBe(0);
    await sleep(70);
    expect(fired).toEqual([]);
    await new Promise<void>((resolve) => s.setTimer(5, resolve));
    expect(timeouts()).toBeLessThanOrEqual(before);
  });

  it('dispose() from inside a callback stops the run', async () => {
    const s = scheduler();
    const fired: string[] = [];
    s.setTimer(5, () => {
      fired.push('a');
      s.dispose();
    });
    s.setTimer(5, () => fired.push('b'));
    s.setTimer(6, () => fired.push('c'));
    await sleep(40);
    expect(fired).toEqual(['a']);
    expect(s.stored).toBe(0);
  });

  it('fires every live timer exactly once, never early, in set order within a delay (random workloads)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            ms: fc.oneof(
              fc.integer({ min: -2, max: 25 }),
              fc.double({ min: 0, max: 25, noNaN: true }),
            ),
            cancel: fc.boolean(),
          }),
          { maxLength: 60 },
        ),
        async (specs) => {
          const s = scheduler();
          const fired: { i: number; early: number }[] = [];
          const live = specs.filter((sp) => !sp.cancel).length;
          await new Promise<void>((resolve) => {
            if (live === 0) resolve();
            const timers = specs.map((sp, i) => {
              const due = s.now() + Math.max(0, sp.ms);
              return s.setTimer(sp.ms, () => {
                fired.push({ i, early: due - s.now() });
                if (fired.length === live) resolve();
              });
            });
            specs.forEach((sp, i) => {
              if (sp.cancel) timers[i]!.cancel();
            });
          });
          // Cancelled entries go lazily, by the time the last of them was due.
          await sleep(Math.max(0, ...specs.map((sp) => sp.ms)) + 3);
          expect(fired.map((f) => f.i).sort((a, b) => a - b)).toEqual(
            specs.flatMap((sp, i) => (sp.cancel ? [] : [i])),
          );
          for (const f of fired) expect(f.early).toBeLessThanOrEqual(0);
          const key = (i: number): number => Math.ceil(Math.max(0, specs[i]!.ms));
          const seen = new Map<number, number>();
          for (const { i } of fired) {
            expect(i).toBeGreaterThan(seen.get(key(i)) ?? -1);
            seen.set(key(i), i);
          }
          expect(s.stored).toBe(0);
        },
      ),
      { numRuns: 15 },
    );
  });
});
