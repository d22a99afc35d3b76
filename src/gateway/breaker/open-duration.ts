/**
 * How long the breaker stays open on its `trips`-th consecutive trip (1 = first):
 * openMs × multiplier^(trips−1), capped at maxOpenMs. Multiplier 1 gives a constant duration.
 */
export function openDurationMs(
  openMs: number,
  multiplier: number,
  maxOpenMs: number,
  trips: number,
): number {
  if (trips <= 1 || multiplier === 1) return Math.min(openMs, maxOpenMs);
  const d = openMs * Math.pow(multiplier, trips - 1);
  return d < maxOpenMs ? d : maxOpenMs;
}
