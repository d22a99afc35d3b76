import { describe, expect, it } from 'vitest';
import { mergeBalancer } from '../../src/compare/merge-balancer.js';
import { describePatch, parseStrategies, variantsFor } from '../../src/compare/variants.js';
import { UsageError } from '../../src/core/errors.js';
import type { ScenarioBalancer } from '../../src/scenario/schema.js';
import { parseScenario } from '../../src/scenario/scenario.js';

const base: ScenarioBalancer = {
  strategy: { name: 'peak-ewma', decay: 5000 },
  retry: { attempts: 3, backoff: { base: 100, max: 2000 } },
  budget: { kind: 'ratio', percent: 0.2 },
  breaker: { failures: 5, openFor: 30_000 },
};

describe('variant patches', () => {
  it('merge sections key by key and replace values that have several forms', () => {
    expect(
      mergeBalancer(base, {
        strategy: 'p2c',
        retry: { backoff: { max: 500 } },
        budget: { kind: 'token-bucket', maxTokens: 5 },
        breaker: { openFor: 10_000 },
        timeouts: { perTry: 1000 },
      }),
    ).toEqual({
      strategy: 'p2c',
      retry: { attempts: 3, backoff: { base: 100, max: 500 } },
      budget: { kind: 'token-bucket', maxTokens: 5 },
      breaker: { failures: 5, openFor: 10_000 },
      timeouts: { perTry: 1000 },
    });
    expect(mergeBalancer(undefined, { retry: { attempts: 1 } })).toEqual({
      retry: { attempts: 1 },
    });
    expect(mergeBalancer(base, {})).toEqual(base);
  });

  it('spell themselves out when not described', () => {
    expect(describePatch({ strategy: 'p2c', retry: { attempts: 3 } })).toBe(
      'strategy p2c, retry.attempts 3',
    );
    expect(describePatch({})).toBe('as written');
  });

  it('--strategies names are checked', () => {
    expect(parseStrategies('p2c, round-robin')).toEqual(['p2c', 'round-robin']);
    expect(() => parseStrategies('p2c,fastest')).toThrow(
      /unknown strategy "fastest" \(known: .*peak-ewma/,
    );
    expect(() => parseStrategies('p2c,p2c')).toThrow(/listed twice/);
    expect(() => parseStrategies(',')).toThrow(UsageError);
  });

  it('with neither a compare: section nor --strategies there is nothing to compare', () => {
    const s = parseScenario(
      'x.yaml',
      'duration: 1s\nupstreams: [{ name: a }]\nload: { rate: 1/s }\n',
    );
    expect(() => variantsFor(s)).toThrow(
      'nothing to compare: add a compare: section or --strategies',
    );
  });

  it('a compare: section gives one variant per entry, each over the scenario’s balancer', () => {
    const s = parseScenario(
      'x.yaml',
      `duration: 1s
upstreams: [{ name: a }, { name: b }]
load: { rate: 1/s }
balancer: { strategy: round-robin, retry: { attempts: 2, backoff: { base: 50ms } } }
compare:
  variants:
    - { name: p2c, balancer: { strategy: p2c } }
    - { name: "3 attempts", description: more retries, balancer: { retry: { attempts: 3 } } }
`,
    );
    const v = variantsFor(s);
    expect(v.map((x) => [x.name, x.description])).toEqual([
      ['p2c', 'strategy p2c'],
      ['3 attempts', 'more retries'],
    ]);
    expect(v[0]!.scenario.balancer).toEqual({
      strategy: 'p2c',
      retry: { attempts: 2, backoff: { base: 50 } },
    });
    expect(v[1]!.scenario.balancer?.retry).toEqual({ attempts: 3, backoff: { base: 50 } });
    // --strategies replaces the section.
    expect(variantsFor(s, ['random']).map((x) => x.name)).toEqual(['random']);
  });
});
