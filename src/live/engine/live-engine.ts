import type { Timer } from '../../core/clock.js';
import { RealScheduler, realClock } from '../../core/real-scheduler.js';
import { Rng } from '../../core/rng.js';
import type { RunMetrics } from '../../metrics/run-metrics.js';
import type { Scenario } from '../../scenario/schema.js';
import { toGatewayConfig } from '../../scenario/scenario.js';
import { createProxy, type Proxy } from '../proxy/proxy.js';
import { startLoad, type LoadDriver } from '../load/load-driver.js';
import type { GeneratorStats, LoadSpec } from '../load/types.js';
import type { FakeServer } from '../../../fakes/server.js';
import { ClientEvents } from './client-events.js';
import { FaultWindows } from './fault-windows.js';
import { startFakes } from './fakes.js';
import { gatewayListener } from './gateway-listener.js';
import { measuresFor } from '../../run/measures.js';
import { checkLoopback } from './target.js';

export interface LiveOptions {
  seed?: string | number | undefined;
  durationMs?: number | undefined;
  /** Lets `target.url` be a non-loopback address. */
  allowRemote?: boolean | undefined;
  /** After the duration, requests in flight get this long (default: the gateway's total timeout, at most 10 s). */
  graceMs?: number | undefined;
  /** Open loop: requests in flight at most before sends are dropped (default 1000). */
  maxInflight?: number | undefined;
  /** Open loop: a send later than this behind schedule is late (default 5 ms). */
  lateToleranceMs?: number | undefined;
  /** Aborting stops the load at once, closes everything and returns what was measured. */
  signal?: AbortSignal | undefined;
  onProgress?: ((elapsedMs: number, durationMs: number) => void) | undefined;
}

export interface LiveRun {
  metrics: RunMetrics;
  seed: string;
  durationMs: number;
  /** How the load generator kept up; null when it never started. */
  generator: GeneratorStats | null;
  /** The run was stopped before its end (the result is partial). */
  interrupted: boolean;
  /** Where the load went: the lbsim proxy, or the scenario's target. */
  target: 'proxy' | 'external';
}

/** Time from start() to load time 0, so the worker's first sends are not late. */
const START_LEAD_MS = 30;
/** Beyond duration + grace, the worker is killed whatever it is doing. */
const HARD_STOP_SLACK_MS = 5_000;
const PROGRESS_MS = 250;

/**
 * Runs a scenario for real on 127.0.0.1: the fakes, the reference gateway as an HTTP proxy in
 * front of them (or the scenario's `target` gateway), faults on the real clock, load from a
 * worker thread. Bounded by the duration plus a grace period; closes everything it opened,
 * also when aborted or when something fails.
 */
export async function runLive(scenario: Scenario, options: LiveOptions = {}): Promise<LiveRun> {
  const target = scenario.target;
  if (target !== undefined) checkLoopback(target.url, options.allowRemote === true);
  const seed = String(options.seed ?? scenario.seed ?? 1);
  const durationMs = options.durationMs ?? scenario.duration;
  const rng = new Rng(seed);
  const gatewayConfig = toGatewayConfig(scenario);
  const { table, recorder, monitor } = measuresFor(scenario, gatewayConfig);
  const scheduler = new RealScheduler();
  const origin = { t0: realClock.now() };
  const runNow = (): number => realClock.now() - origin.t0;
  const totalMs = scenario.balancer?.timeouts?.total ?? 120_000;
  const graceMs = options.graceMs ?? Math.min(10_000, totalMs);
  const signal = options.signal;

  let servers: FakeServer[] = [];
  let proxy: Proxy | null = null;
  let driver: LoadDriver | null = null;
  let windows: FaultWindows | null = null;
  const timers: Timer[] = [];
  let generator: GeneratorStats | null = null;
  let interrupted = false;
  let started = false;
  try {
    // With an external gateway nothing of ours sees attempts but the fakes.
    const attemptReq = { id: 0, key: undefined, stream: false, cost: 1 };
    servers = await startFakes(scenario, rng.fork('fakes'), {
      fixedPorts: target !== undefined,
      ...(target !== undefined
        ? {
            onDecision: (u, d) => {
              if (started && d.route === 'chat')
                recorder.onAttemptStart(attemptReq, u, Math.max(1, d.attempt), runNow());
            },
          }
        : {}),
    });
    let url: string;
    const headers: Record<string, string> = {};
    if (target === undefined) {
      const active = scenario.balancer?.health?.active;
      proxy = await createProxy({
        gateway: gatewayConfig,
        upstreams: scenario.upstreams.map((u, i) => ({
          name: u.name,
          url: servers[i]!.url,
          apiKey: u.keys?.[0],
        })),
        seed,
        listener: gatewayListener(recorder, monitor, origin),
        ...(active?.path !== undefined || active?.method !== undefined
          ? { probe: { method: active.method ?? 'HEAD', path: active.path ?? '/v1/models' } }
          : {}),
      });
      url = proxy.url;
    } else {
      url = target.url;
      const key = target.apiKeyEnv === undefined ? undefined : process.env[target.apiKeyEnv];
      if (key !== undefined && key !== '') headers.authorization = `Bearer ${key}`;
    }
    const client = new ClientEvents(recorder, table, target === undefined ? null : monitor);
    driver = startLoad(
      loadSpecFor(scenario, url, headers, seed, durationMs, graceMs, options),
      client.take,
    );
    const aborted = abortPromise(signal);
    // A worker that fails to load rejects `done` before it is ever ready.
    await Promise.race([driver.ready, aborted.promise, driver.done.then(() => {})]);
    if (signal?.aborted !== true) {
      origin.t0 = realClock.now() + START_LEAD_MS;
      recorder.runStarted(0);
      started = true;
      driver.start(origin.t0);
      windows = new FaultWindows(scenario.faults ?? [], servers, recorder, runNow, durationMs);
      windows.start(origin.t0 - realClock.now());
      const onProgress = options.onProgress;
      if (onProgress !== undefined) {
        const tick = (): void => {
          onProgress(Math.min(durationMs, Math.max(0, runNow())), durationMs);
          timers.push(scheduler.setTimer(PROGRESS_MS, tick));
        };
        tick();
      }
      const d = driver;
      aborted.promise.then(
        () => d.stop(0),
        () => {},
      );
      timers.push(
        scheduler.setTimer(START_LEAD_MS + durationMs + graceMs + HARD_STOP_SLACK_MS, () => {
          void d.terminate();
        }),
      );
      generator = await driver.done.catch(() => null);
    }
    interrupted = signal?.aborted === true;
    aborted.dispose();
    const end = !started
      ? 0
      : interrupted
        ? Math.max(0, runNow(), client.last)
        : Math.max(durationMs, client.last);
    if (started) recorder.runEnded(end);
    windows?.stop();
    await proxy?.close();
    proxy = null;
    monitor.runEnded(end);
    return {
      metrics: recorder.result(monitor.results()),
      seed,
      durationMs,
      generator,
      interrupted,
      target: target === undefined ? 'proxy' : 'external',
    };
  } finally {
    for (const t of timers) t.cancel();
    windows?.stop();
    await driver?.terminate();
    await proxy?.close();
    await Promise.all(servers.map((s) => s.close()));
  }
}

function abortPromise(signal: AbortSignal | undefined): {
  promise: Promise<void>;
  dispose(): void;
} {
  if (signal === undefined) return { promise: new Promise<void>(() => {}), dispose() {} };
  let onAbort = (): void => {};
  const promise = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}

function loadSpecFor(
  scenario: Scenario,
  url: string,
  headers: Record<string, string>,
  seed: string,
  durationMs: number,
  graceMs: number,
  options: LiveOptions,
): LoadSpec {
  const load = scenario.load;
  const strategy = scenario.balancer?.strategy;
  const name = typeof strategy === 'string' ? strategy : strategy?.name;
  const arrival = load.arrival ?? 'poisson';
  return {
    url,
    headers,
    seed,
    durationMs,
    graceMs,
    loop:
      arrival === 'closed'
        ? { kind: 'closed', clients: load.clients ?? 1, thinkMs: load.think ?? 0 }
        : {
            kind: 'open',
            arrival,
            rate: load.rate,
            stages: load.stages,
            lateToleranceMs: options.lateToleranceMs ?? 5,
          },
    mix: {
      stream: load.stream ?? 0,
      promptTokens: load.promptTokens,
      maxTokens: load.maxTokens,
      keys: load.keys ?? 1000,
      userKeyHeader: name === 'consistent-hash',
    },
    maxInflight: arrival === 'closed' ? (load.clients ?? 1) : (options.maxInflight ?? 1000),
    timeoutMs: (scenario.balancer?.timeouts?.total ?? 120_000) + 1_000,
  };
}
