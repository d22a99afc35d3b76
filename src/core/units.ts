/** Parsing of the units people write in scenarios. Errors quote the text and name the units allowed. */

export class UnitError extends RangeError {
  constructor(
    readonly kind: 'duration' | 'rate' | 'percentage' | 'size',
    readonly text: string,
    readonly expected: string,
  ) {
    super(`invalid ${kind} ${JSON.stringify(text)}: ${expected}`);
    this.name = 'UnitError';
  }
}

const DURATION_UNITS: Record<string, number> = {
  us: 0.001,
  µs: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
};
const DURATION_HELP =
  'write a number with a unit: us, ms, s, m (or min), h — e.g. "250ms", "1.5s", "2m"';

const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)`;
const DURATION_RE = new RegExp(`^${NUMBER}\\s*([a-zµ]+)$`);

/** "250ms" → 250; "1.5s" → 1500; "2m" → 120000; compound "1m30s" → 90000. Milliseconds. */
export function parseDuration(text: string): number {
  const s = text.trim();
  if (s === '') throw new UnitError('duration', text, DURATION_HELP);
  const parts = s.match(/\d*\.?\d+\s*[a-zµ]+/g);
  if (!parts || parts.join('').replace(/\s/g, '') !== s.replace(/\s/g, '')) {
    throw new UnitError('duration', text, DURATION_HELP);
  }
  let total = 0;
  for (const part of parts) {
    const m = DURATION_RE.exec(part.trim());
    const scale = m ? DURATION_UNITS[m[2]!] : undefined;
    if (!m || scale === undefined) throw new UnitError('duration', text, DURATION_HELP);
    total += Number(m[1]) * scale;
  }
  return total;
}

const RATE_UNITS: Record<string, number> = {
  ms: 1000,
  s: 1,
  sec: 1,
  second: 1,
  m: 1 / 60,
  min: 1 / 60,
  minute: 1 / 60,
  h: 1 / 3600,
  hour: 1 / 3600,
};
const RATE_HELP = 'write count/unit with a unit of s, min (or m), h — e.g. "200/s", "500/min"';

/** "200/s" → 200; "500/min" → 8.333…; returned per second. */
export function parseRate(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*\/\s*(\d+(?:\.\d+)?)?\s*([a-z]+)\s*$/.exec(text);
  const scale = m ? RATE_UNITS[m[3]!] : undefined;
  if (!m || scale === undefined) throw new UnitError('rate', text, RATE_HELP);
  const per = m[2] === undefined ? 1 : Number(m[2]);
  if (!(per > 0)) throw new UnitError('rate', text, RATE_HELP);
  return (Number(m[1]) * scale) / per;
}

const PERCENT_HELP = 'write a percentage such as "0.1%" or "20%"';

/** "0.1%" → 0.001; "20%" → 0.2. Values above 100% are refused. */
export function parsePercentage(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*%\s*$/.exec(text);
  if (!m) throw new UnitError('percentage', text, PERCENT_HELP);
  const value = Number(m[1]) / 100;
  if (value > 1) throw new UnitError('percentage', text, 'a percentage is at most 100%');
  return value;
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};
const SIZE_HELP = 'write a number with a unit: b, kb, mb, gb, kib, mib, gib — e.g. "64kb"';

/** "64kb" → 64000; "1MiB" → 1048576. Bytes. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]+)\s*$/.exec(text);
  const scale = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || scale === undefined) throw new UnitError('size', text, SIZE_HELP);
  return Math.round(Number(m[1]) * scale);
}
