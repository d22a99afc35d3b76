/** An upstream's fair share of traffic: its weight ÷ the sum of primary (non-backup) weights. */
export function fairShare(
  weights: ArrayLike<number>,
  backup: ArrayLike<number>,
  upstream: number,
): number {
  if (backup[upstream] === 1) return 0;
  let sum = 0;
  for (let i = 0; i < weights.length; i++) if (backup[i] !== 1) sum += weights[i]!;
  return sum > 0 ? weights[upstream]! / sum : 0;
}
