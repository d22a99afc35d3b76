import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualScheduler } from '../../../src/core/virtual-scheduler.js';
import { nginxOutlier } from '../../../src/gateway/health/nginx-outlier.js';
import { createOutlierDetector } from '../../../src/gateway/health/outlier-registry.js';
import { describeOutlierDetectorContract } from './outlier-detector.contract.js';

describeOutlierDetectorContract(
  'nginx',
  (n, s) => createOutlierDetector(n, { kind: 'nginx', maxFails: 3, failTimeoutMs: 10_000 }, s),
  { failuresToEject: 3 },
);
describeOutlierDetectorContract(
  'nginx defaults (max_fails=1)',
  (n, s) => createOutlierDetector(n, { kind: 'nginx' }, s),
  {
    failuresToEject: 1,
  },
);

describe('nginx max_fails / fail_timeout', () => {
  const make = (maxFails = 3, failTimeoutMs = 10_000) => {
    const s = new VirtualScheduler();
    const d = nginxOutlier(2, { kind: 'nginx', maxFails, failTimeoutMs }, s);
    return { s, d };
  };

  it('defaults to max_fails=1 fail_timeout=10s', () => {
    const d = nginxOutlier(1, { kind: 'nginx' }, new VirtualScheduler());
    expect([d.maxFails, d.failTimeoutMs]).toEqual([1, 10_000]);
  });

  it('ejects for fail_timeout after the last failure', () => {
    const { s, d } = make();
    d.record(0, true);
    s.advance(4000);
    d.record(0, true);
    s.advance(4000);
    d.record(0, true);
    expect(d.isEjected(0)).toBe(true);
    s.advance(9999);
    expect(d.isEjected(0)).toBe(true);
    s.advance(1);
    expect(d.isEjected(0)).toBe(false);
  });

  it('counts failures only while each comes within fail_timeout of the previous one', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 10_000, max: 50_000 }), { maxLength: 30 }), (gaps) => {
        const { s, d } = make();
        for (const g of gaps) {
          s.advance(g);
          d.record(0, true);
          expect(d.isEjected(0)).toBe(false);
        }
      }),
    );
  });

  it('does not reset on a success within fail_timeout of the last failure, does after', () => {
    const { s, d } = make();
    d.record(0, true);
    d.record(0, false);
    d.record(0, true);
    d.record(0, false);
    d.record(0, true);
    expect(d.isEjected(0)).toBe(true);

    const b = make();
    b.d.record(0, true);
    b.d.record(0, true);
    b.s.advance(10_000);
    b.d.record(0, false);
    b.d.record(0, true);
    b.d.record(0, true);
    expect(b.d.isEjected(0)).toBe(false);
    expect(s.now()).toBe(0);
  });

  it('after the ejection, one failure ejects again at once and one success clears the count', () => {
    const { s, d } = make();
    for (let k = 0; k < 3; k++) d.record(0, true);
    s.advance(10_000);
    expect(d.isEjected(0)).toBe(false);
    d.record(0, true);
    expect(d.isEjected(0)).toBe(true);
    s.advance(10_000);
    d.record(0, false);
    d.record(0, true);
    d.record(0, true);
    expect(d.isEjected(0)).toBe(false);
  });

  it('a failure of a call still in flight extends the ejection', () => {
    const { s, d } = make(1, 1000);
    d.record(0, true);
    s.advance(600);
    d.record(0, true);
    s.advance(600);
    expect(d.isEjected(0)).toBe(true);
    s.advance(400);
    expect(d.isEjected(0)).toBe(false);
  });

  it('max_fails=0 disables the check', () => {
    const { d } = make(0);
    for (let k = 0; k < 100; k++) d.record(0, true);
    expect(d.isEjected(0)).toBe(false);
  });

  it.each([
    [{ maxFails: -1 }, 'maxFails'],
    [{ failTimeoutMs: 0 }, 'failTimeoutMs'],
  ])('rejects %j naming %s', (c, param) => {
    const f = (): unknown => nginxOutlier(1, { kind: 'nginx', ...c }, new VirtualScheduler());
    expect(f).toThrow(RangeError);
    expect(f).toThrow(param);
  });
});
