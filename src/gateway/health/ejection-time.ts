/**
 * Envoy's times-ejected multiplier after `healthyMs` without an ejection: one less per full
 * `intervalMs` (Envoy decrements it on each interval sweep that finds the host healthy).
 */
export function decayedMultiplier(
  multiplier: number,
  healthyMs: number,
  intervalMs: number,
): number {
  if (multiplier <= 0) return 0;
  const steps = Math.floor(healthyMs / intervalMs);
  return steps >= multiplier ? 0 : multiplier - steps;
}

/**
 * The multiplier after one more ejection: it grows by one while base × multiplier is below
 * max + base (Envoy's rule), so it stops a step past the cap and decay can bring it back.
 */
export function nextMultiplier(multiplier: number, baseMs: number, maxMs: number): number {
  return multiplier * baseMs < maxMs + baseMs ? multiplier + 1 : multiplier;
}

/** Ejection time for a multiplier: base × multiplier, capped at max. */
export function ejectionMs(multiplier: number, baseMs: number, maxMs: number): number {
  const d = baseMs * multiplier;
  return d < maxMs ? d : maxMs;
}
