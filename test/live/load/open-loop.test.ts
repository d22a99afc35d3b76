import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RealScheduler, realClock } from '../../../src/core/real-scheduler.js';
import { Rng } from '../../../src/core/rng.js';
import { OpenLoop } from '../../../src/live/load/open-loop.js';
import type { ClientEnd, ClientEvent, LoadSpec } from '../../../src/live/load/types.js';
import { nextArrival, rateSegments } from '../../../src/sim/arrivals.js';

let server: Server | null = null;
afterEach(async () => {
  const s = server;
  server = null;
  if (s !== null) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

/** A local server whose answer time `delay(now)` decides, measured from when the request arrives. */
async function serve(delay: (sinceStartMs: number) => number | null): Promise<string> {
  const start = Date.now();
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const d = delay(Date.now() - start);
      if (d === null) return; // never answers
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.end('{"usage":{"prompt_tokens":3,"completion_tokens":4}}');
      }, d);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/v1`;
}

function spec(url: string, over: Partial<LoadSpec> = {}): LoadSpec {
  return {
    url,
    headers: {},
    seed: 'open-loop-test',
    durationMs: 1000,
    graceMs: 2000,
    loop: { kind: 'open', arrival: 'constant', rate: 40, stages: undefined, lateToleranceMs: 5 },
    mix: {
      stream: 0,
      promptTokens: undefined,
      maxTokens: undefined,
      keys: 10,
      userKeyHeader: false,
    },
    maxInflight: 1000,
    timeoutMs: 10_000,
    ...over,
  };
}

async function run(s: LoadSpec, during?: () => void) {
  const events: ClientEvent[] = [];
  const loop = new OpenLoop(s, new RealScheduler(), (e) => events.push(e));
  const t0 = realClock.now() + 20;
  const done = loop.run(t0);
  during?.();
  const stats = await done;
  return { events, stats, t0 };
}

describe('open-loop driver', () => {
  it('sends at the simulator’s arrival times for the seed', async () => {
    const url = await serve(() => 1);
    const s = spec(url, {
      loop: { kind: 'open', arrival: 'poisson', rate: 60, stages: undefined, lateToleranceMs: 5 },
    });
    const { events, stats } = await run(s);
    // The schedule the simulator draws: arrival, then the request's attributes, in turn.
    const rng = new Rng(s.seed).fork('load');
    const segments = rateSegments(s.durationMs, 60, undefined);
    const expected: number[] = [];
    for (let t = nextArrival(segments, 0, 'poisson', rng); t < Infinity;) {
      expected.push(t);
      rng.int(10); // key
      t = nextArrival(segments, t, 'poisson', rng);
    }
    const starts = events.filter((e) => e.k === 's').map((e) => e.t);
    expect(stats.sent + stats.droppedSends).toBe(expected.length);
    expect(starts).toEqual(expected.slice(0, starts.length));
    expect(events.filter((e) => e.k === 'e')).toHaveLength(stats.sent);
  });

  it('measures latency from the intended send time, so a stall shows (no coordinated omission)', async () => {
    // Answers at once, except that everything arriving in [300, 700) ms waits until 700 ms.
    const url = await serve((t) => (t >= 300 && t < 700 ? 700 - t : 1));
    const { events } = await run(spec(url));
    const ends = events.filter((e): e is ClientEnd => e.k === 'e');
    const starts = new Map(events.filter((e) => e.k === 's').map((e) => [e.id, e.t]));
    const stalled = ends.filter((e) => {
      const t = starts.get(e.id)!;
      return t >= 350 && t < 600;
    });
    expect(stalled.length).toBeGreaterThan(5);
    for (const e of stalled) {
      const intended = starts.get(e.id)!;
      // At least the rest of the stall, counted from when the request should have gone out.
      expect(e.latencyMs).toBeGreaterThanOrEqual(700 - intended - 60);
      expect(e.errorClass).toBeNull();
    }
    // The stall did not thin the schedule: the sends during it went out anyway.
    expect(ends).toHaveLength(39); // constant 40/s: 25, 50, ... 975 ms
  });

  it('counts dropped sends at the in-flight cap and aborts what is left after the grace period', async () => {
    const url = await serve(() => null);
    const { events, stats } = await run(
      spec(url, {
        durationMs: 500,
        graceMs: 100,
        maxInflight: 5,
        loop: {
          kind: 'open',
          arrival: 'constant',
          rate: 40,
          stages: undefined,
          lateToleranceMs: 5,
        },
      }),
    );
    expect(stats.sent).toBe(5);
    // Constant 40/s: arrivals at 25, 50, ... 475 ms.
    expect(stats.droppedSends).toBe(19 - 5);
    expect(stats.cutOff).toBe(5);
    const ends = events.filter((e): e is ClientEnd => e.k === 'e');
    expect(ends.map((e) => e.errorClass)).toEqual(Array(5).fill('aborted'));
  });

  it('counts late sends when its own event loop is blocked', async () => {
    const url = await serve(() => 1);
    const { stats } = await run(spec(url, { durationMs: 600 }), () => {
      setTimeout(() => {
        const until = Date.now() + 120;
        while (Date.now() < until) {
          /* the generator cannot send now */
        }
      }, 200);
    });
    expect(stats.lateSends).toBeGreaterThan(0);
    expect(stats.maxLagMs).toBeGreaterThanOrEqual(60);
  });
});
