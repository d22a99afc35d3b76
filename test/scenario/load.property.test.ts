import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { z } from 'zod';
import { InputError } from '../../src/core/errors.js';
import { loadYamlText } from '../../src/scenario/load.js';
import { zDuration } from '../../src/scenario/units-zod.js';
import { sampleScenario } from './sample-schema.js';

const small = z.strictObject({
  name: z.string(),
  count: z.int(),
  ratio: z.number(),
  enabled: z.boolean(),
  mode: z.enum(['fast', 'slow']),
  tags: z.array(z.string()),
  limits: z.record(z.string(), z.number()),
  nested: z.strictObject({ label: z.string().optional(), items: z.array(z.int()) }).optional(),
});

const smallValue = fc.record(
  {
    name: fc.string({ unit: 'binary' }),
    count: fc.integer(),
    ratio: fc.double({ noNaN: true, noDefaultInfinity: true }),
    enabled: fc.boolean(),
    mode: fc.constantFrom('fast' as const, 'slow' as const),
    tags: fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 4 }),
    limits: fc.dictionary(
      // __proto__ is refused with a problem of its own (see load.test.ts), not loaded back.
      fc.string({ unit: 'binary' }).filter((k) => k !== '__proto__'),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      {
        maxKeys: 4,
        noNullPrototype: true,
      },
    ),
    nested: fc.record(
      { label: fc.string(), items: fc.array(fc.integer(), { maxLength: 4 }) },
      { requiredKeys: ['items'] },
    ),
  },
  { requiredKeys: ['name', 'count', 'ratio', 'enabled', 'mode', 'tags', 'limits'] },
);

describe('loadYamlText properties', () => {
  it('loads back any value of the schema that yaml.stringify wrote', () => {
    fc.assert(
      fc.property(smallValue, (value) => {
        expect(loadYamlText('p.yaml', stringify(value), small)).toEqual(value);
      }),
      { numRuns: 300 },
    );
  });

  it('reads durations written with units as the same milliseconds', () => {
    const schema = z.strictObject({ waits: z.array(zDuration) });
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 6 }),
        fc.constantFrom('ms', 's'),
        (amounts, unit) => {
          const text = stringify({ waits: amounts.map((n) => `${n}${unit}`) });
          const scale = unit === 's' ? 1000 : 1;
          expect(loadYamlText('d.yaml', text, schema)).toEqual({
            waits: amounts.map((n) => n * scale),
          });
        },
      ),
    );
  });

  // Random text, and text made of YAML's own punctuation and this schema's words, so that some of
  // it parses and reaches the schema.
  const token = fc.constantFrom(
    ...[
      ' ',
      '  ',
      '\n',
      '\t',
      ':',
      ': ',
      '- ',
      '[',
      ']',
      '{',
      '}',
      ',',
      '&a ',
      '*a',
      '!!str ',
      '!!map ',
      '"',
      "'",
      '#',
      '---\n',
      '...\n',
      '? ',
      '|',
      '>',
      '<<: ',
      '%YAML 1.2\n',
      '\\',
      'name',
      'duration',
      'upstreams',
      'load',
      'rate',
      'faults',
      'kind',
      'down',
      'slow',
      'by',
      '5',
      '5s',
      '200/s',
      '-1',
      '1.5',
      'true',
      'null',
      '~',
      '\u00e9',
      '\ufeff',
      '\r\n',
    ],
  );
  const yamlish = fc.array(token, { maxLength: 60 }).map((parts) => parts.join(''));

  it('throws nothing but InputError, with placed problems in file order', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), yamlish), (text) => {
        let problems;
        try {
          loadYamlText('r.yaml', text, sampleScenario);
          return;
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          problems = err.problems;
        }
        expect(problems.length).toBeGreaterThan(0);
        const lines = text.split('\n').length;
        for (const p of problems) {
          expect(p.file).toBe('r.yaml');
          expect(p.line).toBeGreaterThanOrEqual(1);
          expect(p.line).toBeLessThanOrEqual(lines);
          expect(p.col).toBeGreaterThanOrEqual(1);
          expect(p.message).not.toBe('');
          expect(p.message).not.toMatch(/\n/);
        }
        const order = problems.map((p) => p.line * 1e6 + p.col);
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }),
      { numRuns: 1000 },
    );
  }, 120_000);
});
