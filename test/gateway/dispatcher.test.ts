import { describe, expect, it } from 'vitest';
import { harness, OK, type Script } from './dispatcher-harness.js';

const err = (status: number, retryAfterMs?: number) =>
  ({ kind: 'http-error', status, retryAfterMs }) as const;

describe('Dispatcher', () => {
  it('answers a healthy request with one attempt and leaves nothing in flight', () => {
    const h = harness();
    h.send();
    h.scheduler.runAll();
    expect(h.results).toHaveLength(1);
    expect(h.results[0]).toMatchObject({ ok: true, errorClass: null, attempts: 1, upstream: 0 });
    expect(h.results[0]!.endedAt - h.results[0]!.startedAt).toBe(10);
    expect([...h.table.inflight]).toEqual([0, 0, 0]);
  });

  it('retries a 500 on another upstream after the backoff', () => {
    const h = harness({
      script: (u) =>
        u === 0
          ? { do: 'answer', after: 5, outcome: err(500) }
          : { do: 'answer', after: 5, outcome: OK },
    });
    h.send();
    h.scheduler.runAll();
    expect(h.attempts.map((a) => [a.upstream, a.start])).toEqual([
      [0, 0],
      [1, 105],
    ]);
    expect(h.results[0]).toMatchObject({ ok: true, attempts: 2, upstream: 1 });
  });

  it('retries on an upstream not yet tried even when the strategy would come back to the same one', () => {
    const h = harness({
      upstreams: [{ name: 'a' }, { name: 'b' }],
      script: (u) =>
        u === 0
          ? { do: 'answer', after: 5, outcome: err(500) }
          : { do: 'answer', after: 500, outcome: OK },
    });
    h.send(); // to a, fails at 5
    h.send(); // to b
    h.scheduler.runAll();
    // At the retry (t = 105) round robin points at a again; the retry must still go to b.
    expect(h.attempts.filter((a) => a.request === 1).map((a) => a.upstream)).toEqual([0, 1]);
  });

  it('stops at the maximum attempts and surfaces the last error class', () => {
    const h = harness({ script: () => ({ do: 'answer', after: 1, outcome: err(503) }) });
    h.send();
    h.scheduler.runAll();
    expect(h.attempts).toHaveLength(3);
    expect(new Set(h.attempts.map((a) => a.upstream)).size).toBe(3);
    expect(h.results[0]).toMatchObject({ ok: false, errorClass: '5xx', attempts: 3 });
  });

  it('never retries a 400 such as context_length_exceeded', () => {
    const h = harness({
      script: () => ({
        do: 'answer',
        after: 1,
        outcome: { kind: 'http-error', status: 400, code: 'context_length_exceeded' },
      }),
    });
    h.send();
    h.scheduler.runAll();
    expect(h.attempts).toHaveLength(1);
    expect(h.results[0]).toMatchObject({ errorClass: '4xx' });
  });

  it('ends a silent attempt at the per-try timeout, aborts it and fails over', () => {
    const h = harness({
      timeouts: { perTryMs: 1000 },
      script: (u) => (u === 0 ? { do: 'hang' } : { do: 'answer', after: 20, outcome: OK }),
    });
    h.send();
    h.scheduler.runAll();
    expect(h.attempts[0]).toMatchObject({ upstream: 0, aborted: true, end: 1000 });
    expect(h.attempts[1]).toMatchObject({ upstream: 1, start: 1100 });
    expect(h.results[0]).toMatchObject({ ok: true, endedAt: 1120 });
    expect([...h.table.inflight]).toEqual([0, 0, 0]);
  });

  it('ends the whole request at its deadline, across attempts and backoffs', () => {
    const h = harness({
      timeouts: { perTryMs: 400, totalMs: 1000 },
      script: () => ({ do: 'hang' }),
    });
    h.send();
    h.scheduler.runAll();
    // Two attempts of 400 ms and a 100 ms backoff: a third could not start before the deadline.
    expect(h.results[0]).toMatchObject({ ok: false, errorClass: 'timeout', endedAt: 900 });
    expect(h.attempts.every((a) => a.aborted)).toBe(true);
  });

  it('waits at least the Retry-After hint before retrying the only upstream, and cools it down meanwhile', () => {
    const h = harness({
      upstreams: [{ name: 'only' }],
      script: (_u, attempt) =>
        attempt === 1
          ? { do: 'answer', after: 5, outcome: err(429, 2000) }
          : { do: 'answer', after: 5, outcome: OK },
    });
    h.send();
    h.scheduler.advance(10);
    expect(h.availability.mask[0]).toBe(0);
    h.scheduler.runAll();
    expect(h.attempts[1]!.start - h.attempts[0]!.end).toBeGreaterThanOrEqual(2000);
    expect(h.results[0]).toMatchObject({ ok: true, attempts: 2 });
    expect(h.availability.mask[0]).toBe(1);
  });

  it('fails over at once when another upstream can take a rate-limited request', () => {
    const h = harness({
      upstreams: [{ name: 'a' }, { name: 'b' }],
      script: (u) =>
        u === 0
          ? { do: 'answer', after: 5, outcome: err(429, 2000) }
          : { do: 'answer', after: 5, outcome: OK },
    });
    h.send();
    h.scheduler.advance(200);
    expect(h.attempts.map((a) => [a.upstream, a.start])).toEqual([
      [0, 0],
      [1, 105],
    ]);
    // The cooled-down upstream is skipped by other requests too.
    h.send();
    h.send();
    h.scheduler.advance(1);
    expect(h.attempts.slice(-2).map((a) => a.upstream)).toEqual([1, 1]);
  });

  it('does not go back to an upstream whose hint exceeds the cap', () => {
    const h = harness({
      upstreams: [{ name: 'a' }],
      retry: { retryAfterMaxMs: 1000 },
      script: () => ({ do: 'answer', after: 5, outcome: err(429, 60_000) }),
    });
    h.send();
    h.scheduler.runAll();
    expect(h.attempts).toHaveLength(1);
    expect(h.results[0]).toMatchObject({ errorClass: '429' });
  });

  it('never retries once bytes reached the client: a cut stream is truncated, not a success', () => {
    const h = harness({
      script: () => ({ do: 'stream', ttft: 50, gaps: [10, 10], end: { kind: 'reset' } }),
    });
    h.send({ stream: true });
    h.scheduler.runAll();
    expect(h.attempts).toHaveLength(1);
    expect(h.results[0]).toMatchObject({ ok: false, errorClass: 'truncated' });
  });

  it('fails a slow first token over before anything was sent', () => {
    const h = harness({
      timeouts: { firstTokenMs: 200 },
      script: (u) =>
        u === 0
          ? { do: 'stream', ttft: 5000, gaps: [], end: OK }
          : { do: 'stream', ttft: 50, gaps: [10], end: OK },
    });
    h.send({ stream: true });
    h.scheduler.runAll();
    expect(h.attempts[0]).toMatchObject({ aborted: true, end: 200 });
    expect(h.results[0]).toMatchObject({ ok: true, upstream: 1, attempts: 2 });
  });

  it('detects a stalled stream with the idle limit and reports it truncated', () => {
    const h = harness({
      timeouts: { idleMs: 300 },
      script: () => ({ do: 'stream', ttft: 50, gaps: [10, 10_000], end: OK }),
    });
    h.send({ stream: true });
    h.scheduler.runAll();
    expect(h.results[0]).toMatchObject({ ok: false, errorClass: 'truncated', endedAt: 360 });
    expect(h.results[0]!.outcome).toEqual({ kind: 'timeout', phase: 'idle' });
  });

  it('aborts the attempt when the client goes away, and counts it as aborted', () => {
    const h = harness({ script: () => ({ do: 'hang' }) });
    const handle = h.send();
    h.scheduler.advance(100);
    handle.cancel();
    h.scheduler.runAll();
    expect(h.attempts[0]).toMatchObject({ aborted: true });
    expect(h.results[0]).toMatchObject({ errorClass: 'aborted', attempts: 1 });
    expect([...h.table.inflight]).toEqual([0, 0, 0]);
  });

  it('rejects at the client limiter with its retry hint', () => {
    const h = harness({ limiter: { tryAcquire: () => 250 } });
    h.send();
    expect(h.results[0]).toMatchObject({ errorClass: 'rejected', retryAfterMs: 250, attempts: 0 });
    expect(h.attempts).toHaveLength(0);
  });

  it('answers no-upstream when the mask is empty', () => {
    const h = harness({ upstreams: [{ name: 'a' }] });
    h.availability.set(0, 'health', true);
    h.send();
    expect(h.results[0]).toMatchObject({ errorClass: 'no-upstream', attempts: 0 });
  });

  it('stops retrying when the budget says so', () => {
    let denied = 0;
    const h = harness({
      budget: { onRequest() {}, onAttemptResult() {}, tryRetry: () => false },
      listener: { onBudgetDenied: () => denied++ },
      script: () => ({ do: 'answer', after: 1, outcome: err(502) }),
    });
    h.send();
    h.scheduler.runAll();
    expect(h.attempts).toHaveLength(1);
    expect(denied).toBe(1);
  });

  it('skips an upstream whose breaker refuses or whose outgoing limit is spent', () => {
    const h = harness({
      breakers: [{ tryAcquire: () => -1, release() {} }, null, null],
      upstreamLimiters: [null, { tryAcquire: () => 10 }, null],
    });
    h.send();
    h.scheduler.runAll();
    expect(h.attempts.map((a) => a.upstream)).toEqual([2]);
  });

  it('lets the backups in when the only primary refuses at the breaker during the pick', () => {
    // As a real breaker does when its last half-open probe slot is taken: refuse, and tell
    // the availability mask that the upstream is out.
    const ref: { h?: ReturnType<typeof harness> } = {};
    const breaker = {
      tryAcquire: () => {
        ref.h!.availability.set(0, 'breaker', true);
        return -1;
      },
      release() {},
    };
    const h = (ref.h = harness({
      upstreams: [{ name: 'p' }, { name: 'b', backup: true }],
      breakers: [breaker, null],
    }));
    h.send();
    h.scheduler.runAll();
    expect(h.attempts.map((a) => a.upstream)).toEqual([1]);
    expect(h.results[0]).toMatchObject({ ok: true });
  });

  it('uses backups only while no primary is available', () => {
    const script = (): Script => ({ do: 'answer', after: 1, outcome: OK });
    const h = harness({ upstreams: [{ name: 'p' }, { name: 'b', backup: true }], script });
    h.send();
    h.scheduler.runAll();
    h.availability.set(0, 'health', true);
    h.send();
    h.scheduler.runAll();
    expect(h.attempts.map((a) => a.upstream)).toEqual([0, 1]);
  });
});
