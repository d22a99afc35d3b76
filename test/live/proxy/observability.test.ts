import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { AccessLogEntry } from '../../../src/live/proxy/proxy.js';
import { CHAT, post, sleep, rigPerTest } from './harness.js';

const startRig = rigPerTest();

function line(text: string, series: string): number | undefined {
  const l = text.split('\n').find((x) => x.startsWith(`${series} `));
  return l === undefined ? undefined : Number(l.slice(series.length + 1));
}

describe('GET /metrics and GET /healthz', () => {
  it('/metrics counts what the gateway did: requests by result, attempts by upstream and outcome, retries', async () => {
    const r = await startRig([
      { name: 'good' },
      { name: 'bad', faults: [{ kind: 'error', status: 503 }] },
    ]);
    for (let i = 0; i < 4; i++) {
      const res = await post(r.url, CHAT);
      expect(res.status).toBe(200);
      await res.text();
    }
    const res = await fetch(r.url.replace('/v1', '/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(line(text, 'lbsim_gateway_requests_total{result="ok"}')).toBe(4);
    expect(line(text, 'lbsim_gateway_request_duration_seconds_count')).toBe(4);
    const bad = r.seen.bad!.length;
    expect(bad).toBeGreaterThan(0);
    expect(line(text, 'lbsim_gateway_attempts_total{upstream="bad",outcome="http-error"}')).toBe(
      bad,
    );
    expect(line(text, 'lbsim_gateway_attempts_total{upstream="good",outcome="ok"}')).toBe(4);
    expect(line(text, 'lbsim_gateway_retries_total')).toBe(bad);
    expect(line(text, 'lbsim_gateway_requests_in_flight')).toBe(0);
    expect(text).toBe(r.proxy.metrics());
  });

  it('/healthz is 200 while an upstream is in rotation and 503 once none is', async () => {
    const r = await startRig([{ name: 'only', faults: [{ kind: 'error', status: 500 }] }], {
      retry: { attempts: 1, perTryTimeoutMs: 3000, totalTimeoutMs: 3000 },
      breaker: { trip: { kind: 'consecutive-failures', threshold: 1 }, openMs: 60_000 },
    });
    const healthz = r.url.replace('/v1', '/healthz');
    const before = await fetch(healthz);
    expect(before.status).toBe(200);
    expect(await before.json()).toEqual({ status: 'ok' });
    expect((await post(r.url, CHAT)).status).toBe(500);
    const after = await fetch(healthz);
    expect(after.status).toBe(503);
    expect(await after.json()).toEqual({ status: 'no_upstream' });
    const text = r.proxy.metrics();
    expect(line(text, 'lbsim_gateway_upstream_available{upstream="only"}')).toBe(0);
    expect(
      line(text, 'lbsim_gateway_upstream_state{upstream="only",component="breaker",state="open"}'),
    ).toBe(1);
    // Only GET and HEAD: anything else there is not the gateway's.
    const posted = await fetch(healthz, { method: 'POST', body: '{}' });
    expect(posted.status).toBe(404);
    await posted.text();
  });
});

describe('/healthz while draining', () => {
  it('is 503 "draining" for a request read during the drain', async () => {
    const r = await startRig([{ name: 'a' }]);
    const sock = connect(r.proxy.port, '127.0.0.1');
    let got = '';
    sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
    const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
    // Expect: 100-continue makes "the server has read the head" visible before the body is sent.
    sock.write(
      'GET /healthz HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\nexpect: 100-continue\r\n\r\n',
    );
    while (!got.includes('100 Continue')) await sleep(5);
    const drained = r.proxy.drain(10_000);
    sock.write('{}');
    await drained;
    await closed;
    expect(got).toMatch(/HTTP\/1\.1 503 [^]*connection: close[^]*\{"status":"draining"\}$/);
  });
});

describe('the access log', () => {
  it('one entry per request the gateway ended: what the client got, who served, how many tries; no query', async () => {
    const entries: AccessLogEntry[] = [];
    const r = await startRig(
      [
        { name: 'good' },
        { name: 'down', faults: [{ kind: 'error', status: 503, message: 'overloaded' }] },
        { name: 'slow', config: { latency: '5s' } },
      ],
      {
        strategy: { name: 'round-robin' },
        retry: { attempts: 1, perTryTimeoutMs: 10_000, totalTimeoutMs: 10_000 },
      },
      { accessLog: (e) => entries.push(e) },
    );
    const rg = r;
    // Round robin from the first upstream: good, down, then slow (abandoned by its client).
    const ok = await post(rg.url, CHAT, { 'x-lbsim-key': 'user-7' });
    expect(ok.status).toBe(200);
    await ok.text();
    const failed = await fetch(`${rg.url}/chat/completions?api-key=sk-in-query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(CHAT),
    });
    expect(failed.status).toBe(503);
    await failed.text();
    const ctrl = new AbortController();
    const gone = post(rg.url, CHAT, {}, ctrl.signal).catch(() => null);
    while (rg.seen.slow!.length === 0) await sleep(5);
    ctrl.abort();
    await gone;
    while (entries.length < 3) await sleep(5);

    expect(entries.map((e) => [e.status, e.result, e.upstream, e.attempts])).toEqual([
      [200, 'ok', 'good', 1],
      [503, '5xx', 'down', 1],
      [499, 'aborted', 'slow', 1],
    ]);
    expect(entries.map((e) => e.path)).toEqual(Array(3).fill('/v1/chat/completions'));
    expect(entries.map((e) => e.key)).toEqual(['user-7', null, null]);
    expect(entries.every((e) => e.method === 'POST' && !e.stream && e.ms >= 0)).toBe(true);
    expect(entries[0]!.id).toBeLessThan(entries[1]!.id);
    expect(entries[1]!.t).toBeLessThanOrEqual(entries[2]!.t);
    expect(JSON.stringify(entries)).not.toContain('sk-');
  });
});
