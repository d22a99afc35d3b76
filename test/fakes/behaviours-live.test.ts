import { afterEach, describe, expect, it } from 'vitest';
import type { FaultSpec } from '../../fakes/config.js';
import type { FakeServer } from '../../fakes/server.js';
import { startFakeServer } from '../../fakes/server.js';
import { chat, sleep, upstreamConfig } from './net-helpers.js';

/** Every behaviour once more, over real sockets (timings only as lower bounds). */

const open: FakeServer[] = [];
async function start(
  extra: Record<string, unknown>,
  faults: FaultSpec[] = [],
): Promise<FakeServer> {
  const s = await startFakeServer(upstreamConfig(extra), { faults });
  open.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const STREAM = { outputTokens: 4, stream: { ttft: '1ms', itl: '1ms' } };
const events = (body: string): string[] => body.split('\n\n').filter(Boolean);
const elapsed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const r = await fn();
  return [r, performance.now() - t0];
};

describe('behaviours over real sockets', () => {
  it('latency and brownout: the answer takes at least latency × factor', async () => {
    const s = await start({ latency: '40ms' }, [{ kind: 'brownout', factor: 3 }]);
    const [r, ms] = await elapsed(() => chat(s.url));
    expect(r.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(120 - 1);
  });

  it('slow first token: nothing of the stream before the delay', async () => {
    const s = await start(STREAM, [{ kind: 'slow-first-token', delay: 150 }]);
    const t0 = performance.now();
    const r = await fetch(`${s.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ messages: [], stream: true }),
    });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150 - 1);
    expect(events(await r.text()).at(-1)).toBe('data: [DONE]');
  });

  it('stall: the stream goes silent, then the connection closes without a final chunk', async () => {
    const s = await start(STREAM, [{ kind: 'stall', after: 2, close: 200 }]);
    const [r, ms] = await elapsed(() => chat(s.url, { stream: true }));
    expect(ms).toBeGreaterThanOrEqual(200 - 1);
    expect(r.status).toBe(200);
    expect(r.error).toBeDefined();
    expect(r.body).not.toContain('finish_reason":"stop');
  });

  it('malformed: one chunk is not JSON; no-done: no [DONE]', async () => {
    const m = await start(STREAM, [{ kind: 'malformed', chunk: 2 }]);
    const ev = events((await chat(m.url, { stream: true })).body!).map((e) => e.slice(6));
    const bad = ev.filter((e) => e !== '[DONE]' && !isJson(e));
    expect(bad).toHaveLength(1);
    const n = await start(STREAM, [{ kind: 'no-done' }]);
    const r = await chat(n.url, { stream: true });
    expect(r.error).toBeUndefined();
    expect(r.body).toContain('finish_reason":"stop');
    expect(r.body).not.toContain('[DONE]');
  });

  it('fail-n: the first N fail, then healthy', async () => {
    const s = await start({}, [{ kind: 'fail-n', requests: 2, status: 502 }]);
    const got = [];
    for (let i = 0; i < 3; i++) got.push((await chat(s.url, { n: i })).status);
    expect(got).toEqual([502, 502, 200]);
  });

  it('flap: refused, then up, then refused again', async () => {
    const s = await start({}, [{ kind: 'flap', down: 150, up: 150 }]);
    expect((await chat(s.url)).error).toBe('ECONNREFUSED');
    await sleep(200);
    expect((await chat(s.url)).status).toBe(200);
    await sleep(150);
    expect((await chat(s.url)).error).toBe('ECONNREFUSED');
  });

  it('capacity: concurrent requests beyond slots + queue get 529', async () => {
    const s = await start({ latency: '150ms', capacity: 2, queue: 1, overloadStatus: 529 });
    const all = await Promise.all(Array.from({ length: 5 }, (_, i) => chat(s.url, { n: i })));
    expect(all.map((r) => r.status).sort()).toEqual([200, 200, 200, 529, 529]);
  });

  it('slow drain: capacity shrinks to 0, so new requests queue and overflow', async () => {
    const s = await start({ latency: '300ms', capacity: 4, queue: 0 }, [
      { kind: 'slow-drain', over: 100, to: 0 },
    ]);
    await sleep(150);
    expect((await chat(s.url)).status).toBe(503);
  });

  it('provider rate limit: 429 with retry-after and x-ratelimit headers', async () => {
    const s = await start({ rateLimit: { requests: '2/min' } });
    const a = await fetch(`${s.url}/chat/completions`, { method: 'POST', body: '{"messages":[]}' });
    expect(a.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    await fetch(`${s.url}/chat/completions`, { method: 'POST', body: '{"messages":[]}' });
    const c = await fetch(`${s.url}/chat/completions`, { method: 'POST', body: '{"messages":[]}' });
    expect(c.status).toBe(429);
    expect(Number(c.headers.get('retry-after'))).toBeGreaterThanOrEqual(29);
    expect(c.headers.get('x-ratelimit-limit-requests')).toBe('2');
  });

  it('errors with provider codes: context_length_exceeded from the context window', async () => {
    const s = await start({ contextWindow: 50 });
    const r = await chat(s.url, { max_tokens: 100 });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body!).error.code).toBe('context_length_exceeded');
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
