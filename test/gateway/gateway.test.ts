import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { VirtualScheduler } from '../../src/core/virtual-scheduler.js';
import type { StateComponent } from '../../src/gateway/events.js';
import { createGateway, type GatewayConfig } from '../../src/gateway/gateway.js';
import type { Probe } from '../../src/gateway/health/active-checker.js';
import type { RequestResult } from '../../src/gateway/request.js';
import { OK, scriptedTransport, type AttemptLog, type Script } from './dispatcher-harness.js';

const down = (status = 503): Script => ({
  do: 'answer',
  after: 5,
  outcome: { kind: 'http-error', status },
});
const up: Script = { do: 'answer', after: 5, outcome: OK };

function setup(
  config: Partial<GatewayConfig>,
  isDown: (u: number, now: number) => boolean,
  probe?: Probe,
) {
  const scheduler = new VirtualScheduler();
  const attempts: AttemptLog[] = [];
  const results: RequestResult[] = [];
  const states: { u: number; c: StateComponent; s: string; t: number }[] = [];
  const gw = createGateway(
    {
      upstreams: [{ name: 'a' }, { name: 'b' }],
      strategy: { name: 'round-robin' },
      ...config,
    },
    {
      scheduler,
      rng: new Rng('gw'),
      transport: scriptedTransport(
        scheduler,
        (u) => (isDown(u, scheduler.now()) ? down() : up),
        attempts,
      ),
      listener: { onStateChange: (u, c, s, t) => states.push({ u, c, s, t }) },
      probe,
    },
  );
  let id = 0;
  /** One request every `everyMs` until `untilMs`. */
  const load = (everyMs: number, untilMs: number): void => {
    const tick = (): void => {
      gw.dispatcher.dispatch({ id: ++id, key: undefined, stream: false, cost: 1 }, (r) =>
        results.push(r),
      );
      if (scheduler.now() + everyMs < untilMs) scheduler.setTimer(everyMs, tick);
    };
    tick();
  };
  return { scheduler, gw, attempts, results, states, load };
}

describe('createGateway', () => {
  it('opens the breaker of a failing upstream, probes it half-open, and closes it after recovery', () => {
    const t = setup(
      {
        breaker: {
          trip: { kind: 'consecutive-failures', threshold: 3 },
          openMs: 1000,
          successThreshold: 2,
        },
        retry: { attempts: 2, backoff: { kind: 'constant', baseMs: 1, maxMs: 1, jitter: 'none' } },
      },
      (u, now) => u === 0 && now < 3000,
    );
    t.load(10, 6000);
    t.scheduler.runAll();
    const a = t.states.filter((s) => s.u === 0 && s.c === 'breaker').map((s) => s.s);
    expect(a[0]).toBe('open');
    expect(a).toContain('half-open');
    expect(a.at(-1)).toBe('closed');
    // No attempt reached upstream a while its breaker was open.
    const opens = t.states.filter((s) => s.u === 0 && s.c === 'breaker');
    for (let i = 0; i < opens.length; i++) {
      if (opens[i]!.s !== 'open') continue;
      const from = opens[i]!.t;
      const to = opens[i + 1]?.t ?? Infinity;
      expect(t.attempts.filter((x) => x.upstream === 0 && x.start > from && x.start < to)).toEqual(
        [],
      );
    }
    // Clients barely noticed: the retry went to b.
    expect(t.results.every((r) => r.ok)).toBe(true);
    t.gw.dispose();
    expect(t.scheduler.nextDue()).toBe(Infinity);
  });

  it('marks an upstream down after `fall` failed probes and up after `rise`, moving traffic', () => {
    const probe: Probe = (u, done) => {
      const timer = t.scheduler.setTimer(1, () => done(!(u === 0 && t.scheduler.now() < 5000)));
      return { cancel: () => timer.cancel() };
    };
    const t = setup(
      { health: { active: { intervalMs: 1000, timeoutMs: 500, rise: 2, fall: 3 } } },
      () => false,
      probe,
    );
    t.gw.start();
    t.scheduler.runUntil(10_000);
    const health = t.states.filter((s) => s.u === 0 && s.c === 'health');
    expect(health.map((s) => s.s)).toEqual(['down', 'up']);
    expect(health[0]!.t).toBeGreaterThanOrEqual(3000); // three failed probes, one interval apart
    expect(health[1]!.t).toBeGreaterThan(5000);
    t.load(100, 1);
    t.gw.dispose();
    t.scheduler.runAll();
    expect(t.scheduler.nextDue()).toBe(Infinity);
  });

  it('keeps retries within the budget during an outage of every upstream', () => {
    const t = setup(
      {
        retry: { attempts: 5, backoff: { kind: 'constant', baseMs: 1, maxMs: 1, jitter: 'none' } },
        budget: { kind: 'ratio', percent: 0.1, minRetriesPerSec: 0, ttlMs: 10_000 },
      },
      () => true,
    );
    t.load(10, 10_000);
    t.scheduler.runAll();
    const requests = t.results.length;
    // Without the budget, 5 attempts per request; with it, about 1.1.
    expect(t.attempts.length / requests).toBeLessThanOrEqual(1.1 + 1e-9);
    expect(t.attempts.length).toBeGreaterThan(requests);
  });

  it('ejects an upstream on passive failures (nginx max_fails) and brings it back after fail_timeout', () => {
    const t = setup(
      { health: { passive: { kind: 'nginx', maxFails: 2, failTimeoutMs: 1000 } } },
      (u) => u === 0,
    );
    t.load(10, 500);
    t.scheduler.runAll();
    const health = t.states.filter((s) => s.u === 0 && s.c === 'health').map((s) => s.s);
    expect(health.slice(0, 2)).toEqual(['down', 'up']);
    expect(t.attempts.filter((a) => a.upstream === 0).length).toBe(2);
  });

  it('refuses an unknown strategy by name, listing the known ones', () => {
    expect(() => setup({ strategy: { name: 'fastest' } }, () => false)).toThrow(/round-robin/);
  });

  it('refuses active health checks without a probe', () => {
    expect(() => setup({ health: { active: {} } }, () => false)).toThrow(/probe/);
  });
});
