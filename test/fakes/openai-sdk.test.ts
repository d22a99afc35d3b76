import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeServer, FakeServerOptions } from '../../fakes/server.js';
import { startFakeServer } from '../../fakes/server.js';
import type { FaultSpec } from '../../fakes/config.js';
import type { Decision } from '../../fakes/upstream.js';
import { upstreamConfig } from './net-helpers.js';

const open: FakeServer[] = [];
async function start(
  extra: Record<string, unknown> = {},
  faults: FaultSpec[] = [],
  opts: FakeServerOptions = {},
) {
  const s = await startFakeServer(upstreamConfig(extra), { faults, ...opts });
  open.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const client = (s: FakeServer, o: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) =>
  new OpenAI({ apiKey: 'sk-test', baseURL: s.url, maxRetries: 0, ...o });
const messages = [{ role: 'user' as const, content: 'Say something.' }];

describe('the official openai SDK against the fake server', () => {
  it('lists models', async () => {
    const s = await start();
    const page = await client(s).models.list();
    expect(page.data.map((m) => m.id)).toEqual(['fake-model']);
  });

  it('gets a completion naming the upstream model', async () => {
    const s = await start({ outputTokens: 4 });
    const c = await client(s).chat.completions.create({ model: 'whatever', messages });
    expect(c.model).toBe('fake-model');
    expect(c.choices[0]!.message.content).toBeTruthy();
    expect(c.choices[0]!.finish_reason).toBe('stop');
    expect(c.usage?.completion_tokens).toBe(4);
  });

  it('streams a completion with usage', async () => {
    const s = await start({ outputTokens: 6, stream: { ttft: '5ms', itl: '1ms' } });
    const stream = await client(s).chat.completions.create({
      model: 'x',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish ??= chunk.choices[0]?.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.trim().split(/\s+/)).toHaveLength(6);
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ completion_tokens: 6 });
  });

  it('surfaces a wrong key as a 401 AuthenticationError', async () => {
    const s = await start({ keys: ['sk-right'] });
    const err = await client(s, { apiKey: 'sk-wrong' })
      .chat.completions.create({ model: 'x', messages })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(401);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('invalid_api_key');
  });

  it('honours the retry-after of a 429: the retry comes no sooner than the hint', async () => {
    const seen: Decision[] = [];
    const s = await start(
      {},
      [{ kind: 'fail-first', attempts: 1, status: 429, retryAfter: 1200 }],
      {
        onDecision: (d) => seen.push(d),
      },
    );
    const c = await client(s, { maxRetries: 2 }).chat.completions.create({ model: 'x', messages });
    expect(c.choices[0]!.message.content).toBeTruthy();
    expect(seen.map((d) => [d.attempt, d.outcome])).toEqual([
      [1, '429'],
      [2, '200'],
    ]);
    // The log's clock is the monotonic clock; a timer may fire up to 1 ms early against it.
    expect(seen[1]!.t - seen[0]!.t).toBeGreaterThanOrEqual(1200 - 1);
  });

  it('surfaces a cut stream as an error, not as a complete answer', async () => {
    const s = await start({ outputTokens: 10, stream: { ttft: '2ms', itl: '1ms' } }, [
      { kind: 'cut', after: 3 },
    ]);
    const stream = await client(s).chat.completions.create({ model: 'x', messages, stream: true });
    let chunks = 0;
    let finished = false;
    const run = async () => {
      for await (const chunk of stream) {
        chunks++;
        if (chunk.choices[0]?.finish_reason) finished = true;
      }
    };
    await expect(run()).rejects.toThrow();
    expect(chunks).toBeGreaterThanOrEqual(1);
    expect(finished).toBe(false);
  });
});
