/**
 * The breaker's state, with the data each state carries. `trips` counts consecutive trips since
 * the breaker last closed successfully; it drives the open-duration backoff.
 */
export type BreakerState =
  | { readonly kind: 'closed' }
  | {
      readonly kind: 'open';
      readonly since: number;
      /** When the breaker moves to half-open (its timer is due). */
      readonly until: number;
      readonly trips: number;
    }
  | {
      readonly kind: 'half-open';
      /** Probes admitted in this half-open period and not yet released. */
      readonly inflight: number;
      readonly successes: number;
      readonly trips: number;
    }
  /** Operator override: nothing is admitted until `reset()` or `forceClose()`. */
  | { readonly kind: 'forced-open' }
  /** Operator override: everything is admitted and results are not recorded. */
  | { readonly kind: 'forced-closed' };

export type BreakerStateKind = BreakerState['kind'];

/** What a released call came to. `ignore` frees a half-open slot without counting either way. */
export type CallResult = 'success' | 'failure' | 'ignore';

export type BreakerListener = (from: BreakerState, to: BreakerState, now: number) => void;

export type AvailabilityListener = (available: boolean, now: number) => void;

export const CLOSED: BreakerState = Object.freeze({ kind: 'closed' });
export const FORCED_OPEN: BreakerState = Object.freeze({ kind: 'forced-open' });
export const FORCED_CLOSED: BreakerState = Object.freeze({ kind: 'forced-closed' });

/**
 * The legal transitions. `reset()` may return to closed from anywhere, and the operator may force
 * either override from anywhere; everything else follows closed → open → half-open → closed|open.
 */
export function isLegalTransition(from: BreakerStateKind, to: BreakerStateKind): boolean {
  if (from === to) return false;
  if (to === 'forced-open' || to === 'forced-closed') return true;
  switch (from) {
    case 'closed':
      return to === 'open';
    case 'open':
      return to === 'half-open' || to === 'closed';
    case 'half-open':
      return to === 'closed' || to === 'open';
    case 'forced-open':
    case 'forced-closed':
      return to === 'closed';
  }
}
