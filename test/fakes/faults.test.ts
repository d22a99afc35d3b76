import { describe, expect, it } from 'vitest';
import { chatRequest } from '../../fakes/request.js';
import type { Plan } from '../../fakes/plan.js';
import { zFault, zFaultSpec } from '../../fakes/config.js';
import { bodyJson, virtualUpstream } from './helpers.js';

const chat = chatRequest;
const stream = (o = {}) => chatRequest({ stream: true, ...o });
const label = (p: Plan): string | number =>
  p.kind === 'respond' ? p.status : p.kind === 'stream' ? `stream:${p.end.kind}` : p.kind;

describe('connection faults', () => {
  it('down refuses every request and makes the upstream refusing; it ends with its window', () => {
    const { up, clock, sink } = virtualUpstream({ latency: '1ms' }, [
      { kind: 'down', at: 100, for: 50 },
    ]);
    const changes: boolean[] = [];
    up.onChange(() => changes.push(up.refusing));
    up.handle(chat(), sink);
    clock.advance(100);
    up.handle(chat(), sink);
    up.handle(chat({ route: 'models', method: 'GET' }), sink);
    clock.advance(50);
    up.handle(chat(), sink);
    expect(sink.plans.map(label)).toEqual([200, 'refuse', 'refuse', 200]);
    expect(changes).toEqual([true, false]);
    expect(up.counters.of('refuse')).toBe(2);
  });

  it('hang never answers and takes no capacity slot', () => {
    const { up, sink } = virtualUpstream({ capacity: 1, queue: 0, latency: '1ms' }, [
      { kind: 'hang' },
    ]);
    up.handle(chat(), sink);
    up.handle(chat(), sink);
    expect(sink.plans.map(label)).toEqual(['hang', 'hang']);
    expect(up.inflight).toBe(0);
  });

  it('reset before headers after a delay; mid-body with half of the body', () => {
    const a = virtualUpstream({}, [{ kind: 'reset', after: 30 }]);
    a.up.handle(chat(), a.sink);
    expect(a.sink.plans[0]).toMatchObject({ kind: 'reset', phase: 'before-headers', afterMs: 30 });
    const b = virtualUpstream({ latency: '40ms' }, [{ kind: 'reset', phase: 'mid-body' }]);
    b.up.handle(chat(), b.sink);
    b.up.handle(stream(), b.sink);
    const [mid, st] = b.sink.plans;
    expect(mid).toMatchObject({ kind: 'reset', phase: 'mid-body', afterMs: 40, status: 200 });
    if (mid!.kind !== 'reset') throw new Error();
    expect(mid!.partial.length).toBeGreaterThan(0);
    expect(st).toMatchObject({ kind: 'stream', end: { kind: 'reset', after: 8 } });
  });
});

describe('errors', () => {
  it('injects a status with a proper body at a probability (on the wrapper)', () => {
    const { up, sink } = virtualUpstream({ latency: '1ms' }, [
      { kind: 'error', status: 500, probability: 0.1 },
    ]);
    for (let i = 0; i < 2000; i++) up.handle(chat(), sink);
    const errors = up.counters.of('500');
    expect(errors).toBeGreaterThan(140);
    expect(errors).toBeLessThan(260);
    const e = sink.plans.find((p) => label(p) === 500)!;
    expect(bodyJson(e)).toEqual({
      error: expect.objectContaining({ type: 'server_error', code: null }),
    });
  });

  it('400 context_length_exceeded and content_policy_violation bodies', () => {
    const { up, sink } = virtualUpstream({}, [
      { kind: 'error', status: 400, code: 'context_length_exceeded' },
    ]);
    up.handle(chat(), sink);
    expect(bodyJson(sink.plans[0]!)).toEqual({
      error: expect.objectContaining({ code: 'context_length_exceeded', param: 'messages' }),
    });
    const b = virtualUpstream({}, [
      { kind: 'error', status: 400, code: 'content_policy_violation' },
    ]);
    b.up.handle(chat(), b.sink);
    expect(b.sink.plans[0]).toMatchObject({ status: 400, code: 'content_policy_violation' });
  });

  it('a 429 or 503 error carries retry-after when given', () => {
    const { up, sink } = virtualUpstream({}, [{ kind: 'error', status: 429, retryAfter: 2500 }]);
    up.handle(chat(), sink);
    expect(sink.plans[0]).toMatchObject({
      headers: { 'retry-after': '3', 'retry-after-ms': '2500' },
    });
  });

  it('fail-first: each key fails its first K attempts, then succeeds', () => {
    const { up, sink } = virtualUpstream(
      { latency: '1ms' },
      [{ kind: 'fail-first', attempts: 2, status: 502 }],
      {
        trackAttempts: true,
      },
    );
    for (const key of ['a', 'b', 'a', 'a', 'b', 'b', 'a']) up.handle(chat({ key }), sink);
    expect(sink.plans.map(label)).toEqual([502, 502, 502, 200, 502, 200, 200]);
  });

  it('fail-n: the first N requests after the fault starts fail, then healthy', () => {
    const { up, clock, sink } = virtualUpstream({ latency: '1ms' }, [
      { kind: 'fail-n', requests: 2, at: 10 },
    ]);
    up.handle(chat(), sink);
    clock.advance(10);
    for (let i = 0; i < 3; i++) up.handle(chat(), sink);
    expect(sink.plans.map(label)).toEqual([200, 500, 500, 200]);
  });

  it('errors also reach the health-check route, fail-first does not', () => {
    const { up, sink } = virtualUpstream({}, [{ kind: 'error', status: 503 }]);
    up.handle(chat({ route: 'models', method: 'HEAD' }), sink);
    expect(label(sink.plans[0]!)).toBe(503);
    const b = virtualUpstream({}, [{ kind: 'fail-first', attempts: 1 }]);
    b.up.handle(chat({ route: 'models', method: 'GET' }), b.sink);
    expect(label(b.sink.plans[0]!)).toBe(200);
  });
});

describe('latency faults', () => {
  it('brownout multiplies every latency; slow-first-token adds to the first token', () => {
    const { up, sink } = virtualUpstream(
      { latency: '100ms', stream: { itl: '10ms' }, outputTokens: 3 },
      [
        { kind: 'brownout', factor: 5 },
        { kind: 'slow-first-token', delay: 2000 },
      ],
    );
    up.handle(chat(), sink);
    up.handle(stream(), sink);
    expect(sink.plans[0]).toMatchObject({ serviceMs: 2500 });
    expect(sink.plans[1]).toMatchObject({ ttftMs: 2500, itlMs: 50, serviceMs: 2600 });
  });
});

describe('stream faults', () => {
  const cases: [Record<string, unknown>, unknown][] = [
    [
      { kind: 'cut', after: 3 },
      { kind: 'cut', after: 3 },
    ],
    [
      { kind: 'stall', after: 2, close: '5s' },
      { kind: 'stall', after: 2, stallMs: 5000 },
    ],
    [
      { kind: 'malformed', chunk: 2 },
      { kind: 'malformed', at: 2 },
    ],
    [{ kind: 'no-done' }, { kind: 'no-done' }],
  ];
  it.each(cases)('%o shapes the end of streams only', (fault, end) => {
    const { up, sink } = virtualUpstream(
      { stream: { ttft: '100ms', itl: '10ms' }, outputTokens: 8 },
      [zFaultSpec.parse(fault)],
    );
    up.handle(stream(), sink);
    up.handle(chat(), sink);
    expect(sink.plans[0]).toMatchObject({ kind: 'stream', end });
    expect(sink.plans[1]).toMatchObject({ kind: 'respond', status: 200 });
  });

  it('service time follows the end: cut at the last token sent, stall adds its silence', () => {
    const { up, sink } = virtualUpstream(
      { stream: { ttft: '100ms', itl: '10ms' }, outputTokens: 8 },
      [{ kind: 'stall', after: 2, close: 5000 }],
    );
    up.handle(stream(), sink);
    expect(sink.plans[0]).toMatchObject({ serviceMs: 100 + 10 + 5000 });
  });
});

describe('flapping, slow drain and the timeline', () => {
  it('flap alternates down and up on the clock', () => {
    const { up, clock } = virtualUpstream({}, [
      { kind: 'flap', down: 100, up: 300, at: 1000, for: 1000 },
    ]);
    const seen: [number, boolean][] = [];
    up.onChange(() => seen.push([clock.now(), up.refusing]));
    clock.advance(3000);
    expect(seen).toEqual([
      [1000, true],
      [1100, false],
      [1400, true],
      [1500, false],
      [1800, true],
      [1900, false],
      [2000, false],
    ]);
  });

  it('slow drain shrinks capacity over its window, so requests queue and then overflow', () => {
    const { up, clock, sink } = virtualUpstream({ capacity: 10, queue: 1, latency: '1s' }, [
      { kind: 'slow-drain', over: 10_000 },
    ]);
    clock.advance(5000);
    for (let i = 0; i < 8; i++) up.handle(chat(), sink);
    expect(up.inflight).toBe(5);
    expect(up.queued).toBe(1);
    expect(sink.plans.map(label).filter((l) => l === 503)).toHaveLength(2);
  });

  it('injectFault applies now for its duration; clearFaults ends everything', () => {
    const { up, clock, sink } = virtualUpstream({ latency: '1ms' }, [{ kind: 'hang', at: 5000 }]);
    up.injectFault({ kind: 'error', status: 500, for: 100 });
    up.handle(chat(), sink);
    clock.advance(100);
    up.handle(chat(), sink);
    expect(up.pendingFaults).toHaveLength(1);
    up.injectFault({ kind: 'down' });
    expect(up.clearFaults()).toBe(2);
    clock.advance(10_000);
    up.handle(chat(), sink);
    expect(sink.plans.map(label)).toEqual([500, 200, 200]);
    expect(up.activeFaults).toHaveLength(0);
  });

  it('the faults: schema refuses unknown keys and kinds, and needs `over` on slow-drain', () => {
    expect(zFault.safeParse({ upstream: 'a', kind: 'down', at: '1s', for: '2s' }).success).toBe(
      true,
    );
    expect(zFault.safeParse({ upstream: 'a', kind: 'down', severity: 3 }).success).toBe(false);
    expect(zFault.safeParse({ upstream: 'a', kind: 'explode' }).success).toBe(false);
    expect(zFault.safeParse({ upstream: 'a', kind: 'slow-drain' }).success).toBe(false);
    expect(zFault.safeParse({ upstream: 'a', kind: 'slow-drain', over: '10s' }).success).toBe(true);
    expect(
      zFault.safeParse({ upstream: 'a', kind: 'flap', up: '1s', down: '1s', probability: '5%' })
        .success,
    ).toBe(false);
  });
});
