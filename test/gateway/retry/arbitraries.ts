import fc from 'fast-check';
import { BACKOFF_KINDS, JITTER_KINDS, createBackoff } from '../../../src/gateway/retry/backoff.js';
import type { BackoffConfig } from '../../../src/gateway/retry/backoff.js';

export const backoffArb: fc.Arbitrary<BackoffConfig> = fc
  .record({
    kind: fc.constantFrom(...BACKOFF_KINDS),
    jitter: fc.constantFrom(...JITTER_KINDS),
    baseMs: fc.double({ min: 0, max: 5000, noNaN: true }),
    extra: fc.double({ min: 0, max: 60_000, noNaN: true }),
    multiplier: fc.double({ min: 1, max: 5, noNaN: true }),
  })
  .map(({ extra, ...r }) => createBackoff({ ...r, maxMs: r.baseMs + extra }));
