import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { CHAT, post, readAll, rigPerTest } from './harness.js';

const startRig = rigPerTest();

const STREAM = { stream: { ttft: '5ms', itl: '5ms' }, outputTokens: 8 };
const STREAMING = { streaming: { firstTokenMs: 300, idleMs: 300 } };

function sdk(url: string): OpenAI {
  return new OpenAI({ baseURL: url, apiKey: 'sk-client', maxRetries: 0 });
}

describe('streaming failures (issue 4, 7–10)', () => {
  it('7. slow first token: the first-token limit fails over while nothing was sent', async () => {
    const r = await startRig(
      [
        { name: 'a', config: STREAM, faults: [{ kind: 'slow-first-token', delay: 3000 }] },
        { name: 'b', config: STREAM },
      ],
      STREAMING,
    );
    const t0 = performance.now();
    const stream = await sdk(r.url).chat.completions.create({ ...CHAT, stream: true });
    let text = '';
    const models = new Set<string>();
    for await (const chunk of stream) {
      models.add(chunk.model);
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(performance.now() - t0).toBeGreaterThanOrEqual(295);
    expect([...models]).toEqual(['b']);
    expect(text.split(' ').length).toBeGreaterThan(8);
    expect(r.attempts.map((a) => [a.upstream, a.outcome])).toEqual([
      ['a', { kind: 'timeout', phase: 'first-token' }],
      ['b', { kind: 'ok', status: 200 }],
    ]);
    expect(r.seen.a!.length).toBe(1);
  });

  it('8. stream cut mid-answer: the client gets an in-band error, never a clean end; no failover after commit', async () => {
    const r = await startRig(
      [
        { name: 'a', config: STREAM, faults: [{ kind: 'cut', after: 3 }] },
        { name: 'b', config: STREAM },
      ],
      STREAMING,
    );
    const stream = await sdk(r.url).chat.completions.create({ ...CHAT, stream: true });
    let chunks = 0;
    let error: unknown = null;
    try {
      for await (const _ of stream) chunks++;
    } catch (err) {
      error = err;
    }
    expect(chunks).toBeGreaterThanOrEqual(2);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('stream_truncated');
    expect(r.attempts.map((a) => [a.upstream, a.outcome?.kind])).toEqual([['a', 'truncated']]);
    expect(r.seen.b!.length).toBe(0);
  });

  it('8. stream stall: detected by the idle limit; the raw body carries the error event and then breaks', async () => {
    const r = await startRig(
      [{ name: 'a', config: STREAM, faults: [{ kind: 'stall', after: 3, close: 10_000 }] }],
      STREAMING,
    );
    const res = await post(r.url, { ...CHAT, stream: true });
    expect(res.status).toBe(200);
    const t0 = performance.now();
    const { text, error } = await readAll(res);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
    expect(text).toContain('" fake"');
    expect(text).not.toContain('[DONE]');
    const events = text.split('\n\n').filter(Boolean);
    expect(JSON.parse(events.at(-1)!.slice('data: '.length))).toMatchObject({
      error: { code: 'stream_stalled' },
    });
    expect(error).not.toBeNull();
    expect(r.attempts[0]!.outcome).toEqual({ kind: 'timeout', phase: 'idle' });
  });

  it('9. a malformed chunk passes through untouched; the gateway and the upstream stay healthy', async () => {
    const r = await startRig(
      [{ name: 'a', config: STREAM, faults: [{ kind: 'malformed', chunk: 2 }] }],
      {
        ...STREAMING,
        breaker: { trip: { kind: 'consecutive-failures', threshold: 1 } },
      },
    );
    const res = await post(r.url, { ...CHAT, stream: true });
    const { text, error } = await readAll(res);
    expect(error).toBeNull();
    const events = text.split('\n\n').filter(Boolean);
    const unparsable = events.filter((e) => {
      try {
        JSON.parse(e.slice('data: '.length));
        return false;
      } catch {
        return e !== 'data: [DONE]';
      }
    });
    expect(unparsable).toHaveLength(1);
    expect(events.at(-1)).toBe('data: [DONE]');
    expect(r.attempts[0]!.outcome?.kind).toBe('ok');
    const next = await post(r.url, CHAT);
    expect(next.status).toBe(200);
    await next.text();
    expect(r.states.filter((s) => s.component === 'breaker')).toEqual([]);
  });

  it('10. a stream without [DONE] finishes when the upstream closes it', async () => {
    const r = await startRig(
      [{ name: 'a', config: STREAM, faults: [{ kind: 'no-done' }] }],
      STREAMING,
    );
    const res = await post(r.url, { ...CHAT, stream: true });
    const { text, error } = await readAll(res);
    expect(error).toBeNull();
    expect(text).not.toContain('[DONE]');
    expect(text).toContain('"finish_reason":"stop"');
    const stream = await sdk(r.url).chat.completions.create({ ...CHAT, stream: true });
    let finish: string | null = null;
    for await (const chunk of stream) finish = chunk.choices[0]?.finish_reason ?? finish;
    expect(finish).toBe('stop');
    expect(r.attempts.map((a) => a.outcome?.kind)).toEqual(['ok', 'ok']);
  });
});
