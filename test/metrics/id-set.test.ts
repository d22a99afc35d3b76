import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IdSet } from '../../src/metrics/id-set.js';

describe('IdSet', () => {
  it('behaves like a Set of numbers under any add/delete/has sequence (model test)', () => {
    const id = fc.oneof(
      fc.integer({ min: 0, max: 40 }),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    );
    const op = fc.tuple(fc.constantFrom('add', 'delete', 'has'), id);
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const mine = new IdSet();
        const model = new Set<number>();
        for (const [kind, raw] of ops) {
          const v = Object.is(raw, -0) ? 0 : raw;
          switch (kind) {
            case 'add':
              expect(mine.add(v)).toBe(!model.has(v));
              model.add(v);
              break;
            case 'delete':
              expect(mine.delete(v)).toBe(model.delete(v));
              break;
            case 'has':
              expect(mine.has(v)).toBe(model.has(v));
              break;
          }
          expect(mine.size).toBe(model.size);
        }
        expect(mine.values()).toEqual([...model].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });
});
