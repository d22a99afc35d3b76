import { check, checkNonNegative } from '../core/assert.js';

export interface UpstreamSpec {
  name: string;
  /** Relative share of traffic; 0 takes the upstream out of weighted picks. Default 1. */
  weight?: number;
  /** Used only while no primary upstream is available (nginx `backup`). */
  backup?: boolean;
}

/**
 * The per-upstream numbers every component reads, in typed arrays indexed by upstream number so
 * a pick touches no objects. The dispatcher keeps `inflight` right; strategies only read it.
 */
export class UpstreamTable {
  readonly n: number;
  readonly names: readonly string[];
  readonly weight: Float64Array;
  readonly backup: Uint8Array;
  readonly inflight: Int32Array;

  constructor(specs: readonly UpstreamSpec[]) {
    check(specs.length > 0, 'upstreams', specs.length, 'must name at least one upstream');
    this.n = specs.length;
    this.names = specs.map((s) => s.name);
    this.weight = new Float64Array(this.n);
    this.backup = new Uint8Array(this.n);
    this.inflight = new Int32Array(this.n);
    const seen = new Set<string>();
    specs.forEach((s, i) => {
      check(!seen.has(s.name), `upstreams[${i}].name`, s.name, 'must be unique');
      seen.add(s.name);
      const w = s.weight ?? 1;
      checkNonNegative(`upstreams[${i}].weight`, w);
      this.weight[i] = w;
      this.backup[i] = s.backup ? 1 : 0;
    });
  }

  indexOf(name: string): number {
    return this.names.indexOf(name);
  }
}
