import { refused } from '../http1/helpers.js';
import { describe, expect, it } from 'vitest';
import { CHAT, post, readAll, sleep, rigPerTest, type Rig } from './harness.js';

const startRig = rigPerTest();

/** Resolves once the fake named `name` has started `n` chat requests. */
async function reached(rg: Rig, name: string, n = 1): Promise<void> {
  while (rg.seen[name]!.length < n) await sleep(5);
}

describe('Proxy.drain: a graceful stop', () => {
  it('a request in flight is answered in full (connection: close), new connections are refused, then everything closes', async () => {
    const r = await startRig([{ name: 'a', config: { latency: '400ms' } }]);
    const rg = r;
    const pending = post(rg.url, CHAT);
    await reached(rg, 'a');
    expect(rg.proxy.inflight).toBe(1);
    const drain = rg.proxy.drain(10_000);
    expect(await refused(rg.proxy.port)).toBe(true);

    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.headers.get('connection')).toBe('close');
    expect(((await res.json()) as { object: string }).object).toBe('chat.completion');
    await drain;
    expect(rg.proxy.inflight).toBe(0);
    expect(rg.attempts.map((a) => a.outcome?.kind)).toEqual(['ok']);
  });

  it('a stream in flight runs to its [DONE]', async () => {
    const r = await startRig([
      { name: 'a', config: { stream: { ttft: '5ms', itl: '40ms' }, outputTokens: 10 } },
    ]);
    const rg = r;
    const res = await post(rg.url, { ...CHAT, stream: true });
    expect(res.status).toBe(200);
    const body = readAll(res);
    await reached(rg, 'a');
    expect(rg.proxy.inflight).toBe(1); // still streaming when the drain starts
    await rg.proxy.drain(10_000);
    const { text, error } = await body;
    expect(error).toBeNull();
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(text).not.toContain('"error"');
  });

  it('what is still open when the grace time is over is abandoned: 503, no sooner than the grace time', async () => {
    const r = await startRig([{ name: 'a', config: { latency: '5s' } }], {
      retry: { attempts: 1, perTryTimeoutMs: 30_000, totalTimeoutMs: 30_000 },
    });
    const rg = r;
    const pending = post(rg.url, CHAT);
    await reached(rg, 'a');
    const started = performance.now();
    await rg.proxy.drain(300);
    expect(performance.now() - started).toBeGreaterThanOrEqual(299);
    const res = await pending;
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('gateway_closing');
    expect(rg.proxy.inflight).toBe(0);
  });

  it('close() during a drain abandons what is left at once, and the drain resolves', async () => {
    const r = await startRig([{ name: 'a', config: { latency: '5s' } }]);
    const rg = r;
    const pending = post(rg.url, CHAT);
    await reached(rg, 'a');
    const drain = rg.proxy.drain(60_000);
    await rg.proxy.close();
    await drain;
    expect((await pending).status).toBe(503);
    expect(rg.proxy.inflight).toBe(0);
  });

  it('drain(0) is close: requests in flight are abandoned at once', async () => {
    const r = await startRig([{ name: 'a', config: { latency: '5s' } }]);
    const rg = r;
    const pending = post(rg.url, CHAT);
    await reached(rg, 'a');
    await rg.proxy.drain(0);
    expect((await pending).status).toBe(503);
    // close after drain is a no-op, and drain twice is the same drain.
    await rg.proxy.close();
    await rg.proxy.drain(1000);
  });
});
