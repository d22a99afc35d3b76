import { InputError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { VirtualScheduler } from '../core/virtual-scheduler.js';
import { createGateway } from '../gateway/gateway.js';
import { toGatewayConfig } from '../scenario/scenario.js';
import type { Variant } from './variants.js';

/**
 * Builds each variant's gateway once, as a run would, so a merged configuration the core refuses
 * (e.g. maxOpenFor below openFor) is bad input naming the variant, not a crash in a worker.
 */
export function checkVariants(file: string, variants: readonly Variant[]): void {
  const problems = [];
  for (const [i, v] of variants.entries()) {
    try {
      createGateway(toGatewayConfig(v.scenario), {
        scheduler: new VirtualScheduler(),
        rng: new Rng('check'),
        transport: { send() {} },
        listener: {},
        probe: () => ({ cancel() {} }),
      }).dispose();
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      problems.push({
        file,
        line: 1,
        col: 1,
        path: `compare.variants[${i}].balancer`,
        message: `variant "${v.name}": ${err.message}`,
      });
    }
  }
  if (problems.length > 0) throw new InputError(problems);
}
