import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildResult } from '../../src/run/result.js';
import { zRunResult } from '../../src/run/result-schema.js';
import { loadScenario, parseScenario } from '../../src/scenario/scenario.js';
import { runSimulation } from '../../src/sim/engine.js';
import { evaluateSlo } from '../../src/slo/evaluate.js';
import { jsonSchema } from '../../src/cli/commands/schema.js';
import { validateFile } from '../../src/cli/commands/validate.js';
import { InputError } from '../../src/core/errors.js';

function result(s: ReturnType<typeof parseScenario>) {
  const run = runSimulation(s);
  return buildResult(
    {
      name: s.name ?? 'x',
      file: 'x.yaml',
      seed: run.seed,
      mode: 'sim',
      durationMs: run.durationMs,
    },
    run.metrics,
    evaluateSlo(s.slo, run.metrics),
  );
}

describe('result.json schema', () => {
  it('describes what the simulator writes, streaming and cost included', () => {
    const outage = result(loadScenario('scenarios/outage.yaml'));
    const streaming = result(
      parseScenario(
        's.yaml',
        `
duration: 3s
upstreams: [{ name: a, price: { input: 1, output: 8 }, stream: { ttft: 100ms } }]
load: { rate: 20/s, stream: 50% }
slo: { ttftP99: 1s, goodput: 1/s }
`,
      ),
    );
    for (const r of [outage, streaming]) {
      const parsed = zRunResult.safeParse(JSON.parse(JSON.stringify(r)));
      expect(parsed.error?.issues ?? []).toEqual([]);
    }
    expect(streaming.summary.cost?.total).toBeGreaterThan(0);
  });

  it('refuses a result with a field it does not know inside the summary', () => {
    const r = JSON.parse(JSON.stringify(result(loadScenario('scenarios/outage.yaml'))));
    r.summary.p99 = 1;
    expect(zRunResult.safeParse(r).success).toBe(false);
  });

  it('exports JSON Schemas for editors and for result.json', () => {
    const scenario = jsonSchema('scenario') as { properties: Record<string, unknown> };
    expect(Object.keys(scenario.properties)).toEqual(
      expect.arrayContaining(['upstreams', 'faults', 'balancer', 'load', 'slo']),
    );
    const res = jsonSchema('result') as { properties: Record<string, unknown> };
    expect(Object.keys(res.properties)).toEqual(
      expect.arrayContaining(['summary', 'faults', 'slo', 'invariants']),
    );
  });
});

describe('lbsim validate', () => {
  it('accepts the shipped scenario', () => {
    expect(validateFile('scenarios/outage.yaml')).toMatch(/ok \(3 upstreams, 1 faults\)/);
  });

  it('reports the core’s cross-field rules as input errors', () => {
    expect(() =>
      validateFileText('balancer: { breaker: { openFor: 60s, maxOpenFor: 10s } }'),
    ).toThrow(InputError);
  });
});

function validateFileText(extra: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lbsim-validate-'));
  const file = join(dir, 's.yaml');
  writeFileSync(file, `duration: 1s\nupstreams: [{ name: a }]\nload: { rate: 1/s }\n${extra}\n`);
  return validateFile(file);
}
