import { describe, expect, it } from 'vitest';
import { failoverTime } from '../../src/metrics/failover.js';

/** 10 requests per 100 ms sub-bucket over 30 s; those ending in [badFrom, badTo) fail. */
function counts(badFrom: number, badTo: number, failPerSub = 10) {
  const subCount = 300;
  const ok = new Float64Array(subCount);
  const fail = new Float64Array(subCount);
  for (let s = 0; s < subCount; s++) {
    const t = s * 100;
    const bad = t >= badFrom && t < badTo ? failPerSub : 0;
    fail[s] = bad;
    ok[s] = 10 - bad;
  }
  return { ok, fail, subCount, t0: 0, subMs: 100 };
}

const q = { start: 10_000, end: 20_000, windowSubs: 10, threshold: 0.99 };

describe('failoverTime', () => {
  it('is 0 when the success rate never dipped', () => {
    expect(failoverTime(counts(0, 0), q)).toBe(0);
  });

  it('is the moment the sliding window last holds a failure, plus one sub-bucket', () => {
    // Failures end at 12 000; the 1 s window ending at 13 000 is the first clean one.
    expect(failoverTime(counts(10_000, 12_000), q)).toBe(3000);
  });

  it('is null when the rate is still below the threshold when the fault ends', () => {
    expect(failoverTime(counts(10_000, 25_000), q)).toBeNull();
    expect(failoverTime(counts(19_500, 19_600), q)).toBeNull();
  });

  it('uses the threshold inclusively: 99 of 100 is good enough, 98 of 100 is not', () => {
    const c = counts(0, 0);
    c.ok[110] = 9;
    c.fail[110] = 1; // window of 100 requests with 1 failure = 99 %
    expect(failoverTime(c, q)).toBe(0);
    c.ok[111] = 9;
    c.fail[111] = 1;
    // The window ending at 12 100 has dropped sub-bucket 110 and holds 1 failure in 100 again.
    expect(failoverTime(c, q)).toBe(12_100 - 10_000);
  });

  it('counts a window in which nothing ended as good', () => {
    const c = counts(0, 0);
    c.ok.fill(0, 100, 200);
    expect(failoverTime(c, q)).toBe(0);
  });

  it('counts failures before the fault that are still in the window at its start', () => {
    expect(failoverTime(counts(9_500, 9_600), q)).toBe(600);
  });
});
