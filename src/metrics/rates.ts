/** Upstream attempts ÷ client requests; null when there were no requests. */
export function retryAmplification(attempts: number, requests: number): number | null {
  return requests > 0 ? attempts / requests : null;
}

/** Failed ÷ ended client requests; 0 when nothing ended. */
export function errorRate(failed: number, requests: number): number {
  return requests > 0 ? failed / requests : 0;
}

/** Successful client requests per second of run time; 0 for an empty run. */
export function goodputPerSec(ok: number, durationMs: number): number {
  return durationMs > 0 ? (ok * 1000) / durationMs : 0;
}
