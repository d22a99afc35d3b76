import { check, checkNonNegative, checkPositive } from '../src/core/assert.js';
import type { Rng } from '../src/core/rng.js';
import { lognormalParams } from '../src/core/rng.js';

/** A latency distribution in milliseconds, as data (what the config holds). */
export type Distribution =
  | { dist: 'constant'; value: number }
  | { dist: 'uniform'; min: number; max: number }
  | { dist: 'normal'; mean: number; sd: number }
  | { dist: 'lognormal'; p50: number; p99: number }
  | { dist: 'exponential'; mean: number }
  | { dist: 'pareto'; scale: number; shape: number }
  /** Percentile → value, interpolated linearly between the points given (p0 and p100 default to the ends). */
  | { dist: 'empirical'; percentiles: Record<string, number> };

/**
 * A sampler built once from a Distribution: parameters are checked and pre-computed here, so a
 * draw is one switch and a few float operations. Draws are never negative.
 */
export class Sampler {
  private readonly kind: Distribution['dist'];
  private readonly a: number;
  private readonly b: number;
  private readonly qs: Float64Array;
  private readonly vs: Float64Array;

  constructor(readonly spec: Distribution) {
    this.kind = spec.dist;
    this.qs = new Float64Array(0);
    this.vs = new Float64Array(0);
    switch (spec.dist) {
      case 'constant':
        checkNonNegative('latency.value', spec.value);
        this.a = spec.value;
        this.b = 0;
        break;
      case 'uniform':
        checkNonNegative('latency.min', spec.min);
        check(spec.max >= spec.min, 'latency.max', spec.max, 'must be >= latency.min');
        this.a = spec.min;
        this.b = spec.max;
        break;
      case 'normal':
        checkNonNegative('latency.mean', spec.mean);
        checkNonNegative('latency.sd', spec.sd);
        this.a = spec.mean;
        this.b = spec.sd;
        break;
      case 'lognormal': {
        checkPositive('latency.p50', spec.p50);
        check(spec.p99 >= spec.p50, 'latency.p99', spec.p99, 'must be >= latency.p50');
        const { mu, sigma } = lognormalParams(spec.p50, spec.p99);
        this.a = mu;
        this.b = sigma;
        break;
      }
      case 'exponential':
        checkPositive('latency.mean', spec.mean);
        this.a = spec.mean;
        this.b = 0;
        break;
      case 'pareto':
        checkPositive('latency.scale', spec.scale);
        checkPositive('latency.shape', spec.shape);
        this.a = spec.scale;
        this.b = spec.shape;
        break;
      case 'empirical': {
        const points = Object.entries(spec.percentiles).map(([k, v]) => {
          const q = Number(k.replace(/^p/, ''));
          check(
            /^p\d+(\.\d+)?$/.test(k) && q >= 0 && q <= 100,
            'latency.percentiles',
            k,
            'keys must be p0..p100',
          );
          checkNonNegative(`latency.percentiles.${k}`, v);
          return [q / 100, v] as const;
        });
        points.sort((x, y) => x[0] - y[0]);
        check(
          points.length >= 1,
          'latency.percentiles',
          spec.percentiles,
          'needs at least one point',
        );
        for (let i = 1; i < points.length; i++) {
          check(
            points[i]![1] >= points[i - 1]![1],
            'latency.percentiles',
            spec.percentiles,
            'values must not decrease',
          );
        }
        if (points[0]![0] > 0) points.unshift([0, points[0]![1]]);
        if (points[points.length - 1]![0] < 1) points.push([1, points[points.length - 1]![1]]);
        this.qs = Float64Array.from(points, (p) => p[0]);
        this.vs = Float64Array.from(points, (p) => p[1]);
        this.a = 0;
        this.b = 0;
        break;
      }
    }
  }

  sample(rng: Rng): number {
    switch (this.kind) {
      case 'constant':
        return this.a;
      case 'uniform':
        return rng.uniform(this.a, this.b);
      case 'normal':
        return Math.max(0, rng.normal(this.a, this.b));
      case 'lognormal':
        return Math.exp(rng.normal(this.a, this.b));
      case 'exponential':
        return rng.exponential(this.a);
      case 'pareto':
        return rng.pareto(this.a, this.b);
      case 'empirical':
        return this.quantile(rng.next());
    }
  }

  /** Inverse CDF of the empirical table (linear between points). */
  private quantile(u: number): number {
    const qs = this.qs;
    let i = 1;
    while (i < qs.length - 1 && qs[i]! < u) i++;
    const q0 = qs[i - 1]!;
    const q1 = qs[i]!;
    const v0 = this.vs[i - 1]!;
    const v1 = this.vs[i]!;
    return q1 === q0 ? v1 : v0 + ((v1 - v0) * (u - q0)) / (q1 - q0);
  }
}

export function sampler(spec: Distribution): Sampler {
  return new Sampler(spec);
}

/** Output-token counts: a fixed number or a uniform integer range. */
export type TokenCount = number | { min: number; max: number };

export function sampleCount(spec: TokenCount, rng: Rng): number {
  if (typeof spec === 'number') return spec;
  return spec.min + rng.int(spec.max - spec.min + 1);
}
