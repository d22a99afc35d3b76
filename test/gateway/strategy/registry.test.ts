import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { VirtualScheduler } from '../../../src/core/virtual-scheduler.js';
import {
  createStrategy,
  isStrategyName,
  STRATEGIES,
  STRATEGY_NAMES,
  STRATEGY_OPTION_DEFAULTS,
} from '../../../src/gateway/strategy/registry.js';
import { UpstreamTable } from '../../../src/gateway/upstream-table.js';

const ctx = () => ({
  table: new UpstreamTable([{ name: 'a' }, { name: 'b' }]),
  rng: new Rng('r'),
  clock: new VirtualScheduler(),
});

describe('strategy registry', () => {
  it('registers the seven strategies of this module by name (others may join)', () => {
    expect(STRATEGY_NAMES).toEqual(
      expect.arrayContaining([
        'round-robin',
        'weighted-round-robin',
        'random',
        'least-connections',
        'p2c',
        'peak-ewma',
        'consistent-hash',
      ]),
    );
    expect(Object.keys(STRATEGIES)).toEqual([...STRATEGY_NAMES]);
  });

  it('creates each strategy under its own name', () => {
    for (const name of STRATEGY_NAMES) expect(createStrategy(name, ctx()).name).toBe(name);
  });

  it('lists every option with a default the factory accepts, and no others', () => {
    for (const name of STRATEGY_NAMES) {
      const defaults = STRATEGY_OPTION_DEFAULTS[name];
      expect(() => createStrategy(name, ctx(), { ...defaults })).not.toThrow();
      expect(() => createStrategy(name, ctx(), { ...defaults, extra: 1 })).toThrow(/extra/);
    }
    expect(STRATEGY_OPTION_DEFAULTS['peak-ewma']).toEqual({
      decayMs: 10_000,
      failurePenaltyMs: 10_000,
      defaultCostMs: 30,
    });
    expect(STRATEGY_OPTION_DEFAULTS['consistent-hash']).toEqual({ virtualNodes: 160 });
  });

  it('passes options through to the factory', () => {
    expect(() => createStrategy('peak-ewma', ctx(), { decayMs: -1 })).toThrow(/decayMs/);
  });

  it('rejects an unknown name with a RangeError listing the known ones', () => {
    expect(() => createStrategy('least-conn', ctx())).toThrow(RangeError);
    expect(() => createStrategy('least-conn', ctx())).toThrow(
      /round-robin, weighted-round-robin, .*consistent-hash.*"least-conn"/,
    );
    expect(isStrategyName('constructor')).toBe(false);
    expect(() => createStrategy('toString', ctx())).toThrow(RangeError);
  });
});
