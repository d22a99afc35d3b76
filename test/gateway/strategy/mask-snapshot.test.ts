import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MaskSnapshot } from '../../../src/gateway/strategy/mask-snapshot.js';

/** A 0/1 mask at a byte offset inside a larger buffer (0 = aligned for the 8-byte compare). */
function maskAt(bits: number[], offset: number): Uint8Array {
  const mask = new Uint8Array(new ArrayBuffer(bits.length + 16), offset, bits.length);
  mask.set(bits);
  return mask;
}

describe('MaskSnapshot', () => {
  it('matches exactly the masks with the same bytes, whatever their alignment, also after in-place changes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }).chain((n) =>
          fc.record({
            held: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
            probes: fc.array(
              fc.record({
                bits: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
                offset: fc.constantFrom(0, 0, 1, 3, 8),
                flip: fc.integer({ min: 0, max: n - 1 }),
              }),
              { maxLength: 10 },
            ),
          }),
        ),
        ({ held, probes }) => {
          const snapshot = new MaskSnapshot(held.length);
          const heldMask = maskAt(held, 0);
          expect(snapshot.matches(heldMask)).toBe(false);
          snapshot.take(heldMask);
          const same = (m: Uint8Array): boolean => m.every((b, i) => b === held[i]);
          for (const { bits, offset, flip } of probes) {
            const mask = maskAt(bits, offset);
            expect(snapshot.matches(mask)).toBe(same(mask));
            mask[flip] = 1 - mask[flip]!; // the cached view must see this
            expect(snapshot.matches(mask)).toBe(same(mask));
            expect(snapshot.matches(heldMask)).toBe(true);
          }
        },
      ),
    );
  });

  it('treats any byte other than 1 as a difference only where the bytes differ', () => {
    const snapshot = new MaskSnapshot(9);
    snapshot.take(Uint8Array.from([1, 0, 1, 0, 1, 0, 1, 0, 1]));
    expect(snapshot.matches(Uint8Array.from([1, 0, 1, 0, 1, 0, 1, 0, 2]))).toBe(false);
    expect(snapshot.matches(Uint8Array.from([1, 0, 1, 2, 1, 0, 1, 0, 1]))).toBe(false);
  });
});
