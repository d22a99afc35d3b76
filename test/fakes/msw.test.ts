import { setupServer } from 'msw/node';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { mswFake } from '../../fakes/msw.js';
import type { FakeUpstream } from '../../fakes/upstream.js';
import type { FaultSpec } from '../../fakes/config.js';
import { upstreamConfig } from './net-helpers.js';

const ORIGIN = 'http://primary.fake';
const server = setupServer();
let current: FakeUpstream | null = null;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  current?.dispose();
  current = null;
});
afterAll(() => server.close());

function use(extra: Record<string, unknown> = {}, faults: FaultSpec[] = []) {
  const fake = mswFake(upstreamConfig(extra), ORIGIN, new Rng('msw'), { faults });
  server.use(...fake.handlers);
  current = fake.upstream;
  return fake.upstream;
}

const post = (body: unknown, init: RequestInit = {}) =>
  fetch(`${ORIGIN}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(body), ...init });

describe('msw handlers from the same model', () => {
  it('answer models, completions and streams for the built-in fetch', async () => {
    use({ outputTokens: 2, stream: { ttft: '2ms', itl: '1ms' } });
    const models = (await (await fetch(`${ORIGIN}/v1/models`)).json()) as {
      data: { id: string }[];
    };
    expect(models.data[0]!.id).toBe('fake-model');
    const c = await post({ messages: [] });
    expect(((await c.json()) as { model: string }).model).toBe('fake-model');
    const s = await post({ messages: [], stream: true, stream_options: { include_usage: true } });
    const text = await s.text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(text).toContain('"completion_tokens":2');
    expect((await fetch(`${ORIGIN}/chat/completions`, { method: 'POST', body: '{}' })).status).toBe(
      404,
    );
  });

  it('serve the openai SDK too', async () => {
    use({ outputTokens: 3 });
    const c = await new OpenAI({
      apiKey: 'k',
      baseURL: `${ORIGIN}/v1`,
      maxRetries: 0,
    }).chat.completions.create({
      model: 'x',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(c.usage?.completion_tokens).toBe(3);
  });

  it('turn refusals and resets into network errors', async () => {
    use({}, [{ kind: 'down' }]);
    await expect(fetch(`${ORIGIN}/v1/models`)).rejects.toThrow(TypeError);
    server.resetHandlers();
    use({}, [{ kind: 'reset' }]);
    await expect(post({ messages: [] })).rejects.toThrow(TypeError);
  });

  it('error the body stream on a cut; a hang ends with the client timeout', async () => {
    use({ outputTokens: 5, stream: { ttft: '1ms', itl: '1ms' } }, [{ kind: 'cut', after: 2 }]);
    const r = await post({ messages: [], stream: true });
    expect(r.status).toBe(200);
    await expect(r.text()).rejects.toThrow();
    server.resetHandlers();
    const up = use({}, [{ kind: 'hang' }]);
    await expect(post({ messages: [] }, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(up.counters.of('hang')).toBe(1);
  });

  it('answer errors in OpenAI shape with their headers', async () => {
    use({}, [{ kind: 'error', status: 429, retryAfter: 1500 }]);
    const r = await post({ messages: [] });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after-ms')).toBe('1500');
    expect(await r.json()).toEqual({
      error: expect.objectContaining({ code: 'rate_limit_exceeded' }),
    });
  });
});
