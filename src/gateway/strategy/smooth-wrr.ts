/**
 * One round of nginx's smooth weighted round robin (ngx_http_upstream_get_peer): every
 * participating peer adds its weight to its current weight, the peer with the largest current
 * weight (the first on a tie) is chosen, and the sum of the participants' weights is taken off
 * it. Participants are the peers with mask[i] === 1 and weight > 0; when the mask allows some
 * peers but none has weight > 0, those peers take part with weight 1 (plain round robin).
 *
 * Peers outside the round keep their current weight untouched, as nginx leaves a down or failed
 * peer's `current_weight` alone: when such a peer returns it resumes from where it stood, which
 * is at most one round's total ahead of the others, so it cannot starve or flood them.
 *
 * Mutates `current`; returns the chosen index or -1 when the mask allows no peer.
 */
export function smoothWrrPick(
  current: Float64Array,
  weight: Float64Array,
  mask: Uint8Array,
): number {
  const n = current.length;
  let best = -1;
  let bestCurrent = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weight[i]!;
    if (mask[i] !== 1 || !(w > 0)) continue;
    const c = current[i]! + w;
    current[i] = c;
    total += w;
    if (best < 0 || c > bestCurrent) {
      best = i;
      bestCurrent = c;
    }
  }
  if (best < 0) return smoothRoundRobinUnweighted(current, mask);
  current[best] = bestCurrent - total;
  return best;
}

function smoothRoundRobinUnweighted(current: Float64Array, mask: Uint8Array): number {
  const n = current.length;
  let best = -1;
  let bestCurrent = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (mask[i] !== 1) continue;
    const c = current[i]! + 1;
    current[i] = c;
    total += 1;
    if (best < 0 || c > bestCurrent) {
      best = i;
      bestCurrent = c;
    }
  }
  if (best >= 0) current[best] = bestCurrent - total;
  return best;
}
