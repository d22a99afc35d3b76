import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HeaderNames,
  fieldValue,
  filterFields,
  splitFields,
} from '../../../src/live/http1/header-names.js';

const NAMES = ['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', 'te'];

/** Header names: mostly random tokens, often one of NAMES in random case. */
const nameArb = fc.oneof(
  fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,20}$/),
  fc
    .tuple(fc.constantFrom(...NAMES), fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }))
    .map(([n, up]) => [...n].map((ch, i) => (up[i] ? ch.toUpperCase() : ch)).join('')),
);
const valueArb = fc.stringMatching(/^[\t -~]{0,20}$/);
const fieldsArb = fc.array(fc.tuple(nameArb, valueArb), { maxLength: 8 });
const block = (fields: [string, string][]): string =>
  fields.map(([n, v]) => `${n}:${v}`).join('\r\n');
/** What the module means by a trimmed value: without leading and trailing SP / HTAB. */
const ows = (v: string): string => v.replace(/^[ \t]+|[ \t]+$/g, '');

describe('HeaderNames', () => {
  it('matches names in any case, answering in lower case', () => {
    const set = new HeaderNames(['content-length', 'host']);
    const s = 'Content-Length: 5\r\nHOST: h\r\nhosts: x';
    expect(set.match(s, 0, 14)).toBe('content-length');
    expect(set.match(s, 19, 23)).toBe('host');
    expect(set.match(s, 27, 32)).toBeNull();
  });

  it('property: agrees with a plain lower-case lookup', () => {
    fc.assert(
      fc.property(fc.array(nameArb, { maxLength: 5 }), nameArb, (names, probe) => {
        const lower = names.map((n) => n.toLowerCase());
        const set = new HeaderNames(lower);
        const text = `xx${probe}yy`;
        const want = lower.includes(probe.toLowerCase()) ? probe.toLowerCase() : null;
        expect(set.match(text, 2, 2 + probe.length)).toBe(want);
      }),
    );
  });
});

describe('splitFields / fieldValue', () => {
  it('an empty block has no fields', () => {
    expect(splitFields('')).toEqual([]);
    expect(fieldValue('', 'host')).toBeUndefined();
  });

  it('property: splits a block into names as sent and trimmed values', () => {
    fc.assert(
      fc.property(fieldsArb, (fields) => {
        expect(splitFields(block(fields))).toEqual(fields.flatMap(([n, v]) => [n, ows(v)]));
      }),
    );
  });

  it('property: fieldValue is the first value of that name, any case', () => {
    fc.assert(
      fc.property(fieldsArb, fc.constantFrom(...NAMES), (fields, name) => {
        const first = fields.find(([n]) => n.toLowerCase() === name);
        expect(fieldValue(block(fields), name)).toBe(
          first === undefined ? undefined : ows(first[1]),
        );
      }),
    );
  });

  it('a value ending in the obs-text byte 0xA0 keeps it (only SP and HTAB are trimmed)', () => {
    // RFC 9110 §5.5: field-value = *field-content, obs-text = %x80-FF; OWS = SP / HTAB.
    expect(splitFields('x-a: caf\xa0')).toEqual(['x-a', 'caf\xa0']);
  });
});

describe('filterFields', () => {
  it('drops some lines, picks some values, keeps the rest as sent', () => {
    const drop = new HeaderNames(['connection', 'keep-alive']);
    const pick = new HeaderNames(['connection', 'x-pick']);
    const picked: string[] = [];
    const out = filterFields(
      'Connection: close\r\nX-Keep:  1 \r\nKeep-Alive: timeout=5\r\nx-PICK: \tv\r\nLast: z',
      drop,
      pick,
      picked,
    );
    expect(out).toBe('X-Keep:  1 \r\nx-PICK: \tv\r\nLast: z\r\n');
    expect(picked).toEqual(['connection', 'close', 'x-pick', 'v']);
  });

  it('everything dropped gives an empty block', () => {
    expect(filterFields('a: 1\r\nA: 2', new HeaderNames(['a']), null, null)).toBe('');
  });

  it('property: kept lines are exactly the lines whose names are not dropped, each with CRLF', () => {
    fc.assert(
      fc.property(
        fieldsArb,
        fc.subarray(NAMES),
        fc.subarray(NAMES),
        (fields, dropNames, pickNames) => {
          const picked: string[] = [];
          const out = filterFields(
            block(fields),
            new HeaderNames(dropNames),
            new HeaderNames(pickNames),
            picked,
          );
          const kept = fields.filter(([n]) => !dropNames.includes(n.toLowerCase()));
          expect(out).toBe(kept.map(([n, v]) => `${n}:${v}\r\n`).join(''));
          expect(picked).toEqual(
            fields
              .filter(([n]) => pickNames.includes(n.toLowerCase()))
              .flatMap(([n, v]) => [n.toLowerCase(), ows(v)]),
          );
        },
      ),
    );
  });
});
