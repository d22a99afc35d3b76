/** Rounds to `digits` decimals so that JSON output is byte-stable (no float noise). */
export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r; // no -0 in JSON
}

export function roundOrNull(x: number | null, digits = 3): number | null {
  return x === null || !Number.isFinite(x) ? null : round(x, digits);
}
