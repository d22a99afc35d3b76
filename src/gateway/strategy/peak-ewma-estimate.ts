/**
 * The peak-sensitive EWMA of Finagle's PeakEwma and tower's (Linkerd's) RttEstimate, as pure
 * functions of time. A sample above the estimate replaces it at once (the peak); one below pulls
 * it down with weight 1 − e^(−Δ/τ), Δ being the time since the previous sample, so τ is a time
 * constant, not a sample count. A read is what a sample of 0 would leave (Finagle's
 * `get() = observe(0)`): without samples the estimate decays towards 0 as e^(−Δ/τ), which is what
 * makes an idle or penalised upstream attractive again, so that it gets probed.
 *
 * Finagle and tower store that read on every pick; here it is computed, not stored, so the
 * estimate does not depend on how often picks happen to look at an upstream.
 */
export function peakEwmaUpdate(
  estimate: number,
  sample: number,
  elapsedMs: number,
  decayMs: number,
): number {
  if (sample > estimate) return sample;
  const w = Math.exp(-Math.max(elapsedMs, 0) / decayMs);
  return estimate * w + sample * (1 - w);
}

/** The estimate `elapsedMs` after its last sample, decayed towards 0. */
export function peakEwmaDecayed(estimate: number, elapsedMs: number, decayMs: number): number {
  return elapsedMs > 0 ? estimate * Math.exp(-elapsedMs / decayMs) : estimate;
}
