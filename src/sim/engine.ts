import { Rng } from '../core/rng.js';
import { VirtualScheduler } from '../core/virtual-scheduler.js';
import { createGateway } from '../gateway/gateway.js';
import type { Probe } from '../gateway/health/active-checker.js';
import type { RequestResult } from '../gateway/request.js';
import type { RunMetrics } from '../metrics/run-metrics.js';
import { measuresFor } from '../run/measures.js';
import type { Scenario } from '../scenario/schema.js';
import { toGatewayConfig } from '../scenario/scenario.js';
import { FakeUpstream } from '../../fakes/upstream.js';
import type { Plan } from '../../fakes/plan.js';
import type { FakeRequest } from '../../fakes/request.js';
import { nextArrival, rateSegments } from './arrivals.js';
import { RunListener } from './run-listener.js';
import { InFlight, SimRequest } from './sim-request.js';
import { SimTransport } from './sim-transport.js';

export interface SimOptions {
  /** Overrides the scenario's seed. */
  seed?: string | number | undefined;
  /** Overrides the scenario's duration (ms). */
  durationMs?: number | undefined;
  /** Called now and then with the virtual time reached, for a progress bar. */
  onProgress?: ((virtualMs: number, durationMs: number) => void) | undefined;
}

export interface SimRun {
  metrics: RunMetrics;
  seed: string;
  durationMs: number;
  /** Requests still in flight when the drain limit was reached (cancelled and counted as aborted). */
  cutOff: number;
}

/** Virtual time allowed after the load stops for requests in flight to finish. */
const DRAIN_LIMIT_MS = 120_000;

const HEAD_MODELS: FakeRequest = {
  route: 'models',
  method: 'HEAD',
  target: '/v1/models',
  authorization: undefined,
  badBody: false,
  stream: false,
  includeUsage: false,
  promptTokens: 0,
  maxTokens: 0,
  key: 'health',
};

function sampleTokens(
  spec: number | { min: number; max: number } | undefined,
  fallback: number,
  rng: Rng,
): number {
  if (spec === undefined) return fallback;
  if (typeof spec === 'number') return spec;
  return spec.min + rng.int(spec.max - spec.min + 1);
}

/**
 * Runs a scenario in virtual time: a pure function of (scenario, seed). The gateway core and the
 * fakes' behaviour model are the same code the live run uses; only the transport differs.
 */
export function runSimulation(scenario: Scenario, options: SimOptions = {}): SimRun {
  const seed = String(options.seed ?? scenario.seed ?? 1);
  const durationMs = options.durationMs ?? scenario.duration;
  const rng = new Rng(seed);
  const scheduler = new VirtualScheduler();
  const gatewayConfig = toGatewayConfig(scenario);

  const faultsByUpstream = new Map<string, NonNullable<Scenario['faults']>>();
  for (const f of scenario.faults ?? []) {
    const list = faultsByUpstream.get(f.upstream) ?? [];
    list.push(f);
    faultsByUpstream.set(f.upstream, list);
  }
  const fakeRng = rng.fork('fakes');
  const fakes = scenario.upstreams.map(
    (u) => new FakeUpstream(u, scheduler, fakeRng, { faults: faultsByUpstream.get(u.name) ?? [] }),
  );

  const probe: Probe = (u, done) => {
    let answered = false;
    let timer: { cancel(): void } | null = null;
    fakes[u]!.handle(HEAD_MODELS, {
      start(plan: Plan) {
        if (plan.kind === 'refuse' || (plan.kind === 'reset' && plan.phase === 'before-headers')) {
          answered = true;
          done(false);
        } else if (plan.kind === 'respond') {
          timer = scheduler.setTimer(plan.serviceMs, () => {
            answered = true;
            done(plan.status < 400);
          });
        }
        // hang (and a reset mid-body): the checker's own timeout decides.
      },
    });
    return {
      cancel() {
        if (!answered) timer?.cancel();
      },
    };
  };

  const { recorder, monitor } = measuresFor(scenario, gatewayConfig);
  const transport = new SimTransport(
    scheduler,
    fakes,
    {
      firstToken(req, now, itlMs) {
        recorder.streamTiming(req, now - req.intendedAt);
        recorder.tokenGap(req, itlMs);
      },
      served(req, upstream, prompt, completion) {
        recorder.usage(req, upstream, prompt, completion);
      },
    },
    gatewayConfig.streaming?.idleMs ?? Infinity,
  );
  const gateway = createGateway(gatewayConfig, {
    scheduler,
    rng: rng.fork('gateway'),
    transport,
    listener: new RunListener(recorder, monitor),
    probe,
  });
  recorder.runStarted(0);

  // Fault windows for the measures, on the same clock as the fakes' own timeline.
  (scenario.faults ?? []).forEach((f, index) => {
    const u = gateway.table.indexOf(f.upstream);
    const at = f.at ?? 0;
    if (at >= durationMs) return;
    scheduler.setTimer(at, () => recorder.faultStarted(index, u, f.kind, scheduler.now()));
    if (f.for !== undefined && at + f.for < durationMs) {
      scheduler.setTimer(at + f.for, () => recorder.faultEnded(index, scheduler.now()));
    }
  });

  const load = scenario.load;
  const loadRng = rng.fork('load');
  const keyCount = load.keys ?? 1000;
  const keys = Array.from({ length: keyCount }, (_, i) => `user-${i}`);
  const streamShare = load.stream ?? 0;
  let nextId = 0;
  const inFlight = new InFlight();
  const makeRequest = (at: number): SimRequest =>
    new SimRequest(
      ++nextId,
      keys[loadRng.int(keyCount)],
      streamShare > 0 && loadRng.next() < streamShare,
      at,
      sampleTokens(load.promptTokens, 100, loadRng),
      sampleTokens(load.maxTokens, 0, loadRng),
    );
  let onClientDone: ((req: SimRequest) => void) | null = null;
  const done = (r: RequestResult): void => {
    const req = r.request as SimRequest;
    inFlight.remove(req);
    onClientDone?.(req);
  };
  const send = (req: SimRequest): void => {
    inFlight.add(req);
    const handle = gateway.dispatcher.dispatch(req, done);
    if (req.inFlight) req.handle = handle;
  };

  gateway.start();
  if ((load.arrival ?? 'poisson') === 'closed') {
    const think = load.think ?? 0;
    const client = (): void => {
      if (scheduler.now() < durationMs) send(makeRequest(scheduler.now()));
    };
    onClientDone = () => {
      if (think > 0) scheduler.setTimer(think, client);
      else client();
    };
    for (let c = 0; c < (load.clients ?? 1); c++) client();
  } else {
    const kind = load.arrival === 'constant' ? 'constant' : 'poisson';
    const segments = rateSegments(durationMs, load.rate, load.stages);
    const arrive = (): void => {
      send(makeRequest(scheduler.now()));
      schedule(scheduler.now());
    };
    const schedule = (from: number): void => {
      const t = nextArrival(segments, from, kind, loadRng);
      if (t < durationMs) scheduler.setTimer(t - scheduler.now(), arrive);
    };
    schedule(0);
  }

  const step = Math.max(1000, Math.floor(durationMs / 100));
  for (let t = step; t < durationMs; t += step) {
    scheduler.runUntil(t);
    options.onProgress?.(t, durationMs);
  }
  scheduler.runUntil(durationMs);
  const drainEnd = durationMs + DRAIN_LIMIT_MS;
  onClientDone = null;
  while (inFlight.size > 0 && scheduler.nextDue() <= drainEnd) scheduler.runNext();
  const cutOff = inFlight.size;
  inFlight.cancelAll();
  recorder.runEnded(Math.max(durationMs, scheduler.now()));
  monitor.runEnded(scheduler.now());
  gateway.dispose();
  for (const f of fakes) f.dispose();
  options.onProgress?.(durationMs, durationMs);
  return { metrics: recorder.result(monitor.results()), seed, durationMs, cutOff };
}
