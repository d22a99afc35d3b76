/** One ulp (or a little more) of the larger of a and b: a step that changes a + b. */
function step(a: number, b: number): number {
  const m = Math.max(Math.abs(a), Math.abs(b)) * Number.EPSILON;
  return m > Number.MIN_VALUE ? m : Number.MIN_VALUE;
}

/**
 * The smallest wait w >= target − now (to within an ulp) such that now + w >= target in
 * floating point, so that a caller who waits exactly w reaches `target`, not one ulp before it.
 */
export function waitUntil(now: number, target: number): number {
  let w = target - now;
  while (now + w < target) w += step(now, w);
  return w;
}

/** The next double above x, or a little more (x finite). */
export function nextUp(x: number): number {
  return x + step(x, 0);
}

/** a + b rounded up, never below the exact sum (TwoSum gives the rounding error exactly). */
export function sumUp(a: number, b: number): number {
  const s = a + b;
  const bb = s - a;
  const err = a - (s - bb) + (b - bb);
  return err > 0 ? nextUp(s) : s;
}
