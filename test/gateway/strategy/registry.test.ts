import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { VirtualScheduler } from '../../../src/core/virtual-scheduler.js';
import {
  createStrategy,
  isStrategyName,
  STRATEGIES,
  STRATEGY_NAMES,
} from '../../../src/gateway/strategy/registry.js';
import { UpstreamTable } from '../../../src/gateway/upstream-table.js';

const ctx = () => ({
  table: new UpstreamTable([{ name: 'a' }, { name: 'b' }]),
  rng: new Rng('r'),
  clock: new VirtualScheduler(),
});

describe('strategy registry', () => {
  it('registers the seven strategies by name', () => {
    expect([...STRATEGY_NAMES].sort()).toEqual(
      [
        'consistent-hash',
        'least-connections',
        'p2c',
        'peak-ewma',
        'random',
        'round-robin',
        'weighted-round-robin',
      ].sort(),
    );
    expect(Object.keys(STRATEGIES)).toEqual([...STRATEGY_NAMES]);
  });

  it('creates each strategy under its own name', () => {
    for (const name of STRATEGY_NAMES) expect(createStrategy(name, ctx()).name).toBe(name);
  });

  it('passes options through to the factory', () => {
    expect(() => createStrategy('peak-ewma', ctx(), { decayMs: -1 })).toThrow(/decayMs/);
  });

  it('rejects an unknown name with a RangeError listing the known ones', () => {
    expect(() => createStrategy('least-conn', ctx())).toThrow(RangeError);
    expect(() => createStrategy('least-conn', ctx())).toThrow(
      /round-robin.*weighted-round-robin.*consistent-hash.*"least-conn"/,
    );
    expect(isStrategyName('constructor')).toBe(false);
    expect(() => createStrategy('toString', ctx())).toThrow(RangeError);
  });
});
