import { z } from 'zod';
import { parseDuration, parsePercentage, parseRate, parseSize, UnitError } from '../core/units.js';

/**
 * zod types for values with units. They accept the text people write ("250ms", "200/s", "0.1%")
 * and give numbers (ms, per second, fraction, bytes). A bare number is refused with a message that
 * names the units, because "5" could mean 5 ms or 5 s.
 */
function unitType(kind: string, parse: (text: string) => number, example: string) {
  return z
    .union([z.string(), z.number()], { error: `expected a ${kind} such as "${example}"` })
    .transform((value, ctx) => {
      if (typeof value === 'number') {
        ctx.addIssue({
          code: 'custom',
          message: `a ${kind} needs a unit: write "${value}${example.replace(/^[\d.]+/, '')}" or similar, e.g. "${example}"`,
        });
        return z.NEVER;
      }
      try {
        return parse(value);
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          message: err instanceof UnitError ? err.message : String(err),
        });
        return z.NEVER;
      }
    });
}

/** Milliseconds. */
export const zDuration = unitType('duration', parseDuration, '250ms');
/** Per second. */
export const zRate = unitType('rate', parseRate, '200/s');
/** A fraction in [0, 1]. */
export const zPercentage = unitType('percentage', parsePercentage, '0.5%');
/** Bytes. */
export const zSize = unitType('size', parseSize, '64kb');
