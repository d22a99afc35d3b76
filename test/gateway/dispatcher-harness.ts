import { Rng } from '../../src/core/rng.js';
import { VirtualScheduler } from '../../src/core/virtual-scheduler.js';
import { Availability } from '../../src/gateway/availability.js';
import {
  Dispatcher,
  type AttemptCall,
  type BudgetPort,
  type BreakerPort,
  type DispatcherParts,
  type FallbackRule,
  type LimiterPort,
  type RetryRules,
  type Timeouts,
  type Transport,
} from '../../src/gateway/dispatcher.js';
import type { GatewayListener } from '../../src/gateway/events.js';
import type { AttemptOutcome } from '../../src/gateway/outcome.js';
import type { GatewayRequest, RequestResult } from '../../src/gateway/request.js';
import { RoundRobin } from '../../src/gateway/strategy/round-robin.js';
import { UpstreamTable, type UpstreamSpec } from '../../src/gateway/upstream-table.js';

/** What a scripted upstream does with one attempt. */
export type Script =
  | { do: 'answer'; after: number; outcome: AttemptOutcome }
  | { do: 'stream'; ttft: number; gaps: number[]; end: AttemptOutcome }
  | { do: 'hang' };

export const OK: AttemptOutcome = { kind: 'ok', status: 200 };

export interface AttemptLog {
  upstream: number;
  attempt: number;
  request: number;
  start: number;
  end: number;
  outcome: AttemptOutcome | null;
  aborted: boolean;
}

export const DEFAULT_RETRY: RetryRules = {
  maxAttempts: 3,
  shouldRetry: (o) =>
    o.kind === 'timeout' ||
    o.kind === 'reset' ||
    o.kind === 'connect-error' ||
    (o.kind === 'http-error' && (o.status >= 500 || o.status === 429 || o.status === 408)),
  backoff: () => 100,
  honourRetryAfter: true,
  retryAfterMaxMs: 30_000,
};

export const NO_TIMEOUTS: Timeouts = {
  perTryMs: Infinity,
  firstTokenMs: Infinity,
  idleMs: Infinity,
  totalMs: Infinity,
};

export interface HarnessOptions {
  upstreams?: UpstreamSpec[];
  retry?: Partial<RetryRules>;
  timeouts?: Partial<Timeouts>;
  breakers?: (BreakerPort | null)[];
  upstreamLimiters?: (LimiterPort | null)[];
  budget?: BudgetPort | null;
  limiter?: LimiterPort | null;
  panicThreshold?: number;
  /** Decides each attempt; defaults to an immediate 200. */
  script?: (upstream: number, attempt: number, request: number) => Script;
  listener?: GatewayListener;
  fallbacks?: FallbackRule[];
}

/** A transport that plays scripts on the scheduler and logs every attempt. */
export function scriptedTransport(
  scheduler: VirtualScheduler,
  script: (upstream: number, attempt: number, request: number) => Script,
  attempts: AttemptLog[],
): Transport {
  return {
    send(call: AttemptCall) {
      const log: AttemptLog = {
        upstream: call.upstream,
        attempt: call.attempt,
        request: call.request.id,
        start: scheduler.now(),
        end: -1,
        outcome: null,
        aborted: false,
      };
      attempts.push(log);
      const timers: { cancel(): void }[] = [];
      const end = (o: AttemptOutcome): void => {
        log.end = scheduler.now();
        log.outcome = o;
        call.end(o);
      };
      call.abort = () => {
        log.aborted = true;
        log.end = scheduler.now();
        timers.forEach((t) => t.cancel());
      };
      const s = script(call.upstream, call.attempt, call.request.id);
      switch (s.do) {
        case 'answer':
          timers.push(scheduler.setTimer(s.after, () => end(s.outcome)));
          break;
        case 'stream': {
          let t = s.ttft;
          timers.push(
            scheduler.setTimer(t, () => {
              call.progress();
              call.commit();
            }),
          );
          for (const g of s.gaps) {
            t += g;
            timers.push(scheduler.setTimer(t, () => call.progress()));
          }
          timers.push(scheduler.setTimer(t, () => end(s.end)));
          break;
        }
        case 'hang':
          break;
      }
    },
  };
}

/** A dispatcher on a virtual clock with a transport that plays scripts and logs every attempt. */
export function harness(opts: HarnessOptions = {}) {
  const scheduler = new VirtualScheduler();
  const table = new UpstreamTable(opts.upstreams ?? [{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
  const availability = new Availability(table, opts.panicThreshold ?? 0);
  const attempts: AttemptLog[] = [];
  const results: RequestResult[] = [];
  const script = opts.script ?? (() => ({ do: 'answer', after: 10, outcome: OK }) as Script);
  const parts: DispatcherParts = {
    table,
    availability,
    strategy: new RoundRobin(table.n),
    scheduler,
    retry: { ...DEFAULT_RETRY, ...opts.retry },
    timeouts: { ...NO_TIMEOUTS, ...opts.timeouts },
    breakers: opts.breakers ?? table.names.map(() => null),
    upstreamLimiters: opts.upstreamLimiters ?? table.names.map(() => null),
    outlier: null,
    budget: opts.budget ?? null,
    limiter: opts.limiter ?? null,
    limiterQueue: null,
    listener: opts.listener ?? {},
    transport: scriptedTransport(scheduler, script, attempts),
    fallbacks: opts.fallbacks ?? null,
  };
  const dispatcher = new Dispatcher(parts);
  let nextId = 1;
  function send(req: Partial<GatewayRequest> = {}) {
    const request: GatewayRequest = {
      id: nextId++,
      key: undefined,
      stream: false,
      cost: 1,
      ...req,
    };
    return dispatcher.dispatch(request, (r) => results.push(r));
  }
  return {
    scheduler,
    table,
    availability,
    dispatcher,
    attempts,
    results,
    send,
    parts,
    rng: new Rng('t'),
  };
}
