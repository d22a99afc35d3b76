import { assertNever } from '../../src/core/assert.js';
import type { Rng } from '../../src/core/rng.js';
import type { FaultSpec } from '../config.js';
import type { Behaviour } from './behaviour.js';
import { Chance } from './behaviour.js';
import { Brownout } from './brownout.js';
import { Down } from './down.js';
import { ErrorInjection } from './error.js';
import { FailFirst } from './fail-first.js';
import { FailN } from './fail-n.js';
import { Flap } from './flap.js';
import { Hang } from './hang.js';
import { ResetBeforeHeaders, ResetMidBody } from './reset.js';
import { SlowDrain } from './slow-drain.js';
import { SlowFirstToken } from './slow-first-token.js';
import { cutAfter, malformedAt, noDone, stallAfter } from './stream-end.js';

/** Default silence of a stall before the connection closes. */
export const DEFAULT_STALL_MS = 30_000;

/** The behaviour a fault describes, wrapped in `Chance` when it has a probability below 1. */
export function behaviourOf(spec: FaultSpec, rng: Rng): Behaviour {
  const b = bare(spec);
  const p = 'probability' in spec ? spec.probability : undefined;
  return p === undefined || p >= 1 ? b : new Chance(p, b, rng);
}

function bare(spec: FaultSpec): Behaviour {
  switch (spec.kind) {
    case 'down':
      return new Down();
    case 'hang':
      return new Hang();
    case 'reset':
      return spec.phase === 'mid-body'
        ? new ResetMidBody()
        : new ResetBeforeHeaders(spec.after ?? 0);
    case 'error':
      return new ErrorInjection(spec.status, spec.code, spec.message, spec.retryAfter);
    case 'fail-first':
      return new FailFirst(spec.attempts, spec.status, spec.retryAfter);
    case 'fail-n':
      return new FailN(spec.requests, spec.status, spec.retryAfter);
    case 'brownout':
      return new Brownout(spec.factor);
    case 'slow-first-token':
      return new SlowFirstToken(spec.delay);
    case 'cut':
      return cutAfter(spec.after);
    case 'stall':
      return stallAfter(spec.after, spec.close ?? DEFAULT_STALL_MS);
    case 'malformed':
      return malformedAt(spec.chunk);
    case 'no-done':
      return noDone();
    case 'flap':
      return new Flap(spec.up, spec.down);
    case 'slow-drain':
      return new SlowDrain(spec.over, spec.to ?? 0);
    default:
      return assertNever(spec, 'fault kind');
  }
}
