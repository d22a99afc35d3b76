export {
  ACTIVE_HEALTH_DEFAULTS,
  ActiveHealthChecker,
  createActiveHealthChecker,
  type ActiveHealthConfig,
  type HealthListener,
  type Probe,
} from './active-checker.js';
export { decayedMultiplier, ejectionMs, nextMultiplier } from './ejection-time.js';
export { ENVOY_OUTLIER_DEFAULTS, EnvoyOutlier, envoyOutlier } from './envoy-outlier.js';
export { HealthView, createHealthView, type ActiveHealth } from './health-view.js';
export { NginxOutlier, nginxOutlier } from './nginx-outlier.js';
export type {
  EnvoyOutlierConfig,
  NginxOutlierConfig,
  OutlierConfig,
  OutlierDetector,
  OutlierKind,
  OutlierListener,
} from './outlier-detector.js';
export { createOutlierDetector } from './outlier-registry.js';
