import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leadingComment } from '../../src/docs/library-docs.js';
import { scenariosMarkdown } from '../../src/docs/scenarios-md.js';
import { scenarioReference } from '../../src/docs/scenario-docs.js';
import { libraryFiles, SCENARIO_DIR } from './run-scenario.js';

describe('docs/scenarios.md', () => {
  it('is what `lbsim docs scenarios` generates (run it to refresh the file)', () => {
    const committed = readFileSync(join(SCENARIO_DIR, '../docs/scenarios.md'), 'utf8');
    expect(committed).toBe(scenariosMarkdown(SCENARIO_DIR));
  });

  it('lists every key with its unit, and the defaults the schema describes', () => {
    const ref = scenarioReference();
    expect(ref).toContain('| `duration` | duration (');
    expect(ref).toContain('| `load.rate` | rate (');
    expect(ref).toContain('| `slo.errorRate` | percentage (');
    expect(ref).toMatch(/`balancer\.breaker\.openFor` \| duration .*default 60s/);
    expect(ref).toContain('`faults[] (kind: error).status`');
    expect(ref).toContain('`balancer.strategy.latencyBound`');
  });

  it('every library scenario opens with a comment that says what happens, what to look at, and the setting', () => {
    for (const f of libraryFiles()) {
      const text = leadingComment(readFileSync(join(SCENARIO_DIR, f), 'utf8')).join('\n');
      expect(text, f).toMatch(/What happens:/);
      expect(text, f).toMatch(/What to look at:/);
      expect(text, f).toMatch(/The setting that makes the difference:/);
    }
  });
});
