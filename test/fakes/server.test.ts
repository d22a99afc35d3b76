import { PassThrough } from 'node:stream';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeServer, startFakeServer } from '../../fakes/server.js';
import type { FaultSpec } from '../../fakes/config.js';
import { chat, handles, raw, sleep, upstreamConfig } from './net-helpers.js';

const open: FakeServer[] = [];
async function start(
  extra: Record<string, unknown> = {},
  faults: FaultSpec[] = [],
  opts = {},
): Promise<FakeServer> {
  const s = await startFakeServer(upstreamConfig(extra), { faults, ...opts });
  open.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('the fake over real sockets', () => {
  it('speaks the OpenAI API: models (GET and HEAD), a completion, a stream with usage', async () => {
    const s = await start({ outputTokens: 3, stream: { ttft: '5ms', itl: '2ms' } });
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const models = await fetch(`${s.url}/models`);
    expect(((await models.json()) as { data: { id: string }[] }).data[0]!.id).toBe('fake-model');
    const head = await fetch(`${s.url}/models`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const one = await chat(s.url);
    expect(one.status).toBe(200);
    expect(JSON.parse(one.body!)).toMatchObject({
      object: 'chat.completion',
      model: 'fake-model',
      usage: { completion_tokens: 3 },
    });
    const st = await fetch(`${s.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ messages: [], stream: true, stream_options: { include_usage: true } }),
    });
    expect(st.headers.get('content-type')).toContain('text/event-stream');
    const events = (await st.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(JSON.parse(events.at(-2)!.slice(6))).toMatchObject({ usage: { completion_tokens: 3 } });
    expect(events).toHaveLength(1 + 3 + 1 + 1 + 1);
  });

  it('404 for a base URL without /v1, 400 for a bad body, 401 without the key', async () => {
    const s = await start({ keys: ['sk-1'] });
    const noV1 = await raw(`${s.origin}/chat/completions`, { method: 'POST', body: '{}' });
    expect(noV1.status).toBe(404);
    expect(JSON.parse(noV1.body!).error.message).toContain('/chat/completions');
    expect((await chat(s.url, {}, {})).status).toBe(401);
    const bad = await raw(`${s.url}/chat/completions`, {
      method: 'POST',
      body: '{nope',
      headers: { authorization: 'Bearer sk-1' },
    });
    expect(bad.status).toBe(400);
    expect((await chat(s.url, {}, { authorization: 'Bearer sk-1' })).status).toBe(200);
  });

  it('down: the port is closed (ECONNREFUSED) while the fault lasts, and reopens on the same port', async () => {
    const s = await start({}, [{ kind: 'down', at: 100, for: 300 }]);
    const port = s.port;
    expect((await chat(s.url)).status).toBe(200);
    await sleep(150);
    expect((await chat(s.url)).error).toBe('ECONNREFUSED');
    await sleep(400);
    expect(s.port).toBe(port);
    expect((await chat(s.url)).status).toBe(200);
  });

  it('reset: ECONNRESET before the headers; mid-body the body breaks after the headers', async () => {
    const s = await start({}, [{ kind: 'reset' }]);
    expect((await chat(s.url)).error).toBe('ECONNRESET');
    const m = await start({ latency: '5ms' }, [{ kind: 'reset', phase: 'mid-body' }]);
    const r = await chat(m.url);
    expect(r.status).toBe(200);
    expect(r.error).toMatch(/ECONNRESET|aborted/);
  });

  it('hang: the request is accepted and never answered until the client times out', async () => {
    const s = await start({}, [{ kind: 'hang' }]);
    const r = await raw(`${s.url}/models`, { timeoutMs: 300 });
    expect(r.error).toBe('CLIENT_TIMEOUT');
    expect(s.upstream.counters.of('hang')).toBe(1);
    await expect(fetch(`${s.url}/models`, { signal: AbortSignal.timeout(200) })).rejects.toThrow(
      /abort|timeout/i,
    );
  });

  it('a stream cut closes the connection without the final chunk', async () => {
    const s = await start({ outputTokens: 5, stream: { ttft: '1ms', itl: '1ms' } }, [
      { kind: 'cut', after: 2 },
    ]);
    const r = await chat(s.url, { stream: true });
    expect(r.status).toBe(200);
    expect(r.error).toMatch(/ECONNRESET|aborted/);
    expect(r.body).not.toContain('finish_reason":"stop');
  });

  it('the control API shows state and counters, injects and clears faults', async () => {
    const s = await start();
    await chat(s.url);
    const state = (await (await fetch(`${s.origin}/__lbsim/state`)).json()) as Record<
      string,
      unknown
    >;
    expect(state).toMatchObject({
      name: 'primary',
      refusing: false,
      counters: { seen: 1, byOutcome: { '200': 1 } },
    });
    const inj = await fetch(`${s.origin}/__lbsim/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'error', status: 503, for: '10s' }),
    });
    expect(inj.status).toBe(201);
    expect((await chat(s.url)).status).toBe(503);
    const bad = await fetch(`${s.origin}/__lbsim/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'down', for: 5 }),
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('for');
    expect(await (await fetch(`${s.origin}/__lbsim/faults`, { method: 'DELETE' })).json()).toEqual({
      cleared: 1,
    });
    expect((await chat(s.url)).status).toBe(200);
    expect(await (await fetch(`${s.origin}/__lbsim/counters`)).json()).toEqual({
      seen: 3,
      byOutcome: { '200': 2, '503': 1 },
    });
  });

  it('a down injected through the control API still answers the injection, then refuses', async () => {
    const s = await start();
    const inj = await fetch(`${s.origin}/__lbsim/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'down', for: '300ms' }),
    });
    expect(inj.status).toBe(201);
    expect((await chat(s.url)).error).toBe('ECONNREFUSED');
    await sleep(400);
    expect((await chat(s.url)).status).toBe(200);
  });

  it('writes an NDJSON log with relative time, attempt per key and outcome', async () => {
    const log = new PassThrough();
    let text = '';
    log.on('data', (c: Buffer) => (text += c.toString()));
    const s = await start({}, [{ kind: 'fail-first', attempts: 1 }], { log });
    await chat(s.url);
    await chat(s.url);
    await chat(s.url, { temperature: 0.5 });
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.attempt, l.outcome])).toEqual([
      [1, '500'],
      [2, '200'],
      [1, '500'],
    ]);
    expect(lines[0]).toMatchObject({ upstream: 'primary', route: 'chat' });
    expect(lines[1]!.t as number).toBeGreaterThanOrEqual(lines[0]!.t as number);
  });

  it('refuses to bind a non-loopback host, and a port in use', async () => {
    expect(() => new FakeServer(upstreamConfig(), { host: '0.0.0.0' })).toThrow(/host.*loopback/);
    const s = await start();
    await expect(startFakeServer(upstreamConfig(), { port: s.port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });

  it('close() leaves no socket, server or timer behind', async () => {
    await sleep(20); // let handles closed by earlier tests finish closing
    const before = handles();
    const s = await startFakeServer(upstreamConfig({ latency: '2s', stream: { ttft: '2s' } }), {
      faults: [
        { kind: 'flap', up: 50, down: 50, at: 10_000 },
        { kind: 'hang', at: 1000, for: 1000 },
      ],
    });
    // Leave requests in flight and keep-alive sockets open.
    const pending = [
      chat(s.url),
      chat(s.url, { stream: true }),
      fetch(`${s.url}/models`).then((r) => r.text()),
    ];
    await sleep(50);
    expect(handles().TCPSocketWrap ?? 0).toBeGreaterThan(before.TCPSocketWrap ?? 0);
    await s.close();
    await Promise.allSettled(pending);
    await sleep(20);
    const after = handles();
    expect(after.TCPServerWrap ?? 0).toBeLessThanOrEqual(before.TCPServerWrap ?? 0);
    expect(after.TCPSocketWrap ?? 0).toBeLessThanOrEqual(before.TCPSocketWrap ?? 0);
    expect(after.Timeout ?? 0).toBeLessThanOrEqual(before.Timeout ?? 0);
    // A port that is really closed refuses.
    expect((await raw(`${s.url}/models`)).error).toBe('ECONNREFUSED');
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(s.port, '127.0.0.1', () => r()));
    await new Promise<void>((r) => probe.close(() => r()));
  });
});
