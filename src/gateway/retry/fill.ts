/** `{ ...defaults, ...partial }`, except that a key given as `undefined` keeps its default. */
export function withDefaults<T extends object>(defaults: Readonly<T>, partial: Partial<T>): T {
  const out = { ...defaults } as T;
  for (const k of Object.keys(partial) as (keyof T)[]) {
    const v = partial[k];
    if (v !== undefined) out[k] = v as T[keyof T];
  }
  return out;
}
