import { build, type Histogram } from 'hdr-histogram-js';

/** HdrHistogram layout for 3 significant digits and unit 1: 2048 sub-buckets, half 1024. */
const HALF_MAGNITUDE = 10;
const HALF = 1 << HALF_MAGNITUDE;
const TOP_BUCKET = 25;
/** Values are clamped to this (2^36 - 1 µs is about 19 hours). */
export const LOG_HISTOGRAM_MAX = 2 ** (TOP_BUCKET + HALF_MAGNITUDE + 1) - 1;
const LENGTH = (TOP_BUCKET + 2) * HALF;

/**
 * A histogram of non-negative integers with exactly HdrHistogram's bucket layout and percentile
 * rule (3 significant digits), kept in one Float64Array. hdr-histogram-js spends 300 ns (pure
 * JS) or 60-80 ns (WebAssembly) per record on log2/pow; this spends a few, which the
 * recorder's per-request budget needs. `toHdr()` hands the same counts to hdr-histogram-js.
 */
export class LogHistogram {
  readonly counts = new Float64Array(LENGTH);
  total = 0;
  /** Largest value recorded (exact, after clamping), or 0. */
  max = 0;

  record(value: number): void {
    let v = value > 0 ? Math.round(value) : 0;
    let i: number;
    if (v < 2 * HALF) i = v;
    else if (v < 0x80000000) {
      const b = 31 - HALF_MAGNITUDE - Math.clz32(v);
      i = ((b + 1) << HALF_MAGNITUDE) + (v >>> b) - HALF;
    } else {
      if (v > LOG_HISTOGRAM_MAX) v = LOG_HISTOGRAM_MAX;
      i = slowIndex(v);
    }
    this.counts[i]!++;
    this.total++;
    if (v > this.max) this.max = v;
  }

  reset(): void {
    if (this.total === 0) return;
    this.counts.fill(0);
    this.total = 0;
    this.max = 0;
  }

  /** HdrHistogram's getValueAtPercentile: the highest value equivalent to the one at that rank. */
  valueAtPercentile(percentile: number): number {
    if (this.total === 0) return 0;
    const p = Math.min(percentile, 100);
    const fp = (p / 100) * this.total;
    const ulp = fp > 0 ? 2 ** (Math.floor(Math.log2(fp)) - 52) : 0;
    const rank = Math.max(Math.ceil(fp - ulp), 1);
    let seen = 0;
    const counts = this.counts;
    for (let i = 0; i < LENGTH; i++) {
      seen += counts[i]!;
      if (seen >= rank) {
        const b = Math.max((i >> HALF_MAGNITUDE) - 1, 0);
        const lowest = valueAt(i);
        return percentile === 0 ? lowest : lowest + 2 ** b - 1;
      }
    }
    return 0;
  }

  /** The same counts in an hdr-histogram-js histogram (pure JS), e.g. to encode or merge. */
  toHdr(): Histogram {
    const h = build({
      bitBucketSize: 64,
      numberOfSignificantValueDigits: 3,
      highestTrackableValue: LOG_HISTOGRAM_MAX,
      autoResize: false,
      useWebAssembly: false,
    });
    for (let i = 0; i < LENGTH; i++) {
      const c = this.counts[i]!;
      if (c > 0) h.recordValueWithCount(valueAt(i), c);
    }
    return h;
  }
}

function valueAt(i: number): number {
  let b = (i >> HALF_MAGNITUDE) - 1;
  let sub = (i & (HALF - 1)) + HALF;
  if (b < 0) {
    sub -= HALF;
    b = 0;
  }
  return sub * 2 ** b;
}

function slowIndex(v: number): number {
  let b = 31 - HALF_MAGNITUDE;
  while (v >= 2 ** (b + HALF_MAGNITUDE + 1)) b++;
  return ((b + 1) << HALF_MAGNITUDE) + Math.floor(v / 2 ** b) - HALF;
}
