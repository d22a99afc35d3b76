/** Ends a `switch` over a discriminated union: the compiler proves it unreachable. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}

/** Eager validation for factories: throws a RangeError naming the parameter and the value. */
export function check(ok: boolean, param: string, value: unknown, rule: string): void {
  if (!ok) throw new RangeError(`${param} ${rule}, got ${JSON.stringify(value)}`);
}

export function checkPositive(param: string, value: number): void {
  check(Number.isFinite(value) && value > 0, param, value, 'must be a finite number > 0');
}

export function checkNonNegative(param: string, value: number): void {
  check(Number.isFinite(value) && value >= 0, param, value, 'must be a finite number >= 0');
}

export function checkInteger(param: string, value: number, min: number): void {
  check(Number.isInteger(value) && value >= min, param, value, `must be an integer >= ${min}`);
}

export function checkFraction(param: string, value: number): void {
  check(
    Number.isFinite(value) && value >= 0 && value <= 1,
    param,
    value,
    'must be between 0 and 1',
  );
}
