import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHAT, expectNoLeaks, handles, post, rig, type Rig } from './harness.js';

let r: Rig | null = null;
let baseline: Record<string, number>;
beforeEach(() => {
  baseline = handles();
});
afterEach(async () => {
  await r?.close();
  r = null;
  await expectNoLeaks(baseline);
});

function line(text: string, series: string): number | undefined {
  const l = text.split('\n').find((x) => x.startsWith(`${series} `));
  return l === undefined ? undefined : Number(l.slice(series.length + 1));
}

describe('GET /metrics and GET /healthz', () => {
  it('/metrics counts what the gateway did: requests by result, attempts by upstream and outcome, retries', async () => {
    r = await rig([{ name: 'good' }, { name: 'bad', faults: [{ kind: 'error', status: 503 }] }]);
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
    r = await rig([{ name: 'only', faults: [{ kind: 'error', status: 500 }] }], {
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
