export { createRecorder, Recorder, type RecorderOptions, type UpstreamPrice } from './recorder.js';
export {
  createInvariantMonitor,
  InvariantMonitor,
  INVARIANT_NAMES,
  type InvariantOptions,
  type Violation,
} from './invariant-monitor.js';
export { rateBoundOf, type RateBound } from './rate-bound.js';
export { fanOut } from './fan-out.js';
export { LogHistogram, LOG_HISTOGRAM_MAX } from './log-histogram.js';
export { failoverTime, type FailoverQuery, type SuccessCounts } from './failover.js';
export { recoveryTime, type AttemptCounts, type RecoveryQuery } from './recovery.js';
export { fairShare } from './fair-share.js';
export { isDownState } from './down-state.js';
export { errorRate, goodputPerSec, retryAmplification } from './rates.js';
export { round, roundOrNull } from './round.js';
export type * from './run-metrics.js';
