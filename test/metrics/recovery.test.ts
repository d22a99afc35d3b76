import { describe, expect, it } from 'vitest';
import { fairShare } from '../../src/metrics/fair-share.js';
import { recoveryTime } from '../../src/metrics/recovery.js';

/** Two upstreams, 20 attempts per 100 ms; upstream 0 gets `share(t)` of them. */
function attempts(share: (t: number) => number, subCount = 400) {
  const a = new Float64Array(subCount * 2);
  for (let s = 0; s < subCount; s++) {
    const mine = Math.round(20 * share(s * 100));
    a[s * 2] = mine;
    a[s * 2 + 1] = 20 - mine;
  }
  return { attempts: a, n: 2, subCount, t0: 0, subMs: 100 };
}

describe('fairShare', () => {
  it('is weight over the sum of primary weights, 0 for a backup', () => {
    const w = [3, 1, 5];
    const backup = [0, 0, 1];
    expect(fairShare(w, backup, 0)).toBe(0.75);
    expect(fairShare(w, backup, 1)).toBe(0.25);
    expect(fairShare(w, backup, 2)).toBe(0);
  });
});

describe('recoveryTime', () => {
  const q = { upstream: 0, end: 20_000, fairShare: 0.75, windowSubs: 10 };

  it('is the time from fault end until the upstream carries half its fair share', () => {
    const c = attempts((t) => (t < 21_500 ? 0 : 0.75));
    expect(recoveryTime(c, q)).toBe(1500);
  });

  it('is 0 when the upstream kept its share through the fault end', () => {
    expect(
      recoveryTime(
        attempts(() => 0.75),
        q,
      ),
    ).toBe(0);
  });

  it('needs half the fair share, not all of it', () => {
    expect(
      recoveryTime(
        attempts((t) => (t < 22_000 ? 0.3 : 0.4)),
        q,
      ),
    ).toBe(2000);
  });

  it('ignores one lucky sub-bucket that the window does not confirm', () => {
    const c = attempts((t) => (t < 23_000 ? 0 : 0.75));
    c.attempts[210 * 2] = 20;
    c.attempts[210 * 2 + 1] = 0;
    expect(recoveryTime(c, q)).toBe(3000);
  });

  it('is null when it never comes back within the run', () => {
    expect(
      recoveryTime(
        attempts(() => 0),
        q,
      ),
    ).toBeNull();
  });

  it('is 0 for an upstream whose fair share is 0', () => {
    expect(
      recoveryTime(
        attempts(() => 0),
        { ...q, fairShare: 0 },
      ),
    ).toBe(0);
  });
});
