import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHttpDate, parseRetryAfter } from '../../../src/gateway/retry/retry-after.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

describe('parseRetryAfter', () => {
  it('round-trips delay-seconds, integer and decimal (property)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1e9 }), (s) => {
        expect(parseRetryAfter({ retryAfter: String(s) }, NOW)).toBe(s * 1000);
      }),
    );
    fc.assert(
      fc.property(fc.nat({ max: 100_000 }), fc.integer({ min: 0, max: 999 }), (s, frac) => {
        const text = `${s}.${String(frac).padStart(3, '0')}`;
        expect(parseRetryAfter({ retryAfter: text }, NOW)).toBeCloseTo(Number(text) * 1000, 6);
      }),
    );
  });

  it('round-trips HTTP-dates: the delay to the date, or 0 once it is past (property)', () => {
    const second = fc.integer({
      min: Date.UTC(1970, 0, 1) / 1000,
      max: Date.UTC(9999, 11, 31) / 1000,
    });
    fc.assert(
      fc.property(second, second, (dateS, nowS) => {
        const date = dateS * 1000;
        const now = nowS * 1000 + 123; // a clock between seconds
        const text = new Date(date).toUTCString();
        expect(parseRetryAfter({ retryAfter: text }, now)).toBe(Math.max(0, date - now));
        expect(parseHttpDate(text, now)).toBe(date);
      }),
    );
  });

  it('reads the obsolete RFC 850 and asctime date formats', () => {
    const date = Date.UTC(2025, 0, 15, 12, 0, 30);
    expect(parseRetryAfter({ retryAfter: 'Wednesday, 15-Jan-25 12:00:30 GMT' }, NOW)).toBe(30_000);
    expect(parseRetryAfter({ retryAfter: 'Wed Jan 15 12:00:30 2025' }, NOW)).toBe(30_000);
    expect(parseHttpDate('Wed Jan  5 12:00:30 2025', NOW)).toBe(Date.UTC(2025, 0, 5, 12, 0, 30));
    expect(parseHttpDate('Wed, 15 Jan 2025 12:00:30 GMT', NOW)).toBe(date);
    // Two-digit years more than 50 years ahead are in the past century.
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', NOW)).toBe(
      Date.UTC(1994, 10, 6, 8, 49, 37),
    );
  });

  it('retry-after-ms wins over Retry-After, and falls back when unparsable', () => {
    expect(parseRetryAfter({ retryAfterMs: '1500', retryAfter: '30' }, NOW)).toBe(1500);
    expect(parseRetryAfter({ retryAfterMs: '12.5' }, NOW)).toBe(12.5);
    expect(parseRetryAfter({ retryAfterMs: 'soon', retryAfter: '2' }, NOW)).toBe(2000);
    expect(parseRetryAfter({ retryAfterMs: '-5', retryAfter: '2' }, NOW)).toBe(2000);
  });

  it('garbage is undefined, never NaN or negative', () => {
    for (const bad of [
      '',
      ' ',
      '-1',
      'abc',
      '1e3',
      '0x10',
      '1.',
      '.5',
      'Infinity',
      'NaN',
      '12 s',
      'Wed, 31 Feb 2025 12:00:00 GMT',
      'Wed, 15 Jan 2025 25:00:00 GMT',
      'Wed, 15 Foo 2025 12:00:00 GMT',
      'Wed, 15 Jan 2025 12:00:00 UTC',
      '2025-01-15T12:00:00Z',
      '9'.repeat(400),
    ]) {
      expect(parseRetryAfter({ retryAfter: bad }, NOW), bad).toBeUndefined();
    }
    expect(parseRetryAfter({}, NOW)).toBeUndefined();
  });

  it('never returns a negative or non-finite delay for any text (property)', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string()),
        fc.option(fc.string()),
        fc.integer({ min: 0, max: 2 ** 45 }),
        (a, b, now) => {
          const r = parseRetryAfter(
            { retryAfter: a ?? undefined, retryAfterMs: b ?? undefined },
            now,
          );
          if (r !== undefined) {
            expect(r).toBeGreaterThanOrEqual(0);
            expect(Number.isFinite(r)).toBe(true);
          }
        },
      ),
    );
  });
});
