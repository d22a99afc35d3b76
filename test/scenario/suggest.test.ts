import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatPath, suggest } from '../../src/scenario/load.js';
import { editDistance } from '../../src/scenario/suggest.js';

describe('suggest', () => {
  const keys = ['name', 'weight', 'capacity', 'latency', 'retries', 'retry', 'backup'];

  it('finds typos, swapped letters and case slips', () => {
    expect(suggest('wieght', keys)).toBe('weight');
    expect(suggest('retires', keys)).toBe('retries');
    expect(suggest('capasity', keys)).toBe('capacity');
    expect(suggest('Latency', keys)).toBe('latency');
    expect(suggest('BACKUP', keys)).toBe('backup');
    expect(suggest('retyr', keys)).toBe('retry');
  });

  it('stays quiet when nothing is close', () => {
    expect(suggest('sticky', keys)).toBeUndefined();
    expect(suggest('zz', keys)).toBeUndefined();
    expect(suggest('x', ['y'])).toBeUndefined();
    expect(suggest('anything', [])).toBeUndefined();
  });

  it('never suggests the word itself', () => {
    expect(suggest('name', ['name'])).toBeUndefined();
  });
});

describe('editDistance', () => {
  it('counts an adjacent swap as one edit', () => {
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('is a metric on short strings: zero only for equal, symmetric', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), (a, b) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b) === 0).toBe(a === b);
        expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });
});

describe('formatPath', () => {
  it('joins keys with dots and indices with brackets', () => {
    expect(formatPath(['upstreams', 1, 'latency', 'p50'])).toBe('upstreams[1].latency.p50');
    expect(formatPath([])).toBe('');
    expect(formatPath([0, 'name'])).toBe('[0].name');
  });

  it('quotes keys that are not plain names', () => {
    expect(formatPath(['headers', 'x-api.key'])).toBe('headers["x-api.key"]');
    expect(formatPath(['prices', '1'])).toBe('prices["1"]');
    expect(formatPath(['a b'])).toBe('["a b"]');
  });
});
