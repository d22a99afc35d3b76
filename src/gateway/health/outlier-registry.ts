import { assertNever } from '../../core/assert.js';
import type { Scheduler } from '../../core/clock.js';
import { envoyOutlier } from './envoy-outlier.js';
import { nginxOutlier } from './nginx-outlier.js';
import type { OutlierConfig, OutlierDetector, OutlierListener } from './outlier-detector.js';

/** Builds the outlier detector named by `config.kind` for `n` upstreams, validating eagerly. */
export function createOutlierDetector(
  n: number,
  config: OutlierConfig,
  scheduler: Scheduler,
  listener?: OutlierListener,
): OutlierDetector {
  let d: OutlierDetector;
  switch (config.kind) {
    case 'nginx':
      d = nginxOutlier(n, config, scheduler);
      break;
    case 'envoy':
      d = envoyOutlier(n, config, scheduler);
      break;
    default:
      return assertNever(config, 'outlier detector kind');
  }
  if (listener) d.addListener(listener);
  return d;
}
