import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseDuration,
  parsePercentage,
  parseRate,
  parseSize,
  UnitError,
} from '../../src/core/units.js';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['2min', 120_000],
    ['1h', 3_600_000],
    ['500us', 0.5],
    ['1m30s', 90_000],
    [' 10s ', 10_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['5', '', 'fast', '5 parsecs', '-1s', '1.2.3s', 's'])(
    'refuses %j and quotes it',
    (text) => {
      expect(() => parseDuration(text)).toThrow(UnitError);
      expect(() => parseDuration(text)).toThrow(JSON.stringify(text));
    },
  );

  it('round-trips any whole number of milliseconds', () => {
    fc.assert(
      fc.property(fc.nat(1e9), (ms) => {
        expect(parseDuration(`${ms}ms`)).toBe(ms);
      }),
    );
  });
});

describe('parseRate', () => {
  it.each([
    ['200/s', 200],
    ['500/min', 500 / 60],
    ['60/m', 1],
    ['3600/h', 1],
    ['10/5s', 2],
  ])('%s is %d per second', (text, perSec) => expect(parseRate(text)).toBeCloseTo(perSec, 10));

  it.each(['200', '200/fortnight', '/s', 'many/s'])('refuses %j', (text) => {
    expect(() => parseRate(text)).toThrow(/invalid rate/);
  });
});

describe('parsePercentage', () => {
  it.each([
    ['0.1%', 0.001],
    ['20%', 0.2],
    ['100%', 1],
  ])('%s is %d', (text, v) => expect(parsePercentage(text)).toBeCloseTo(v, 12));

  it.each(['0.1', '150%', 'half'])('refuses %j', (text) => {
    expect(() => parsePercentage(text)).toThrow(UnitError);
  });
});

describe('parseSize', () => {
  it.each([
    ['512b', 512],
    ['64kb', 64_000],
    ['1MiB', 1_048_576],
  ])('%s is %d bytes', (text, b) => expect(parseSize(text)).toBe(b));

  it('refuses a size with no unit', () => expect(() => parseSize('64')).toThrow(/unit/));
});
