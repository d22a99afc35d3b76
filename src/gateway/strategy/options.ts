import { check } from '../../core/assert.js';

export type StrategyOptions = Record<string, unknown> | undefined;

/** A typo in an option name must fail loudly, not silently fall back to the default. */
export function checkKnownOptions(
  strategy: string,
  options: StrategyOptions,
  known: readonly string[],
): void {
  if (options === undefined) return;
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  const rule = known.length === 0 ? 'take none' : `may only be ${known.join(', ')}`;
  check(unknown.length === 0, `${strategy} options`, unknown, rule);
}

/**
 * The option `key` as a number, or `fallback` when absent. `validate` receives the parameter
 * name (`strategy.key`) and throws a RangeError for a bad value; the checks in core/assert reject
 * non-numbers too, since they test `Number.isFinite` / `Number.isInteger`.
 */
export function numberOption(
  strategy: string,
  options: StrategyOptions,
  key: string,
  fallback: number,
  validate: (param: string, value: number) => void,
): number {
  const value = options?.[key];
  if (value === undefined) return fallback;
  validate(`${strategy}.${key}`, value as number);
  return value as number;
}
