import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProxy, type Proxy } from '../../../src/live/proxy/proxy.js';
import {
  BASE,
  CHAT,
  expectNoLeaks,
  handles,
  post,
  readAll,
  rig,
  sleep,
  type Rig,
} from './harness.js';
import { recordingUpstream, type RecordingUpstream } from './recording-upstream.js';

let r: Rig | null = null;
let up: RecordingUpstream | null = null;
let proxy: Proxy | null = null;
let baseline: Record<string, number>;
beforeEach(() => {
  baseline = handles();
});
afterEach(async () => {
  await r?.close();
  await proxy?.close();
  await up?.close();
  r = null;
  proxy = null;
  up = null;
  await expectNoLeaks(baseline);
});

async function proxyTo(
  u: RecordingUpstream,
  extra: { apiKey?: string; model?: string } = {},
): Promise<Proxy> {
  return createProxy({
    gateway: { ...BASE, upstreams: [{ name: 'rec' }] },
    upstreams: [{ name: 'rec', url: u.url, ...extra }],
  });
}

describe('client disconnects (issue 4, 13)', () => {
  it('13. mid-request: the upstream request is aborted, in-flight counts return to zero', async () => {
    up = await recordingUpstream(() => {}); // never answers
    proxy = await proxyTo(up);
    const ctl = new AbortController();
    const pending = post(proxy.url, CHAT, {}, ctl.signal).catch((e: Error) => e);
    while (up.requests.length === 0) await sleep(5);
    expect(proxy.inflight).toBe(1);
    expect(proxy.gateway.table.inflight[0]).toBe(1);
    ctl.abort();
    expect(await pending).toBeInstanceOf(Error);
    await up.requests[0]!.closed;
    expect(up.requests[0]!.finished).toBe(false);
    while (proxy.inflight > 0) await sleep(5);
    expect(proxy.gateway.table.inflight[0]).toBe(0);
  });

  it('13. mid-stream: the upstream stream is aborted once the client stops reading', async () => {
    up = await recordingUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"choices":[{"delta":{"content":"hi"}}]}\n\n');
    });
    proxy = await proxyTo(up);
    const ctl = new AbortController();
    const res = await post(proxy.url, { ...CHAT, stream: true }, {}, ctl.signal);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('"hi"');
    ctl.abort();
    await reader.read().catch(() => null);
    await up.requests[0]!.closed;
    while (proxy.inflight > 0) await sleep(5);
    expect(proxy.gateway.table.inflight[0]).toBe(0);
  });
});

describe('what goes out to the upstream', () => {
  it('the upstream’s key replaces the client’s, its model replaces the body’s; hop-by-hop headers stay behind', async () => {
    up = await recordingUpstream((_req, res) => res.end('{"ok":true}'));
    proxy = await proxyTo(up, { apiKey: 'sk-upstream-secret', model: 'big-model' });
    // node:http, because fetch refuses to send hop-by-hop headers at all.
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${proxy!.url}/chat/completions`,
        {
          method: 'POST',
          agent: false,
          headers: {
            'x-custom': '1',
            'keep-alive': 'timeout=5',
            authorization: 'Bearer sk-client',
            // Declared hop-by-hop by the connection header: stays behind too (RFC 9110 §7.6.1).
            connection: 'keep-alive, x-hop',
            'x-hop': 'secret-of-this-hop',
          },
        },
        (m) => {
          let body = '';
          m.setEncoding('utf8');
          m.on('data', (c: string) => (body += c));
          m.on('end', () => resolve({ status: m.statusCode!, body }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(CHAT));
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true });
    const seen = up.requests[0]!;
    expect(seen.headers.authorization).toBe('Bearer sk-upstream-secret');
    expect(seen.headers['x-custom']).toBe('1');
    expect(seen.headers['keep-alive']).toBeUndefined();
    expect(seen.headers['x-hop']).toBeUndefined();
    expect(JSON.parse(seen.body)).toEqual({ ...CHAT, model: 'big-model' });
  });

  it('a GET goes out without a body length; answers drop the headers their connection header names', async () => {
    up = await recordingUpstream((_req, res) => {
      res.setHeader('connection', 'x-upstream-hop');
      res.setHeader('x-upstream-hop', '1');
      res.setHeader('x-kept', '1');
      res.end('{"data":[]}');
    });
    proxy = await proxyTo(up);
    const res = await fetch(`${proxy.url}/models`);
    expect(await res.json()).toEqual({ data: [] });
    expect(res.headers.get('x-kept')).toBe('1');
    expect(res.headers.get('x-upstream-hop')).toBeNull();
    expect(up.requests[0]!.headers['content-length']).toBeUndefined();
  });

  it('without a key of its own the client’s Authorization passes, and the body goes byte for byte', async () => {
    up = await recordingUpstream((_req, res) => res.end('{}'));
    proxy = await proxyTo(up);
    const raw = '{"model":"m",  "messages":[]}';
    const res = await fetch(`${proxy.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-client' },
      body: raw,
    });
    await res.text();
    expect(up.requests[0]!.headers.authorization).toBe('Bearer sk-client');
    expect(up.requests[0]!.body).toBe(raw);
  });
});

describe('secrets never reach the client', () => {
  it('a failing upstream’s error (401, reset, refused) carries no key', async () => {
    r = await rig(
      [
        { name: 'a', apiKey: 'sk-secret-a', config: { keys: ['sk-other'] } },
        { name: 'b', apiKey: 'sk-secret-b', faults: [{ kind: 'reset' }] },
      ],
      { retry: { ...BASE.retry, attempts: 1 } },
    );
    for (let i = 0; i < 4; i++) {
      const res = await post(r.url, CHAT);
      expect(res.status === 401 || res.status === 502).toBe(true);
      const text = JSON.stringify([...res.headers]) + (await res.text());
      expect(text).not.toContain('sk-secret');
    }
    expect(r.fakes.a!.upstream.counters.of('401')).toBe(2);
  });

  it('a bad upstream URL is reported without echoing it', async () => {
    await expect(
      createProxy({
        gateway: { ...BASE, upstreams: [{ name: 'x' }] },
        upstreams: [{ name: 'x', url: 'http://user:sk-in-url@127.0.0.1:1/v1', apiKey: 'sk-k' }],
      }),
    ).rejects.toThrow(/^(?!.*sk-).*credentials/);
  });
});

describe('errors the gateway itself answers, in OpenAI’s shape', () => {
  it('rejected by the limiter: 429 with Retry-After', async () => {
    r = await rig([{ name: 'a' }], {
      limiter: { limit: { kind: 'token-bucket', ratePerSec: 1, burst: 1 } },
    });
    expect((await (await post(r.url, CHAT)).text()).length).toBeGreaterThan(0);
    const res = await post(r.url, CHAT);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers.get('retry-after-ms'))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({
      error: { code: 'rate_limit_exceeded', type: expect.any(String), message: expect.any(String) },
    });
    expect(r.seen.a!.length).toBe(1);
  });

  it('no upstream: 503 once the only breaker is open; refused before: 502', async () => {
    r = await rig([{ name: 'a', faults: [{ kind: 'down' }] }], {
      breaker: { trip: { kind: 'consecutive-failures', threshold: 1 }, openMs: 60_000 },
    });
    const first = await post(r.url, CHAT);
    expect(first.status).toBe(502);
    expect(r.attempts[0]!.outcome).toEqual({ kind: 'connect-error' });
    await first.text();
    const res = await post(r.url, CHAT);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'no_upstream' } });
  });

  it('413 for a body over the limit, 404 outside /v1', async () => {
    r = await rig([{ name: 'a' }], {}, { maxBodyBytes: 1000 });
    const big = await post(r.url, {
      ...CHAT,
      messages: [{ role: 'user', content: 'x'.repeat(2000) }],
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 'request_too_large' } });
    const nf = await fetch(r.url.replace('/v1', '/other'));
    expect(nf.status).toBe(404);
    await nf.text();
    expect(r.seen.a!.length).toBe(0);
  });

  it('active health checks are real HEAD /v1/models requests and take a dead upstream out', async () => {
    r = await rig([{ name: 'a' }, { name: 'b' }], {
      health: { active: { intervalMs: 50, timeoutMs: 200, rise: 1, fall: 1 } },
    });
    const before = r.fakes.a!.upstream.counters.seen;
    await sleep(200);
    expect(r.fakes.a!.upstream.counters.seen - before).toBeGreaterThanOrEqual(2);
    r.fakes.a!.upstream.injectFault({ kind: 'down' });
    while (
      !r.states.some((s) => s.upstream === 'a' && s.component === 'health' && s.state === 'down')
    )
      await sleep(10);
    for (let i = 0; i < 4; i++) {
      const res = await post(r.url, CHAT);
      expect(res.headers.get('x-lbsim-upstream')).toBe('b');
      await res.text();
    }
  });

  it('HEAD and GET pass through; a stream that fails before its first byte gets a JSON error', async () => {
    r = await rig([{ name: 'a', faults: [{ kind: 'error', status: 500 }] }], {
      retry: { ...BASE.retry, attempts: 1 },
    });
    const models = await fetch(`${r.url}/models`);
    expect(models.status).toBe(500);
    await models.text();
    const res = await post(r.url, { ...CHAT, stream: true });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toContain('application/json');
    const { text } = await readAll(res);
    expect(JSON.parse(text)).toMatchObject({ error: { type: 'server_error' } });
  });
});
