import { describe, expect, it } from 'vitest';
import { fanOut } from '../../src/metrics/fan-out.js';
import { req } from './helpers.js';

describe('fanOut', () => {
  it('forwards every event to each listener that wants it, in order, with its arguments', () => {
    const seen: string[] = [];
    const a = {
      onRequestStart: (_r: unknown, now: number) => seen.push(`a start ${now}`),
      onStateChange: (u: number, c: string, s: string, now: number) =>
        seen.push(`a ${u} ${c} ${s} ${now}`),
    };
    const b = { onRequestStart: (_r: unknown, now: number) => seen.push(`b start ${now}`) };
    const l = fanOut(a, b);
    l.onRequestStart?.(req(1), 5);
    l.onStateChange?.(2, 'breaker', 'open', 6);
    expect(seen).toEqual(['a start 5', 'b start 5', 'a 2 breaker open 6']);
    expect(l.onAttemptStart).toBeUndefined();
  });
});
