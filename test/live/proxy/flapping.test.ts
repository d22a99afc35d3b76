import { describe, expect, it } from 'vitest';
import { CHAT, post, sleep, rigPerTest } from './harness.js';

const startRig = rigPerTest();

describe('a flapping primary (issue 4, 12)', () => {
  it('the breaker opens, traffic goes to the fallback, half-open probes stay within their limit, traffic returns', async () => {
    const r = await startRig([{ name: 'primary' }, { name: 'fallback', backup: true }], {
      breaker: {
        trip: { kind: 'consecutive-failures', threshold: 2 },
        openMs: 250,
        halfOpenMaxCalls: 1,
        successThreshold: 1,
      },
    });
    const rg = r;
    const served: { start: number; at: number; upstream: string | null; status: number }[] = [];
    let stop = false;
    const client = async (): Promise<void> => {
      while (!stop) {
        const start = performance.now();
        const res = await post(rg.url, CHAT);
        await res.text();
        served.push({
          start,
          at: performance.now(),
          upstream: res.headers.get('x-lbsim-upstream'),
          status: res.status,
        });
        await sleep(5);
      }
    };
    const clients = [client(), client(), client(), client()];
    await sleep(100);
    const faultAt = performance.now();
    rg.fakes.primary!.upstream.injectFault({ kind: 'flap', down: 600, up: 60_000 });
    // Wait until the primary has served again after its down phase.
    while (!served.some((s) => s.at > faultAt + 600 && s.upstream === 'primary')) await sleep(20);
    await sleep(100);
    stop = true;
    await Promise.all(clients);

    expect(served.filter((s) => s.status !== 200)).toEqual([]);
    expect(served.filter((s) => s.at < faultAt).every((s) => s.upstream === 'primary')).toBe(true);
    expect(served.at(-1)!.upstream).toBe('primary');

    const breaker = rg.states.filter((s) => s.upstream === 'primary' && s.component === 'breaker');
    const kinds = breaker.map((s) => s.state);
    expect(kinds[0]).toBe('open');
    expect(kinds).toContain('half-open');
    expect(kinds.at(-1)).toBe('closed');
    // Requests that started once the breaker was open and ended before it closed again went to
    // the fallback (the primary was down all that time: no probe could succeed).
    const opened = breaker[0]!.at;
    const closed = breaker.at(-1)!.at;
    const during = served.filter((s) => s.start > opened && s.at < closed);
    expect(during.length).toBeGreaterThan(0);
    expect(during.filter((s) => s.upstream !== 'fallback')).toEqual([]);
    expect(rg.seen.primary!.filter((s) => s.at > faultAt && s.at < faultAt + 600)).toEqual([]);
    // Half-open admits one probe at a time: attempts at the primary never overlap while half-open.
    for (let i = 0; i < breaker.length; i++) {
      if (breaker[i]!.state !== 'half-open') continue;
      const from = breaker[i]!.at;
      const to = breaker[i + 1]?.at ?? Infinity;
      const probes = rg.attempts.filter(
        (a) => a.upstream === 'primary' && a.startedAt >= from && a.startedAt < to,
      );
      expect(probes.length).toBeLessThanOrEqual(1);
    }
    // While open, nothing is sent to the primary.
    for (let i = 0; i < breaker.length; i++) {
      if (breaker[i]!.state !== 'open') continue;
      const from = breaker[i]!.at;
      const to = breaker[i + 1]?.at ?? Infinity;
      expect(
        rg.attempts.filter(
          (a) => a.upstream === 'primary' && a.startedAt > from && a.startedAt < to,
        ),
      ).toEqual([]);
    }
  });
});
