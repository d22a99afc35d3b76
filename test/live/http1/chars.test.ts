import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TCHAR, VCHAR, equalsLower, isFieldText, trimOws } from '../../../src/live/http1/chars.js';

const TOKEN_CHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/;
const FIELD_CHAR = /^[\t\x20-\x7e\x80-\xff]$/;
/** Strings over all of latin1 and a little beyond. */
const anyText = fc.string({
  unit: fc.integer({ min: 0, max: 0x17f }).map((c) => String.fromCharCode(c)),
});

describe('character tables', () => {
  it('TCHAR is RFC 9110 tchar, byte for byte', () => {
    for (let c = 0; c < 256; c++)
      expect(TCHAR[c], `byte ${c}`).toBe(TOKEN_CHAR.test(String.fromCharCode(c)) ? 1 : 0);
  });

  it('VCHAR is field-vchar, SP and HTAB (obs-text included), byte for byte', () => {
    for (let c = 0; c < 256; c++)
      expect(VCHAR[c], `byte ${c}`).toBe(FIELD_CHAR.test(String.fromCharCode(c)) ? 1 : 0);
  });
});

describe('equalsLower', () => {
  it('property: on tokens, agrees with comparing lower-cased strings', () => {
    const tchars = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]";
    const pair = fc.stringMatching(/^[a-z0-9-]{1,20}$/).chain((lower) =>
      fc.tuple(
        fc.constant(lower),
        fc.oneof(
          // the same name in random case
          fc
            .array(fc.boolean(), { minLength: lower.length, maxLength: lower.length })
            .map((up) => [...lower].map((ch, i) => (up[i] ? ch.toUpperCase() : ch)).join('')),
          // any token of the same length
          fc.stringMatching(new RegExp(`^${tchars}{${lower.length}}$`)),
        ),
      ),
    );
    const token = fc.stringMatching(new RegExp(`^${tchars}{0,10}$`));
    fc.assert(
      fc.property(pair, token, ([lower, name], pre) => {
        const s = `${pre}${name}x`;
        expect(equalsLower(s, pre.length, lower)).toBe(name.toLowerCase() === lower);
      }),
    );
  });
});

describe('isFieldText', () => {
  it('property: true exactly for field-vchars, SP and HTAB', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        expect(isFieldText(s)).toBe([...s].every((ch) => FIELD_CHAR.test(ch)));
      }),
    );
  });

  it('refuses CR, LF and NUL', () => {
    expect(isFieldText('a\r\nb: c')).toBe(false);
    expect(isFieldText('a\0')).toBe(false);
    expect(isFieldText('caf\xe9 \t ok')).toBe(true);
  });
});

describe('trimOws', () => {
  it('property: strips SP and HTAB only, at both ends or only at the end', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        expect(trimOws(s)).toBe(s.replace(/^[ \t]+/, '').replace(/[ \t]+$/, ''));
        expect(trimOws(s, false)).toBe(s.replace(/[ \t]+$/, ''));
      }),
    );
  });

  it('keeps NBSP and other whitespace JavaScript would trim', () => {
    expect(trimOws(' \xa0x\xa0\t')).toBe('\xa0x\xa0');
    expect(trimOws('\vx\f')).toBe('\vx\f');
  });
});
