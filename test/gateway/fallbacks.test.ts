import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { VirtualScheduler } from '../../src/core/virtual-scheduler.js';
import type { BreakerPort } from '../../src/gateway/dispatcher.js';
import type { GatewayListener } from '../../src/gateway/events.js';
import { createGateway, type GatewayConfig } from '../../src/gateway/gateway.js';
import type { AttemptOutcome } from '../../src/gateway/outcome.js';
import type { RequestResult } from '../../src/gateway/request.js';
import { createInvariantMonitor } from '../../src/metrics/invariant-monitor.js';
import {
  harness,
  OK,
  scriptedTransport,
  type AttemptLog,
  type HarnessOptions,
  type Script,
} from './dispatcher-harness.js';

const CONTEXT = 'context_length_exceeded';
const POLICY = 'content_policy_violation';
const coded = (status: number, code: string): AttemptOutcome => ({
  kind: 'http-error',
  status,
  code,
});
const answer = (outcome: AttemptOutcome, after = 5): Script => ({ do: 'answer', after, outcome });

/** small is the only primary; large and xl are backups that only a fallback rule reaches. */
const UPSTREAMS = [
  { name: 'small' },
  { name: 'large', backup: true },
  { name: 'xl', backup: true },
];
const SMALL = 0;
const LARGE = 1;
const XL = 2;

/** Every listener event as one line, in order. */
function eventLog(): { lines: string[]; listener: GatewayListener } {
  const lines: string[] = [];
  return {
    lines,
    listener: {
      onRequestStart: (req, now) => lines.push(`start ${req.id} @${now}`),
      onAttemptStart: (req, u, attempt, now) =>
        lines.push(`attempt ${req.id} u${u} #${attempt} @${now}`),
      onAttemptEnd: (req, u, attempt, outcome, _l, now) =>
        lines.push(`attempt-end ${req.id} u${u} #${attempt} ${outcome.kind} @${now}`),
      onRetryScheduled: (req, delay, now) => lines.push(`retry ${req.id} +${delay} @${now}`),
      onFallback: (req, code, now) => lines.push(`fallback ${req.id} ${code} @${now}`),
      onRequestEnd: (r, now) => lines.push(`end ${r.request.id} ${r.errorClass ?? 'ok'} @${now}`),
    },
  };
}

function run(opts: HarnessOptions, req: { stream?: boolean } = {}) {
  const h = harness({
    upstreams: UPSTREAMS,
    fallbacks: [{ on: CONTEXT, to: [LARGE, XL] }],
    ...opts,
  });
  h.send(req);
  h.scheduler.runAll();
  return h;
}

const path = (attempts: AttemptLog[]): [number, number][] =>
  attempts.map((a) => [a.upstream, a.start]);

describe('fallback groups in the dispatcher', () => {
  it('moves to the group at once when the code matches, and the listener sees one request end, last', () => {
    const log = eventLog();
    const h = run({
      listener: log.listener,
      script: (u) => (u === SMALL ? answer(coded(400, CONTEXT)) : answer(OK, 10)),
    });
    expect(path(h.attempts)).toEqual([
      [SMALL, 0],
      [LARGE, 5], // no backoff
    ]);
    expect(h.results).toHaveLength(1);
    expect(h.results[0]).toMatchObject({ ok: true, upstream: LARGE, attempts: 2, endedAt: 15 });
    expect(log.lines).toEqual([
      'start 1 @0',
      'attempt 1 u0 #1 @0',
      'attempt-end 1 u0 #1 http-error @5',
      `fallback 1 ${CONTEXT} @5`,
      'attempt 1 u1 #1 @5',
      'attempt-end 1 u1 #1 ok @15',
      'end 1 ok @15',
    ]);
    expect([...h.table.inflight]).toEqual([0, 0, 0]);
  });

  it('fires each rule once: a group that answers the same code finishes with that error', () => {
    const log = eventLog();
    const h = run({ listener: log.listener, script: () => answer(coded(400, CONTEXT)) });
    expect(h.attempts.map((a) => a.upstream)).toEqual([SMALL, LARGE]);
    expect(h.results[0]).toMatchObject({
      ok: false,
      errorClass: '4xx',
      upstream: LARGE,
      attempts: 2,
      outcome: coded(400, CONTEXT),
    });
    expect(log.lines.filter((l) => l.startsWith('fallback'))).toHaveLength(1);
  });

  it('does not chain back: a second rule moves on, the first never fires again', () => {
    const log = eventLog();
    const h = run({
      fallbacks: [
        { on: CONTEXT, to: [LARGE] },
        { on: POLICY, to: [SMALL] },
      ],
      listener: log.listener,
      script: (u) => answer(u === LARGE ? coded(400, POLICY) : coded(400, CONTEXT)),
    });
    expect(h.attempts.map((a) => a.upstream)).toEqual([SMALL, LARGE, SMALL]);
    expect(h.results[0]).toMatchObject({ errorClass: '4xx', attempts: 3, upstream: SMALL });
    expect(log.lines.filter((l) => l.startsWith('fallback'))).toEqual([
      `fallback 1 ${CONTEXT} @5`,
      `fallback 1 ${POLICY} @10`,
    ]);
  });

  it('leaves other codes, and errors without a code, to the retry rules', () => {
    for (const outcome of [coded(400, POLICY), { kind: 'http-error', status: 400 } as const]) {
      const h = run({ script: () => answer(outcome) });
      expect(h.attempts.map((a) => a.upstream)).toEqual([SMALL]);
      expect(h.results[0]).toMatchObject({ errorClass: '4xx', attempts: 1 });
    }
  });

  it('picks in the listed order, even a backup before a primary, whatever the strategy would do', () => {
    const h = run({
      upstreams: [{ name: 'small' }, { name: 'mid' }, { name: 'xl', backup: true }],
      fallbacks: [{ on: CONTEXT, to: [2, 1] }],
      script: (u) => (u === 0 ? answer(coded(400, CONTEXT)) : answer(OK)),
    });
    expect(h.attempts.map((a) => a.upstream)).toEqual([0, 2]);
    expect(h.results[0]).toMatchObject({ ok: true, upstream: 2 });
  });

  it('retries inside the group in order, counting attempts afresh; the result counts them all', () => {
    const log = eventLog();
    // Two attempts allowed per group: small twice (503, then the context error), then the group.
    const h = run({
      retry: { maxAttempts: 2 },
      listener: log.listener,
      script: (u, attempt) =>
        u === SMALL
          ? answer(attempt === 1 ? coded(503, 'overloaded') : coded(400, CONTEXT))
          : answer(coded(503, 'overloaded')),
    });
    expect(path(h.attempts)).toEqual([
      [SMALL, 0],
      [SMALL, 105], // the only primary, after the backoff
      [LARGE, 110], // the move: at once
      [XL, 215], // a retry in the group: backoff, then the next member in order
    ]);
    expect(log.lines.filter((l) => l.startsWith('attempt '))).toEqual([
      'attempt 1 u0 #1 @0',
      'attempt 1 u0 #2 @105',
      'attempt 1 u1 #1 @110',
      'attempt 1 u2 #2 @215',
    ]);
    expect(h.results[0]).toMatchObject({ ok: false, errorClass: '5xx', attempts: 4, upstream: XL });
  });

  it('goes back to members already tried once every member was', () => {
    const h = run({
      retry: { maxAttempts: 4 },
      script: (u) => answer(u === SMALL ? coded(400, CONTEXT) : coded(503, 'overloaded')),
    });
    expect(h.attempts.map((a) => a.upstream)).toEqual([SMALL, LARGE, XL, LARGE, XL]);
    expect(h.results[0]).toMatchObject({ errorClass: '5xx', attempts: 5 });
  });

  it('skips a member whose breaker is open, and one whose breaker refuses, taking one permit from the one it uses', () => {
    const calls: string[] = [];
    const refusing: BreakerPort = {
      tryAcquire: () => {
        calls.push('xl refuses');
        return -1;
      },
      release: () => calls.push('xl release'),
    };
    const counting: BreakerPort = {
      tryAcquire: () => {
        calls.push('mid acquire');
        return 7;
      },
      release: (permit, result) => calls.push(`mid release ${permit} ${result}`),
    };
    const h = harness({
      upstreams: [{ name: 'small' }, { name: 'large' }, { name: 'xl' }, { name: 'mid' }],
      fallbacks: [{ on: CONTEXT, to: [1, 2, 3] }],
      breakers: [null, null, refusing, counting],
      script: (u) => (u === 0 ? answer(coded(400, CONTEXT)) : answer(OK)),
    });
    h.availability.set(1, 'breaker', true); // large: open
    h.send();
    h.scheduler.runAll();
    expect(h.attempts.map((a) => a.upstream)).toEqual([0, 3]);
    expect(calls).toEqual(['xl refuses', 'mid acquire', 'mid release 7 success']);
    expect(h.results[0]).toMatchObject({ ok: true, upstream: 3 });
  });

  it('answers the original error when no member of the group is available', () => {
    const h = harness({
      upstreams: UPSTREAMS,
      fallbacks: [{ on: CONTEXT, to: [LARGE] }],
      script: () => answer(coded(400, CONTEXT)),
    });
    h.availability.set(LARGE, 'health', true);
    h.send();
    h.scheduler.runAll();
    expect(h.attempts.map((a) => a.upstream)).toEqual([SMALL]);
    expect(h.results[0]).toMatchObject({
      errorClass: '4xx',
      upstream: SMALL,
      attempts: 1,
      outcome: coded(400, CONTEXT),
    });
  });

  it('never moves an answer that already reached the client', () => {
    const log = eventLog();
    const h = run(
      {
        listener: log.listener,
        script: () => ({ do: 'stream', ttft: 20, gaps: [10], end: coded(400, CONTEXT) }),
      },
      { stream: true },
    );
    expect(h.attempts).toHaveLength(1);
    expect(h.results[0]).toMatchObject({ ok: false, errorClass: 'truncated', attempts: 1 });
    expect(log.lines.some((l) => l.startsWith('fallback'))).toBe(false);
  });

  it('keeps the request’s deadline: the group gets what is left of it, not a fresh one', () => {
    const h = run({
      timeouts: { totalMs: 1000 },
      script: (u) => (u === SMALL ? answer(coded(400, CONTEXT), 400) : { do: 'hang' }),
    });
    expect(h.attempts[1]).toMatchObject({ upstream: LARGE, start: 400, aborted: true, end: 1000 });
    expect(h.attempts).toHaveLength(2);
    expect(h.results[0]).toMatchObject({
      errorClass: 'timeout',
      endedAt: 1000,
      outcome: { kind: 'timeout', phase: 'deadline' },
    });
  });

  it('takes no backoff and nothing from the retry budget', () => {
    let denied = 0;
    const h = run({
      budget: { onRequest() {}, onAttemptResult() {}, tryRetry: () => false },
      listener: { onBudgetDenied: () => denied++ },
      script: (u) => (u === SMALL ? answer(coded(400, CONTEXT)) : answer(OK)),
    });
    expect(path(h.attempts)).toEqual([
      [SMALL, 0],
      [LARGE, 5],
    ]);
    expect(denied).toBe(0);
    expect(h.results[0]).toMatchObject({ ok: true });
  });

  it('a client that goes away during the group’s attempt ends the request once, as aborted', () => {
    const log = eventLog();
    const h = harness({
      upstreams: UPSTREAMS,
      fallbacks: [{ on: CONTEXT, to: [LARGE] }],
      listener: log.listener,
      script: (u) => (u === SMALL ? answer(coded(400, CONTEXT)) : { do: 'hang' }),
    });
    const handle = h.send();
    h.scheduler.advance(50);
    handle.cancel();
    h.scheduler.runAll();
    expect(h.results).toHaveLength(1);
    expect(h.results[0]).toMatchObject({ errorClass: 'aborted', attempts: 2 });
    expect(log.lines.filter((l) => l.startsWith('end'))).toEqual(['end 1 aborted @50']);
    expect([...h.table.inflight]).toEqual([0, 0, 0]);
  });
});

describe('fallback groups through createGateway', () => {
  function gateway(config: Partial<GatewayConfig>, script: (u: number) => Script) {
    const scheduler = new VirtualScheduler();
    const attempts: AttemptLog[] = [];
    const results: RequestResult[] = [];
    const monitor = createInvariantMonitor({
      upstreams: 3,
      maxAttempts: 2,
      fallbacks: config.fallbacks?.length ?? 0,
    });
    const gw = createGateway(
      {
        upstreams: UPSTREAMS,
        strategy: { name: 'round-robin' },
        retry: { attempts: 2, backoff: { kind: 'constant', baseMs: 1, maxMs: 1, jitter: 'none' } },
        ...config,
      },
      {
        scheduler,
        rng: new Rng('fallbacks'),
        transport: scriptedTransport(scheduler, (u) => script(u), attempts),
        listener: monitor,
      },
    );
    return { scheduler, attempts, results, monitor, gw };
  }

  it('resolves names to upstreams, and the invariant monitor counts attempts per group', () => {
    const t = gateway({ fallbacks: [{ on: CONTEXT, to: ['xl', 'large'] }] }, (u) =>
      answer(u === SMALL ? coded(400, CONTEXT) : coded(503, 'overloaded')),
    );
    for (let id = 1; id <= 5; id++) {
      t.gw.dispatcher.dispatch({ id, key: undefined, stream: false, cost: 1 }, (r) =>
        t.results.push(r),
      );
    }
    t.scheduler.runAll();
    // One attempt at small, then two in the group: 3 in all, more than retry.attempts (2).
    expect(t.results.map((r) => r.attempts)).toEqual([3, 3, 3, 3, 3]);
    expect(t.attempts.filter((a) => a.request === 1).map((a) => a.upstream)).toEqual([
      SMALL,
      XL,
      LARGE,
    ]);
    t.monitor.runEnded(t.scheduler.now());
    expect(t.monitor.results().filter((r) => !r.pass)).toEqual([]);
    t.gw.dispose();
  });

  it('refuses an unknown upstream name, an empty group, and a code given twice, naming the entry', () => {
    const build = (fallbacks: GatewayConfig['fallbacks']) => () =>
      gateway({ fallbacks }, () => answer(OK)).gw.dispose();
    expect(build([{ on: CONTEXT, to: ['large', 'huge'] }])).toThrow(
      new RangeError('fallbacks[0].to[1] must name an upstream (small, large, xl), got "huge"'),
    );
    expect(build([{ on: CONTEXT, to: [] }])).toThrow(
      new RangeError('fallbacks[0].to must name at least one upstream, got []'),
    );
    expect(
      build([
        { on: CONTEXT, to: ['large'] },
        { on: CONTEXT, to: ['xl'] },
      ]),
    ).toThrow(/^fallbacks\[1\]\.on is the code of an earlier rule/);
    expect(build([{ on: '', to: ['large'] }])).toThrow(/^fallbacks\[0\]\.on must be/);
    expect(build([{ on: CONTEXT, to: ['large', 'large'] }])).toThrow(
      /^fallbacks\[0\]\.to\[1\] is listed twice/,
    );
    expect(build([])).not.toThrow();
  });
});
