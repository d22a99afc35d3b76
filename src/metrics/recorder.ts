import { check, checkFraction, checkNonNegative, checkPositive } from '../core/assert.js';
import type { GatewayListener, StateComponent } from '../gateway/events.js';
import { ERROR_CLASSES, type ErrorClass } from '../gateway/outcome.js';
import type { GatewayRequest, RequestResult } from '../gateway/request.js';
import type { UpstreamTable } from '../gateway/upstream-table.js';
import { isDownState } from './down-state.js';
import { failoverTime } from './failover.js';
import { fairShare } from './fair-share.js';
import { LogHistogram } from './log-histogram.js';
import { errorRate, goodputPerSec, retryAmplification } from './rates.js';
import { recoveryTime } from './recovery.js';
import { round, roundOrNull } from './round.js';
import type {
  CostSummary,
  FaultMetrics,
  InvariantResult,
  LatencySummary,
  RunMetrics,
  SeriesMetrics,
  StateChangeRecord,
} from './run-metrics.js';

/** Prices per million tokens for one upstream. */
export interface UpstreamPrice {
  inputPerMTok: number;
  outputPerMTok: number;
}

export interface RecorderOptions {
  table: UpstreamTable;
  /** Series bucket length (default 1000 ms); a whole multiple of subBucketMs. */
  bucketMs?: number;
  /** Resolution of failover and recovery (default 100 ms). */
  subBucketMs?: number;
  /** Sliding window of the failover success rate (default 1000 ms); a multiple of subBucketMs. */
  failoverWindowMs?: number;
  /** Success rate that counts as failed over (default 0.99). */
  successThreshold?: number;
  /** Window over which a recovered upstream must hold half its fair share (default 1000 ms). */
  recoveryWindowMs?: number;
  /** Per upstream name; cost is reported when given. Upstreams left out cost nothing. */
  prices?: Readonly<Record<string, UpstreamPrice>>;
  /** State changes kept for the timeline (default 100 000). */
  maxStateChanges?: number;
}

interface FaultRecord {
  index: number;
  upstream: number;
  kind: string;
  start: number;
  end: number | null;
  detectedAt: number | null;
  /** Detection stops looking once another fault starts on the same upstream. */
  watching: boolean;
}

const COMPONENTS: readonly StateComponent[] = ['breaker', 'health', 'cooldown'];
const CLASS_COUNT = ERROR_CLASSES.length;
const CLASS_INDEX = Object.fromEntries(ERROR_CLASSES.map((c, i) => [c, i])) as Record<
  ErrorClass,
  number
>;

function grown(
  a: Float64Array<ArrayBuffer>,
  length: number,
  fillValue = 0,
): Float64Array<ArrayBuffer> {
  if (a.length >= length) return a;
  let cap = Math.max(a.length, 16);
  while (cap < length) cap *= 2;
  const b = new Float64Array(cap);
  if (fillValue !== 0) b.fill(fillValue);
  b.set(a);
  return b;
}

/**
 * Collects a run's measures from the gateway's events, in time order on one clock. Counts live in
 * typed arrays per time bucket (and per finer sub-bucket for the sliding measures), latencies in
 * HDR-layout histograms (one for the run, one reused for the current bucket): memory grows with
 * the run's length in buckets, never with its number of requests, and no event allocates.
 */
export class Recorder implements GatewayListener {
  private readonly n: number;
  private readonly names: readonly string[];
  private readonly bucketMs: number;
  private readonly subMs: number;
  private readonly subsPerBucket: number;
  private t0 = 0;
  private endAt: number | null = null;
  private lastEnd = 0;
  private touched = false;

  private sub = 0;
  private bucket = 0;
  private subEnd: number;

  // Sub-bucket counts.
  private subOk = new Float64Array(0);
  private subFail = new Float64Array(0);
  private subAtt = new Float64Array(0);
  // Bucket counts.
  private bStarted = new Float64Array(0);
  private bRetries = new Float64Array(0);
  private bDenied = new Float64Array(0);
  private bErr = new Float64Array(0);
  private bP50 = new Float64Array(0);
  private bP90 = new Float64Array(0);
  private bP99 = new Float64Array(0);

  private readonly latency = new LogHistogram();
  private readonly bucketLatency = new LogHistogram();
  private readonly ttft = new LogHistogram();
  private readonly itl = new LogHistogram();
  private latencySumMs = 0;
  private latencyMaxMs = 0;
  private ttftSumMs = 0;
  private ttftMaxMs = 0;
  private itlSumMs = 0;
  private itlMaxMs = 0;

  private started = 0;
  private ended = 0;
  private okCount = 0;
  private attempts = 0;
  private retries = 0;
  private denied = 0;
  private readonly errors = new Float64Array(CLASS_COUNT);
  private readonly attemptsPer: Float64Array;
  private readonly promptTokens: Float64Array;
  private readonly completionTokens: Float64Array;

  /** Current state per upstream per component (index u·3 + component). */
  private readonly current: string[];
  private readonly timeline: StateChangeRecord[][];
  private stateCount = 0;
  private statesDropped = 0;
  private readonly faults: FaultRecord[] = [];

  constructor(
    private readonly table: UpstreamTable,
    private readonly opts: Required<Omit<RecorderOptions, 'table' | 'prices'>> & {
      prices: Readonly<Record<string, UpstreamPrice>> | undefined;
    },
  ) {
    this.n = table.n;
    this.names = table.names;
    this.bucketMs = opts.bucketMs;
    this.subMs = opts.subBucketMs;
    this.subsPerBucket = Math.round(opts.bucketMs / opts.subBucketMs);
    this.subEnd = this.subMs;
    this.attemptsPer = new Float64Array(this.n);
    this.promptTokens = new Float64Array(this.n);
    this.completionTokens = new Float64Array(this.n);
    this.current = new Array<string>(this.n * COMPONENTS.length).fill('');
    this.timeline = this.names.map(() => []);
    this.ensure(0);
  }

  // ---- run and faults (called by the engine) ----

  /** Sets the clock time at which buckets start; call before any event. */
  runStarted(now: number): void {
    check(!this.touched, 'runStarted', now, 'must come before any event');
    this.t0 = now;
    this.subEnd = now + this.subMs;
  }

  runEnded(now: number): void {
    this.endAt = now;
  }

  faultStarted(index: number, upstream: number, kind: string, now: number): void {
    check(
      Number.isInteger(upstream) && upstream >= 0 && upstream < this.n,
      'upstream',
      upstream,
      `must be an upstream index below ${this.n}`,
    );
    check(!this.faults.some((f) => f.index === index), 'fault index', index, 'already started');
    for (const f of this.faults) if (f.upstream === upstream) f.watching = false;
    let down = false;
    for (let c = 0; c < COMPONENTS.length; c++) {
      if (isDownState(COMPONENTS[c]!, this.current[upstream * COMPONENTS.length + c]!)) down = true;
    }
    this.faults.push({
      index,
      upstream,
      kind,
      start: now,
      end: null,
      detectedAt: down ? now : null,
      watching: !down,
    });
  }

  faultEnded(index: number, now: number): void {
    const f = this.faults.find((x) => x.index === index);
    check(f !== undefined && f.end === null, 'fault index', index, 'is not an active fault');
    f!.end = now;
  }

  // ---- streaming and usage (called by the engine) ----

  streamTiming(req: GatewayRequest, ttftMs: number, gapsMs?: readonly number[]): void {
    this.ttft.record(ttftMs * 1000);
    this.ttftSumMs += ttftMs;
    if (ttftMs > this.ttftMaxMs) this.ttftMaxMs = ttftMs;
    if (gapsMs !== undefined) for (const g of gapsMs) this.tokenGap(req, g);
  }

  tokenGap(_req: GatewayRequest, gapMs: number): void {
    this.itl.record(gapMs * 1000);
    this.itlSumMs += gapMs;
    if (gapMs > this.itlMaxMs) this.itlMaxMs = gapMs;
  }

  usage(
    _req: GatewayRequest,
    upstream: number,
    promptTokens: number,
    completionTokens: number,
  ): void {
    this.promptTokens[upstream]! += promptTokens;
    this.completionTokens[upstream]! += completionTokens;
  }

  // ---- GatewayListener (the hot path) ----

  onRequestStart(_req: GatewayRequest, now: number): void {
    if (now >= this.subEnd) this.advance(now);
    this.touched = true;
    this.started++;
    this.bStarted[this.bucket]!++;
  }

  onAttemptStart(_req: GatewayRequest, upstream: number, attempt: number, now: number): void {
    if (now >= this.subEnd) this.advance(now);
    this.touched = true;
    this.attempts++;
    this.attemptsPer[upstream]!++;
    this.subAtt[this.sub * this.n + upstream]!++;
    if (attempt > 1) {
      this.retries++;
      this.bRetries[this.bucket]!++;
    }
  }

  onBudgetDenied(_req: GatewayRequest, now: number): void {
    if (now >= this.subEnd) this.advance(now);
    this.touched = true;
    this.denied++;
    this.bDenied[this.bucket]!++;
  }

  onRequestEnd(result: RequestResult, now: number): void {
    this.recordRequest(result, result.endedAt - result.startedAt, now);
  }

  /**
   * onRequestEnd with the latency given: for open-loop load the engine measures it from the
   * intended send time rather than the dispatch time.
   */
  recordRequest(result: RequestResult, latencyMs: number, now: number): void {
    if (now >= this.subEnd) this.advance(now);
    this.touched = true;
    this.ended++;
    this.lastEnd = now;
    if (result.ok) {
      this.okCount++;
      this.subOk[this.sub]!++;
    } else {
      this.subFail[this.sub]!++;
      const c = CLASS_INDEX[result.errorClass ?? 'aborted'];
      this.errors[c]!++;
      this.bErr[this.bucket * CLASS_COUNT + c]!++;
    }
    const us = latencyMs * 1000;
    this.latency.record(us);
    this.bucketLatency.record(us);
    this.latencySumMs += latencyMs;
    if (latencyMs > this.latencyMaxMs) this.latencyMaxMs = latencyMs;
  }

  onStateChange(upstream: number, component: StateComponent, state: string, now: number): void {
    this.current[upstream * COMPONENTS.length + COMPONENTS.indexOf(component)] = state;
    if (this.stateCount < this.opts.maxStateChanges) {
      this.timeline[upstream]!.push({ t: now, component, state });
      this.stateCount++;
    } else this.statesDropped++;
    if (isDownState(component, state)) {
      for (const f of this.faults) {
        if (f.upstream === upstream && f.watching) {
          f.detectedAt = now;
          f.watching = false;
        }
      }
    }
  }

  // ---- time buckets ----

  private advance(now: number): void {
    let s = Math.floor((now - this.t0) / this.subMs);
    if (this.t0 + (s + 1) * this.subMs <= now) s++;
    if (s <= this.sub) return; // time stood still or went back: keep the current sub-bucket
    const b = Math.floor(s / this.subsPerBucket);
    if (b !== this.bucket) {
      this.closeBucket();
      this.bucket = b;
    }
    this.sub = s;
    this.subEnd = this.t0 + (s + 1) * this.subMs;
    this.ensure(s);
  }

  private closeBucket(): void {
    const h = this.bucketLatency;
    if (h.total === 0) return;
    this.bP50[this.bucket] = h.valueAtPercentile(50);
    this.bP90[this.bucket] = h.valueAtPercentile(90);
    this.bP99[this.bucket] = h.valueAtPercentile(99);
    h.reset();
  }

  private ensure(sub: number): void {
    const subs = sub + 1;
    const buckets = Math.floor(sub / this.subsPerBucket) + 1;
    this.subOk = grown(this.subOk, subs);
    this.subFail = grown(this.subFail, subs);
    this.subAtt = grown(this.subAtt, subs * this.n);
    this.bStarted = grown(this.bStarted, buckets);
    this.bRetries = grown(this.bRetries, buckets);
    this.bDenied = grown(this.bDenied, buckets);
    this.bErr = grown(this.bErr, buckets * CLASS_COUNT);
    this.bP50 = grown(this.bP50, buckets, NaN);
    this.bP90 = grown(this.bP90, buckets, NaN);
    this.bP99 = grown(this.bP99, buckets, NaN);
  }

  // ---- output ----

  /** The run's measures; does not change the recorder, so it may be called at any time. */
  result(invariants: readonly InvariantResult[] = []): RunMetrics {
    const end = this.endAt ?? Math.max(this.lastEnd, this.t0);
    const subCount = Math.max(
      this.touched ? this.sub + 1 : 0,
      Math.ceil((end - this.t0) / this.subMs),
    );
    const bucketCount = Math.ceil(subCount / this.subsPerBucket);
    return {
      summary: this.summary(end),
      faults: this.faultMetrics(end, subCount),
      series: this.series(bucketCount),
      states: Object.fromEntries(
        this.names.map((name, u) => [name, this.timeline[u]!.map((r) => ({ ...r }))]),
      ),
      statesDropped: this.statesDropped,
      invariants: invariants.map((r) => ({ ...r })),
    };
  }

  private summary(end: number): RunMetrics['summary'] {
    const durationMs = end - this.t0;
    const failed = this.ended - this.okCount;
    const errorsByClass = {} as Record<ErrorClass, number>;
    const errorRateByClass = {} as Record<ErrorClass, number>;
    ERROR_CLASSES.forEach((c, i) => {
      errorsByClass[c] = this.errors[i]!;
      errorRateByClass[c] = round(errorRate(this.errors[i]!, this.ended), 6);
    });
    const s: RunMetrics['summary'] = {
      startMs: round(this.t0),
      durationMs: round(durationMs),
      started: this.started,
      requests: this.ended,
      ok: this.okCount,
      errorRate: round(errorRate(failed, this.ended), 6),
      errorsByClass,
      errorRateByClass,
      goodputPerSec: round(goodputPerSec(this.okCount, durationMs)),
      throughputPerSec: round(goodputPerSec(this.ended, durationMs)),
      latencyMs: latencySummary(this.latency, this.latencySumMs, this.latencyMaxMs),
      attempts: this.attempts,
      retries: this.retries,
      retryAmplification: roundOrNull(retryAmplification(this.attempts, this.started), 4),
      budgetDenied: this.denied,
      attemptsPerUpstream: Object.fromEntries(
        this.names.map((name, u) => [name, this.attemptsPer[u]!]),
      ),
    };
    if (this.ttft.total > 0) s.ttftMs = latencySummary(this.ttft, this.ttftSumMs, this.ttftMaxMs);
    if (this.itl.total > 0) s.interTokenMs = latencySummary(this.itl, this.itlSumMs, this.itlMaxMs);
    if (this.opts.prices !== undefined) s.cost = this.cost(this.opts.prices);
    return s;
  }

  private cost(prices: Readonly<Record<string, UpstreamPrice>>): CostSummary {
    const out: CostSummary = { total: 0, promptTokens: 0, completionTokens: 0, perUpstream: {} };
    let total = 0;
    this.names.forEach((name, u) => {
      const p = prices[name];
      const pt = this.promptTokens[u]!;
      const ct = this.completionTokens[u]!;
      const cost = p === undefined ? 0 : (pt * p.inputPerMTok + ct * p.outputPerMTok) / 1e6;
      total += cost;
      out.promptTokens += pt;
      out.completionTokens += ct;
      out.perUpstream[name] = { promptTokens: pt, completionTokens: ct, cost: round(cost, 6) };
    });
    out.total = round(total, 6);
    return out;
  }

  private faultMetrics(end: number, subCount: number): FaultMetrics[] {
    const o = this.opts;
    const succ = { ok: this.subOk, fail: this.subFail, subCount, t0: this.t0, subMs: this.subMs };
    const att = { attempts: this.subAtt, n: this.n, subCount, t0: this.t0, subMs: this.subMs };
    return [...this.faults]
      .sort((a, b) => a.index - b.index)
      .map((f) => {
        const fEnd = f.end ?? end;
        return {
          index: f.index,
          upstream: this.names[f.upstream]!,
          kind: f.kind,
          start: round(f.start),
          end: roundOrNull(f.end),
          detectionMs: f.detectedAt === null ? null : round(f.detectedAt - f.start),
          failoverMs: roundOrNull(
            failoverTime(succ, {
              start: f.start,
              end: fEnd,
              windowSubs: Math.round(o.failoverWindowMs / this.subMs),
              threshold: o.successThreshold,
            }),
          ),
          recoveryMs:
            f.end === null
              ? null
              : roundOrNull(
                  recoveryTime(att, {
                    upstream: f.upstream,
                    end: f.end,
                    fairShare: fairShare(this.table.weight, this.table.backup, f.upstream),
                    windowSubs: Math.max(Math.round(o.recoveryWindowMs / this.subMs), 1),
                  }),
                ),
        };
      });
  }

  private series(bucketCount: number): SeriesMetrics {
    const k = this.subsPerBucket;
    const n = this.n;
    const at = (a: Float64Array, i: number): number => (i < a.length ? a[i]! : 0);
    const t: number[] = [];
    const started: number[] = [];
    const requests: number[] = [];
    const ok: number[] = [];
    const attempts: number[] = [];
    const retries: number[] = [];
    const budgetDenied: number[] = [];
    const amp: (number | null)[] = [];
    const p50: (number | null)[] = [];
    const p90: (number | null)[] = [];
    const p99: (number | null)[] = [];
    const errorsByClass = Object.fromEntries(
      ERROR_CLASSES.map((c) => [c, [] as number[]]),
    ) as Record<ErrorClass, number[]>;
    const per = this.names.map(() => [] as number[]);
    const share = this.names.map(() => [] as number[]);
    const perU = new Float64Array(n);
    for (let b = 0; b < bucketCount; b++) {
      t.push(round(this.t0 + b * this.bucketMs));
      let okB = 0;
      let failB = 0;
      perU.fill(0);
      for (let s = b * k; s < (b + 1) * k; s++) {
        okB += at(this.subOk, s);
        failB += at(this.subFail, s);
        for (let u = 0; u < n; u++) perU[u]! += at(this.subAtt, s * n + u);
      }
      let attB = 0;
      for (let u = 0; u < n; u++) attB += perU[u]!;
      const st = at(this.bStarted, b);
      started.push(st);
      requests.push(okB + failB);
      ok.push(okB);
      attempts.push(attB);
      retries.push(at(this.bRetries, b));
      budgetDenied.push(at(this.bDenied, b));
      amp.push(roundOrNull(retryAmplification(attB, st), 4));
      ERROR_CLASSES.forEach((c, i) => errorsByClass[c].push(at(this.bErr, b * CLASS_COUNT + i)));
      for (let u = 0; u < n; u++) {
        per[u]!.push(perU[u]!);
        share[u]!.push(attB > 0 ? round(perU[u]! / attB, 4) : 0);
      }
      const open = b === this.bucket && this.bucketLatency.total > 0;
      const q = (arr: Float64Array, p: number): number | null => {
        const v = open ? this.bucketLatency.valueAtPercentile(p) : at(arr, b);
        return b < arr.length || open ? (Number.isNaN(v) ? null : round(v / 1000)) : null;
      };
      p50.push(q(this.bP50, 50));
      p90.push(q(this.bP90, 90));
      p99.push(q(this.bP99, 99));
    }
    return {
      bucketMs: this.bucketMs,
      t,
      started,
      requests,
      ok,
      errorsByClass,
      latencyP50: p50,
      latencyP90: p90,
      latencyP99: p99,
      attempts,
      retries,
      budgetDenied,
      retryAmplification: amp,
      sharePerUpstream: Object.fromEntries(this.names.map((name, u) => [name, share[u]!])),
      attemptsPerUpstream: Object.fromEntries(this.names.map((name, u) => [name, per[u]!])),
    };
  }
}

function latencySummary(h: LogHistogram, sumMs: number, maxMs: number): LatencySummary {
  const ms = (us: number): number => round(us / 1000);
  return {
    count: h.total,
    p50: ms(h.valueAtPercentile(50)),
    p90: ms(h.valueAtPercentile(90)),
    p99: ms(h.valueAtPercentile(99)),
    p999: ms(h.valueAtPercentile(99.9)),
    max: round(maxMs),
    mean: h.total > 0 ? round(sumMs / h.total) : 0,
  };
}

/** Validates the options and builds a Recorder. */
export function createRecorder(options: RecorderOptions): Recorder {
  const bucketMs = options.bucketMs ?? 1000;
  const subBucketMs = options.subBucketMs ?? Math.min(100, bucketMs);
  const failoverWindowMs = options.failoverWindowMs ?? 1000;
  const recoveryWindowMs = options.recoveryWindowMs ?? 1000;
  const successThreshold = options.successThreshold ?? 0.99;
  const maxStateChanges = options.maxStateChanges ?? 100_000;
  checkPositive('bucketMs', bucketMs);
  checkPositive('subBucketMs', subBucketMs);
  const multiple = (x: number): boolean =>
    Math.abs(x / subBucketMs - Math.round(x / subBucketMs)) < 1e-9;
  check(
    multiple(bucketMs),
    'bucketMs',
    bucketMs,
    `must be a whole multiple of subBucketMs (${subBucketMs})`,
  );
  checkPositive('failoverWindowMs', failoverWindowMs);
  check(
    multiple(failoverWindowMs),
    'failoverWindowMs',
    failoverWindowMs,
    `must be a whole multiple of subBucketMs (${subBucketMs})`,
  );
  checkPositive('recoveryWindowMs', recoveryWindowMs);
  checkFraction('successThreshold', successThreshold);
  checkNonNegative('maxStateChanges', maxStateChanges);
  const prices = options.prices;
  if (prices !== undefined) {
    for (const [name, p] of Object.entries(prices)) {
      check(options.table.indexOf(name) >= 0, 'prices', name, 'must name an upstream');
      checkNonNegative(`prices.${name}.inputPerMTok`, p.inputPerMTok);
      checkNonNegative(`prices.${name}.outputPerMTok`, p.outputPerMTok);
    }
  }
  return new Recorder(options.table, {
    bucketMs,
    subBucketMs,
    failoverWindowMs,
    successThreshold,
    recoveryWindowMs,
    maxStateChanges,
    prices,
  });
}
