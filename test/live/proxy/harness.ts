import { afterEach, beforeEach, expect } from 'vitest';
import type { FaultSpec } from '../../../fakes/config.js';
import { zUpstream } from '../../../fakes/config.js';
import { startFakeServer, type FakeServer } from '../../../fakes/server.js';
import type { GatewayListener } from '../../../src/gateway/events.js';
import type { GatewayConfig } from '../../../src/gateway/gateway.js';
import type { AttemptOutcome } from '../../../src/gateway/outcome.js';
import { createProxy, type Proxy, type ProxyOptions } from '../../../src/live/proxy/proxy.js';

export interface FakeSpec {
  name: string;
  /** The fake's own config (latency, stream, keys, contextWindow, ...). */
  config?: Record<string, unknown>;
  faults?: FaultSpec[];
  /** Gateway side. */
  backup?: boolean;
  model?: string;
  apiKey?: string;
}

/** What an upstream saw, in the order it saw it, with the test's clock. */
export interface Seen {
  at: number;
  attempt: number;
  outcome: string;
}

/** What the gateway did, from its listener. */
export interface Attempt {
  upstream: string;
  startedAt: number;
  endedAt: number;
  outcome: AttemptOutcome | null;
}

export interface Rig {
  proxy: Proxy;
  url: string;
  fakes: Record<string, FakeServer>;
  seen: Record<string, Seen[]>;
  attempts: Attempt[];
  states: { upstream: string; component: string; state: string; at: number }[];
  close(): Promise<void>;
}

const now = (): number => performance.now();

/** Quick defaults so failures show within a test's time: short backoff and timeouts. */
export const BASE: Omit<GatewayConfig, 'upstreams'> = {
  strategy: { name: 'round-robin' },
  retry: {
    attempts: 3,
    backoff: { kind: 'constant', baseMs: 10, maxMs: 10, jitter: 'none' },
    perTryTimeoutMs: 3000,
    totalTimeoutMs: 8000,
  },
};

export async function rig(
  specs: FakeSpec[],
  gateway: Partial<GatewayConfig> = {},
  extra: Partial<ProxyOptions> = {},
): Promise<Rig> {
  const fakes: Record<string, FakeServer> = {};
  const seen: Record<string, Seen[]> = {};
  const attempts: Attempt[] = [];
  const states: Rig['states'] = [];
  try {
    for (const s of specs) {
      const log: Seen[] = (seen[s.name] = []);
      fakes[s.name] = await startFakeServer(
        zUpstream.parse({ name: s.name, latency: '2ms', ...s.config }),
        {
          faults: s.faults ?? [],
          onDecision: (d) => {
            if (d.route === 'chat') log.push({ at: now(), attempt: d.attempt, outcome: d.outcome });
          },
        },
      );
    }
    const names = specs.map((s) => s.name);
    const open = new Map<string, Attempt>();
    const listener: GatewayListener = {
      onAttemptStart: (req, u, attempt) => {
        const a: Attempt = { upstream: names[u]!, startedAt: now(), endedAt: -1, outcome: null };
        attempts.push(a);
        open.set(`${req.id}:${attempt}`, a);
      },
      onAttemptEnd: (req, _u, attempt, outcome) => {
        const a = open.get(`${req.id}:${attempt}`);
        open.delete(`${req.id}:${attempt}`);
        if (a !== undefined) {
          a.endedAt = now();
          a.outcome = outcome;
        }
      },
      onStateChange: (u, component, state) =>
        states.push({ upstream: names[u]!, component, state, at: now() }),
    };
    const proxy = await createProxy({
      gateway: {
        ...BASE,
        ...gateway,
        upstreams: specs.map((s) => ({ name: s.name, ...(s.backup ? { backup: true } : {}) })),
      },
      upstreams: specs.map((s) => ({
        name: s.name,
        url: fakes[s.name]!.url,
        apiKey: s.apiKey,
        model: s.model,
      })),
      listener,
      ...extra,
    });
    return {
      proxy,
      url: proxy.url,
      fakes,
      seen,
      attempts,
      states,
      close: async () => {
        await proxy.close();
        await Promise.all(Object.values(fakes).map((f) => f.close()));
      },
    };
  } catch (err) {
    await Promise.all(Object.values(fakes).map((f) => f.close()));
    throw err;
  }
}

export const CHAT = {
  model: 'gpt-test',
  messages: [{ role: 'user' as const, content: 'hello there' }],
};

export function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client', ...headers },
    body: JSON.stringify(body),
    signal,
  });
}

/** Reads a body to its end or its error: the text that arrived, and how it ended. */
export async function readAll(res: Response): Promise<{ text: string; error: string | null }> {
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, error: null };
      text += dec.decode(value, { stream: true });
    }
  } catch (err) {
    return { text, error: String((err as Error).message ?? err) };
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Open handles by type, the sockets, servers and timers a test could leave behind. */
export function handles(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

const WATCHED = ['TCPSocketWrap', 'TCPServerWrap', 'Timeout'];

/**
 * Asserts that sockets, servers and timers are no more than at `baseline`. Closed sockets leave
 * the list on a later turn of the loop, so it looks a few times before failing.
 */
export async function expectNoLeaks(baseline: Record<string, number>): Promise<void> {
  const excess = (): Record<string, number> => {
    const h = handles();
    const out: Record<string, number> = {};
    for (const k of WATCHED) {
      const extra = (h[k] ?? 0) - (baseline[k] ?? 0);
      if (extra > 0) out[k] = extra;
    }
    return out;
  };
  let left = excess();
  for (let i = 0; i < 50 && Object.keys(left).length > 0; i++) {
    await sleep(20);
    left = excess();
  }
  expect(left).toEqual({});
}

/**
 * For a test file: the rig each test starts (through the returned function) is closed after it,
 * and the test must leave no socket, server or timer behind.
 */
export function rigPerTest(): typeof rig {
  let current: Rig | null = null;
  let baseline: Record<string, number> = {};
  beforeEach(() => {
    baseline = handles();
  });
  afterEach(async () => {
    await current?.close();
    current = null;
    await expectNoLeaks(baseline);
  });
  return async (...args) => (current = await rig(...args));
}
