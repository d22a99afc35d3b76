import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dispatched, FallbackRule } from '../../src/gateway/dispatcher.js';
import type { AttemptOutcome } from '../../src/gateway/outcome.js';
import { harness, type Script } from './dispatcher-harness.js';

/**
 * Model-based test of the pipeline: random sequences of requests, clock advances and client
 * cancellations against random upstream behaviour, checking the invariants after every step.
 */

const outcomes: AttemptOutcome[] = [
  { kind: 'ok', status: 200 },
  { kind: 'http-error', status: 500 },
  { kind: 'http-error', status: 503 },
  { kind: 'http-error', status: 429, retryAfterMs: 300 },
  { kind: 'http-error', status: 429, retryAfterMs: 90_000 },
  { kind: 'http-error', status: 400, code: 'context_length_exceeded' },
  { kind: 'http-error', status: 400, code: 'content_policy_violation' },
  { kind: 'http-error', status: 503, code: 'overloaded' },
  { kind: 'reset' },
  { kind: 'connect-error' },
];

const scriptArb: fc.Arbitrary<Script> = fc.oneof(
  fc.record({
    do: fc.constant('answer' as const),
    after: fc.integer({ min: 0, max: 3000 }),
    outcome: fc.constantFrom(...outcomes),
  }),
  fc.record({
    do: fc.constant('stream' as const),
    ttft: fc.integer({ min: 0, max: 3000 }),
    gaps: fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 4 }),
    end: fc.constantFrom<AttemptOutcome>(
      { kind: 'ok', status: 200 },
      { kind: 'reset' },
      { kind: 'truncated' },
    ),
  }),
  fc.constant<Script>({ do: 'hang' }),
);

/** Two rules, each firing at most once per request: up to three groups of attempts. */
const FALLBACKS: FallbackRule[] = [
  { on: 'context_length_exceeded', to: [2, 0] },
  { on: 'overloaded', to: [1] },
];

interface Real {
  h: ReturnType<typeof harness>;
  handles: Dispatched[];
  /** Attempts a request may make in all: retry.maxAttempts per group. */
  maxAttempts: number;
  /** retry.maxAttempts: the bound on an attempt's number, which counts within its group. */
  perGroup: number;
  totalMs: number;
}
type Model = { sent: number };

class Send implements fc.Command<Model, Real> {
  constructor(readonly stream: boolean) {}
  check = () => true;
  run(m: Model, r: Real): void {
    m.sent++;
    r.handles.push(r.h.send({ stream: this.stream }));
    checkInvariants(r);
  }
  toString = () => `send(${this.stream ? 'stream' : 'plain'})`;
}

class Advance implements fc.Command<Model, Real> {
  constructor(readonly ms: number) {}
  check = () => true;
  run(_m: Model, r: Real): void {
    r.h.scheduler.advance(this.ms);
    checkInvariants(r);
  }
  toString = () => `advance(${this.ms})`;
}

class Cancel implements fc.Command<Model, Real> {
  constructor(readonly k: number) {}
  check = (m: Readonly<Model>) => m.sent > 0;
  run(m: Model, r: Real): void {
    r.handles[this.k % m.sent]!.cancel();
    checkInvariants(r);
  }
  toString = () => `cancel(${this.k})`;
}

function checkInvariants(r: Real): void {
  const { h } = r;
  const ids = h.results.map((x) => x.request.id);
  expect(new Set(ids).size).toBe(ids.length); // at most one result per request
  for (let u = 0; u < h.table.n; u++) {
    const open = h.attempts.filter((a) => a.upstream === u && a.end < 0).length;
    expect(h.table.inflight[u]).toBe(open);
  }
  for (const res of h.results) {
    expect(res.attempts).toBeLessThanOrEqual(r.maxAttempts);
    expect(res.endedAt - res.startedAt).toBeLessThanOrEqual(r.totalMs);
    if (res.ok) expect(res.outcome?.kind).toBe('ok');
  }
  const perRequest = new Map<number, number>();
  for (const a of h.attempts) perRequest.set(a.request, (perRequest.get(a.request) ?? 0) + 1);
  for (const n of perRequest.values()) expect(n).toBeLessThanOrEqual(r.maxAttempts);
  for (const a of h.attempts) expect(a.attempt).toBeLessThanOrEqual(r.perGroup);
}

describe('Dispatcher (model-based)', () => {
  it('keeps its invariants under any interleaving of requests, time and cancellations', () => {
    fc.assert(
      fc.property(
        fc.array(scriptArb, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 500, max: 20_000 }),
        fc.boolean(),
        fc.commands(
          [
            fc.boolean().map((s) => new Send(s)),
            fc.integer({ min: 0, max: 5000 }).map((ms) => new Advance(ms)),
            fc.nat().map((k) => new Cancel(k)),
          ],
          { maxCommands: 40 },
        ),
        (scripts, maxAttempts, totalMs, withFallbacks, cmds) => {
          let i = 0;
          const h = harness({
            retry: { maxAttempts },
            timeouts: { perTryMs: 2500, firstTokenMs: 1500, idleMs: 1000, totalMs },
            script: () => {
              return scripts[i++ % scripts.length]!;
            },
            fallbacks: withFallbacks ? FALLBACKS : [],
          });
          const groups = withFallbacks ? 1 + FALLBACKS.length : 1;
          const real: Real = {
            h,
            handles: [],
            maxAttempts: maxAttempts * groups,
            perGroup: maxAttempts,
            totalMs,
          };
          fc.modelRun(() => ({ model: { sent: 0 }, real }), cmds);
          h.scheduler.runAll();
          checkInvariants(real);
          // With a finite deadline every request ends, exactly once, and nothing stays in flight.
          expect(h.results).toHaveLength(real.handles.length);
          expect([...h.table.inflight].every((x) => x === 0)).toBe(true);
          // A truncated stream is never a success.
          for (const res of h.results) {
            if (res.outcome?.kind === 'truncated') expect(res.ok).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
