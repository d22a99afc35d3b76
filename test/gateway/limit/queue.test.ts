import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Scheduler, Timer } from '../../../src/core/clock.js';
import { VirtualScheduler } from '../../../src/core/virtual-scheduler.js';
import { createLimiterQueue } from '../../../src/gateway/limit/queue.js';
import { createLimiter } from '../../../src/gateway/limit/registry.js';

/** Counts the timers that are pending at any moment. */
class CountingScheduler implements Scheduler {
  pending = 0;
  maxPending = 0;
  constructor(readonly inner: VirtualScheduler) {}
  now(): number {
    return this.inner.now();
  }
  setTimer(ms: number, fn: () => void): Timer {
    this.pending++;
    this.maxPending = Math.max(this.maxPending, this.pending);
    let live = true;
    const t = this.inner.setTimer(ms, () => {
      live = false;
      this.pending--;
      fn();
    });
    return {
      cancel: () => {
        if (live) this.pending--;
        live = false;
        t.cancel();
      },
    };
  }
}

function setup(maxWaitMs: number, maxQueue: number, ratePerSec = 10, burst = 1) {
  const vs = new VirtualScheduler();
  const s = new CountingScheduler(vs);
  const limiter = createLimiter({ kind: 'token-bucket', ratePerSec, burst });
  const q = createLimiterQueue(s, limiter, { maxWaitMs, maxQueue });
  const log: string[] = [];
  const req = (id: string) => q.acquire((ok) => log.push(`${id}:${ok ? 'in' : 'out'}@${vs.now()}`));
  return { vs, s, q, log, req };
}

describe('LimiterQueue', () => {
  it('admits at once while the limiter allows, then holds FIFO until it does', () => {
    const { vs, s, q, log, req } = setup(1000, 10);
    req('a');
    req('b');
    req('c');
    expect(log).toEqual(['a:in@0']);
    expect(q.length).toBe(2);
    expect(s.pending).toBe(1);
    vs.runAll();
    expect(log).toEqual(['a:in@0', 'b:in@100', 'c:in@200']);
    expect(q.length).toBe(0);
    expect(s.pending).toBe(0);
  });

  it('rejects at exactly maxWaitMs when the limiter has not admitted', () => {
    const { vs, log, req, q } = setup(250, 10, 5);
    req('a');
    req('b'); // next token at 200
    vs.advance(100);
    req('c'); // deadline 350, but the token after b's comes at 400
    vs.runAll();
    expect(log).toEqual(['a:in@0', 'b:in@200', 'c:out@350']);
    expect(q.hasTimer).toBe(false);
  });

  it('rejects at once beyond maxQueue, or when cost can never pass', () => {
    const { log, req, q } = setup(1000, 1);
    req('a');
    req('b');
    req('c');
    expect(log).toEqual(['a:in@0', 'c:out@0']);
    let never: boolean | undefined;
    q.acquire((ok) => (never = ok), 5);
    expect(never).toBe(false);
  });

  it('cancel removes a waiter: its callback never fires and the rest move up', () => {
    const { vs, s, log, req, q } = setup(1000, 10);
    req('a');
    const b = req('b');
    req('c');
    b.cancel();
    expect(q.length).toBe(1);
    vs.runAll();
    expect(log).toEqual(['a:in@0', 'c:in@100']);
    b.cancel(); // after the fact: no effect
    expect(s.pending).toBe(0);
  });

  it('cancelling the last waiter leaves no timer', () => {
    const { s, req, q } = setup(1000, 10);
    req('a');
    const b = req('b');
    expect(s.pending).toBe(1);
    b.cancel();
    expect(q.length).toBe(0);
    expect(s.pending).toBe(0);
    expect(q.hasTimer).toBe(false);
  });

  it('a newcomer never overtakes a waiter, even with cost that would fit', () => {
    const vs = new VirtualScheduler();
    const q = createLimiterQueue(
      vs,
      createLimiter({ kind: 'token-bucket', ratePerSec: 10, burst: 3 }),
      {
        maxWaitMs: 10_000,
        maxQueue: 10,
      },
    );
    const log: string[] = [];
    q.acquire(() => log.push('a'), 2);
    q.acquire(() => log.push('big'), 3); // needs 3, only 1 left
    q.acquire(() => log.push('small'), 1); // would fit now, but waits its turn
    expect(log).toEqual(['a']);
    vs.runAll();
    expect(log).toEqual(['a', 'big', 'small']);
  });

  it('random arrivals and cancels: FIFO, every waiter decided once within maxWaitMs, at most one timer, none left (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 8 }),
        fc.array(
          fc.record({
            gap: fc.integer({ min: 0, max: 80 }),
            cost: fc.integer({ min: 1, max: 3 }),
            cancelAfter: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
          }),
          { maxLength: 60 },
        ),
        (maxWaitMs, maxQueue, arrivals) => {
          const vs = new VirtualScheduler();
          const s = new CountingScheduler(vs);
          const q = createLimiterQueue(
            s,
            createLimiter({ kind: 'gcra', ratePerSec: 20, burst: 3 }),
            {
              maxWaitMs,
              maxQueue,
            },
          );
          const decided: { id: number; ok: boolean; at: number }[] = [];
          const cancelled = new Set<number>();
          const start: number[] = [];
          arrivals.forEach((a, id) => {
            vs.setTimer(
              arrivals.slice(0, id + 1).reduce((t, x) => t + x.gap, 0),
              () => {
                start[id] = vs.now();
                const ticket = q.acquire((ok) => decided.push({ id, ok, at: vs.now() }), a.cost);
                if (a.cancelAfter !== undefined) {
                  vs.setTimer(a.cancelAfter, () => {
                    if (!decided.some((d) => d.id === id)) cancelled.add(id);
                    ticket.cancel();
                  });
                }
              },
            );
          });
          vs.runAll();
          expect(s.maxPending).toBeLessThanOrEqual(1);
          expect(s.pending).toBe(0);
          expect(q.length).toBe(0);
          const ids = decided.map((d) => d.id);
          expect(new Set(ids).size).toBe(ids.length);
          for (const id of arrivals.keys())
            expect(cancelled.has(id) !== ids.includes(id)).toBe(true);
          for (const d of decided) expect(d.at - start[d.id]!).toBeLessThanOrEqual(maxWaitMs);
          // FIFO: admissions happen in arrival order.
          const admitted = decided.filter((d) => d.ok).map((d) => d.id);
          expect(admitted).toEqual([...admitted].sort((x, y) => x - y));
          // Rejections for waiting too long happen exactly at the deadline.
          for (const d of decided) {
            if (!d.ok && d.at > start[d.id]!) expect(d.at - start[d.id]!).toBe(maxWaitMs);
          }
        },
      ),
    );
  });

  it('validates eagerly', () => {
    const vs = new VirtualScheduler();
    const l = createLimiter({ kind: 'gcra', ratePerSec: 1, burst: 1 });
    expect(() => createLimiterQueue(vs, l, { maxWaitMs: -1, maxQueue: 1 })).toThrow(
      /queue\.maxWaitMs.*-1/,
    );
    expect(() => createLimiterQueue(vs, l, { maxWaitMs: 1, maxQueue: 1.5 })).toThrow(
      /queue\.maxQueue.*1\.5/,
    );
  });
});
