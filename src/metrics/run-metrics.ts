import type { StateComponent } from '../gateway/events.js';
import type { ErrorClass } from '../gateway/outcome.js';

/** JSON-ready measures of one run: plain objects, arrays, numbers and strings only. Times in ms. */
export interface RunMetrics {
  summary: RunSummary;
  faults: FaultMetrics[];
  series: SeriesMetrics;
  /** Per upstream name, every state change in time order. */
  states: Record<string, StateChangeRecord[]>;
  /** State changes not kept because the cap was reached (detection still sees them). */
  statesDropped: number;
  invariants: InvariantResult[];
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface RunSummary {
  /** Run start and length on the run's clock. */
  startMs: number;
  durationMs: number;
  /** Client requests started, and ended (each ends once). */
  started: number;
  requests: number;
  ok: number;
  errorRate: number;
  errorsByClass: Record<ErrorClass, number>;
  errorRateByClass: Record<ErrorClass, number>;
  goodputPerSec: number;
  throughputPerSec: number;
  latencyMs: LatencySummary;
  attempts: number;
  /** Attempts after a request's first. */
  retries: number;
  /** Attempts ÷ requests started; null when none started. */
  retryAmplification: number | null;
  budgetDenied: number;
  attemptsPerUpstream: Record<string, number>;
  ttftMs?: LatencySummary;
  interTokenMs?: LatencySummary;
  cost?: CostSummary;
}

export interface CostSummary {
  /** In the currency of the given prices (per million tokens). */
  total: number;
  promptTokens: number;
  completionTokens: number;
  perUpstream: Record<string, { promptTokens: number; completionTokens: number; cost: number }>;
}

export interface FaultMetrics {
  index: number;
  upstream: string;
  kind: string;
  start: number;
  /** null when the fault was still on when the run ended (measures then use the run's end). */
  end: number | null;
  /** Fault start → first moment the gateway marked the upstream down; null if it never did. */
  detectionMs: number | null;
  /** Fault start → success rate back (and staying) above threshold; 0 unnoticed, null never. */
  failoverMs: number | null;
  /** Fault end → upstream back to half its fair share; null if never within the run. */
  recoveryMs: number | null;
}

export interface SeriesMetrics {
  bucketMs: number;
  /** Start time of each bucket. */
  t: number[];
  started: number[];
  /** Requests that ended in the bucket. */
  requests: number[];
  ok: number[];
  errorsByClass: Record<ErrorClass, number[]>;
  /** null for a bucket in which no request ended. */
  latencyP50: (number | null)[];
  latencyP90: (number | null)[];
  latencyP99: (number | null)[];
  attempts: number[];
  retries: number[];
  budgetDenied: number[];
  /** Attempts ÷ requests started in the bucket; null when none started. */
  retryAmplification: (number | null)[];
  /** Fraction of the bucket's attempts that went to each upstream (0 when there were none). */
  sharePerUpstream: Record<string, number[]>;
  attemptsPerUpstream: Record<string, number[]>;
}

export interface StateChangeRecord {
  t: number;
  component: StateComponent;
  state: string;
}

export type InvariantName =
  | 'one-outcome-per-request'
  | 'no-attempt-while-breaker-open'
  | 'upstream-rate-within-limit'
  | 'attempts-within-max'
  | 'no-truncated-success';

export interface InvariantResult {
  name: InvariantName;
  pass: boolean;
  violations: number;
  firstViolation?: string;
}
