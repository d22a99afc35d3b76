import type { Writable } from 'node:stream';
import type { Decision } from './upstream.js';

/** One NDJSON line per request: relative time (ms), upstream, key, attempt number, outcome played. */
export function ndjsonLogger(upstream: string, out: Writable): (d: Decision) => void {
  const name = JSON.stringify(upstream);
  return (d) => {
    out.write(
      `{"t":${Math.round(d.t * 1000) / 1000},"upstream":${name},"route":"${d.route}","key":${JSON.stringify(d.key)},"attempt":${d.attempt},"outcome":"${d.outcome}"}\n`,
    );
  };
}
