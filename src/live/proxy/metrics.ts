import type { GatewayListener, StateComponent } from '../../gateway/events.js';
import type { AttemptOutcome, AttemptOutcomeKind } from '../../gateway/outcome.js';
import type { GatewayRequest, RequestResult } from '../../gateway/request.js';

/** Latency bucket bounds in seconds: LLM calls run from milliseconds to minutes. */
export const BUCKETS_S = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
] as const;

const OUTCOMES = [
  'ok',
  'http-error',
  'timeout',
  'connect-error',
  'reset',
  'truncated',
  'aborted',
] as const satisfies readonly AttemptOutcomeKind[];
/** Fails to compile when AttemptOutcome gains a kind this page would count but never show. */
const EVERY_OUTCOME: Exclude<AttemptOutcomeKind, (typeof OUTCOMES)[number]> extends never
  ? true
  : never = true;
void EVERY_OUTCOME;
const COMPONENTS: readonly StateComponent[] = ['breaker', 'health', 'cooldown'];

/** A Prometheus histogram: per-bucket counts (not cumulative until rendered), sum and count. */
export class SecondsHistogram {
  readonly counts = new Float64Array(BUCKETS_S.length + 1);
  sum = 0;
  count = 0;

  record(ms: number): void {
    const s = ms > 0 ? ms / 1000 : 0;
    let i = 0;
    while (i < BUCKETS_S.length && s > BUCKETS_S[i]!) i++;
    this.counts[i]!++;
    this.sum += s;
    this.count++;
  }

  /** The exposition lines of `name` with `labels` ("" or `a="b",`), buckets cumulative. */
  render(name: string, labels: string, out: string[]): void {
    let cumulative = 0;
    for (let i = 0; i < BUCKETS_S.length; i++) {
      cumulative += this.counts[i]!;
      out.push(`${name}_bucket{${labels}le="${BUCKETS_S[i]}"} ${cumulative}`);
    }
    out.push(`${name}_bucket{${labels}le="+Inf"} ${this.count}`);
    const bare = labels === '' ? '' : `{${labels.slice(0, -1)}}`;
    out.push(`${name}_sum${bare} ${this.sum}`);
    out.push(`${name}_count${bare} ${this.count}`);
  }
}

/** A label value as the exposition format wants it: backslash, quote and newline escaped. */
export function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

interface PerUpstream {
  label: string;
  attempts: Map<AttemptOutcomeKind, number>;
  attemptSeconds: SecondsHistogram;
  state: Map<StateComponent, string>;
}

/** What the metrics page shows besides the counters: read when it is rendered. */
export interface MetricsGauges {
  inflight: number;
  /** Whether upstream `i` is in rotation now (the strategies' mask: backups and panic included). */
  available(i: number): boolean;
}

/**
 * The proxy's counters as a GatewayListener, rendered in Prometheus' text format (what Envoy's
 * /stats/prometheus, LiteLLM's /metrics and HAProxy's exporter give): client requests by result
 * and their latency, attempts by upstream and outcome and their latency, retries, budget denials,
 * fallbacks, and each upstream's availability and component states.
 */
export class ProxyMetrics implements GatewayListener {
  private readonly upstreams: PerUpstream[];
  private readonly requests = new Map<string, number>();
  private readonly requestSeconds = new SecondsHistogram();
  private readonly fallbacks = new Map<string, number>();
  private retries = 0;
  private budgetDenied = 0;

  constructor(names: readonly string[]) {
    this.upstreams = names.map((n) => ({
      label: labelValue(n),
      attempts: new Map(),
      attemptSeconds: new SecondsHistogram(),
      state: new Map(),
    }));
  }

  onAttemptEnd(
    _req: GatewayRequest,
    upstream: number,
    _attempt: number,
    outcome: AttemptOutcome,
    latencyMs: number,
  ): void {
    const u = this.upstreams[upstream]!;
    u.attempts.set(outcome.kind, (u.attempts.get(outcome.kind) ?? 0) + 1);
    u.attemptSeconds.record(latencyMs);
  }

  onRetryScheduled(): void {
    this.retries++;
  }

  onBudgetDenied(): void {
    this.budgetDenied++;
  }

  onFallback(_req: GatewayRequest, code: string): void {
    // Codes come from fallback rules, so the label set is bounded by the configuration.
    this.fallbacks.set(code, (this.fallbacks.get(code) ?? 0) + 1);
  }

  onRequestEnd(result: RequestResult): void {
    const key = result.ok ? 'ok' : (result.errorClass ?? 'error');
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    this.requestSeconds.record(result.endedAt - result.startedAt);
  }

  onStateChange(upstream: number, component: StateComponent, state: string): void {
    this.upstreams[upstream]!.state.set(component, state);
  }

  render(g: MetricsGauges): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string): void => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    };
    family('lbsim_gateway_requests_total', 'counter', 'Client requests ended, by result.');
    for (const [result, n] of [...this.requests].sort())
      out.push(`lbsim_gateway_requests_total{result="${labelValue(result)}"} ${n}`);
    family(
      'lbsim_gateway_request_duration_seconds',
      'histogram',
      'Client request latency, first byte in to last byte out.',
    );
    this.requestSeconds.render('lbsim_gateway_request_duration_seconds', '', out);
    family('lbsim_gateway_requests_in_flight', 'gauge', 'Client requests not answered yet.');
    out.push(`lbsim_gateway_requests_in_flight ${g.inflight}`);
    family('lbsim_gateway_retries_total', 'counter', 'Retries scheduled.');
    out.push(`lbsim_gateway_retries_total ${this.retries}`);
    family('lbsim_gateway_budget_denied_total', 'counter', 'Retries the retry budget refused.');
    out.push(`lbsim_gateway_budget_denied_total ${this.budgetDenied}`);
    family('lbsim_gateway_fallbacks_total', 'counter', 'Requests moved to a fallback group.');
    for (const [code, n] of [...this.fallbacks].sort())
      out.push(`lbsim_gateway_fallbacks_total{code="${labelValue(code)}"} ${n}`);

    family('lbsim_gateway_attempts_total', 'counter', 'Upstream attempts, by outcome.');
    for (const u of this.upstreams)
      for (const kind of OUTCOMES) {
        const n = u.attempts.get(kind);
        if (n !== undefined)
          out.push(`lbsim_gateway_attempts_total{upstream="${u.label}",outcome="${kind}"} ${n}`);
      }
    family(
      'lbsim_gateway_attempt_duration_seconds',
      'histogram',
      'Upstream attempt latency, whatever the outcome.',
    );
    for (const u of this.upstreams)
      u.attemptSeconds.render(
        'lbsim_gateway_attempt_duration_seconds',
        `upstream="${u.label}",`,
        out,
      );
    family(
      'lbsim_gateway_upstream_available',
      'gauge',
      '1 when the upstream is in rotation: picked from now (backups and panic mode included).',
    );
    this.upstreams.forEach((u, i) =>
      out.push(`lbsim_gateway_upstream_available{upstream="${u.label}"} ${g.available(i) ? 1 : 0}`),
    );
    family(
      'lbsim_gateway_upstream_state',
      'gauge',
      "The current state of each upstream's breaker, health check and Retry-After cooldown.",
    );
    for (const u of this.upstreams)
      for (const c of COMPONENTS) {
        const state = u.state.get(c);
        if (state !== undefined)
          out.push(
            `lbsim_gateway_upstream_state{upstream="${u.label}",component="${c}",state="${labelValue(state)}"} 1`,
          );
      }
    return `${out.join('\n')}\n`;
  }
}
