import { checkFraction } from '../core/assert.js';
import type { UpstreamTable } from './upstream-table.js';

/** Why an upstream is out of rotation; each reason is kept apart so they can overlap. */
export type Exclusion = 'health' | 'breaker' | 'cooldown';

/**
 * Turns the per-upstream verdicts of health checks, breakers and rate-limit cooldowns into the
 * mask strategies pick from, applying backups (nginx `backup`) and the panic threshold (Envoy).
 *
 * - Available primaries are used while there are any and their share of all primaries is at
 *   least `panicThreshold` (0 = off).
 * - Otherwise available backups join the available primaries (with the threshold off, that is
 *   exactly nginx's rule: backups only while no primary is available).
 * - With no backup available either and the threshold on, the gateway panics as Envoy does:
 *   traffic spreads over every primary, ignoring health checks and outlier ejection — but never
 *   past an open breaker or a Retry-After cooldown, explicit signals not to call the upstream.
 * - Otherwise the mask is empty and requests fail with `no-upstream`.
 *
 * The mask is recomputed on each change (rare), never on a pick (hot).
 */
export class Availability {
  /** What strategies pick from: 1 = eligible now. */
  readonly mask: Uint8Array;
  /** Whether the current mask is a panic mask. */
  panic = false;
  /** Bumped on every recompute, for caches keyed by the mask. */
  version = 0;
  private readonly unhealthy: Uint8Array;
  private readonly breakerOut: Uint8Array;
  private readonly cooling: Uint8Array;

  constructor(
    private readonly table: UpstreamTable,
    private readonly panicThreshold = 0,
  ) {
    checkFraction('panicThreshold', panicThreshold);
    const n = table.n;
    this.mask = new Uint8Array(n);
    this.unhealthy = new Uint8Array(n);
    this.breakerOut = new Uint8Array(n);
    this.cooling = new Uint8Array(n);
    this.recompute();
  }

  set(i: number, reason: Exclusion, excluded: boolean): void {
    const arr =
      reason === 'health' ? this.unhealthy : reason === 'breaker' ? this.breakerOut : this.cooling;
    const v = excluded ? 1 : 0;
    if (arr[i] === v) return;
    arr[i] = v;
    this.recompute();
  }

  isExcluded(i: number, reason: Exclusion): boolean {
    const arr =
      reason === 'health' ? this.unhealthy : reason === 'breaker' ? this.breakerOut : this.cooling;
    return arr[i] === 1;
  }

  /** Available ignoring the panic rule: healthy, breaker admits, not cooling down. */
  isAvailable(i: number): boolean {
    return this.unhealthy[i] === 0 && this.breakerOut[i] === 0 && this.cooling[i] === 0;
  }

  /** Count of upstreams in the current mask. */
  eligibleCount(): number {
    let c = 0;
    for (let i = 0; i < this.mask.length; i++) c += this.mask[i]!;
    return c;
  }

  private recompute(): void {
    const { n, backup } = this.table;
    const mask = this.mask;
    let primaries = 0;
    let availablePrimaries = 0;
    let availableBackups = 0;
    for (let i = 0; i < n; i++) {
      const ok = this.isAvailable(i);
      if (backup[i] === 1) {
        if (ok) availableBackups++;
      } else {
        primaries++;
        if (ok) availablePrimaries++;
      }
    }
    const share = primaries === 0 ? 0 : availablePrimaries / primaries;
    const enough = availablePrimaries > 0 && share >= this.panicThreshold;
    const spill = !enough && availableBackups > 0;
    const panicking = !enough && !spill && this.panicThreshold > 0 && primaries > 0;
    for (let i = 0; i < n; i++) {
      const isBackup = backup[i] === 1;
      let eligible: boolean;
      if (panicking) eligible = !isBackup && this.breakerOut[i] === 0 && this.cooling[i] === 0;
      else if (spill) eligible = this.isAvailable(i);
      else eligible = !isBackup && this.isAvailable(i);
      mask[i] = eligible ? 1 : 0;
    }
    this.panic = panicking;
    this.version++;
  }
}
