import { describe, expect, it } from 'vitest';
import { CHAT, post, rigPerTest, type Rig } from './harness.js';

const startRig = rigPerTest();

const count = (rg: Rig, name: string): number => rg.seen[name]!.length;

describe('failures before any byte reached the client (issue 4, 1–6 and 11)', () => {
  it('1. 429 with Retry-After: fails over at once and keeps away from that upstream while the hint lasts', async () => {
    const r = await startRig([
      { name: 'a', faults: [{ kind: 'error', status: 429, retryAfter: 1000 }] },
      { name: 'b' },
    ]);
    const res = await post(r.url, CHAT);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-lbsim-upstream')).toBe('b');
    await res.text();
    // Round robin would send every other request to a; the cooldown keeps them all on b.
    for (let i = 0; i < 6; i++) {
      const again = await post(r.url, CHAT);
      expect(again.headers.get('x-lbsim-upstream')).toBe('b');
      await again.text();
    }
    expect(count(r, 'a')).toBe(1);
    expect(r.states).toContainEqual(expect.objectContaining({ upstream: 'a', state: 'cooling' }));
  });

  it('1. 429 with Retry-After and nowhere else to go: waits at least that long before retrying there', async () => {
    const r = await startRig([
      { name: 'a', faults: [{ kind: 'fail-n', requests: 1, status: 429, retryAfter: 300 }] },
    ]);
    const res = await post(r.url, CHAT);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-lbsim-attempts')).toBe('2');
    await res.text();
    const [first, second] = r.seen.a!;
    expect(first!.outcome).toBe('429');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(295);
  });

  it('2. 429 without a hint, persistent: jittered backoff, fails over, bounded attempts, the 429 surfaces', async () => {
    const r = await startRig(
      [
        { name: 'a', faults: [{ kind: 'error', status: 429 }] },
        { name: 'b', faults: [{ kind: 'error', status: 429 }] },
      ],
      {
        retry: {
          attempts: 3,
          backoff: { kind: 'constant', baseMs: 100, maxMs: 100, jitter: 'equal' },
          perTryTimeoutMs: 3000,
          totalTimeoutMs: 8000,
        },
      },
    );
    const res = await post(r.url, CHAT);
    expect(res.status).toBe(429);
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toBe('rate_limit_exceeded');
    expect(count(r, 'a') + count(r, 'b')).toBe(3);
    expect(count(r, 'a')).toBeGreaterThanOrEqual(1);
    expect(count(r, 'b')).toBeGreaterThanOrEqual(1);
    const times = [...r.seen.a!, ...r.seen.b!].map((s) => s.at).sort((x, y) => x - y);
    // Equal jitter: each wait is at least half the 100 ms base.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(48);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(48);
  });

  it('3. 500 once, then fine: retried and answered', async () => {
    const r = await startRig([
      { name: 'a', faults: [{ kind: 'fail-first', attempts: 1, status: 500 }] },
    ]);
    const res = await post(r.url, CHAT);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { object: string }).object).toBe('chat.completion');
    expect(r.seen.a!.map((s) => s.outcome)).toEqual(['500', '200']);
  });

  it('4. 503 persistent: fails over within the budget; with nowhere to go the original 503 surfaces', async () => {
    const r = await startRig([
      { name: 'a', faults: [{ kind: 'error', status: 503, message: 'primary overloaded' }] },
      { name: 'b' },
    ]);
    const ok = await post(r.url, CHAT);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-lbsim-upstream')).toBe('b');
    await ok.text();
    r.fakes.b!.upstream.injectFault({
      kind: 'error',
      status: 503,
      message: 'secondary overloaded',
    });
    const before = count(r, 'a') + count(r, 'b');
    const bad = await post(r.url, CHAT);
    expect(bad.status).toBe(503);
    const err = (await bad.json()) as { error: { message: string } };
    expect(err.error.message).toMatch(/(primary|secondary) overloaded/);
    expect(count(r, 'a') + count(r, 'b') - before).toBe(3);
  });

  it('5. connection reset before the headers: fails over and answers', async () => {
    const r = await startRig([{ name: 'a', faults: [{ kind: 'reset' }] }, { name: 'b' }]);
    const res = await post(r.url, CHAT);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-lbsim-upstream')).toBe('b');
    await res.text();
    expect(r.fakes.a!.upstream.counters.of('reset:before-headers')).toBe(1);
    expect(r.attempts.map((a) => [a.upstream, a.outcome?.kind])).toEqual([
      ['a', 'reset'],
      ['b', 'ok'],
    ]);
  });

  it('5. reset with nowhere to go: a 502 in OpenAI shape after the bounded attempts', async () => {
    const r = await startRig([{ name: 'a', faults: [{ kind: 'reset' }] }]);
    const res = await post(r.url, CHAT);
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      'upstream_unreachable',
    );
    expect(count(r, 'a')).toBe(3);
  });

  it('6. no response at all: the per-try timeout fires and the retry goes elsewhere, not to the silent one', async () => {
    const r = await startRig([{ name: 'a', faults: [{ kind: 'hang' }] }, { name: 'b' }], {
      retry: { ...BASE_RETRY, perTryTimeoutMs: 300, totalTimeoutMs: 5000 },
    });
    const t0 = performance.now();
    const res = await post(r.url, CHAT);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-lbsim-upstream')).toBe('b');
    await res.text();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(295);
    expect(count(r, 'a')).toBe(1);
    expect(r.attempts[0]!.outcome).toEqual({ kind: 'timeout', phase: 'attempt' });
  });

  it('6. every upstream silent: the call ends at its deadline with a 504', async () => {
    const r = await startRig(
      [
        { name: 'a', faults: [{ kind: 'hang' }] },
        { name: 'b', faults: [{ kind: 'hang' }] },
      ],
      { retry: { ...BASE_RETRY, attempts: 5, perTryTimeoutMs: 300, totalTimeoutMs: 700 } },
    );
    const t0 = performance.now();
    const res = await post(r.url, CHAT);
    expect(res.status).toBe(504);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upstream_timeout');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(695);
    // 5 attempts allowed, but the deadline leaves room for three at most.
    expect(count(r, 'a') + count(r, 'b')).toBeLessThanOrEqual(3);
    expect(r.attempts.at(-1)!.outcome).toEqual({ kind: 'timeout', phase: 'deadline' });
  });

  it('11. 400 context_length_exceeded: no retry on that model, the larger-context fallback answers', async () => {
    const r = await startRig(
      [
        { name: 'small', config: { model: 'small-model', contextWindow: 20 } },
        { name: 'large', backup: true, model: 'large-model', config: { model: 'large-model' } },
      ],
      { fallbacks: [{ on: 'context_length_exceeded', to: ['large'] }] },
    );
    const long = { ...CHAT, messages: [{ role: 'user', content: 'x'.repeat(400) }] };
    const res = await post(r.url, long);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { model: string; usage: { prompt_tokens: number } };
    expect(body.model).toBe('large-model');
    // The usage is the serving attempt's: a prompt longer than the small model's window.
    expect(body.usage.prompt_tokens).toBeGreaterThan(20);
    expect(res.headers.get('x-lbsim-upstream')).toBe('large');
    expect(res.headers.get('x-lbsim-attempts')).toBe('2');
    expect(r.seen.small!.map((s) => s.outcome)).toEqual(['400']);
    expect(count(r, 'large')).toBe(1);
    // The core moved the request: one attempt at each, in one dispatch.
    expect(r.attempts.map((a) => [a.upstream, a.outcome?.kind])).toEqual([
      ['small', 'http-error'],
      ['large', 'ok'],
    ]);
    // A short prompt stays on the primary.
    const short = await post(r.url, CHAT);
    expect(((await short.json()) as { model: string }).model).toBe('small-model');
  });

  it('11. 400 content_policy_violation: not retried, the provider’s reason reaches the client', async () => {
    const r = await startRig([
      { name: 'a', faults: [{ kind: 'error', status: 400, code: 'content_policy_violation' }] },
      { name: 'b' },
    ]);
    const res = await post(r.url, CHAT);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('content_policy_violation');
    expect(body.error.message).toContain('safety system');
    expect(count(r, 'a')).toBe(1);
    expect(count(r, 'b')).toBe(0);
  });
});

const BASE_RETRY = {
  attempts: 3,
  backoff: { kind: 'constant' as const, baseMs: 10, maxMs: 10, jitter: 'none' as const },
};
