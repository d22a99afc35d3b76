/** (upstream, ejected, now): the detector ejected `upstream` or returned it to service. */
export type OutlierListener = (i: number, ejected: boolean, now: number) => void;

/**
 * Passive health: watches real call results and ejects upstreams that fail. Un-ejection happens
 * on a Scheduler timer and is announced to the listeners like an ejection.
 */
export interface OutlierDetector {
  /** One finished call to upstream `i`: `failure` as judged by isUpstreamFailure. */
  record(i: number, failure: boolean): void;
  isEjected(i: number): boolean;
  addListener(listener: OutlierListener): void;
  /** Cancels every timer; ejected upstreams stay ejected. */
  dispose(): void;
}

/**
 * nginx `server ... max_fails=1 fail_timeout=10s`. See NginxOutlier for the exact rules.
 */
export interface NginxOutlierConfig {
  kind: 'nginx';
  /** Failures that make the upstream unavailable; 0 disables the check. Default 1 (nginx). */
  maxFails?: number;
  /** Both the failure window and how long the upstream stays unavailable (ms). Default 10 000. */
  failTimeoutMs?: number;
}

/** Envoy `outlier_detection` with `consecutive_5xx`. See EnvoyOutlier for the exact rules. */
export interface EnvoyOutlierConfig {
  kind: 'envoy';
  /** Consecutive failures that eject. Default 5 (Envoy `consecutive_5xx`). */
  consecutiveFailures?: number;
  /** Ejection time = base × times ejected (ms). Default 30 000 (Envoy `base_ejection_time`). */
  baseEjectionMs?: number;
  /** Cap on the ejection time (ms). Default 300 000 (Envoy `max_ejection_time`). */
  maxEjectionMs?: number;
  /**
   * Ejection is refused when it would leave more than this percentage (0–100) of upstreams
   * ejected. Default 10 (Envoy) — which, as in Envoy since 1.27, ejects nothing among fewer than
   * 10 upstreams unless `alwaysEjectOne` is set.
   */
  maxEjectionPercent?: number;
  /** Allow one ejection whatever maxEjectionPercent says. Default false (Envoy `always_eject_one_host`). */
  alwaysEjectOne?: boolean;
  /** The times-ejected multiplier drops by one per full interval spent healthy (ms). Default 10 000 (Envoy `interval`). */
  intervalMs?: number;
}

export type OutlierConfig = NginxOutlierConfig | EnvoyOutlierConfig;

export type OutlierKind = OutlierConfig['kind'];
