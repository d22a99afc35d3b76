import fc from 'fast-check';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { VirtualScheduler } from '../../src/core/virtual-scheduler.js';
import type { FaultSpec } from '../../fakes/config.js';
import { zUpstream } from '../../fakes/config.js';
import { mswFake } from '../../fakes/msw.js';
import type { Plan } from '../../fakes/plan.js';
import { requestFromHttp } from '../../fakes/request.js';
import { startFakeServer } from '../../fakes/server.js';
import type { Decision } from '../../fakes/upstream.js';
import { FakeUpstream } from '../../fakes/upstream.js';

/**
 * The same seed and the same request sequence give the same decisions whether the model is
 * called directly (virtual time), played over real sockets, or played by msw handlers.
 */

interface Call {
  stream: boolean;
  key: string;
  maxTokens: number;
}

const faultArb: fc.Arbitrary<FaultSpec> = fc.oneof(
  fc.record({
    kind: fc.constant('error' as const),
    status: fc.constantFrom(429, 500, 503),
    probability: fc.double({ min: 0.1, max: 0.9, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('fail-first' as const),
    attempts: fc.integer({ min: 1, max: 2 }),
    status: fc.constantFrom(500, 502),
  }),
  fc.record({
    kind: fc.constant('brownout' as const),
    factor: fc.double({ min: 1, max: 3, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('cut' as const),
    after: fc.integer({ min: 0, max: 4 }),
    probability: fc.double({ min: 0.2, max: 0.8, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('malformed' as const),
    chunk: fc.integer({ min: 1, max: 3 }),
    probability: fc.constant(0.5),
  }),
  fc.record({ kind: fc.constant('no-done' as const), probability: fc.constant(0.5) }),
  fc.record({
    kind: fc.constant('reset' as const),
    phase: fc.constantFrom('before-headers' as const, 'mid-body' as const),
    probability: fc.constant(0.3),
  }),
  fc.record({ kind: fc.constant('down' as const), probability: fc.constant(0.2) }),
);

const callArb: fc.Arbitrary<Call> = fc.record({
  stream: fc.boolean(),
  key: fc.constantFrom('a', 'b', 'c'),
  maxTokens: fc.constantFrom(0, 0, 2),
});

const config = zUpstream.parse({
  name: 'u',
  model: 'm',
  latency: { dist: 'uniform', min: '0ms', max: '2ms' },
  stream: {
    ttft: { dist: 'uniform', min: '0ms', max: '2ms' },
    itl: { dist: 'uniform', min: '0ms', max: '1ms' },
  },
  outputTokens: { min: 1, max: 6 },
});

function bodyOf(c: Call): string {
  return JSON.stringify({
    model: 'x',
    messages: [{ role: 'user', content: 'hi' }],
    stream: c.stream,
    ...(c.maxTokens ? { max_tokens: c.maxTokens } : {}),
  });
}

function summary(d: Decision): unknown {
  const p: Plan = d.plan;
  return {
    attempt: d.attempt,
    outcome: d.outcome,
    serviceMs: 'serviceMs' in p ? p.serviceMs : null,
    ttftMs: p.kind === 'stream' ? p.ttftMs : null,
    itlMs: p.kind === 'stream' ? p.itlMs : null,
    tokens:
      p.kind === 'stream'
        ? p.tokens
        : p.kind === 'respond'
          ? (p.usage?.completionTokens ?? null)
          : null,
    end: p.kind === 'stream' ? p.end : null,
  };
}

function direct(seed: string, faults: FaultSpec[], calls: Call[]): unknown[] {
  const clock = new VirtualScheduler();
  const seen: Decision[] = [];
  const up = new FakeUpstream(config, clock, new Rng(seed), {
    faults,
    onDecision: (d) => seen.push(d),
  });
  const sink = { start() {} };
  for (const c of calls) {
    up.handle(requestFromHttp('POST', '/v1/chat/completions', undefined, c.key, bodyOf(c)), sink);
    clock.runAll();
  }
  return seen.map(summary);
}

/** What the client saw: the status, whether the body broke, or a network error. */
async function send(base: string, c: Call): Promise<string> {
  try {
    const r = await fetch(`${base}/chat/completions`, {
      method: 'POST',
      body: bodyOf(c),
      headers: { 'content-type': 'application/json', 'x-lbsim-key': c.key },
    });
    try {
      await r.arrayBuffer();
      return String(r.status);
    } catch {
      return `${r.status}:body-error`;
    }
  } catch {
    return 'network-error';
  }
}

async function overHttp(seed: string, faults: FaultSpec[], calls: Call[]) {
  const seen: Decision[] = [];
  const s = await startFakeServer(config, {
    rng: new Rng(seed),
    faults,
    onDecision: (d) => seen.push(d),
  });
  try {
    const observed: string[] = [];
    for (const c of calls) observed.push(await send(s.url, c));
    return { decisions: seen.map(summary), observed };
  } finally {
    await s.close();
  }
}

const msw = setupServer();
beforeAll(() => msw.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => msw.close());

async function overMsw(seed: string, faults: FaultSpec[], calls: Call[]) {
  const seen: Decision[] = [];
  const fake = mswFake(config, 'http://u.fake', new Rng(seed), {
    faults,
    onDecision: (d) => seen.push(d),
  });
  msw.use(...fake.handlers);
  try {
    const observed: string[] = [];
    for (const c of calls) observed.push(await send('http://u.fake/v1', c));
    return { decisions: seen.map(summary), observed };
  } finally {
    msw.resetHandlers();
    fake.upstream.dispose();
  }
}

/** What a client must observe for a decided outcome. */
function clientSees(outcome: string): string {
  if (outcome === 'refuse' || outcome === 'reset:before-headers') return 'network-error';
  if (outcome === 'reset:mid-body' || outcome === '200:cut' || outcome === '200:reset')
    return '200:body-error';
  if (outcome.startsWith('200:')) return '200';
  return outcome;
}

describe('cross-transport determinism', () => {
  it('model-direct, HTTP server and msw decide identically for the same seed and requests', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 8 }),
        fc.array(faultArb, { maxLength: 3 }),
        fc.array(callArb, { minLength: 1, maxLength: 8 }),
        async (seed, faults, calls) => {
          const expected = direct(seed, faults, calls);
          const h = await overHttp(seed, faults, calls);
          const m = await overMsw(seed, faults, calls);
          expect(h.decisions).toEqual(expected);
          expect(m.decisions).toEqual(expected);
          expect(m.observed).toEqual(h.observed);
          expect(h.observed).toEqual(
            expected.map((d) => clientSees((d as { outcome: string }).outcome)),
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a different seed gives different decisions (the property can fail)', () => {
    const calls = Array.from({ length: 10 }, (_, i): Call => ({
      stream: i % 2 === 0,
      key: 'a',
      maxTokens: 0,
    }));
    expect(direct('one', [], calls)).not.toEqual(direct('two', [], calls));
  });
});
