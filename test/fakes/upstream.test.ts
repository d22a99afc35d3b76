import { describe, expect, it } from 'vitest';
import { chatRequest } from '../../fakes/request.js';
import type { Plan, StreamPlan } from '../../fakes/plan.js';
import { bodyJson, virtualUpstream } from './helpers.js';

const chat = chatRequest;
const stream = (o = {}) => chatRequest({ stream: true, includeUsage: true, ...o });
const asStream = (p: Plan): StreamPlan => {
  if (p.kind !== 'stream') throw new Error(`expected stream, got ${p.kind}`);
  return p;
};

describe('FakeUpstream: the healthy path', () => {
  it('answers a completion after a service time drawn from its latency, naming its model', () => {
    const { up, clock, sink } = virtualUpstream({
      model: 'gpt-x',
      latency: '120ms',
      outputTokens: 5,
    });
    up.handle(chat({ promptTokens: 9 }), sink);
    const p = sink.plans[0]!;
    expect(p).toMatchObject({ kind: 'respond', status: 200, serviceMs: 120 });
    const body = bodyJson(p) as {
      model: string;
      usage: unknown;
      choices: { message: { content: string } }[];
    };
    expect(body.model).toBe('gpt-x');
    expect(body.usage).toEqual({ prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 });
    expect(body.choices[0]!.message.content.length).toBeGreaterThan(0);
    expect(clock.now()).toBe(0);
  });

  it('plans a stream with its ttft, inter-token gap, token count and service time', () => {
    const { up, sink } = virtualUpstream({
      stream: { ttft: '300ms', itl: '25ms' },
      outputTokens: 10,
    });
    up.handle(stream(), sink);
    const p = asStream(sink.plans[0]!);
    expect(p).toMatchObject({
      ttftMs: 300,
      itlMs: 25,
      tokens: 10,
      end: { kind: 'done' },
      finishReason: 'stop',
    });
    expect(p.serviceMs).toBe(300 + 9 * 25);
  });

  it('caps the answer at max_tokens with finish_reason length', () => {
    const { up, sink } = virtualUpstream({ outputTokens: 50 });
    up.handle(stream({ maxTokens: 3 }), sink);
    expect(asStream(sink.plans[0]!)).toMatchObject({ tokens: 3, finishReason: 'length' });
  });

  it('serves /v1/models, /v1/models/{id}; 404 for unknown paths and models', () => {
    const { up, sink } = virtualUpstream({ model: 'm1' });
    up.handle(chat({ route: 'models', method: 'GET' }), sink);
    up.handle(chat({ route: 'model', target: 'm1' }), sink);
    up.handle(chat({ route: 'model', target: 'nope' }), sink);
    up.handle(chat({ route: 'not-found', target: 'POST /chat/completions' }), sink);
    const [list, one, missing, notFound] = sink.plans;
    expect((bodyJson(list!) as { data: { id: string }[] }).data[0]!.id).toBe('m1');
    expect((bodyJson(one!) as { id: string }).id).toBe('m1');
    expect(missing).toMatchObject({ status: 404, code: 'model_not_found' });
    expect(notFound).toMatchObject({ status: 404 });
    expect(JSON.stringify(bodyJson(notFound!))).toContain('POST /chat/completions');
  });

  it('401 without the right bearer key, 400 for an unparsable body', () => {
    const { up, sink } = virtualUpstream({ keys: ['sk-good'] });
    up.handle(chat(), sink);
    up.handle(chat({ authorization: 'Bearer sk-bad' }), sink);
    up.handle(chat({ authorization: 'Bearer sk-good', badBody: true }), sink);
    up.handle(chat({ authorization: 'Bearer sk-good' }), sink);
    expect(sink.plans.map((p) => (p.kind === 'respond' ? p.status : p.kind))).toEqual([
      401, 401, 400, 200,
    ]);
    expect(bodyJson(sink.plans[0]!)).toEqual({
      error: expect.objectContaining({ type: 'invalid_request_error', code: 'invalid_api_key' }),
    });
  });

  it('400 context_length_exceeded when prompt + max_tokens exceed the context window', () => {
    const { up, sink } = virtualUpstream({ contextWindow: 100 });
    up.handle(chat({ promptTokens: 90, maxTokens: 20 }), sink);
    up.handle(chat({ promptTokens: 50, maxTokens: 20 }), sink);
    expect(sink.plans[0]).toMatchObject({ status: 400, code: 'context_length_exceeded' });
    expect(sink.plans[1]).toMatchObject({ status: 200 });
  });

  it('counts every request by outcome', () => {
    const { up, sink } = virtualUpstream({ keys: ['k'] });
    up.handle(chat(), sink);
    up.handle(chat({ authorization: 'Bearer k' }), sink);
    up.handle(chat({ authorization: 'Bearer k' }), sink);
    expect(up.counters.toJSON()).toEqual({ seen: 3, byOutcome: { '200': 2, '401': 1 } });
  });

  it('gives the same plans for the same seed and request sequence, other plans for another seed', () => {
    const run = (seed: string) => {
      const { up, sink } = virtualUpstream(
        { latency: { p50: '50ms', p99: '500ms' }, outputTokens: { min: 1, max: 99 } },
        [],
        {
          seed,
        },
      );
      for (let i = 0; i < 50; i++) up.handle(i % 2 ? stream() : chat(), sink);
      return sink.plans;
    };
    expect(run('a')).toEqual(run('a'));
    expect(run('a')).not.toEqual(run('b'));
  });
});

describe('capacity: N served, FIFO queue, then overloaded', () => {
  it('starts N at once, queues the next in order, answers 503 beyond the queue', () => {
    const { up, clock, sink } = virtualUpstream({ capacity: 2, queue: 2, latency: '100ms' });
    for (let i = 0; i < 5; i++) up.handle(chat({ key: `r${i}` }), sink);
    expect(
      sink.started.map((s) => [s.t, s.req.key, s.plan.kind === 'respond' && s.plan.status]),
    ).toEqual([
      [0, 'r0', 200],
      [0, 'r1', 200],
      [0, 'r4', 503],
    ]);
    expect(up.inflight).toBe(2);
    expect(up.queued).toBe(2);
    clock.advance(100);
    expect(sink.started.slice(3).map((s) => [s.t, s.req.key])).toEqual([
      [100, 'r2'],
      [100, 'r3'],
    ]);
    clock.runAll();
    expect(up.inflight).toBe(0);
    expect(up.counters.of('overloaded')).toBe(1);
  });

  it('can answer 529 overloaded instead', () => {
    const { up, sink } = virtualUpstream({
      capacity: 1,
      queue: 0,
      latency: '10ms',
      overloadStatus: 529,
    });
    up.handle(chat(), sink);
    up.handle(chat(), sink);
    expect(bodyJson(sink.plans[1]!)).toEqual({
      error: expect.objectContaining({ type: 'overloaded_error' }),
    });
  });

  it('releases a slot after the stream service time', () => {
    const { up, clock, sink } = virtualUpstream({
      capacity: 1,
      stream: { ttft: '50ms', itl: '10ms' },
      outputTokens: 4,
    });
    up.handle(stream(), sink);
    up.handle(stream(), sink);
    clock.advance(79);
    expect(sink.started).toHaveLength(1);
    clock.advance(1);
    expect(sink.started.map((s) => s.t)).toEqual([0, 80]);
  });
});

describe('provider rate limit', () => {
  it('admits a minute of requests, then 429 with retry-after, and refills', () => {
    const { up, clock, sink } = virtualUpstream({
      rateLimit: { requests: '60/min' },
      latency: '1ms',
    });
    for (let i = 0; i < 61; i++) up.handle(chat(), sink);
    const last = sink.plans[60]!;
    expect(last).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    if (last.kind !== 'respond') throw new Error();
    expect(last.headers['retry-after']).toBe('1');
    expect(Number(last.headers['retry-after-ms'])).toBe(1000);
    expect(last.headers['x-ratelimit-limit-requests']).toBe('60');
    expect(last.headers['x-ratelimit-remaining-requests']).toBe('0');
    const first = sink.plans[0]!;
    if (first.kind !== 'respond') throw new Error();
    expect(first.headers['x-ratelimit-remaining-requests']).toBe('59');
    clock.advance(1000);
    up.handle(chat(), sink);
    expect(sink.plans[61]).toMatchObject({ status: 200 });
  });

  it('limits tokens per minute too, counting prompt + max_tokens', () => {
    const { up, sink } = virtualUpstream({ rateLimit: { tokens: '1000/min' } });
    up.handle(chat({ promptTokens: 400, maxTokens: 400 }), sink);
    up.handle(chat({ promptTokens: 100, maxTokens: 200 }), sink);
    expect(sink.plans[1]).toMatchObject({ status: 429 });
    expect(JSON.stringify(bodyJson(sink.plans[1]!))).toContain('tokens');
  });
});
