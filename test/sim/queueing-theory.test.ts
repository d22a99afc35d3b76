import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/scenario.js';
import { runSimulation } from '../../src/sim/engine.js';

/**
 * The simulator's ground truth: one upstream with Poisson arrivals and exponential service is an
 * M/M/1 (capacity 1) or M/M/c (capacity c) queue, whose sojourn time is known in closed form.
 * The client-visible latency must match the formulas within a few percent.
 */

function simulate(capacity: number, ratePerSec: number, meanServiceMs: number, seconds: number) {
  const scenario = parseScenario(
    'mmc.yaml',
    `
seed: 7
duration: ${seconds}s
upstreams:
  - name: only
    capacity: ${capacity}
    queue: 100000
    latency: { dist: exponential, mean: ${meanServiceMs}ms }
load: { arrival: poisson, rate: ${ratePerSec}/s }
balancer: { retry: { attempts: 1 }, timeouts: { perTry: 1h, total: 1h } }
`,
  );
  return runSimulation(scenario).metrics.summary;
}

/** Erlang C: probability that an arrival waits, for c servers and offered load a = λ/μ. */
function erlangC(c: number, a: number): number {
  let sum = 0;
  let term = 1;
  for (let k = 0; k < c; k++) {
    if (k > 0) term *= a / k;
    sum += term;
  }
  const last = (term * a) / c; // a^c / c!
  const rho = a / c;
  const top = last / (1 - rho);
  return top / (sum + top);
}

/** P(sojourn > t) for M/M/c: wait is 0 w.p. 1-C, else Exp(cμ-λ); plus Exp(μ) service. */
function tailMMc(t: number, c: number, lambda: number, mu: number): number {
  const C = erlangC(c, lambda / mu);
  const theta = c * mu - lambda;
  const conv =
    Math.abs(theta - mu) < 1e-12
      ? (1 + mu * t) * Math.exp(-mu * t)
      : (theta * Math.exp(-mu * t) - mu * Math.exp(-theta * t)) / (theta - mu);
  return (1 - C) * Math.exp(-mu * t) + C * conv;
}

function quantileMMc(q: number, c: number, lambda: number, mu: number): number {
  let lo = 0;
  let hi = 1;
  while (tailMMc(hi, c, lambda, mu) > 1 - q) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (tailMMc(mid, c, lambda, mu) > 1 - q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

describe('simulator against queueing theory', () => {
  it('M/M/1 at ρ = 0.5: mean sojourn 1/(μ−λ) and p99 ln(100)/(μ−λ)', () => {
    const lambda = 50 / 1000; // per ms
    const mu = 1 / 10;
    const s = simulate(1, 50, 10, 4000);
    const mean = 1 / (mu - lambda);
    const p99 = Math.log(100) / (mu - lambda);
    expect(s.requests).toBeGreaterThan(190_000);
    expect(s.errorRate).toBe(0);
    expect(Math.abs(s.latencyMs.mean / mean - 1)).toBeLessThan(0.03);
    expect(Math.abs(s.latencyMs.p99 / p99 - 1)).toBeLessThan(0.04);
  });

  it('M/M/4 at ρ = 0.75: mean and p99 from Erlang C', () => {
    const c = 4;
    const lambda = 300 / 1000;
    const mu = 1 / 10;
    const s = simulate(c, 300, 10, 1500);
    const C = erlangC(c, lambda / mu);
    const mean = C / (c * mu - lambda) + 1 / mu;
    const p99 = quantileMMc(0.99, c, lambda, mu);
    expect(Math.abs(s.latencyMs.mean / mean - 1)).toBeLessThan(0.03);
    expect(Math.abs(s.latencyMs.p99 / p99 - 1)).toBeLessThan(0.04);
  });

  it('the formulas themselves: M/M/1 is M/M/c with c = 1', () => {
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 12);
    expect(quantileMMc(0.99, 1, 0.05, 0.1)).toBeCloseTo(Math.log(100) / 0.05, 6);
  });
});
