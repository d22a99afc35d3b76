import { check, checkInteger, checkPositive } from '../core/assert.js';
import type { GatewayListener, StateComponent } from '../gateway/events.js';
import type { AttemptOutcome } from '../gateway/outcome.js';
import type { GatewayRequest, RequestResult } from '../gateway/request.js';
import type { RateBound } from './rate-bound.js';
import type { InvariantName, InvariantResult } from './run-metrics.js';
import { IdSet } from './id-set.js';

export interface InvariantOptions {
  /** Number of upstreams. */
  upstreams: number;
  /** Attempts a request may make in one group, the first included (retry.maxAttempts). */
  maxAttempts: number;
  /**
   * Fallback rules of the gateway (default 0). Each may move a request to its group once, where
   * attempts count afresh, so a request may make maxAttempts × (1 + fallbacks) in all.
   */
  fallbacks?: number;
  /** Per upstream: its outgoing limit (see rateBoundOf), or null for none. */
  upstreamLimits?: readonly (RateBound | null)[];
  /** Half-open probes a breaker admits at once; checked when given. */
  halfOpenMaxCalls?: number;
  /** Violations kept with their details (default 100); all are counted. */
  maxViolations?: number;
}

export interface Violation {
  invariant: InvariantName;
  t: number;
  detail: string;
}

export const INVARIANT_NAMES: readonly InvariantName[] = [
  'one-outcome-per-request',
  'no-attempt-while-breaker-open',
  'upstream-rate-within-limit',
  'attempts-within-max',
  'no-truncated-success',
];

const CLOSED = 0;
const OPEN = 1;
const HALF_OPEN = 2;
const FORCED_OPEN = 3;

/**
 * Checks the gateway's promises while a run goes on. Its memory is bounded by what is in flight
 * (request ids), the upstream limits (one timestamp ring per limited upstream) and the capped
 * violation list.
 */
export class InvariantMonitor implements GatewayListener {
  private readonly inflight = new IdSet();
  private readonly truncated = new Set<number>();
  private readonly breaker: Uint8Array;
  /** Probes admitted in the current half-open period and still in flight, per upstream. */
  private readonly probes: Int32Array;
  private readonly epoch: Int32Array;
  /** Request id → (epoch · n + upstream) of its in-flight half-open probe. */
  private readonly probeOf = new Map<number, number>();
  private readonly rings: (Float64Array | null)[];
  private readonly heads: Int32Array;
  private readonly fills: Int32Array;
  private readonly counts = new Map<InvariantName, number>();
  private readonly first = new Map<InvariantName, string>();
  private readonly log: Violation[] = [];
  /** Attempts a request may make across the balancer's upstreams and its fallback groups. */
  private readonly maxTotal: number;

  constructor(
    private readonly opts: Required<Omit<InvariantOptions, 'halfOpenMaxCalls'>> & {
      halfOpenMaxCalls: number;
    },
  ) {
    const n = opts.upstreams;
    this.maxTotal = opts.maxAttempts * (1 + opts.fallbacks);
    this.breaker = new Uint8Array(n);
    this.probes = new Int32Array(n);
    this.epoch = new Int32Array(n);
    this.rings = Array.from({ length: n }, (_, u) => {
      const b = opts.upstreamLimits[u];
      return b == null ? null : new Float64Array(b.limit);
    });
    this.heads = new Int32Array(n);
    this.fills = new Int32Array(n);
  }

  onRequestStart(req: GatewayRequest, now: number): void {
    if (!this.inflight.add(req.id)) {
      this.violate('one-outcome-per-request', now, `request ${req.id} started twice`);
    }
  }

  onAttemptStart(req: GatewayRequest, upstream: number, attempt: number, now: number): void {
    if (attempt > this.opts.maxAttempts) {
      this.violate(
        'attempts-within-max',
        now,
        `request ${req.id} made attempt ${attempt} (max ${this.opts.maxAttempts})`,
      );
    }
    const state = this.breaker[upstream];
    if (state === OPEN || state === FORCED_OPEN) {
      this.violate(
        'no-attempt-while-breaker-open',
        now,
        `request ${req.id} attempt ${attempt} to upstream ${upstream} while its breaker is ${state === OPEN ? 'open' : 'forced-open'}`,
      );
    } else if (state === HALF_OPEN) {
      const inflight = ++this.probes[upstream]!;
      this.probeOf.set(req.id, this.epoch[upstream]! * this.opts.upstreams + upstream);
      if (inflight > this.opts.halfOpenMaxCalls) {
        this.violate(
          'no-attempt-while-breaker-open',
          now,
          `request ${req.id} attempt ${attempt} to upstream ${upstream}: half-open probe ${inflight} of ${this.opts.halfOpenMaxCalls}`,
        );
      }
    }
    const ring = this.rings[upstream];
    if (ring != null) this.checkRate(ring, upstream, now);
  }

  private checkRate(ring: Float64Array, u: number, now: number): void {
    const limit = ring.length;
    const head = this.heads[u]!;
    // The ring holds the last `limit` start times; head is the oldest once it is full.
    if (this.fills[u] === limit) {
      const windowMs = this.opts.upstreamLimits[u]!.windowMs;
      if (now - ring[head]! < windowMs) {
        this.violate(
          'upstream-rate-within-limit',
          now,
          `upstream ${u}: ${limit + 1} attempts within ${windowMs} ms (limit ${limit})`,
        );
      }
    } else this.fills[u]!++;
    ring[head] = now;
    this.heads[u] = head + 1 === limit ? 0 : head + 1;
  }

  onAttemptEnd(
    req: GatewayRequest,
    _upstream: number,
    _attempt: number,
    outcome: AttemptOutcome,
    _latencyMs: number,
    _now: number,
  ): void {
    if (outcome.kind === 'truncated') this.truncated.add(req.id);
    if (this.probeOf.size > 0) {
      const p = this.probeOf.get(req.id);
      if (p !== undefined) {
        this.probeOf.delete(req.id);
        const n = this.opts.upstreams;
        const u = p % n;
        if ((p - u) / n === this.epoch[u]) this.probes[u]!--;
      }
    }
  }

  onRequestEnd(result: RequestResult, now: number): void {
    const id = result.request.id;
    if (!this.inflight.delete(id)) {
      this.violate('one-outcome-per-request', now, `request ${id} ended without being in flight`);
    }
    if (result.attempts > this.maxTotal) {
      this.violate(
        'attempts-within-max',
        now,
        `request ${id} ended after ${result.attempts} attempts (max ${this.maxTotal})`,
      );
    }
    const wasTruncated = this.truncated.size > 0 && this.truncated.delete(id);
    if (result.ok && (wasTruncated || (result.outcome !== null && result.outcome.kind !== 'ok'))) {
      this.violate(
        'no-truncated-success',
        now,
        `request ${id} reported ok after ${wasTruncated ? 'a truncated stream' : `outcome ${result.outcome?.kind}`}`,
      );
    }
  }

  onStateChange(upstream: number, component: StateComponent, state: string, _now: number): void {
    if (component !== 'breaker') return;
    this.breaker[upstream] =
      state === 'open'
        ? OPEN
        : state === 'half-open'
          ? HALF_OPEN
          : state === 'forced-open'
            ? FORCED_OPEN
            : CLOSED;
    this.probes[upstream] = 0;
    this.epoch[upstream]!++;
  }

  /** Every request still in flight at the end violates one-outcome-per-request. */
  runEnded(now: number): void {
    for (const id of this.inflight.values()) {
      this.violate('one-outcome-per-request', now, `request ${id} never ended`);
    }
    this.inflight.clear();
  }

  private violate(invariant: InvariantName, t: number, detail: string): void {
    this.counts.set(invariant, (this.counts.get(invariant) ?? 0) + 1);
    const text = `t=${t}ms: ${detail}`;
    if (!this.first.has(invariant)) this.first.set(invariant, text);
    if (this.log.length < this.opts.maxViolations) this.log.push({ invariant, t, detail });
  }

  results(): InvariantResult[] {
    return INVARIANT_NAMES.map((name) => {
      const violations = this.counts.get(name) ?? 0;
      const first = this.first.get(name);
      return first === undefined
        ? { name, pass: true, violations }
        : { name, pass: false, violations, firstViolation: first };
    });
  }

  /** The first maxViolations violations, in the order they happened. */
  violations(): Violation[] {
    return this.log.map((v) => ({ ...v }));
  }
}

/** Validates the options and builds an InvariantMonitor. */
export function createInvariantMonitor(options: InvariantOptions): InvariantMonitor {
  checkInteger('upstreams', options.upstreams, 1);
  check(
    options.maxAttempts === Infinity ||
      (Number.isInteger(options.maxAttempts) && options.maxAttempts >= 1),
    'maxAttempts',
    options.maxAttempts,
    'must be an integer >= 1 or Infinity',
  );
  const limits = options.upstreamLimits ?? [];
  check(
    limits.length <= options.upstreams,
    'upstreamLimits',
    limits.length,
    `must have at most ${options.upstreams} entries`,
  );
  limits.forEach((b, u) => {
    if (b == null) return;
    checkInteger(`upstreamLimits[${u}].limit`, b.limit, 1);
    checkPositive(`upstreamLimits[${u}].windowMs`, b.windowMs);
  });
  const halfOpenMaxCalls = options.halfOpenMaxCalls ?? Infinity;
  check(
    halfOpenMaxCalls === Infinity || (Number.isInteger(halfOpenMaxCalls) && halfOpenMaxCalls >= 1),
    'halfOpenMaxCalls',
    halfOpenMaxCalls,
    'must be an integer >= 1',
  );
  const maxViolations = options.maxViolations ?? 100;
  checkInteger('maxViolations', maxViolations, 0);
  const fallbacks = options.fallbacks ?? 0;
  checkInteger('fallbacks', fallbacks, 0);
  return new InvariantMonitor({
    upstreams: options.upstreams,
    maxAttempts: options.maxAttempts,
    fallbacks,
    upstreamLimits: limits,
    halfOpenMaxCalls,
    maxViolations,
  });
}
